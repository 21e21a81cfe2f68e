"""Mailin.ai client calls of the Microsoft section, verification and credits: what each sends
(method, path, body) and how it reads the answers, with httpx.MockTransport."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.core.errors import UnprocessableError
from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin.errors import InsufficientCreditsError

from ..fake_api import FakeApi
from ..fake_api import Handler as FakeHandler
from .fake_account import PREFIX

BASE = "https://api.mailin.test/api/v1/public"
Handler = Callable[[httpx.Request], httpx.Response]


def page(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"current_page": 1, "data": items, "last_page": 1, "next_page_url": None, "total": 1}


def reply(status: int, body: Any) -> FakeHandler:
    return lambda _call: httpx.Response(status, json=body)


class Recorder(FakeApi):
    """Mailin.ai answering each endpoint of `answers` with its body (200) or its (status,
    body); `sent()` is what the client called, as `METHOD /path`, for the tests to hold against
    the page's paths."""

    def __init__(self, answers: dict[Endpoint, Any]) -> None:
        super().__init__(ep, base_path=PREFIX)
        for endpoint, answer in answers.items():
            status, body = answer if isinstance(answer, tuple) else (200, answer)
            self.on(endpoint, reply(status, body))

    @property
    def requests(self) -> list[httpx.Request]:
        return [call.request for call in self.calls]

    def body(self, index: int = -1) -> Any:
        return self.calls[index].body

    def sent(self) -> list[str]:
        return [f"{call.method} {call.path}" for call in self.calls]


def client_for(recorder: Handler) -> MailinClient:
    retry = RetryPolicy(attempts=1, initial_wait=0.0)
    return MailinClient(BASE, token="t-1", retry=retry, transport=httpx.MockTransport(recorder))


def test_inbox_provider_calls() -> None:
    rec = Recorder(
        {
            ep.ADD_INBOX_PROVIDER: (201, {"message": "ok", "provider_id": 7}),
            ep.LIST_INBOX_PROVIDERS: page(
                [{"id": 7, "provider": "smartlead", "api_key": "KEY-77"}]
            ),
            ep.UPDATE_INBOX_PROVIDER: {"message": "Provider updated successfully."},
            ep.DELETE_INBOX_PROVIDER: {"message": "Provider deleted successfully."},
        }
    )
    client = client_for(rec)
    assert client.add_inbox_provider({"name": "SL", "provider": "smartlead", "api_key": "k"}) == 7
    assert rec.body() == {"name": "SL", "provider": "smartlead", "api_key": "k"}
    assert rec.requests[-1].headers["authorization"] == "Bearer t-1"
    [found] = client.list_inbox_providers()
    assert found.id == 7 and "KEY-77" not in repr(found)  # keys are kept out of reprs
    client.update_inbox_provider(7, {"api_key": "k2", "oauth_url": None})
    assert rec.body() == {"api_key": "k2", "oauth_url": None}
    client.delete_inbox_provider(7)
    assert rec.sent() == [
        "POST /inbox-providers/add",
        "GET /inbox-providers",
        "PUT /inbox-providers/update/7",
        "DELETE /inbox-providers/delete/7",
    ]


def test_registrar_calls_use_the_pages_paths() -> None:
    rec = Recorder(
        {
            ep.ADD_DOMAIN_REGISTRAR: (201, {"message": "ok", "id": 3}),
            ep.LIST_DOMAIN_REGISTRARS: page([{"id": 3, "provider": "namecheap"}]),
            ep.UPDATE_DOMAIN_REGISTRAR: {"message": "ok"},
            ep.DELETE_DOMAIN_REGISTRAR: {"message": "ok"},
        }
    )
    client = client_for(rec)
    assert client.add_domain_registrar({"name": "NC", "provider": "namecheap"}) == 3
    assert [r.provider for r in client.list_domain_registrars()] == ["namecheap"]
    client.update_domain_registrar(3, {"api_key": "x"})
    client.delete_domain_registrar(3)
    assert rec.sent() == [
        "POST /domain-registrars/add",
        "GET /domain-registrars",
        "PUT /domain-registrars/update/3",
        "DELETE /domain-registrars/3",
    ]


