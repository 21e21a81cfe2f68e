"""Several accounts in one sandbox, isolated by credential, driven over HTTP in process.

Accounts ``a`` and ``b`` are configured beside ``default``; each of the four APIs is called with
each account's own credential: what one account makes, the others do not see, cannot read by id
and cannot delete; Mailin.ai login tokens belong to the account whose login issued them; request
counters are kept per account; an account can be added at run time; a credential cannot belong to
two accounts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from pulumi_inboxed.inboxedup import endpoints as iu
from pulumi_inboxed.mailin import endpoints as ml
from pulumi_inboxed.sandbox import SandboxAccount, SandboxProcess, SandboxSettings, create_app
from pulumi_inboxed.sandbox.control import CONTROL_TOKEN_HEADER

CONTROL = {CONTROL_TOKEN_HEADER: "accounts-control-token"}
MAILIN = "/api/v1/public"
MC = "/mailchannels/inbound/v1"
PG = "/pingram"
SUB = "sub-sandbox"
WAIT_BOUND = 10.0

# Each account's credentials: InboxedUp token, Mailin.ai static token and login, MailChannels key,
# Pingram key. ``default`` keeps the flat settings' defaults.
CREDENTIALS: dict[str, dict[str, Any]] = {
    "a": {
        "inboxedup_tokens": ["iu-a"],
        "mailin_email": "a@mailin.test",
        "mailin_password": "pw-a",
        "mailin_tokens": ["ml-a"],
        "mailchannels_api_keys": ["mc-a"],
        "pingram_api_keys": ["pg-a"],
    },
    "b": {
        "inboxedup_tokens": ["iu-b"],
        "mailin_email": "b@mailin.test",
        "mailin_password": "pw-b",
        "mailin_tokens": ["ml-b"],
        "mailchannels_api_keys": ["mc-b"],
        "pingram_api_keys": ["pg-b"],
    },
}
DEFAULT = {
    "inboxedup": "sandbox-token",
    "mailin": "mailin-sandbox-token",
    "mailchannels": "mc-sandbox-key",
    "pingram": "pingram_sk_sandbox",
}


def headers(api: str, account: str) -> dict[str, str]:
    """The header carrying ``account``'s credential for ``api``."""
    if account == "default":
        secret = DEFAULT[api]
    else:
        key = {
            "inboxedup": "inboxedup_tokens",
            "mailin": "mailin_tokens",
            "mailchannels": "mailchannels_api_keys",
            "pingram": "pingram_api_keys",
        }[api]
        secret = CREDENTIALS[account][key][0]
    if api == "mailchannels":
        return {"X-API-Key": secret}
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = SandboxSettings(
        queued_seconds=0.0,
        pending_ns_seconds=0.0,
        mailin_job_seconds=0.0,
        pingram_verify_seconds=0.0,
        accounts={name: SandboxAccount(**creds) for name, creds in CREDENTIALS.items()},
    )
    app = create_app(settings, tmp_path / "state.db", CONTROL[CONTROL_TOKEN_HEADER])
    with TestClient(app) as test_client:
        yield test_client


