"""Issue 11, defect 15 and verified deletes for InboxProvider, DomainRegistrar and AzureOrder:
an entry a create adopted stays on delete unless `destroy_adopted=True`; a delete is confirmed
by reading the list back, and a 404 on the delete counts only when the read agrees."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin.accounts import DomainRegistrarProvider, InboxProviderProvider
from pulumi_inboxed.mailin.azure_order import AzureOrderProvider
from pulumi_inboxed.sandbox import SandboxProcess

TOKEN = "mailin-sandbox-token"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    args = ["--mailin-azure-seconds", "0.2", "--mailin-upload-seconds", "100000"]
    with SandboxProcess(extra_args=args, lifetime=300) as process:
        yield process


@pytest.fixture
def client(sandbox: SandboxProcess) -> MailinClient:
    sandbox.control.reset()
    return MailinClient(sandbox.mailin_url, token=TOKEN)


def configured(provider: Any, sandbox: SandboxProcess) -> Any:
    provider._config = {
        "mailin:baseUrl": sandbox.mailin_url,
        "mailin:apiToken": TOKEN,
        "mailin:pollIntervalSeconds": "0.1",
    }
    return provider


def logged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    messages: list[str] = []
    monkeypatch.setattr("pulumi.log.info", lambda message, *a, **k: messages.append(message))
    return messages


ACCOUNT_KINDS = [
    (InboxProviderProvider, {"name": "SL", "provider": "instantly", "api_key": "k"}),
    (
        DomainRegistrarProvider,
        {"name": "PB", "provider": "porkbun", "api_key": "k", "secret_api_key": "s"},
    ),
]


def listed(client: MailinClient, provider: Any) -> list[int]:
    entries = (
        client.list_inbox_providers()
        if isinstance(provider, InboxProviderProvider)
        else client.list_domain_registrars()
    )
    return [e.id for e in entries]


@pytest.mark.parametrize(("cls", "news"), ACCOUNT_KINDS)
def test_an_adopted_account_entry_stays_unless_destroy_adopted(
    sandbox: SandboxProcess,
    client: MailinClient,
    monkeypatch: pytest.MonkeyPatch,
    cls: type[Any],
    news: dict[str, Any],
) -> None:
    messages = logged(monkeypatch)
    provider = configured(cls(), sandbox)
    existing = provider._add(client, {**news, "api_key": "old"})  # made by hand, before
    inputs = provider.check({}, news).inputs
    assert inputs["destroy_adopted"] is False
    created = provider.create(inputs)
    assert created.id == str(existing) and created.outs["adopted"] is True
    provider.delete(created.id, created.outs)
    assert existing in listed(client, provider)  # kept, and the delete says so
    assert "left in the account" in messages[-1] and f"'{news['name']}'" in messages[-1]
    assert "destroy_adopted=True" in messages[-1]

    # opting in is an in-place change of state only; then delete removes it, verified
    opted = provider.check(inputs, {**news, "destroy_adopted": True}).inputs
    diff = provider.diff(created.id, created.outs, opted)
    assert diff.changes and not diff.replaces
    updated = provider.update(created.id, created.outs, opted).outs
    assert updated["adopted"] is True and updated["destroy_adopted"] is True
    provider.delete(created.id, updated)
    assert existing not in listed(client, provider)


@pytest.mark.parametrize(("cls", "news"), ACCOUNT_KINDS)
def test_an_entry_the_create_made_is_deleted(
    sandbox: SandboxProcess, client: MailinClient, cls: type[Any], news: dict[str, Any]
) -> None:
    provider = configured(cls(), sandbox)
    created = provider.create(provider.check({}, news).inputs)
    assert created.outs["adopted"] is False
    provider.delete(created.id, created.outs)
    assert int(created.id) not in listed(client, provider)


def test_an_adopted_azure_order_stays_unless_destroy_adopted(
    sandbox: SandboxProcess, client: MailinClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages = logged(monkeypatch)
    provider = configured(AzureOrderProvider(), sandbox)
    news = {"domain": "kept-ms.com", "mailbox_mode": "auto", "full_names": ["Ann Lee"]}
    client.add_azure_order({**news, "full_name": ["Ann Lee"], "is_purchase": 1})  # by hand
    before = client.find_azure_order("kept-ms.com")
    assert before is not None
    inputs = provider.check({}, news).inputs
    created = provider.create(inputs)
    assert created.id == str(before.id) and created.outs["adopted"] is True
    provider.delete(created.id, created.outs)
    assert client.find_azure_order("kept-ms.com") is not None
    assert "kept-ms.com" in messages[-1] and "destroy_adopted=True" in messages[-1]

    provider.delete(created.id, {**created.outs, "destroy_adopted": True})
    assert client.find_azure_order("kept-ms.com") is None

    made = provider.create(inputs)  # nothing there now: placed, and deleted on destroy
    assert made.outs["adopted"] is False
    provider.delete(made.id, made.outs)
    assert client.find_azure_order("kept-ms.com") is None


# A delete whose object is still listed: an API that answers 404 (or 200) and keeps it ----------

ORDER = {"id": 4, "domain": "stay.com", "mailbox_mode": "auto", "provider_id": None}
ACCOUNT = {"id": 4, "name": "SL", "provider": "smartlead"}


def stubborn_client(delete_status: int) -> MailinClient:
    """A Mailin.ai whose deletes answer `delete_status` and remove nothing."""

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if "/remove/" in path or "/delete/" in path or request.method == "DELETE":
            return httpx.Response(delete_status, json={"message": "Not found."})
        entry = ORDER if "azure-orders" in path else ACCOUNT
        body = {"current_page": 1, "data": [entry], "last_page": 1, "next_page_url": None}
        return httpx.Response(200, content=json.dumps(body))

    return MailinClient(
        "https://api.mailin.ai/api/v1/public",
        token="1|tok",
        retry=RetryPolicy(attempts=1),
        transport=httpx.MockTransport(handler),
    )


@pytest.mark.parametrize("delete_status", [404, 200])
@pytest.mark.parametrize(
    ("provider", "props", "named"),
    [
        (AzureOrderProvider(), {"domain": "stay.com"}, "Mailin.ai Azure order stay.com (order 4)"),
        (InboxProviderProvider(), {"name": "SL", "provider": "smartlead"}, "inbox provider 'SL'"),
        (DomainRegistrarProvider(), {"name": "SL", "provider": "smartlead"}, "registrar 'SL'"),
    ],
)
def test_a_delete_is_confirmed_by_reading_back(
    monkeypatch: pytest.MonkeyPatch,
    provider: Any,
    props: dict[str, Any],
    named: str,
    delete_status: int,
) -> None:
    """The old deletes swallowed a 404 (and trusted a 200): destroy said deleted while the
    object stayed."""
    stub = stubborn_client(delete_status)
    monkeypatch.setattr(provider, "_client", lambda: stub)
    monkeypatch.setattr("pulumi_inboxed.mailin.azure_order.DELETE_SETTLE_SECONDS", 0.3)
    monkeypatch.setattr("pulumi_inboxed.mailin.accounts.DELETE_SETTLE_SECONDS", 0.3)
    with pytest.raises(DeleteNotConfirmedError) as info:
        provider.delete("4", {**props, "adopted": False})
    assert named in str(info.value)
    if delete_status == 404:
        assert "answered 404" in str(info.value)