def test_azure_order_calls() -> None:
    order = {
        "id": 4,
        "full_name": "Tomer Levi",
        "domain": "Example.com",
        "mailbox_mode": "auto",
        "provider_id": 1,
        "is_purchase": "0",
        "mailboxes": [{"name": "J", "username": "j@example.com", "password": "******"}],
    }
    rec = Recorder(
        {
            ep.ADD_AZURE_ORDER: (201, {"message": "Order processed successfully."}),
            ep.LIST_AZURE_ORDERS: page([order]),
            ep.AZURE_ORDER_STATUS: {"data": {"id": 4, "status": "Ready"}},
            ep.AZURE_ORDER_NAMESERVERS: {"status": "ready", "nameservers": ["a", "b"]},
            ep.AZURE_ORDER_MAILBOXES: {
                "mailboxes": [{"name": "J", "username": "j@example.com", "password": "pw-9"}]
            },
            ep.DELETE_AZURE_ORDER: {"message": "Order deleted successfully."},
            ep.SET_AZURE_MASTER_DOMAIN: {"message": "ok"},
            ep.SET_AZURE_INBOX_PROVIDER: {"message": "ok"},
            ep.REMOVE_AZURE_INBOX_PROVIDER: {"message": "ok"},
            ep.TRIGGER_AZURE_REUPLOAD: {"message": "ok"},
            ep.AZURE_UPLOAD_STATUS: {
                "upload_status_summary": {
                    "total": 100,
                    "uploaded": 60,
                    "alreadyExistsOtherAccount": 2,
                    "pending": 37,
                    "failed": 1,
                }
            },
        }
    )
    client = client_for(rec)
    client.add_azure_order({"mailbox_mode": "auto", "full_name": ["A B"], "domain": "example.com"})
    found = client.find_azure_order("example.com")
    assert found is not None and found.full_name == ["Tomer Levi"] and found.is_purchase is False
    assert client.get_azure_order(4) == found and client.get_azure_order(5) is None
    assert client.get_azure_order_status(4) == "ready"
    assert client.get_azure_nameservers(4).nameservers == ["a", "b"]
    [mailbox] = client.get_azure_mailboxes(4)
    assert mailbox.password == "pw-9" and "pw-9" not in repr(mailbox)
    client.set_azure_master_domain(4, "main.com")
    assert rec.body() == {"forward_to": "main.com"}
    # the page has no way to remove a master domain: no call sends a null forward_to
    assert not hasattr(client, "remove_azure_master_domain")
    client.set_azure_inbox_provider(4, 9)
    assert rec.body() == {"provider_id": 9}
    client.remove_azure_inbox_provider(4)
    client.trigger_azure_reupload(4)
    summary = client.get_azure_upload_status(4)
    assert (summary.uploaded, summary.already_exists_other_account, summary.failed) == (60, 2, 1)
    client.delete_azure_order(4)
    assert rec.sent()[-1] == "GET /azure-orders/remove/4"  # the page's delete really is a GET
    assert set(rec.sent()) == {  # every call at the page's path
        "POST /azure-orders/add",
        "GET /azure-orders",
        "GET /azure-orders/status/4",
        "GET /azure-orders/nameservers/4",
        "GET /azure-orders/get-mailboxes/4",
        "GET /azure-orders/remove/4",
        "POST /azure-orders/set-redirect-domain/4",
        "POST /azure-orders/set-inbox-provider/4",
        "POST /azure-orders/remove-inbox-provider/4",
        "POST /azure-orders/trigger-re-upload/4",
        "GET /azure-orders/get-inbox-provider-status/4",
    }


