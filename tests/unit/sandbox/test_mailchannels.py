"""The sandbox's MailChannels Inbound and Pingram APIs, over HTTP in a real child process."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_inboxed.sandbox import SandboxProcess

MC = "/mailchannels/inbound/v1"
PG = "/pingram"
MC_AUTH = {"X-API-Key": "mc-sandbox-key"}
PG_AUTH = {"Authorization": "Bearer pingram_sk_sandbox"}
SUB = "sub-sandbox"
WAIT_BOUND = 10.0


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    state = tmp_path_factory.mktemp("inbound") / "state.db"
    with SandboxProcess(state, lifetime=300) as process:
        yield process


@pytest.fixture
def http(sandbox: SandboxProcess) -> Iterator[httpx.Client]:
    sandbox.control.reset()
    sandbox.control.update_settings(
        mailchannels_domain_limit=5000,
        pingram_verify_seconds=0.3,
        pingram_add_starts_verification=True,
        pingram_domain_limit=100,
    )
    with httpx.Client(base_url=sandbox.url, timeout=30) as client:
        yield client


def batch(http: httpx.Client, names: list[str], handle: str = SUB, **query: str) -> httpx.Response:
    domains = [{"domain": n, "settings": {"abusePolicy": "block"}} for n in names]
    return http.post(
        f"{MC}/domains/batch",
        params={"subscriptionHandle": handle, **query},
        json={"domains": domains},
        headers=MC_AUTH,
    )


def assert_mc_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == status and isinstance(body["errors"], list) and body["message"]
    return body


def assert_pingram_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    body: dict[str, Any] = response.json()
    assert set(body) == {"trackingId", "error"} and body["trackingId"].startswith("trk_")
    assert body["error"]["code"] == code and body["error"]["message"]
    return body


# MailChannels Inbound


def test_mailchannels_needs_the_api_key(http: httpx.Client) -> None:
    assert_mc_error(http.get(f"{MC}/subscriptions"), 401)
    assert_mc_error(http.get(f"{MC}/subscriptions", headers={"X-API-Key": "wrong"}), 401)


def test_batch_answers_per_domain_and_keeps_the_successes(
    http: httpx.Client, sandbox: SandboxProcess
) -> None:
    names = ["good-a.com", "invalid-a.com", "taken-a.com", "error-a.com", "bad_name.com"]
    response = batch(http, [*names, "good-a.com"])
    assert response.status_code == 200
    body = response.json()
    assert [(s["domain"]["domain"], s["code"]) for s in body["successes"]] == [("good-a.com", 201)]
    assert body["successes"][0]["domain"]["settings"] == {"abusePolicy": "block"}
    assert sorted((e["domain"]["domain"], e["code"]) for e in body["errors"]) == [
        ("bad_name.com", 400),
        ("error-a.com", 500),
        ("good-a.com", 400),  # listed twice: the second one
        ("invalid-a.com", 400),
        ("taken-a.com", 409),
    ]
    assert (
        "RFC"
        in next(e for e in body["errors"] if e["domain"]["domain"] == "bad_name.com")["comment"]
    )
    assert set(sandbox.control.mailchannels_state()["domains"]) == {"good-a.com"}


def test_batch_request_errors(http: httpx.Client) -> None:
    assert_mc_error(batch(http, [f"d{i}.com" for i in range(1001)]), 400)
    response = http.post(f"{MC}/domains/batch", json={"domains": []}, headers=MC_AUTH)
    assert_mc_error(response, 400)  # no handle
    assert_mc_error(batch(http, ["a.com"], handle="someone-elses"), 403)
    assert_mc_error(batch(http, ["a.com"], overwrite="maybe"), 400)


def test_over_the_limit_provisions_nothing(http: httpx.Client, sandbox: SandboxProcess) -> None:
    sandbox.control.update_settings(mailchannels_domain_limit=3)
    assert batch(http, ["one.com", "two.com"]).status_code == 200
    body = assert_mc_error(batch(http, ["three.com", "four.com"]), 403)
    assert "None of the domains have been provisioned" in body["message"]
    assert set(sandbox.control.mailchannels_state()["domains"]) == {"one.com", "two.com"}
    # domains already ours do not count again
    assert batch(http, ["one.com", "three.com"]).status_code == 200
    subs = http.get(f"{MC}/subscriptions", headers=MC_AUTH).json()
    assert subs[0]["handle"] == SUB and subs[0]["activeAccountsCount"] == 3
    assert subs[0]["limits"] == [{"featureHandle": "domains", "value": "3"}]


def test_1000_domains_in_one_batch(http: httpx.Client, sandbox: SandboxProcess) -> None:
    response = batch(http, [f"bulk-{i:04d}.com" for i in range(1000)])
    assert len(response.json()["successes"]) == 1000
    assert len(sandbox.control.mailchannels_state()["domains"]) == 1000


def test_overwrite_replaces_the_sections_given_and_keeps_the_others(http: httpx.Client) -> None:
    first = {
        "domain": "ow.com",
        "settings": {"abusePolicy": "block"},
        "downstreamAddress": [{"priority": 1, "weight": 1, "port": 25, "target": "mx.a."}],
        "aliases": ["ow-alias.com"],
    }
    params = {"subscriptionHandle": SUB}
    http.post(f"{MC}/domains/batch", params=params, json={"domains": [first]}, headers=MC_AUTH)
    change = {"domain": "ow.com", "settings": {"abusePolicy": "quarantine"}}
    kept = http.post(
        f"{MC}/domains/batch", params=params, json={"domains": [change]}, headers=MC_AUTH
    ).json()
    assert kept["successes"][0]["code"] == 201
    assert kept["successes"][0]["domain"]["settings"] == {"abusePolicy": "block"}  # no overwrite
    changed = http.post(
        f"{MC}/domains/batch",
        params={**params, "overwrite": "true"},
        json={"domains": [change]},
        headers=MC_AUTH,
    ).json()
    domain = changed["successes"][0]["domain"]
    assert domain["settings"] == {"abusePolicy": "quarantine"}
    assert domain["downstreamAddresses"] == [
        {"priority": 1, "weight": 1, "port": 25, "target": "mx.a."}
    ]
    assert domain["aliases"] == ["ow-alias.com"]


def test_bad_settings_fail_that_domain_only(http: httpx.Client) -> None:
    domains = [
        {"domain": "flag.com", "settings": {"abusePolicy": "flag"}},
        {
            "domain": "dot.com",
            "downstreamAddresses": [{"priority": 1, "weight": 1, "port": 25, "target": "mx"}],
        },
        {"domain": "fine.com"},
    ]
    body = http.post(
        f"{MC}/domains/batch",
        params={"subscriptionHandle": SUB},
        json={"domains": domains},
        headers=MC_AUTH,
    ).json()
    errors = {e["domain"]["domain"]: e["comment"] for e in body["errors"]}
    assert "spamHeaderName" in errors["flag.com"] and "ending in a dot" in errors["dot.com"]
    assert [s["domain"]["domain"] for s in body["successes"]] == ["fine.com"]


def test_list_filters_and_pages(http: httpx.Client) -> None:
    batch(http, [f"l{i}.com" for i in range(15)])
    default = http.get(f"{MC}/domains", headers=MC_AUTH).json()["domains"]
    assert len(default) == 10  # "defaults to 10"
    page = http.get(f"{MC}/domains", params={"limit": 5, "offset": 12}, headers=MC_AUTH).json()
    assert [d["domain"] for d in page["domains"]] == ["l7.com", "l8.com", "l9.com"]
    filtered = http.get(
        f"{MC}/domains",
        params=[("domains", "l3.com"), ("domains", "l4.com,nope.com"), ("limit", "100")],
        headers=MC_AUTH,
    ).json()
    assert [d["domain"] for d in filtered["domains"]] == ["l3.com", "l4.com"]
    assert_mc_error(http.get(f"{MC}/domains", params={"limit": 0}, headers=MC_AUTH), 400)


def test_single_provision_and_remove(http: httpx.Client) -> None:
    body = {"domain": "single.com", "subscriptionHandle": SUB, "aliases": ["single-alias.com"]}
    assert http.post(f"{MC}/domains", json=body, headers=MC_AUTH).status_code == 201
    assert http.post(f"{MC}/domains", json=body, headers=MC_AUTH).status_code == 200
    taken = {"domain": "taken-x.com", "subscriptionHandle": SUB}
    assert_mc_error(http.post(f"{MC}/domains", json=taken, headers=MC_AUTH), 409)
    assert_mc_error(http.delete(f"{MC}/domains/single-alias.com", headers=MC_AUTH), 403)
    assert http.delete(f"{MC}/domains/single.com", headers=MC_AUTH).status_code == 204
    assert_mc_error(http.delete(f"{MC}/domains/single.com", headers=MC_AUTH), 404)
    assert_mc_error(http.delete(f"{MC}/domains/bad_name.com", headers=MC_AUTH), 400)


def test_a_domain_associated_with_a_key_is_removed_only_with_it(
    http: httpx.Client, sandbox: SandboxProcess
) -> None:
    sandbox.control.update_settings(mailchannels_api_keys=["mc-sandbox-key", "other-key"])
    try:
        batch(http, ["assoc.com"], **{"associate-key": "true"})
        other = {"X-API-Key": "other-key"}
        assert_mc_error(http.delete(f"{MC}/domains/assoc.com", headers=other), 403)
        assert http.delete(f"{MC}/domains/assoc.com", headers=MC_AUTH).status_code == 204
    finally:
        sandbox.control.update_settings(mailchannels_api_keys=["mc-sandbox-key"])


def test_injected_503_has_the_mailchannels_shape_and_routes_are_counted(
    http: httpx.Client, sandbox: SandboxProcess
) -> None:
    sandbox.control.add_fault(503, count=1, retry_after=1, path_prefix=MC)
    response = batch(http, ["after-503.com"])
    assert_mc_error(response, 503)
    assert response.headers["Retry-After"] == "1"
    assert batch(http, ["after-503.com"]).status_code == 200
    http.delete(f"{MC}/domains/after-503.com", headers=MC_AUTH)
    stats = sandbox.control.stats()
    assert stats[f"POST {MC}/domains/batch"] == 2
    assert stats[f"DELETE {MC}/domains/{{domain}}"] == 1
    assert_mc_error(http.get(f"{MC}/nowhere", headers=MC_AUTH), 404)


# Pingram


def wait_status(http: httpx.Client, sender: str, wanted: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_BOUND
    while True:
        found = next(
            d for d in http.get(f"{PG}/domains", headers=PG_AUTH).json() if d["sender"] == sender
        )
        if found["status"] == wanted or time.monotonic() > deadline:
            return dict(found)
        time.sleep(0.05)


def test_pingram_needs_the_bearer_key(http: httpx.Client) -> None:
    body = assert_pingram_error(http.get(f"{PG}/domains"), 401, "UNAUTHORIZED")
    assert "Bearer" in body["error"]["fix"]
    wrong = {"Authorization": "Bearer nope"}
    assert_pingram_error(http.get(f"{PG}/domains", headers=wrong), 401, "UNAUTHORIZED")


def test_added_domain_goes_pending_then_success(http: httpx.Client) -> None:
    added = http.post(f"{PG}/domains", json={"sender": "News.Example.com"}, headers=PG_AUTH)
    assert added.status_code == 200
    (domain,) = added.json()
    assert domain["sender"] == "news.example.com"
    assert domain["status"] == "PENDING" and domain["mailFromDomainStatus"] == "PENDING"
    assert domain["privateDKIMKey"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert len(domain["verificationTokens"]) == 3 and domain["selector"]
    done = wait_status(http, "news.example.com", "SUCCESS")
    assert (done["status"], done["mailFromDomainStatus"]) == ("SUCCESS", "SUCCESS")


@pytest.mark.parametrize(
    ("sender", "outcome"), [("fail-x.com", "FAILED"), ("tempfail-x.com", "TEMPORARY_FAILURE")]
)
def test_failing_names_end_failed(http: httpx.Client, sender: str, outcome: str) -> None:
    http.post(f"{PG}/domains", json={"sender": sender}, headers=PG_AUTH)
    done = wait_status(http, sender, outcome)
    assert (done["status"], done["mailFromDomainStatus"]) == (outcome, outcome)


def test_not_started_until_start_verification(http: httpx.Client, sandbox: SandboxProcess) -> None:
    sandbox.control.update_settings(pingram_add_starts_verification=False)
    (domain,) = http.post(f"{PG}/domains", json={"sender": "later.com"}, headers=PG_AUTH).json()
    assert domain["status"] == "NOT_STARTED" and "mailFromDomainStatus" not in domain
    started = http.post(f"{PG}/domains/later.com/start-verification", headers=PG_AUTH)
    assert started.status_code == 200 and started.json()[0]["status"] == "PENDING"
    assert wait_status(http, "later.com", "SUCCESS")["status"] == "SUCCESS"


def test_pingram_errors(http: httpx.Client, sandbox: SandboxProcess) -> None:
    post = http.post
    assert_pingram_error(post(f"{PG}/domains", json={}, headers=PG_AUTH), 400, "VALIDATION_ERROR")
    body = assert_pingram_error(
        post(f"{PG}/domains", json={"sender": "me@a.com"}, headers=PG_AUTH), 400, "VALIDATION_ERROR"
    )
    assert "domain only" in body["error"]["fix"]
    post(f"{PG}/domains", json={"sender": "dup.com"}, headers=PG_AUTH)
    assert_pingram_error(
        post(f"{PG}/domains", json={"sender": "dup.com"}, headers=PG_AUTH),
        400,
        "DOMAIN_ALREADY_EXISTS",
    )
    provider = assert_pingram_error(
        post(f"{PG}/domains", json={"sender": "provider-error-a.com"}, headers=PG_AUTH),
        502,
        "PROVIDER_ERROR",
    )
    assert (provider["error"]["provider"], provider["error"]["providerCode"]) == (
        "ses",
        "InvalidParameterValue",
    )
    sandbox.control.update_settings(pingram_domain_limit=1)
    usage = assert_pingram_error(
        post(f"{PG}/domains", json={"sender": "second.com"}, headers=PG_AUTH),
        402,
        "USAGE_LIMIT_EXCEEDED",
    )
    assert usage["error"]["fix"]
    assert_pingram_error(
        post(f"{PG}/domains/gone.com/start-verification", headers=PG_AUTH), 404, "NOT_FOUND"
    )
    assert_pingram_error(http.delete(f"{PG}/domains/gone.com", headers=PG_AUTH), 404, "NOT_FOUND")


def test_delete_and_injected_502_and_counters(http: httpx.Client, sandbox: SandboxProcess) -> None:
    http.post(f"{PG}/domains", json={"sender": "del.com"}, headers=PG_AUTH)
    sandbox.control.add_fault(502, count=1, path_prefix=PG)
    injected = assert_pingram_error(
        http.get(f"{PG}/domains", headers=PG_AUTH), 502, "PROVIDER_ERROR"
    )
    assert injected["error"]["provider"] == "ses"
    response = http.delete(f"{PG}/domains/del.com", headers=PG_AUTH)
    assert response.status_code == 200 and response.json() == {"success": True}
    assert sandbox.control.pingram_domains() == []
    stats = sandbox.control.stats()
    assert stats[f"GET {PG}/domains"] == 1
    assert stats[f"DELETE {PG}/domains/{{sender}}"] == 1
    assert stats[f"POST {PG}/domains"] == 1


def test_state_survives_a_restart(http: httpx.Client, sandbox: SandboxProcess) -> None:
    batch(http, ["kept.com"])
    http.post(f"{PG}/domains", json={"sender": "kept-sender.com"}, headers=PG_AUTH)
    sandbox.restart()
    assert "kept.com" in sandbox.control.mailchannels_state()["domains"]
    assert [d["sender"] for d in sandbox.control.pingram_domains()] == ["kept-sender.com"]