def control(client: TestClient, method: str, path: str, **kwargs: Any) -> Any:
    body = kwargs.pop("json", {} if method != "GET" else None)
    response = client.request(method, "/_sandbox" + path, headers=CONTROL, json=body, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def test_inboxedup_domains_are_per_account(client: TestClient, tmp_path: Path) -> None:
    made = client.post(
        iu.SUBMIT_DOMAINS.path, json={"domains": ["alpha.com"]}, headers=headers("inboxedup", "a")
    )
    assert made.status_code == 201
    (domain,) = made.json()["data"]["domains"]

    def listed(account: str) -> list[str]:
        page = client.get(iu.LIST_DOMAINS.path, headers=headers("inboxedup", account))
        return [d["domain"] for d in page.json()["data"]["domains"]]

    assert listed("a") == ["alpha.com"]
    assert listed("b") == [] and listed("default") == []
    path = iu.GET_DOMAIN.format(domain_id=domain["id"])
    assert client.get(path, headers=headers("inboxedup", "a")).status_code == 200
    assert client.get(path, headers=headers("inboxedup", "b")).status_code == 404
    removal = iu.REMOVE_DOMAIN.format(domain_id=domain["id"])
    assert client.delete(removal, headers=headers("inboxedup", "b")).status_code == 404
    assert listed("a") == ["alpha.com"]
    # The same name is free in another account (each account is its own customer).
    again = client.post(
        iu.SUBMIT_DOMAINS.path, json={"domains": ["alpha.com"]}, headers=headers("inboxedup", "b")
    )
    assert again.json()["data"]["rejected"] == []
    # The control API looks into one account at a time.
    forced = client.post(
        f"/_sandbox/inboxedup/domains/{domain['id']}/status",
        params={"account": "b"},
        json={"status": "FAILED"},
        headers=CONTROL,
    )
    assert forced.status_code == 404
    seen = control(
        client, "POST", f"/inboxedup/domains/{domain['id']}/status?account=a", json={"status": None}
    )
    assert seen["domain"] == "alpha.com"
    # Each account's state is a file of its own beside the default one.
    assert (tmp_path / "state.account-a.db").exists()
    assert client.delete(removal, headers=headers("inboxedup", "a")).status_code == 200


def test_inboxedup_account_overview_counts_own_tokens(client: TestClient) -> None:
    view = client.get(iu.ACCOUNT.path, headers=headers("inboxedup", "b")).json()["data"]
    assert view["summary"]["activeApiKeys"] == 1
    assert view["summary"]["totalDomains"] == 0


def buy(client: TestClient, account: str, name: str) -> dict[str, Any]:
    auth = headers("mailin", account)
    bought = client.post(MAILIN + ml.BUY_DOMAIN.path, json={"domain_name": name}, headers=auth)
    assert bought.status_code == 210, bought.text
    deadline = time.monotonic() + WAIT_BOUND
    while True:
        listed = client.get(MAILIN + ml.LIST_DOMAINS.path, headers=auth).json()["data"]
        found = [d for d in listed if d["name"] == name]
        if found or time.monotonic() > deadline:
            assert found, f"{name} never listed in {account}"
            return dict(found[0])
        time.sleep(0.02)


def test_mailin_domains_are_per_account(client: TestClient) -> None:
    domain = buy(client, "a", "bought-by-a.com")
    other = buy(client, "b", "bought-by-b.com")
    # Integer ids of different accounts never coincide.
    assert domain["id"] != other["id"]

    def names(account: str) -> list[str]:
        auth = headers("mailin", account)
        return [
            d["name"]
            for d in client.get(MAILIN + ml.LIST_DOMAINS.path, headers=auth).json()["data"]
        ]

    assert names("a") == ["bought-by-a.com"]
    assert names("b") == ["bought-by-b.com"] and names("default") == []
    path = MAILIN + ml.GET_DOMAIN.format(domain_id=domain["id"])
    assert client.get(path, headers=headers("mailin", "a")).status_code == 200
    assert client.get(path, headers=headers("mailin", "b")).status_code == 404
    assert client.delete(path, headers=headers("mailin", "b")).status_code == 404
    assert names("a") == ["bought-by-a.com"]
    # Purchases are counted per account.
    assert control(client, "GET", "/mailin/purchases?account=a")["purchases"] == {
        "bought-by-a.com": 1
    }
    assert control(client, "GET", "/mailin/purchases")["purchases"] == {}


def login(client: TestClient, email: str, password: str) -> str:
    body = {"email": email, "password": password, "device_name": "tests"}
    response = client.post(MAILIN + ml.LOGIN.path, json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def test_mailin_login_tokens_are_per_account(client: TestClient) -> None:
    token_a = login(client, "a@mailin.test", "pw-a")
    token_b = login(client, "B@mailin.test", "pw-b")
    auth_a = {"Authorization": f"Bearer {token_a}"}
    auth_b = {"Authorization": f"Bearer {token_b}"}
    user = client.get(MAILIN + ml.GET_USER.format(user_id=1), headers=auth_a).json()
    assert user["email"] == "a@mailin.test"
    buy(client, "a", "seen-by-a-token.com")
    listed = client.get(MAILIN + ml.LIST_DOMAINS.path, headers=auth_a).json()["data"]
    assert [d["name"] for d in listed] == ["seen-by-a-token.com"]
    assert client.get(MAILIN + ml.LIST_DOMAINS.path, headers=auth_b).json()["data"] == []
    # A's password is no login of B's email.
    refused = client.post(
        MAILIN + ml.LOGIN.path,
        json={"email": "b@mailin.test", "password": "pw-a", "device_name": "tests"},
    )
    assert refused.status_code == 422
    assert control(client, "GET", "/mailin/tokens?account=a")["live"] == 1
    assert control(client, "GET", "/mailin/tokens?account=b")["live"] == 1
    assert control(client, "GET", "/mailin/tokens")["live"] == 0
    # Logout revokes the token in its own account only.
    assert client.post(MAILIN + ml.LOGOUT.path, headers=auth_a).status_code == 200
    assert client.get(MAILIN + ml.LIST_DOMAINS.path, headers=auth_a).status_code == 401
    assert client.get(MAILIN + ml.LIST_DOMAINS.path, headers=auth_b).status_code == 200
    assert control(client, "GET", "/mailin/tokens?account=a")["live"] == 0
    assert control(client, "GET", "/mailin/tokens?account=b")["live"] == 1


def test_mailchannels_domains_are_per_account(client: TestClient) -> None:
    body = {"domain": "inbound-a.com", "subscriptionHandle": SUB}
    made = client.post(f"{MC}/domains", json=body, headers=headers("mailchannels", "a"))
    assert made.status_code == 201

    def names(account: str) -> list[str]:
        page = client.get(f"{MC}/domains", headers=headers("mailchannels", account)).json()
        return [d["domain"] for d in page["domains"]]

    assert names("a") == ["inbound-a.com"]
    assert names("b") == [] and names("default") == []
    removal = f"{MC}/domains/inbound-a.com"
    assert client.delete(removal, headers=headers("mailchannels", "b")).status_code == 404
    assert names("a") == ["inbound-a.com"]
    state_a = control(client, "GET", "/mailchannels/state?account=a")
    assert list(state_a["domains"]) == ["inbound-a.com"] and state_a["subscriptions"][SUB] == 1
    assert control(client, "GET", "/mailchannels/state?account=b")["domains"] == {}
    assert client.delete(removal, headers=headers("mailchannels", "a")).status_code == 204


def test_pingram_domains_are_per_account(client: TestClient) -> None:
    made = client.post(
        f"{PG}/domains", json={"sender": "news.a.com"}, headers=headers("pingram", "a")
    )
    assert made.status_code == 200

    def senders(account: str) -> list[str]:
        listed = client.get(f"{PG}/domains", headers=headers("pingram", account)).json()
        return [d["sender"] for d in listed]

    assert senders("a") == ["news.a.com"]
    assert senders("b") == [] and senders("default") == []
    removal = f"{PG}/domains/news.a.com"
    assert client.delete(removal, headers=headers("pingram", "b")).status_code == 404
    assert senders("a") == ["news.a.com"]
    assert [d["sender"] for d in control(client, "GET", "/pingram/domains?account=a")] == [
        "news.a.com"
    ]
    assert control(client, "GET", "/pingram/domains?account=b") == []


def test_request_counters_per_account(client: TestClient) -> None:
    for _ in range(2):
        client.get(iu.LIST_DOMAINS.path, headers=headers("inboxedup", "a"))
    client.get(f"{PG}/domains", headers=headers("pingram", "b"))
    client.get(iu.LIST_DOMAINS.path, headers={"Authorization": "Bearer nobody"})
    assert control(client, "GET", "/requests?account=a") == {
        "account": "a",
        "requests": {"GET /domains": 2},
        "total": 2,
    }
    assert control(client, "GET", "/requests?account=b")["requests"] == {"GET /pingram/domains": 1}
    assert control(client, "GET", "/stats?account=b")["total"] == 1
    assert control(client, "GET", "/requests")["total"] == 0  # default: none of its own
    # The global counters keep counting every request, the unauthenticated one too.
    assert control(client, "GET", "/stats")["requests"] == {
        "GET /domains": 3,
        "GET /pingram/domains": 1,
    }
    # A fault for one account's requests leaves the other's alone.
    control(client, "POST", "/faults?account=a", json={"status": 503, "path_prefix": "/domains"})
    assert client.get(iu.LIST_DOMAINS.path, headers=headers("inboxedup", "b")).status_code == 200
    assert client.get(iu.LIST_DOMAINS.path, headers=headers("inboxedup", "a")).status_code == 503
    missing = client.get("/_sandbox/requests", params={"account": "nobody"}, headers=CONTROL)
    assert missing.status_code == 404
    control(client, "POST", "/reset")
    assert control(client, "GET", "/requests?account=a")["total"] == 0


def test_account_added_at_run_time(client: TestClient) -> None:
    added = control(
        client,
        "POST",
        "/accounts",
        json={"name": "late.one", "inboxedup_tokens": ["iu-late"], "pingram_api_keys": ["pg-late"]},
    )
    assert added["name"] == "late.one" and added["inboxedup_token_count"] == 1
    assert "iu-late" not in str(control(client, "GET", "/accounts"))
    late = {"Authorization": "Bearer iu-late"}
    client.post(iu.SUBMIT_DOMAINS.path, json={"domains": ["late.com"]}, headers=late)
    listed = client.get(iu.LIST_DOMAINS.path, headers=late).json()["data"]["domains"]
    assert [d["domain"] for d in listed] == ["late.com"]
    default = client.get(iu.LIST_DOMAINS.path, headers=headers("inboxedup", "default"))
    assert default.json()["data"]["domains"] == []
    # Without a Mailin.ai credential the account cannot call Mailin.ai.
    assert client.get(MAILIN + ml.LIST_DOMAINS.path, headers=late).status_code == 401
    # Reset wipes the state; the account stays.
    control(client, "POST", "/reset")
    assert client.get(iu.LIST_DOMAINS.path, headers=late).json()["data"]["domains"] == []

    def refused(body: dict[str, Any]) -> int:
        return int(client.post("/_sandbox/accounts", json=body, headers=CONTROL).status_code)

    assert refused({"name": "late.one", "inboxedup_tokens": ["iu-other"]}) == 409
    assert refused({"name": "default"}) == 409
    assert refused({"name": "c", "inboxedup_tokens": ["iu-a"]}) == 409  # a's token
    assert refused({"name": "c", "mailin_email": "A@mailin.test", "mailin_password": "x"}) == 409
    assert refused({"name": "c", "pingram_api_keys": ["pingram_sk_sandbox"]}) == 409  # default's
    assert refused({"name": "-bad", "inboxedup_tokens": ["iu-c"]}) == 422
    assert refused({"name": "c", "mailin_email": "c@mailin.test"}) == 422  # no password
    assert "c" not in control(client, "GET", "/accounts")["accounts"]
    # A refused account never echoes its credentials.
    bad = {"name": "c", "mailin_email": "c@mailin.test", "mailin_tokens": ["ml-secret-c", " "]}
    answer = client.post("/_sandbox/accounts", json=bad, headers=CONTROL)
    assert answer.status_code == 422 and "ml-secret-c" not in answer.text
    lone = {"name": "c", "mailin_password": "pw-secret-c"}
    answer = client.post("/_sandbox/accounts", json=lone, headers=CONTROL)
    assert answer.status_code == 422 and "pw-secret-c" not in answer.text


def test_a_credential_of_two_accounts_is_refused() -> None:
    with pytest.raises(ValidationError, match="already belongs to account 'a'"):
        SandboxSettings(
            accounts={
                "a": SandboxAccount(mailchannels_api_keys=["shared"]),
                "b": SandboxAccount(mailchannels_api_keys=["shared"]),
            }
        )
    with pytest.raises(ValidationError, match="already belongs to account 'default'"):
        SandboxSettings(tokens=["mine"], accounts={"a": SandboxAccount(inboxedup_tokens=["mine"])})
    with pytest.raises(ValidationError, match="must match"):
        SandboxSettings(accounts={"no spaces": SandboxAccount()})
    with pytest.raises(ValidationError, match="flat settings"):
        SandboxSettings(accounts={"default": SandboxAccount()})


def test_accounts_through_the_cli_and_sandbox_control(tmp_path: Path) -> None:
    """A real child process: accounts from ``--accounts-file`` (written by ``SandboxProcess``),
    one more added with ``SandboxControl.add_account``, counters read with ``for_account``."""
    accounts = {"file-acct": {"inboxedup_tokens": ["iu-file"]}}
    with SandboxProcess(tmp_path / "state.db", accounts=accounts, lifetime=120) as sandbox:
        control = sandbox.control
        control.add_account("added", inboxedup_tokens=["iu-added"])
        assert set(control.accounts()) == {"default", "file-acct", "added"}
        for token in ("iu-file", "iu-added", "iu-added"):
            response = httpx.get(
                sandbox.url + iu.LIST_DOMAINS.path,
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            assert response.status_code == 200
        assert control.for_account("file-acct").stats() == {"GET /domains": 1}
        assert control.for_account("added").requests() == {"GET /domains": 2}
        assert control.for_account("added").total_requests() == 2
        assert control.stats() == {"GET /domains": 3}
        with pytest.raises(httpx.HTTPStatusError) as taken:
            control.add_account("other", inboxedup_tokens=["iu-file"])
        assert taken.value.response.status_code == 409
        assert "iu-file" not in taken.value.response.text


def test_a_bad_accounts_file_stops_the_cli_naming_the_problem(tmp_path: Path) -> None:
    """Two accounts sharing a key: the sandbox does not start; the error names the accounts and
    never the key."""
    accounts = tmp_path / "accounts.json"
    shared = {"pingram_api_keys": ["pg-secret-shared"]}
    accounts.write_text(json.dumps({"one": shared, "two": shared}), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pulumi_inboxed.sandbox", "--accounts-file", str(accounts)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "a Pingram API key of account 'two' already belongs to account 'one'" in run.stderr
    assert "pg-secret-shared" not in run.stderr + run.stdout