def test_verification_calls_send_forms_and_read_tasks() -> None:
    rec = Recorder(
        {
            ep.GET_CREDITS: {"total_credits": 120000},
            ep.CREDIT_HISTORY: page(
                [{"id": 12, "reason": "Bulk", "credit": 0, "debit": 50, "total_credit": 450}]
            ),
            ep.VERIFY_BULK_EMAILS: (210, {"message": "started", "task_id": "bulk_1"}),
            ep.VERIFY_BULK_FILE: (210, {"message": "uploaded", "task_id": "bulk_2"}),
            ep.VERIFY_SINGLE_EMAIL: (
                210,
                {"task_id": "abc", "status": "success", "credit_used": 1, "result": "deliverable"},
            ),
            ep.GET_SINGLE_EMAIL: {"task_id": "abc", "status": "verifying"},
        }
    )
    client = client_for(rec)
    assert client.get_credits() == 120000
    assert client.credit_history()[0].debit == 50
    assert client.verify_bulk_emails(["a@x.com", "b@x.com"]) == "bulk_1"
    sent = rec.requests[-1]
    assert sent.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert b"emails=a%40x.com%2Cb%40x.com" in sent.content and b"type=standard" in sent.content
    assert client.verify_bulk_file("e.csv", b"email\na@x.com\n", "catch_all") == "bulk_2"
    assert rec.requests[-1].headers["content-type"].startswith("multipart/form-data")
    single = client.verify_single_email("a@x.com")
    assert single.credits_used == 1 and single.result == "deliverable"
    assert client.get_single_email("abc").status == "verifying"
    assert rec.requests[-1].url.params["task_id"] == "abc"
    assert rec.sent() == [
        "GET /get-credits",
        "GET /credit-history",
        "POST /verify-bulk-emails",
        "POST /verify-bulk-file",
        "POST /verify-single-email",
        "GET /get-single-email",
    ]
    with pytest.raises(ValueError, match="1 to 500 addresses"):
        client.verify_bulk_emails([f"u{i}@x.com" for i in range(501)])
    with pytest.raises(ValueError, match="at most 25 MB"):
        client.verify_bulk_file("big.csv", b"x" * (25 * 1024 * 1024 + 1))


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"message": "Email verification is still in progress. Please check..."}, "pending", None),
        (
            {
                "message": "Your task could not be processed. The used credits have been refunded.",
                "reason": "Column with email addresses not found",
            },
            "failed",
            "Column with email addresses not found",
        ),
        (
            {"task_id": "bulk_1", "status": "finished", "total_rows": 3, "deliverable": 3},
            "finished",
            None,
        ),
    ],
)
def test_bulk_task_states(body: dict[str, Any], status: str, reason: str | None) -> None:
    rec = Recorder({ep.GET_BULK_TASK: body})
    task = client_for(rec).get_bulk_task("bulk_1")
    assert rec.sent() == ["GET /get-task-detail"]
    assert (task.status, task.reason, task.task_id) == (status, reason, "bulk_1")
    assert task.finished is (status == "finished")


def test_a_refused_verification_names_needed_and_left_credits() -> None:
    message = "You need 500 credits to verify this file, but you only have 200."
    client = client_for(Recorder({ep.VERIFY_BULK_FILE: (422, {"message": message})}))
    with pytest.raises(InsufficientCreditsError) as caught:
        client.verify_bulk_file("e.csv", b"email\n")
    assert (caught.value.needed, caught.value.left) == (500, 200)
    assert "needs 500 credits, but the account has 200 left" in str(caught.value)
    other = client_for(Recorder({ep.VERIFY_BULK_EMAILS: (422, {"message": "nope"})}))
    with pytest.raises(UnprocessableError):
        other.verify_bulk_emails(["a@x.com"])


def test_download_follows_the_link_without_the_token() -> None:
    files: list[httpx.Request] = []

    def file_server(request: httpx.Request, _path: str) -> httpx.Response:
        """The link's host: no endpoint of Mailin.ai's table."""
        files.append(request)
        return httpx.Response(200, content=b"email,result\na@x.com,deliverable\n")

    rec = Recorder({ep.DOWNLOAD_VERIFIED_EMAILS: {"download_url": "https://files.test/r.csv"}})
    rec.unrouted = file_server
    data = client_for(rec).download_verified_emails("bulk_1", "deliverable")
    assert data == b"email,result\na@x.com,deliverable\n"
    [asked] = rec.requests
    assert b"task_id=bulk_1" in asked.content and b"download_type=deliverable" in asked.content
    [link] = files
    assert str(link.url) == "https://files.test/r.csv"
    assert "authorization" not in link.headers
