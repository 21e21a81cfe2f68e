"""The sandbox's Mailin.ai API, driven over HTTP in a real child process on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_inboxed.inboxedup import endpoints as inboxedup_endpoints
from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox import SandboxProcess

INBOXEDUP_TOKEN = "iu-test-token"
STATIC_TOKEN = "mailin-sandbox-token"
AUTH = {"Authorization": f"Bearer {STATIC_TOKEN}"}
EMAIL = "sandbox@mailin.test"
PASSWORD = "sandbox-password"
JOB_SECONDS = 0.25
SLOW_JOB_SECONDS = 2.0  # while a test asserts that something is still pending
PREFIX = "/api/v1/public"
NAME_SERVERS = "ns1.mailin.ai, ns2.mailin.ai"
ACCEPTED = "Your request has been received and will be processed as soon as possible."
TIMESTAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
DOMAIN_KEYS = {
    "id",
    "name",
    "main_domain",
    "name_servers",
    "name_server_status",
    "status",
    "provider_type",
    "domain_provider",
    "forward_to",
    "email_forward_to",
    "created_at",
    "updated_at",
}
PAGE_KEYS = {
    "current_page",
    "data",
    "first_page_url",
    "from",
    "last_page",
    "last_page_url",
    "next_page_url",
    "path",
    "per_page",
    "prev_page_url",
    "to",
    "total",
}
GOOGLE_ONLY = "This action is allowed only for mailboxes connected with the google provider."

Json = dict[str, Any]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    state = tmp_path_factory.mktemp("mailin") / "state.db"
    with SandboxProcess(
        state, mailin_job_seconds=JOB_SECONDS, tokens=[INBOXEDUP_TOKEN], lifetime=300
    ) as process:
        yield process


@pytest.fixture
def api(sandbox: SandboxProcess) -> Iterator[httpx.Client]:
    sandbox.control.clear_faults()
    with httpx.Client(base_url=sandbox.mailin_url, headers=AUTH, timeout=10) as client:
        yield client
    sandbox.control.clear_faults()


@contextmanager
def slow_jobs(sandbox: SandboxProcess) -> Iterator[None]:
    """Jobs created inside take SLOW_JOB_SECONDS, so "pending" can be seen without a race."""
    sandbox.control.update_settings(mailin_job_seconds=SLOW_JOB_SECONDS)
    try:
        yield
    finally:
        sandbox.control.update_settings(mailin_job_seconds=JOB_SECONDS)


def unique(prefix: str, tld: str = "com") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}.{tld}"


def wait_for(
    fetch: Callable[[], Json], done: Callable[[Json], bool], timeout: float = 10.0
) -> Json:
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {value}")
        time.sleep(0.05)


def expect(response: httpx.Response, status: int) -> Any:
    """The JSON body, once the status is the expected one."""
    assert response.status_code == status, response.text
    return response.json()


def assert_422(response: httpx.Response, field: str | None = None) -> Json:
    body: Json = expect(response, 422)
    assert isinstance(body["message"], str) and body["message"]
    if field is not None:
        assert field in body["errors"], body
        assert body["errors"][field] and all(isinstance(m, str) for m in body["errors"][field])
    return body


def buy(api: httpx.Client, name: str, google: bool = False) -> str:
    path = endpoints.BUY_GOOGLE_DOMAIN if google else endpoints.BUY_DOMAIN
    body = expect(api.post(path.path, json={"domain_name": name}), 210)
    assert body["message"] == ACCEPTED
    assert str(uuid.UUID(body["uuid"])) == body["uuid"]
    return str(body["uuid"])


def domain_job(api: httpx.Client, job_id: str) -> Json:
    job: Json = expect(api.get(endpoints.DOMAIN_JOB_STATUS.format(job_id=job_id)), 200)
    return job


def mailbox_job(api: httpx.Client, job_id: str) -> Json:
    job: Json = expect(api.get(endpoints.MAILBOX_JOB_STATUS.format(job_id=job_id)), 200)
    return job


def get_domain(api: httpx.Client, domain_id: int | str) -> httpx.Response:
    return api.get(endpoints.GET_DOMAIN.format(domain_id=domain_id))


def get_mailbox(api: httpx.Client, mailbox_id: int | str) -> httpx.Response:
    return api.get(endpoints.GET_MAILBOX.format(mailbox_id=mailbox_id))


def active_domain(api: httpx.Client, prefix: str = "dom", google: bool = False) -> Json:
    """A freshly bought domain, once its job has completed."""
    return active_domains(api, [(prefix, google)])[0]


def active_domains(api: httpx.Client, specs: list[tuple[str, bool]]) -> list[Json]:
    """Fresh domains (``(prefix, google)`` each), bought together, once their jobs completed."""
    job_ids = [buy(api, unique(prefix), google) for prefix, google in specs]
    found: list[Json] = []
    for job_id in job_ids:
        job = wait_for(partial(domain_job, api, job_id), lambda j: j["status"] == "completed")
        found.append(expect(get_domain(api, job["data"][0]), 200))
    return found


def create_mailboxes(api: httpx.Client, mailboxes: list[Json], google: bool = False) -> Json:
    """Create, wait for the job, and return it (its data are the mailboxes)."""
    path = endpoints.CREATE_GOOGLE_MAILBOXES if google else endpoints.CREATE_MAILBOXES
    body = expect(api.post(path.path, json={"mailboxes": mailboxes}), 210)
    assert body["message"] == ACCEPTED
    return wait_for(lambda: mailbox_job(api, body["uuid"]), lambda j: j["status"] == "completed")


def totp_at(secret: str, moment: float) -> str:
    key = base64.b32decode(secret.upper())
    digest = hmac.new(key, struct.pack(">Q", int(moment // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 1_000_000).zfill(6)


# Authentication, user, servers


def test_login_and_bearer_auth(sandbox: SandboxProcess) -> None:
    with httpx.Client(base_url=sandbox.mailin_url, timeout=10) as bare:
        missing = bare.get(endpoints.LIST_DOMAINS.path)
        assert expect(missing, 401) == {"message": "Unauthenticated."}
        unauthenticated = {"message": "Unauthenticated."}
        no_scheme = bare.get(endpoints.LIST_DOMAINS.path, headers={"Authorization": STATIC_TOKEN})
        assert expect(no_scheme, 401) == unauthenticated
        wrong = {"Authorization": "Bearer 1|" + "a" * 40}
        assert expect(bare.get(endpoints.LIST_DOMAINS.path, headers=wrong), 401) == unauthenticated
        static = bare.get(endpoints.LIST_DOMAINS.path, headers=AUTH)
        assert expect(static, 200)["current_page"] == 1

        login = endpoints.LOGIN.path
        good = {"email": EMAIL, "password": PASSWORD, "device_name": "tests"}
        bad_password = assert_422(bare.post(login, json={**good, "password": "nope"}), "email")
        assert bad_password["message"] == "The provided credentials are incorrect."
        assert_422(bare.post(login, json={**good, "email": "other@mailin.test"}), "email")
        no_device = assert_422(bare.post(login, json={**good, "device_name": ""}), "device_name")
        assert no_device["errors"]["device_name"] == ["The device name field is required."]
        assert_422(bare.post(login, content=b"not json"), "password")

        issued = expect(bare.post(login, json={**good, "email": EMAIL.upper()}), 200)
        assert set(issued) == {"user_id", "token"}
        assert issued["user_id"] == 1
        assert re.fullmatch(r"\d+\|[A-Za-z0-9]{40}", issued["token"])
        headers = {"Authorization": f"Bearer {issued['token']}"}
        user = expect(bare.get(endpoints.GET_USER.format(user_id=1), headers=headers), 200)
        assert user["id"] == 1 and user["email"] == EMAIL and user["mailboxes_slots"] == 50
        token_id = issued["token"].split("|")[0]
        forged = {"Authorization": f"Bearer {token_id}|{'b' * 40}"}
        forged_user = bare.get(endpoints.GET_USER.format(user_id=1), headers=forged)
        assert expect(forged_user, 401) == unauthenticated
        second = expect(bare.post(login, json=good), 200)["token"]
        assert second.split("|")[0] != token_id
        # The InboxedUp token is no Mailin.ai token, and the reverse.
        iu = {"Authorization": f"Bearer {INBOXEDUP_TOKEN}"}
        assert expect(bare.get(endpoints.LIST_DOMAINS.path, headers=iu), 401) == unauthenticated
    with httpx.Client(base_url=sandbox.url, headers=AUTH, timeout=10) as inboxedup:
        assert inboxedup.get(inboxedup_endpoints.ACCOUNT.path).status_code == 401


def test_user_and_servers(api: httpx.Client) -> None:
    assert expect(api.get(endpoints.GET_USER.format(user_id=2)), 404) == {
        "message": "User not found."
    }
    servers = expect(api.get(endpoints.LIST_SERVERS.path), 200)
    assert [s["id"] for s in servers] == [201, 202]
    assert servers[1] == {
        "id": 202,
        "public_ip": "198.51.100.5",
        "hostname": "vm-outbound-01.mailin.ai",
        "state": "Stopped",
        "active": 0,
        "server_type": "outbound",
    }
    assert expect(api.get(endpoints.GET_SERVER.format(server_id=201)), 200) == servers[0]
    assert expect(api.get(endpoints.GET_SERVER.format(server_id=203)), 404) == {
        "message": "Server not found."
    }


def test_settings_never_show_mailin_secrets(sandbox: SandboxProcess) -> None:
    view = sandbox.control.settings()
    assert view["mailin_email"] == EMAIL
    assert view["mailin_job_seconds"] == JOB_SECONDS
    assert view["mailin_token_count"] == 1
    assert "mailin_password" not in view and "mailin_tokens" not in view
    assert PASSWORD not in str(view) and STATIC_TOKEN not in str(view)


# Availability and buying


def test_availability(api: httpx.Client) -> None:
    check = endpoints.CHECK_DOMAIN_AVAILABILITY.path
    free = unique("free")
    assert expect(api.get(check, params={"domain_name": free}), 200) == {
        "available": True,
        "message": "Domain is available",
    }
    taken = expect(api.get(check, params={"domain_name": unique("taken")}), 404)
    assert taken == {"available": False, "message": "Domain is unavailable"}
    buy(api, free)
    assert expect(api.get(check, params={"domain_name": free}), 404)["available"] is False
    net = assert_422(api.get(check, params={"domain_name": "name.net"}), "domain_name")
    assert ".net" in net["message"]
    assert_422(api.get(check), "domain_name")


def test_buy_single_job_pending_then_completed(api: httpx.Client, sandbox: SandboxProcess) -> None:
    name = unique("single")
    with slow_jobs(sandbox):
        job_id = buy(api, name)
    pending = domain_job(api, job_id)
    assert pending["id"] == job_id
    assert pending["status"] == "pending"
    assert pending["report"] == "Job Created - BatchAddDomain pending"
    assert len(pending["data"]) == 1 and pending["data"][0].isdigit()
    created = expect(get_domain(api, pending["data"][0]), 200)
    assert set(created) == DOMAIN_KEYS
    assert (created["name"], created["main_domain"]) == (name, name)
    assert (created["status"], created["name_server_status"]) == ("0", "0")
    assert created["name_servers"] is None
    assert created["provider_type"] == "smtp"
    assert TIMESTAMP_RE.fullmatch(created["created_at"])

    done = wait_for(lambda: domain_job(api, job_id), lambda j: j["status"] == "completed")
    assert done["report"].endswith("completed") and done["data"] == pending["data"]
    active = expect(get_domain(api, pending["data"][0]), 200)
    assert (active["status"], active["name_server_status"]) == ("1", "1")
    assert active["name_servers"] == NAME_SERVERS
    assert sandbox.control.mailin_purchases()[name] == 1


def test_buy_multiple_smtp_and_google(api: httpx.Client, sandbox: SandboxProcess) -> None:
    smtp_names = [unique("multi"), unique("multi", "co")]
    google_names = [unique("gmulti", "ca"), unique("gmulti", "biz")]
    with slow_jobs(sandbox):
        smtp = expect(api.post(endpoints.BUY_DOMAINS.path, json={"domain_names": smtp_names}), 210)
    google = expect(
        api.post(endpoints.BUY_GOOGLE_DOMAINS.path, json={"domain_names": google_names}), 210
    )
    assert smtp["message"] == ACCEPTED and smtp["uuid"] != google["uuid"]
    job = domain_job(api, smtp["uuid"])
    assert job["status"] == "pending" and len(job["data"]) == 2
    assert [expect(get_domain(api, i), 200)["name"] for i in job["data"]] == smtp_names
    gjob = wait_for(lambda: domain_job(api, google["uuid"]), lambda j: j["status"] == "completed")
    gdomains = [expect(get_domain(api, i), 200) for i in gjob["data"]]
    assert [d["provider_type"] for d in gdomains] == ["google", "google"]
    assert {d["status"] for d in gdomains} == {"1"}

    listed = expect(api.get(endpoints.LIST_GOOGLE_DOMAINS.path, params={"per_page": 100}), 200)
    names = {d["name"] for d in listed["data"]}
    assert set(google_names) <= names and not set(smtp_names) & names
    assert {d["provider_type"] for d in listed["data"]} == {"google"}
    everything = api.get(endpoints.LIST_DOMAINS.path, params={"name": "multi-", "per_page": 100})
    assert set(smtp_names + google_names) <= {d["name"] for d in expect(everything, 200)["data"]}
    purchases = sandbox.control.mailin_purchases()
    assert [purchases.get(n) for n in smtp_names + google_names] == [1, 1, 1, 1]


def test_second_buy_of_a_held_name_is_422_and_not_counted(
    api: httpx.Client, sandbox: SandboxProcess
) -> None:
    held, fresh = unique("held"), unique("fresh")
    buy(api, held)
    before = sandbox.control.mailin_purchases()
    assert before[held] == 1

    again = assert_422(api.post(endpoints.BUY_DOMAIN.path, json={"domain_name": held}))
    assert again["message"] == "Domain already exists in your account."
    assert_422(api.post(endpoints.BUY_GOOGLE_DOMAIN.path, json={"domain_name": held.upper()}))
    both = api.post(endpoints.BUY_DOMAINS.path, json={"domain_names": [fresh, held]})
    assert "domain_names.1" in assert_422(both)["errors"]
    dup = api.post(endpoints.BUY_DOMAINS.path, json={"domain_names": [fresh, fresh]})
    assert_422(dup, "domain_names.1")

    after = sandbox.control.mailin_purchases()
    assert after[held] == 1 and fresh not in after
    purchases_url = sandbox.url + "/_sandbox/mailin/purchases"
    total = httpx.get(purchases_url, headers=sandbox.control_headers, timeout=10).json()["total"]
    assert total == sum(after.values())
    listed = expect(api.get(endpoints.LIST_DOMAINS.path, params={"name": fresh}), 200)
    assert listed["total"] == 0


def test_unavailable_names_are_422_and_not_bought(
    api: httpx.Client, sandbox: SandboxProcess
) -> None:
    taken, fine = unique("taken"), unique("fine")
    single = expect(api.post(endpoints.BUY_DOMAIN.path, json={"domain_name": taken}), 422)
    assert single == {
        "message": "The requested domain(s) are unavailable.",
        "unavailable": {"domain": taken},
    }
    multiple = api.post(endpoints.BUY_DOMAINS.path, json={"domain_names": [fine, taken]})
    assert expect(multiple, 422) == {
        "message": "The requested domain(s) are unavailable.",
        "unavailable": [taken],
    }
    purchases = sandbox.control.mailin_purchases()
    assert taken not in purchases and fine not in purchases


@pytest.mark.parametrize("tld", ["net", "org", "io"])
def test_tld_outside_the_allowed_four_is_422_naming_it(api: httpx.Client, tld: str) -> None:
    single = api.post(endpoints.BUY_DOMAIN.path, json={"domain_name": f"shop.{tld}"})
    assert f".{tld}" in assert_422(single, "domain_name")["message"]
    names = [unique("ok"), unique("bad", tld)]
    many = assert_422(api.post(endpoints.BUY_DOMAINS.path, json={"domain_names": names}))
    assert list(many["errors"]) == ["domain_names.1"]
    assert f".{tld}" in many["errors"]["domain_names.1"][0]
    listed = expect(api.get(endpoints.LIST_DOMAINS.path, params={"name": names[0]}), 200)
    assert listed["total"] == 0


def test_invalid_buy_bodies_are_422(api: httpx.Client) -> None:
    assert_422(api.post(endpoints.BUY_DOMAIN.path, json={}), "domain_name")
    assert_422(api.post(endpoints.BUY_DOMAIN.path, json={"domain_name": "no dots"}), "domain_name")
    sub = api.post(endpoints.BUY_DOMAIN.path, json={"domain_name": "a.b.com"})
    assert_422(sub, "domain_name")
    assert_422(api.post(endpoints.BUY_DOMAINS.path, json={"domain_names": []}), "domain_names")
    assert_422(api.post(endpoints.BUY_DOMAINS.path, json={"domain_names": "x.com"}), "domain_names")


def test_purchases_and_state_survive_restart(tmp_path: Path) -> None:
    with SandboxProcess(tmp_path / "state.db", mailin_job_seconds=60, tokens=["t"]) as process:
        good = {"email": EMAIL, "password": PASSWORD, "device_name": "restart"}
        with httpx.Client(base_url=process.mailin_url, timeout=10) as bare:
            token = expect(bare.post(endpoints.LOGIN.path, json=good), 200)["token"]
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=process.mailin_url, headers=headers, timeout=10) as api:
            name = unique("keep")
            job_id = buy(api, name)
            before = domain_job(api, job_id)
        assert process.control.mailin_purchases() == {name: 1}
        process.restart()
        assert process.control.mailin_purchases() == {name: 1}
        with httpx.Client(base_url=process.mailin_url, headers=headers, timeout=10) as api:
            # The issued token still works, the job is still pending (its deadline was stored).
            assert domain_job(api, job_id) == before
            assert before["status"] == "pending"
            assert_422(api.post(endpoints.BUY_DOMAIN.path, json={"domain_name": name}))
        assert process.control.mailin_purchases() == {name: 1}

        process.control.reset()
        assert process.control.mailin_purchases() == {}
        with httpx.Client(base_url=process.mailin_url, headers=headers, timeout=10) as api:
            # Issued tokens are wiped too.
            assert expect(api.get(endpoints.LIST_DOMAINS.path), 401) == {
                "message": "Unauthenticated."
            }
        with httpx.Client(base_url=process.mailin_url, headers=AUTH, timeout=10) as api:
            assert expect(api.get(endpoints.LIST_DOMAINS.path), 200)["total"] == 0
            assert expect(get_domain(api, before["data"][0]), 404) == {
                "message": "Domain not found."
            }


# Listing


def test_pagination_and_name_filter(api: httpx.Client, sandbox: SandboxProcess) -> None:
    tag = f"pg{uuid.uuid4().hex[:8]}"
    names = [f"{tag}-{i}.com" for i in range(5)]
    expect(api.post(endpoints.BUY_DOMAINS.path, json={"domain_names": names}), 210)
    buy(api, unique("other"))
    path = endpoints.LIST_DOMAINS.path

    first = expect(api.get(path, params={"name": tag.upper(), "per_page": 2}), 200)
    assert set(first) == PAGE_KEYS
    assert [d["name"] for d in first["data"]] == names[:2]
    assert (first["current_page"], first["per_page"], first["last_page"]) == (1, 2, 3)
    assert (first["from"], first["to"], first["total"]) == (1, 2, 5)
    base = sandbox.mailin_url + path
    assert first["path"] == base
    assert first["prev_page_url"] is None
    assert first["next_page_url"] == f"{base}?page=2&name={tag.upper()}&per_page=2"
    assert first["first_page_url"] == f"{base}?page=1&name={tag.upper()}&per_page=2"
    assert first["last_page_url"] == f"{base}?page=3&name={tag.upper()}&per_page=2"
    for item in first["data"]:
        assert set(item) == DOMAIN_KEYS

    last = expect(api.get(path, params={"name": tag, "per_page": 2, "page": 3}), 200)
    assert [d["name"] for d in last["data"]] == names[4:]
    assert last["next_page_url"] is None
    assert last["prev_page_url"] == f"{base}?page=2&name={tag}&per_page=2"
    assert (last["from"], last["to"]) == (5, 5)
    beyond = expect(api.get(path, params={"name": tag, "per_page": 2, "page": 9}), 200)
    assert beyond["data"] == [] and beyond["from"] is None and beyond["next_page_url"] is None

    default = expect(api.get(path, params={"name": tag}), 200)
    assert (default["per_page"], default["last_page"], len(default["data"])) == (15, 1, 5)
    middle = expect(api.get(path, params={"name": f"{tag}-3"}), 200)
    assert [d["name"] for d in middle["data"]] == [names[3]]
    assert_422(api.get(path, params={"per_page": 101}), "per_page")
    assert_422(api.get(path, params={"page": 0}), "page")
    assert_422(api.get(path, params={"per_page": "many"}), "per_page")


# Subdomains, forwarding, transfers


def test_subdomain_rules(api: httpx.Client, sandbox: SandboxProcess) -> None:
    add = endpoints.ADD_SUBDOMAIN.path
    ghost = unique("ghost")
    missing = expect(api.post(add, json={"subdomain": "sales", "domain": ghost}), 422)
    assert missing == {
        "message": f"The specified domain '{ghost}' does not exist or is not active."
    }
    pending = unique("pending")
    with slow_jobs(sandbox):
        buy(api, pending)
    not_active = expect(api.post(add, json={"subdomain": "sales", "domain": pending}), 422)
    assert not_active["message"] == (
        f"The specified domain '{pending}' does not exist or is not active."
    )

    parent = active_domain(api, "parent")
    created = expect(api.post(add, json={"subdomain": "Sales", "domain": parent["name"]}), 201)
    assert created == {"message": ACCEPTED}
    listed = expect(api.get(endpoints.LIST_DOMAINS.path, params={"name": parent["name"]}), 200)
    sub = next(d for d in listed["data"] if d["name"] == f"sales.{parent['name']}")
    assert sub["main_domain"] == parent["name"]
    assert sub["provider_type"] == parent["provider_type"]
    again = expect(api.post(add, json={"subdomain": "sales", "domain": parent["name"]}), 422)
    assert again == {"message": "Subdomain already exists."}
    assert_422(
        api.post(add, json={"subdomain": "bad_label", "domain": parent["name"]}), "subdomain"
    )
    assert_422(api.post(add, json={"domain": parent["name"]}), "subdomain")
    done = wait_for(lambda: expect(get_domain(api, sub["id"]), 200), lambda d: d["status"] == "1")
    assert done["name_servers"] == NAME_SERVERS


def test_domain_and_email_forwarding(api: httpx.Client) -> None:
    domain = active_domain(api, "fwd")
    target = unique("target")
    forward = {"domain_id": domain["id"], "forward_to": target}
    assert expect(api.post(endpoints.FORWARD_DOMAIN.path, json=forward), 200) == {
        "message": "Domain forwarding has been successfully updated."
    }
    assert expect(get_domain(api, domain["id"]), 200)["forward_to"] == target
    email = {"domain_id": str(domain["id"]), "forward_to": "Inbox@Agency.test"}
    assert expect(api.post(endpoints.FORWARD_EMAIL.path, json=email), 200) == {
        "message": "Email forwarding has been successfully updated."
    }
    after = expect(get_domain(api, domain["id"]), 200)
    assert (after["forward_to"], after["email_forward_to"]) == (target, "inbox@agency.test")

    remove = {"domain_id": domain["id"]}
    assert expect(api.post(endpoints.REMOVE_DOMAIN_FORWARDING.path, json=remove), 200) == {
        "message": "Domain forwarding has been successfully removed."
    }
    assert expect(get_domain(api, domain["id"]), 200)["forward_to"] is None
    assert expect(get_domain(api, domain["id"]), 200)["email_forward_to"] == "inbox@agency.test"
    expect(api.post(endpoints.REMOVE_EMAIL_FORWARDING.path, json=remove), 200)
    assert expect(get_domain(api, domain["id"]), 200)["email_forward_to"] is None

    bad_email = {"domain_id": domain["id"], "forward_to": "not-an-email"}
    assert_422(api.post(endpoints.FORWARD_EMAIL.path, json=bad_email), "forward_to")
    assert_422(api.post(endpoints.FORWARD_DOMAIN.path, json={"forward_to": target}), "domain_id")
    unknown = {"domain_id": 987654321, "forward_to": target}
    assert expect(api.post(endpoints.FORWARD_DOMAIN.path, json=unknown), 404) == {
        "message": "Domain not found."
    }


def test_transfers(api: httpx.Client, sandbox: SandboxProcess) -> None:
    name = unique("moved", "net")  # any TLD can be transferred
    with slow_jobs(sandbox):
        body = expect(api.post(endpoints.TRANSFER_DOMAIN.path, json={"domain_name": name}), 210)
    assert body["message"] == (
        "Your request has been received and the transfer process has been started."
    )
    assert body["name_servers"] == ["ns1.mailin.ai", "ns2.mailin.ai"]
    row = expect(get_domain(api, body["domain_id"]), 200)
    assert (row["name"], row["status"], row["provider_type"]) == (name, "0", "smtp")
    wait_for(lambda: expect(get_domain(api, body["domain_id"]), 200), lambda d: d["status"] == "1")
    again = api.post(endpoints.TRANSFER_GOOGLE_DOMAIN.path, json={"domain_name": name})
    assert expect(again, 422) == {"message": "Domain already exists in your account."}
    google = unique("gmoved")
    gbody = expect(
        api.post(endpoints.TRANSFER_GOOGLE_DOMAIN.path, json={"domain_name": google}), 210
    )
    assert expect(get_domain(api, gbody["domain_id"]), 200)["provider_type"] == "google"
    check = endpoints.CHECK_DOMAIN_AVAILABILITY.path
    assert expect(api.get(check, params={"domain_name": google}), 404)["available"] is False

    kit = unique("kit")
    no_uid = api.post(endpoints.TRANSFER_INBOXKIT_DOMAIN.path, json={"domain_name": kit})
    assert_422(no_uid, "uid")
    kit_body = expect(
        api.post(
            endpoints.TRANSFER_INBOXKIT_DOMAIN.path,
            json={"domain_name": kit, "uid": str(uuid.uuid4())},
        ),
        210,
    )
    assert set(kit_body) == {"message", "domain_id"}
    listed = expect(api.get(endpoints.LIST_INBOXKIT_DOMAINS.path, params={"per_page": 100}), 200)
    assert kit in {d["name"] for d in listed["data"]}
    assert {d["domain_provider"] for d in listed["data"]} == {"inboxkit"}
    purchases = sandbox.control.mailin_purchases()
    assert name not in purchases and google not in purchases and kit not in purchases


# Mailboxes


def test_smtp_mailboxes_with_and_without_password(
    api: httpx.Client, sandbox: SandboxProcess
) -> None:
    domain = active_domain(api, "mbx")
    name = domain["name"]
    body = {
        "mailboxes": [
            {"username": f"sales@{name}", "name": "Sales Team", "password": "a-secure-pass"},
            {"username": f"Info@{name}", "name": "Info Desk"},
        ]
    }
    with slow_jobs(sandbox):
        created = expect(api.post(endpoints.CREATE_MAILBOXES.path, json=body), 210)
    pending = mailbox_job(api, created["uuid"])
    assert pending["status"] == "pending"
    assert pending["report"] == "Job Created - BatchAddMailboxes pending"
    assert [m["status"] for m in pending["data"]] == ["0", "0"]
    done = wait_for(lambda: mailbox_job(api, created["uuid"]), lambda j: j["status"] == "completed")
    assert done["report"].endswith("completed")
    sales, info = done["data"]
    assert [sales["status"], info["status"]] == ["1", "1"]
    assert (sales["username"], sales["name"], sales["password"]) == (
        f"sales@{name}",
        "Sales Team",
        "a-secure-pass",
    )
    assert info["username"] == f"info@{name}"
    assert 12 <= len(info["password"]) <= 16
    assert info["password"] != sales["password"]
    assert sales["domain_id"] == domain["id"]
    assert (sales["imap_host"], sales["imap_port"], sales["smtp_port"]) == (
        f"mail.{name}",
        993,
        465,
    )
    assert expect(get_mailbox(api, info["id"]), 200) == info

    listed = expect(api.get(endpoints.LIST_MAILBOXES.path, params={"name": "INFO DESK"}), 200)
    assert info["id"] in [m["id"] for m in listed["data"]]
    by_user = expect(api.get(endpoints.LIST_MAILBOXES.path, params={"name": f"sales@{name}"}), 200)
    assert [m["id"] for m in by_user["data"]] == [sales["id"]]
    google_list = expect(api.get(endpoints.LIST_GOOGLE_MAILBOXES.path, params={"name": name}), 200)
    assert google_list["total"] == 0

    taken = {"mailboxes": [{"username": f"sales@{name}", "name": "Again"}]}
    assert_422(api.post(endpoints.CREATE_MAILBOXES.path, json=taken), "mailboxes.0.username")


@pytest.mark.parametrize("password", ["short7!", "x" * 25])
def test_mailbox_password_outside_8_to_24_is_422(api: httpx.Client, password: str) -> None:
    name = unique("pw")
    buy(api, name)
    body = {"mailboxes": [{"username": f"a@{name}", "name": "A", "password": password}]}
    bad = assert_422(api.post(endpoints.CREATE_MAILBOXES.path, json=body), "mailboxes.0.password")
    assert "between 8 and 24" in bad["errors"]["mailboxes.0.password"][0]
    listed = expect(api.get(endpoints.LIST_MAILBOXES.path, params={"name": f"a@{name}"}), 200)
    assert listed["total"] == 0


def test_mailbox_create_validation(api: httpx.Client) -> None:
    name = unique("val")
    buy(api, name)
    post = endpoints.CREATE_MAILBOXES.path
    assert_422(api.post(post, json={"mailboxes": []}), "mailboxes")
    outside = {"mailboxes": [{"username": f"a@{unique('elsewhere')}", "name": "A"}]}
    assert_422(api.post(post, json=outside), "mailboxes.0.username")
    no_name = {"mailboxes": [{"username": f"a@{name}"}]}
    assert_422(api.post(post, json=no_name), "mailboxes.0.name")
    bad_address = {"mailboxes": [{"username": "not-an-address", "name": "A"}]}
    assert_422(api.post(post, json=bad_address), "mailboxes.0.username")
    twice = {"mailboxes": [{"username": f"a@{name}", "name": "A"}] * 2}
    assert_422(api.post(post, json=twice), "mailboxes.1.username")


def test_update_name_and_password(api: httpx.Client) -> None:
    name = active_domain(api, "upd")["name"]
    box = create_mailboxes(api, [{"username": f"bob@{name}", "name": "Bob"}])["data"][0]
    rename = api.post(
        endpoints.UPDATE_MAILBOX_NAME.format(mailbox_id=box["id"]), json={"name": "Robert"}
    )
    assert expect(rename, 200) == {"message": "Mailbox name has been updated."}
    password_path = endpoints.UPDATE_MAILBOX_PASSWORD.format(mailbox_id=box["id"])
    short = assert_422(api.post(password_path, json={"password": "seven77"}), "password")
    assert short["errors"]["password"] == ["The password field must be at least 8 characters."]
    assert expect(api.post(password_path, json={"password": "eight888"}), 200) == {
        "message": "Mailbox password has been updated."
    }
    got = expect(get_mailbox(api, box["id"]), 200)
    assert (got["name"], got["password"]) == ("Robert", "eight888")
    assert_422(
        api.post(endpoints.UPDATE_MAILBOX_NAME.format(mailbox_id=box["id"]), json={}), "name"
    )
    rate = expect(api.get(endpoints.MAILBOX_RATE_LIMIT.format(mailbox_id=box["id"])), 200)
    assert rate == {"id": box["id"], "username": f"bob@{name}", "rate_limit": "500 / 1h"}


def test_google_mailboxes_and_google_only_routes(api: httpx.Client) -> None:
    gdomain, sdomain = (d["name"] for d in active_domains(api, [("gw", True), ("sw", False)]))
    wrong_provider = [{"username": f"x@{sdomain}", "first_name": "X", "last_name": "Y"}]
    assert_422(
        api.post(endpoints.CREATE_GOOGLE_MAILBOXES.path, json={"mailboxes": wrong_provider}),
        "mailboxes.0.username",
    )
    smtp_on_google = {"mailboxes": [{"username": f"x@{gdomain}", "name": "X"}]}
    assert_422(
        api.post(endpoints.CREATE_MAILBOXES.path, json=smtp_on_google), "mailboxes.0.username"
    )
    no_last = [{"username": f"x@{gdomain}", "first_name": "X"}]
    assert_422(
        api.post(endpoints.CREATE_GOOGLE_MAILBOXES.path, json={"mailboxes": no_last}),
        "mailboxes.0.last_name",
    )

    john = create_mailboxes(
        api, [{"username": f"john@{gdomain}", "first_name": "John", "last_name": "Doe"}], True
    )["data"][0]
    assert (john["name"], john["provider_type"], john["status"]) == ("John Doe", "google", "1")
    assert john["signature"] is None and john["redirect_email"] is None
    box = john["id"]
    smtp_box = create_mailboxes(api, [{"username": f"s@{sdomain}", "name": "S"}])["data"][0]["id"]
    listed = expect(api.get(endpoints.LIST_GOOGLE_MAILBOXES.path, params={"name": gdomain}), 200)
    assert [m["id"] for m in listed["data"]] == [box]

    rename = endpoints.UPDATE_MAILBOX_NAME.format(mailbox_id=box)
    expect(api.post(rename, json={"name": "Mary Ann Smith"}), 200)
    renamed = expect(get_mailbox(api, box), 200)
    assert (renamed["name"], renamed["first_name"], renamed["last_name"]) == (
        "Mary Ann Smith",
        "Mary",
        "Ann Smith",
    )

    creds_path = endpoints.SHOW_MAILBOX_CREDENTIALS.format(mailbox_id=box)
    creds = expect(api.get(creds_path), 200)
    assert creds["error"] is False
    assert creds["message"] == "Mailbox credentials retrieved successfully"
    assert creds["password"] == john["password"]
    assert re.fullmatch(r"[a-z2-7]{32}", creds["secret"])
    assert re.fullmatch(r"[a-z]{4}( [a-z]{4}){3}", creds["app_password"])
    assert expect(api.get(creds_path), 200) == creds

    before = time.time()
    totp = expect(api.post(endpoints.GENERATE_MAILBOX_TOTP.format(mailbox_id=box)), 200)
    after = time.time()
    assert totp["error"] is False and totp["message"] == "Mailbox TOTP generated successfully"
    assert re.fullmatch(r"\d{6}", totp["totp"])
    assert totp["totp"] in {totp_at(creds["secret"], before), totp_at(creds["secret"], after)}
    assert before < totp["expires_at"] <= after + 30 and totp["expires_at"] % 30 == 0

    sig_path = endpoints.ADD_MAILBOX_SIGNATURE.format(mailbox_id=box)
    assert expect(api.post(sig_path, json={"signature": "Best,\nMary"}), 200) == {
        "message": "Signatures processed successfully"
    }
    assert expect(get_mailbox(api, box), 200)["signature"] == "Best,\nMary"
    assert_422(api.post(sig_path, json={}), "signature")
    unsign = api.delete(endpoints.DELETE_MAILBOX_SIGNATURE.format(mailbox_id=box))
    assert expect(unsign, 200) == {"message": "Signatures removed successfully"}
    assert expect(get_mailbox(api, box), 200)["signature"] is None

    setup = endpoints.SETUP_MAILBOX_FORWARDING.format(mailbox_id=box)
    update = endpoints.UPDATE_MAILBOX_FORWARDING.format(mailbox_id=box)
    remove = endpoints.REMOVE_MAILBOX_FORWARDING.format(mailbox_id=box)
    no_forwarding = {"message": "No forwarding is set up for this mailbox."}
    assert expect(api.post(update, json={"forwarding_email": "a@b.test"}), 422) == no_forwarding
    assert expect(api.post(remove), 422) == no_forwarding
    assert_422(api.post(setup, json={"forwarding_email": "nope"}), "forwarding_email")
    expect(api.post(setup, json={"forwarding_email": "first@agency.test"}), 200)
    assert expect(get_mailbox(api, box), 200)["redirect_email"] == "first@agency.test"
    expect(api.post(update, json={"forwarding_email": "second@agency.test"}), 200)
    assert expect(get_mailbox(api, box), 200)["redirect_email"] == "second@agency.test"
    expect(api.post(remove), 200)
    assert expect(get_mailbox(api, box), 200)["redirect_email"] is None
    assert expect(api.post(remove), 422) == no_forwarding

    google_only = [
        ("POST", endpoints.GENERATE_MAILBOX_TOTP, None),
        ("GET", endpoints.SHOW_MAILBOX_CREDENTIALS, None),
        ("POST", endpoints.ADD_MAILBOX_SIGNATURE, {"signature": "x"}),
        ("DELETE", endpoints.DELETE_MAILBOX_SIGNATURE, None),
        ("POST", endpoints.SETUP_MAILBOX_FORWARDING, {"forwarding_email": "a@b.test"}),
        ("POST", endpoints.UPDATE_MAILBOX_FORWARDING, {"forwarding_email": "a@b.test"}),
        ("POST", endpoints.REMOVE_MAILBOX_FORWARDING, None),
    ]
    for method, endpoint, body in google_only:
        assert endpoint.method == method
        response = api.request(method, endpoint.format(mailbox_id=smtp_box), json=body)
        assert expect(response, 422) == {"message": GOOGLE_ONLY}, endpoint.path
        missing = api.request(method, endpoint.format(mailbox_id=987654321), json=body)
        assert expect(missing, 404) == {"message": "Mailbox not found."}, endpoint.path
    assert expect(get_mailbox(api, smtp_box), 200)["redirect_email"] is None


def test_delete_domain_removes_its_mailboxes(api: httpx.Client) -> None:
    domain, keep = active_domains(api, [("del", False), ("keepbox", False)])
    boxes = create_mailboxes(
        api,
        [
            {"username": f"one@{domain['name']}", "name": "One"},
            {"username": f"two@{domain['name']}", "name": "Two"},
            {"username": f"kept@{keep['name']}", "name": "Kept"},
        ],
    )["data"]
    sub = api.post(endpoints.ADD_SUBDOMAIN.path, json={"subdomain": "mx", "domain": domain["name"]})
    expect(sub, 201)
    deleted = api.delete(endpoints.DELETE_DOMAIN.format(domain_id=domain["id"]))
    assert expect(deleted, 200) == {"message": "Domain and related mailboxes has been removed."}
    assert expect(get_domain(api, domain["id"]), 404) == {"message": "Domain not found."}
    for box in boxes[:2]:
        assert expect(get_mailbox(api, box["id"]), 404) == {"message": "Mailbox not found."}
    assert expect(get_mailbox(api, boxes[2]["id"]), 200)["name"] == "Kept"
    listed = expect(api.get(endpoints.LIST_DOMAINS.path, params={"name": domain["name"]}), 200)
    assert listed["total"] == 0  # its subdomain went too
    again = api.delete(endpoints.DELETE_DOMAIN.format(domain_id=domain["id"]))
    assert expect(again, 404) == {"message": "Domain not found."}
    mailbox = endpoints.DELETE_MAILBOX.format(mailbox_id=boxes[2]["id"])
    assert expect(api.delete(mailbox), 200) == {"message": "Mailbox removed."}
    assert expect(api.delete(mailbox), 404) == {"message": "Mailbox not found."}


def test_unknown_ids_are_404(api: httpx.Client) -> None:
    domain_404 = {"message": "Domain not found."}
    mailbox_404 = {"message": "Mailbox not found."}
    for raw in ("987654321", "abc"):
        assert expect(get_domain(api, raw), 404) == domain_404
        assert expect(api.get(endpoints.DOMAIN_RATE_LIMIT.format(domain_id=raw)), 404) == domain_404
        assert expect(get_mailbox(api, raw), 404) == mailbox_404
        rename = api.post(endpoints.UPDATE_MAILBOX_NAME.format(mailbox_id=raw), json={"name": "x"})
        assert expect(rename, 404) == mailbox_404
    job = str(uuid.uuid4())
    assert expect(api.get(endpoints.DOMAIN_JOB_STATUS.format(job_id=job)), 404) == domain_404
    assert expect(api.get(endpoints.MAILBOX_JOB_STATUS.format(job_id=job)), 404) == mailbox_404
    # A domain job is not a mailbox job.
    domain_job_id = buy(api, unique("kind"))
    wrong_kind = api.get(endpoints.MAILBOX_JOB_STATUS.format(job_id=domain_job_id))
    assert expect(wrong_kind, 404) == mailbox_404
    unknown_route = api.get("/no/such/route")
    assert expect(unknown_route, 404) == {"message": "Not Found"}


def test_domain_rate_limit(api: httpx.Client) -> None:
    job_id = buy(api, unique("rate"))
    domain_id = domain_job(api, job_id)["data"][0]
    got = expect(api.get(endpoints.DOMAIN_RATE_LIMIT.format(domain_id=domain_id)), 200)
    name = expect(get_domain(api, domain_id), 200)["name"]
    assert got == {"id": int(domain_id), "name": name, "rate_limit": "500 / d"}


# Faults, counters, and the InboxedUp API alongside


@pytest.mark.parametrize("status", [310, 311, 312, 313])
def test_mailin_fault_then_success(api: httpx.Client, sandbox: SandboxProcess, status: int) -> None:
    sandbox.control.add_fault(status, path_prefix=PREFIX + "/domains")
    # A Mailin.ai-only status never faults an InboxedUp route, nor another prefix.
    with httpx.Client(base_url=sandbox.url, timeout=10) as inboxedup:
        iu = {"Authorization": f"Bearer {INBOXEDUP_TOKEN}"}
        assert inboxedup.get(inboxedup_endpoints.LIST_DOMAINS.path, headers=iu).status_code == 200
    assert api.get(endpoints.LIST_SERVERS.path).status_code == 200

    faulted = api.get(endpoints.LIST_DOMAINS.path)
    assert faulted.status_code == status
    assert set(faulted.json()) == {"message"}
    assert faulted.headers["X-Sandbox-Injected"] == "1"
    assert api.get(endpoints.LIST_DOMAINS.path).status_code == 200
    assert sandbox.control.faults() == []


def test_fault_messages_say_what_the_page_says(api: httpx.Client, sandbox: SandboxProcess) -> None:
    expected = {
        310: "You may try again.",
        311: "the data was not prepared",
        312: "You do not have an active subscription.",
        313: "some parts may be incomplete",
        429: "Too Many Attempts.",
        503: "Server Error",
    }
    for status, fragment in expected.items():
        sandbox.control.add_fault(status, method="GET", path_prefix=PREFIX)
        response = api.get(endpoints.LIST_SERVERS.path)
        assert response.status_code == status
        assert fragment.lower() in response.json()["message"].lower()
    with pytest.raises(httpx.HTTPStatusError):
        sandbox.control.add_fault(314)


def test_counter_keys_include_the_prefix(api: httpx.Client, sandbox: SandboxProcess) -> None:
    domain_id = domain_job(api, buy(api, unique("cnt")))["data"][0]
    sandbox.control.reset_stats()
    get_domain(api, domain_id)
    get_domain(api, domain_id)
    api.get(endpoints.DOMAIN_RATE_LIMIT.format(domain_id=domain_id))
    api.get(endpoints.LIST_GOOGLE_DOMAINS.path)
    api.post(endpoints.BUY_DOMAIN.path, json={})
    with httpx.Client(base_url=sandbox.url, timeout=10) as inboxedup:
        iu = {"Authorization": f"Bearer {INBOXEDUP_TOKEN}"}
        inboxedup.get(inboxedup_endpoints.GET_DOMAIN.format(domain_id="dom_x"), headers=iu)
    assert sandbox.control.stats() == {
        f"GET {PREFIX}/domains/{{domain_id}}": 2,
        f"GET {PREFIX}/domains/{{domain_id}}/rate-limit": 1,
        f"GET {PREFIX}/domains/list/google": 1,
        f"POST {PREFIX}/domains/buy": 1,
        "GET /domains/{domain_id}": 1,
    }


def test_inboxedup_api_still_served(sandbox: SandboxProcess) -> None:
    with httpx.Client(
        base_url=sandbox.url,
        headers={"Authorization": f"Bearer {INBOXEDUP_TOKEN}"},
        timeout=10,
    ) as inboxedup:
        account = inboxedup.get(inboxedup_endpoints.ACCOUNT.path)
        assert account.status_code == 200 and account.json()["success"] is True
        name = unique("iu")
        submitted = inboxedup.post(
            inboxedup_endpoints.SUBMIT_DOMAINS.path, json={"domains": [name]}
        )
        assert submitted.status_code == 201
        assert submitted.json()["data"]["domains"][0]["domain"] == name
        missing = inboxedup.get(inboxedup_endpoints.GET_DOMAIN.format(domain_id="dom_nope"))
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    # InboxedUp domains are not Mailin.ai domains.
    with httpx.Client(base_url=sandbox.mailin_url, headers=AUTH, timeout=10) as api:
        listed = expect(api.get(endpoints.LIST_DOMAINS.path, params={"name": name}), 200)
        assert listed["total"] == 0
