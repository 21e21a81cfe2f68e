"""The sandbox's Mailin.ai Microsoft, verification and credit routes, over HTTP in a real child
process on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox import SandboxProcess

AUTH = {"Authorization": "Bearer mailin-sandbox-token"}
CREDITS = 50


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    # Orders ready and tasks done at once; uploads never move unless the control API finishes
    # them (so no assertion depends on timing).
    args = ["--mailin-azure-seconds", "0", "--mailin-verify-seconds", "0"]
    args += ["--mailin-upload-seconds", "100000", "--mailin-credits", str(CREDITS)]
    with SandboxProcess(extra_args=args, lifetime=300) as process:
        yield process


@pytest.fixture
def api(sandbox: SandboxProcess) -> Iterator[httpx.Client]:
    sandbox.control.reset()
    with httpx.Client(base_url=sandbox.mailin_url, headers=AUTH, timeout=10) as client:
        yield client


def add_provider(api: httpx.Client, **extra: Any) -> int:
    body = {"name": "SL", "provider": "smartlead", "api_key": "k-1", "oauth_url": "https://o.x/a"}
    response = api.post("/inbox-providers/add", json={**body, **extra})
    assert response.status_code == 201, response.text
    return int(response.json()["provider_id"])


def manual_order(domain: str, count: int = 100, **extra: Any) -> dict[str, Any]:
    mailboxes = [{"name": f"User {i}", "email": f"user{i}@{domain}"} for i in range(count)]
    return {"mailbox_mode": "manual", "mailboxes": mailboxes, "domain": domain, "is_purchase": 1}


def only_order(api: httpx.Client) -> dict[str, Any]:
    data = api.get("/azure-orders").json()["data"]
    assert len(data) == 1
    return dict(data[0])


MICROSOFT_AND_VERIFICATION = endpoints.ALL[
    endpoints.ALL.index(endpoints.ADD_INBOX_PROVIDER) : endpoints.ALL.index(
        endpoints.DOWNLOAD_VERIFIED_EMAILS
    )
    + 1
]


@pytest.mark.parametrize("endpoint", MICROSOFT_AND_VERIFICATION, ids=lambda e: e.doc)
def test_every_microsoft_verification_and_credit_path_is_served(
    api: httpx.Client, endpoint: endpoints.Endpoint
) -> None:
    path = endpoint.path.split("{")[0] + "999999" if "{" in endpoint.path else endpoint.path
    response = api.request(endpoint.method, path)
    # the route exists: Mailin.ai's own answer (a 404 for an id no one has, a 422 for an empty
    # body, or the data), never the framework's "Not Found" / "Method Not Allowed"
    assert response.status_code != 405, endpoint
    body = response.json()
    assert body.get("message") not in ("Not Found", "Method Not Allowed"), (endpoint, body)


def test_inbox_provider_required_fields_per_provider(api: httpx.Client) -> None:
    response = api.post("/inbox-providers/add", json={"name": "PV", "provider": "plusvibe"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "api_key": ["The api key field is required when provider is plusvibe."],
        "workspace_id": ["The workspace id field is required when provider is plusvibe."],
    }
    response = api.post("/inbox-providers/add", json={"name": "X", "provider": "mailchimp"})
    assert response.json()["errors"]["provider"] == ["The selected provider is invalid."]


def test_namecheap_needs_api_user_username_and_a_whitelisted_ip(api: httpx.Client) -> None:
    body = {"name": "NC", "provider": "namecheap", "api_key": "k", "whitelisted_ip": "10.0.0"}
    response = api.post("/domain-registrars/add", json=body)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "api_user": ["The api user field is required when provider is namecheap."],
        "username": ["The username field is required when provider is namecheap."],
        "whitelisted_ip": ["The whitelisted ip field must be a valid IP address."],
    }
    body.update(api_user="me", username="me@x.com", whitelisted_ip="65.109.237.170")
    response = api.post("/domain-registrars/add", json=body)
    assert response.status_code == 201
    assert response.json()["message"] == "Domain registrar created successfully."


def test_providers_list_update_delete_never_show_passwords(api: httpx.Client) -> None:
    provider_id = add_provider(api, password="pw-secret-1")
    listed = api.get("/inbox-providers", params={"per_page": 10}).json()
    assert listed["total"] == 1
    entry = listed["data"][0]
    assert entry["id"] == provider_id and entry["api_key"] == "k-1"
    assert "password" not in entry and "pw-secret-1" not in str(listed)
    update = {"provider": "instantly", "api_key": "k-2", "oauth_url": None}
    response = api.put(f"/inbox-providers/update/{provider_id}", json=update)
    assert response.json() == {"message": "Provider updated successfully."}
    entry = api.get("/inbox-providers").json()["data"][0]
    assert (entry["provider"], entry["api_key"], entry["oauth_url"]) == ("instantly", "k-2", None)
    # smartlead needs its OAuth URL: switching back without it is refused
    response = api.put(f"/inbox-providers/update/{provider_id}", json={"provider": "smartlead"})
    assert response.status_code == 422
    assert "oauth url" in response.json()["message"]
    assert api.delete(f"/inbox-providers/delete/{provider_id}").status_code == 200
    assert api.delete(f"/inbox-providers/delete/{provider_id}").status_code == 404


def test_manual_orders_need_exactly_100_mailboxes_on_the_domain(api: httpx.Client) -> None:
    response = api.post("/azure-orders/add", json=manual_order("acme-ms.com", 99))
    assert response.status_code == 422
    assert response.json()["message"] == "The mailboxes field must contain 100 items."
    body = manual_order("acme-ms.com")
    body["mailboxes"][7]["email"] = "user7@elsewhere.com"
    response = api.post("/azure-orders/add", json=body)
    assert response.json()["errors"] == {
        "mailboxes.7.email": ["The mailboxes.7.email must belong to the domain acme-ms.com."]
    }
    response = api.post("/azure-orders/add", json=manual_order("acme-ms.io"))
    assert "must end with .com, .co, .biz or .ca" in response.json()["message"]
    transfer = {**manual_order("acme-ms.io"), "is_purchase": 0}
    assert api.post("/azure-orders/add", json=transfer).status_code == 201


def test_an_order_becomes_ready_with_nameservers_and_mailboxes(api: httpx.Client) -> None:
    provider_id = add_provider(api)
    body = {**manual_order("ready-ms.com"), "provider_id": provider_id}
    response = api.post("/azure-orders/add", json=body)
    assert response.status_code == 201
    assert response.json()["message"].startswith("Order processed successfully.")
    again = api.post("/azure-orders/add", json=body)
    assert again.status_code == 422
    assert again.json() == {"message": "Order already exists in your account."}
    order = only_order(api)
    assert order["provider_id"] == provider_id and order["provider"]["name"] == "SL"
    assert {m["password"] for m in order["mailboxes"]} == {"******"}  # masked in the list
    oid = order["id"]
    assert api.get(f"/azure-orders/status/{oid}").json() == {"data": {"id": oid, "status": "ready"}}
    ns = api.get(f"/azure-orders/nameservers/{oid}").json()
    assert ns["status"] == "ready" and len(ns["nameservers"]) == 4
    assert all(".azure-dns." in n for n in ns["nameservers"])
    mailboxes = api.get(f"/azure-orders/get-mailboxes/{oid}").json()["mailboxes"]
    assert len(mailboxes) == 100 and mailboxes[0]["username"] == "user0@ready-ms.com"
    assert all(len(m["password"]) >= 12 for m in mailboxes)
    assert api.get(f"/azure-orders/remove/{oid}").json() == {
        "message": "Order deleted successfully."
    }
    assert api.get(f"/azure-orders/status/{oid}").status_code == 404


def test_auto_mode_generates_100_distinct_addresses(api: httpx.Client) -> None:
    body = {"mailbox_mode": "auto", "full_name": ["John Doe", "Sam Doe"], "domain": "auto-ms.com"}
    assert api.post("/azure-orders/add", json=body).status_code == 422  # is_purchase missing
    body["is_purchase"] = 1
    assert api.post("/azure-orders/add", json=body).status_code == 201
    oid = only_order(api)["id"]
    mailboxes = api.get(f"/azure-orders/get-mailboxes/{oid}").json()["mailboxes"]
    names = [m["username"] for m in mailboxes]
    assert len(set(names)) == 100 and names[:2] == ["john@auto-ms.com", "sam@auto-ms.com"]
    assert {m["name"] for m in mailboxes} == {"John Doe", "Sam Doe"}


def test_upload_summary_master_domain_and_provider_changes(
    sandbox: SandboxProcess, api: httpx.Client
) -> None:
    first, second = add_provider(api), add_provider(api, name="SL2")
    body = manual_order("upload-ms.com")
    body["mailboxes"][0]["email"] = "fail-one@upload-ms.com"
    body["mailboxes"][1]["email"] = "taken-two@upload-ms.com"
    assert api.post("/azure-orders/add", json={**body, "provider_id": first}).status_code == 201
    oid = only_order(api)["id"]
    status = f"/azure-orders/get-inbox-provider-status/{oid}"
    pending = {"total": 100, "uploaded": 0, "alreadyExistsOtherAccount": 0, "pending": 100}
    assert api.get(status).json() == {"upload_status_summary": {**pending, "failed": 0}}
    finished = sandbox.control.mailin_finish_upload(oid)
    assert finished == {
        "total": 100,
        "uploaded": 98,
        "alreadyExistsOtherAccount": 1,
        "pending": 0,
        "failed": 1,
    }
    assert api.get(status).json()["upload_status_summary"] == finished
    response = api.post(f"/azure-orders/trigger-re-upload/{oid}")
    assert response.json() == {"message": "Reupload triggered successfully."}
    assert api.get(status).json()["upload_status_summary"]["pending"] == 100
    sandbox.control.mailin_finish_upload(oid)
    response = api.post(f"/azure-orders/set-inbox-provider/{oid}", json={"provider_id": second})
    assert response.json() == {"message": "Inbox Provider set successfully."}
    assert only_order(api)["provider_id"] == second
    assert api.get(status).json()["upload_status_summary"]["pending"] == 100  # starts over
    bad = api.post(f"/azure-orders/set-inbox-provider/{oid}", json={"provider_id": 999999})
    assert bad.json()["errors"] == {"provider_id": ["The selected provider id is invalid."]}
    response = api.post(f"/azure-orders/remove-inbox-provider/{oid}")
    assert response.json() == {"message": "Inbox Provider removed successfully."}
    assert api.get(status).status_code == 422
    assert api.post(f"/azure-orders/trigger-re-upload/{oid}").status_code == 422
    master = f"/azure-orders/set-redirect-domain/{oid}"
    assert api.post(master, json={"forward_to": "main.com"}).json() == {
        "message": "Master domain set successfully."
    }
    assert only_order(api)["forward_to"] == "main.com"
    assert api.post(master, json={}).status_code == 422
    # the page's one parameter is a domain: a null is refused, nothing is removed
    assert api.post(master, json={"forward_to": None}).status_code == 422
    assert only_order(api)["forward_to"] == "main.com"
    assert sandbox.control.mailin_azure_order(oid)["reuploads"] == 1


def credits(api: httpx.Client) -> int:
    return int(api.get("/get-credits").json()["total_credits"])


def test_bulk_verification_debits_counts_and_downloads(api: httpx.Client) -> None:
    assert credits(api) == CREDITS
    emails = "a@x.com,bad.b@x.com,A@x.com,risky@x.com,c@catchall-x.com"
    response = api.post("/verify-bulk-emails", data={"emails": emails, "type": "standard"})
    assert response.status_code == 210
    task_id = response.json()["task_id"]
    assert credits(api) == CREDITS - 4  # one per unique address
    detail = api.get("/get-task-detail", params={"task_id": task_id}).json()
    counts = {k: detail[k] for k in ("deliverable", "catch_all", "invalid", "unknown", "duplicate")}
    assert counts == {"deliverable": 1, "catch_all": 1, "invalid": 1, "unknown": 1, "duplicate": 1}
    assert detail["total_rows"] == 5 and detail["status"] == "finished"
    form = {"task_id": task_id, "download_type": "invalid"}
    url = api.post("/download-verified-emails", data=form).json()["download_url"]
    assert "/storage/tmp/result-" in url
    assert httpx.get(url).text == "email,result\nbad.b@x.com,invalid\n"
    history = api.get("/credit-history").json()["data"]
    assert history[0] == {
        "id": history[0]["id"],
        "reason": "Bulk verification started",
        "credit": 0,
        "debit": 4,
        "total_credit": CREDITS - 4,
    }
    assert history[-1]["reason"] == "Purchased credits"


def test_verification_limits_and_credit_refusals(api: httpx.Client) -> None:
    too_many = ",".join(f"u{i}@x.com" for i in range(501))
    response = api.post("/verify-bulk-emails", data={"emails": too_many, "type": "standard"})
    assert response.json() == {"message": "You cannot verify more than 500 emails at once."}
    sixty = ",".join(f"u{i}@x.com" for i in range(60))
    response = api.post("/verify-bulk-emails", data={"emails": sixty, "type": "standard"})
    assert response.status_code == 422
    assert response.json() == {
        "message": f"You need 60 credits to verify these emails, but you only have {CREDITS}."
    }
    assert credits(api) == CREDITS  # nothing debited
    response = api.post("/verify-bulk-emails", data={"emails": "a@x.com", "type": "quick"})
    assert response.json()["errors"] == {"type": ["The selected type is invalid."]}


def test_a_file_without_addresses_fails_and_is_refunded(api: httpx.Client) -> None:
    files = {"file": ("people.csv", b"name,phone\nAnn,1\nBob,2\n")}
    response = api.post("/verify-bulk-file", data={"type": "standard"}, files=files)
    assert response.status_code == 210
    task_id = response.json()["task_id"]
    detail = api.get("/get-task-detail", params={"task_id": task_id}).json()
    assert detail == {
        "message": "Your task could not be processed. The used credits have been refunded to "
        "your account.",
        "reason": "Column with email addresses not found",
    }
    assert credits(api) == CREDITS
    reasons = [e["reason"] for e in api.get("/credit-history").json()["data"]]
    assert reasons[0].startswith("Refund: verification task") and len(reasons) == 3
    files = {"file": ("list.csv", b"email\nann@x.com\nbob@x.com\n")}
    response = api.post("/verify-bulk-file", data={"type": "catch_all"}, files=files)
    task_id = response.json()["task_id"]
    detail = api.get("/get-task-detail", params={"task_id": task_id}).json()
    assert detail["deliverable"] == 2 and "risky" in detail and credits(api) == CREDITS - 2
    files = {"file": ("list.pdf", b"%PDF")}
    response = api.post("/verify-bulk-file", data={"type": "standard"}, files=files)
    assert response.json()["errors"] == {
        "file": ["The file field must be a file of type: csv, xlsx."]
    }


def test_single_verification_and_its_task(api: httpx.Client) -> None:
    response = api.post("/verify-single-email", json={"email": "me@x.com", "type": "standard"})
    assert response.status_code == 210
    started = response.json()
    assert started["credit_used"] == 1 and started["result"] == "deliverable"
    detail = api.get("/get-single-email", params={"task_id": started["task_id"]}).json()
    assert detail["status"] == "success" and detail["score"] == 95
    assert api.get("/get-single-email", params={"task_id": "nope"}).status_code == 404
    assert api.get("/get-single-email").status_code == 422
    assert credits(api) == CREDITS - 1


def test_control_settings_never_show_credentials(sandbox: SandboxProcess) -> None:
    view = sandbox.control.settings()
    assert view["mailin_azure_seconds"] == 0 and view["mailin_credits"] == CREDITS
    assert "sandbox-password" not in str(view) and "mailin-sandbox-token" not in str(view)
