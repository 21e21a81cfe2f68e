"""MailChannels Inbound and Pingram clients over `httpx.MockTransport`: request shapes, the partial
batch answer, 403, the 503 rate limit, Pingram's structured errors (402 and 502 distinct)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from pulumi_inboxed.core.errors import (
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
)
from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.mailchannels import MailChannelsClient
from pulumi_inboxed.mailchannels import endpoints as mc_ep
from pulumi_inboxed.mailchannels.client import filter_chunks
from pulumi_inboxed.mailchannels.models import InboundDomain
from pulumi_inboxed.pingram import PingramClient, PingramError, ProviderError, UsageLimitError
from pulumi_inboxed.pingram.errors import PingramBadRequestError, PingramNotFoundError

MC_KEY = "mc-KEY-secret"
PG_KEY = "pingram_sk_SECRET"
FAST = RetryPolicy(attempts=3, initial_wait=0.001, max_wait=0.01)


def recorder(
    *responses: httpx.Response,
) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    pending = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return pending.pop(0)

    return httpx.MockTransport(handler), seen


def mc(transport: httpx.MockTransport) -> MailChannelsClient:
    return MailChannelsClient("https://mc.test/inbound/v1", MC_KEY, retry=FAST, transport=transport)


def pg(transport: httpx.MockTransport) -> PingramClient:
    return PingramClient("https://pg.test", PG_KEY, retry=FAST, transport=transport)


def commented(name: str, code: int, comment: str) -> dict[str, object]:
    return {
        "domain": {"domain": name, "subscriptionHandle": "sub-1"},
        "code": code,
        "comment": comment,
    }


# MailChannels Inbound


def test_batch_request_shape_and_partial_answer() -> None:
    answer = {
        "successes": [commented("ok.com", 201, "This domain was successfully created.")],
        "errors": [
            commented("bad.com", 400, "not RFC 5891"),
            commented("theirs.com", 409, "another customer"),
            commented("boom.com", 500, "There was an error provisioning the domain."),
        ],
    }
    transport, seen = recorder(httpx.Response(200, json=answer))
    domains = [
        InboundDomain.model_validate(
            {
                "domain": name,
                "settings": {
                    "abusePolicy": "flag",
                    "spamHeaderName": "X-S",
                    "spamHeaderValue": "1",
                },
                "downstreamAddresses": [{"priority": 1, "weight": 2, "port": 25, "target": "mx."}],
            }
        )
        for name in ("ok.com", "bad.com", "theirs.com", "boom.com")
    ]
    result = mc(transport).provision_domains(
        domains, subscription_handle="sub-1", associate_key=True, overwrite=True
    )
    request = seen[0]
    assert request.method == "POST" and request.url.path == "/inbound/v1/domains/batch"
    assert request.headers["X-API-Key"] == MC_KEY
    assert parse_qs(urlsplit(str(request.url)).query) == {
        "subscriptionHandle": ["sub-1"],
        "associate-key": ["true"],
        "overwrite": ["true"],
    }
    body = json.loads(request.content)
    first = body["domains"][0]
    assert first["domain"] == "ok.com"
    assert first["settings"] == {
        "abusePolicy": "flag",
        "spamHeaderName": "X-S",
        "spamHeaderValue": "1",
    }
    # both spellings of the downstream list (see docs/mailchannels-pingram-api.md)
    assert (
        first["downstreamAddresses"]
        == first["downstreamAddress"]
        == [{"priority": 1, "weight": 2, "port": 25, "target": "mx."}]
    )
    assert [s.domain.domain for s in result.successes] == ["ok.com"]
    assert {e.domain.domain: (e.code, e.comment) for e in result.errors} == {
        "bad.com": (400, "not RFC 5891"),
        "theirs.com": (409, "another customer"),
        "boom.com": (500, "There was an error provisioning the domain."),
    }


def test_batch_without_options_sends_only_the_handle() -> None:
    transport, seen = recorder(httpx.Response(200, json={"successes": [], "errors": []}))
    mc(transport).provision_domains([InboundDomain(domain="a.com")], subscription_handle="s")
    assert parse_qs(urlsplit(str(seen[0].url)).query) == {"subscriptionHandle": ["s"]}


@pytest.mark.parametrize("count", [0, 1001])
def test_batch_size_is_bounded_before_any_request(count: int) -> None:
    transport, seen = recorder()
    with pytest.raises(ValueError, match="1 to 1000 domains"):
        mc(transport).provision_domains(
            [InboundDomain(domain=f"d{i}.com") for i in range(count)], subscription_handle="s"
        )
    assert seen == []


def test_403_over_the_limit_is_permission_denied_with_the_errors() -> None:
    body = {
        "code": 403,
        "message": "Creating the domains will exceed the number of domains allowed",
        "errors": ["sub-1: 10 provisioned + 5 new > limit 12"],
    }
    transport, seen = recorder(httpx.Response(403, json=body))
    with pytest.raises(PermissionDeniedError) as caught:
        mc(transport).provision_domains([InboundDomain(domain="a.com")], subscription_handle="s")
    assert caught.value.status == 403
    assert caught.value.code is None  # the body's code only repeats the status
    assert "exceed the number of domains" in str(caught.value)
    assert "limit 12" in str(caught.value)
    assert caught.value.details == {"errors": body["errors"]}
    assert len(seen) == 1  # not retried
    assert MC_KEY not in str(caught.value)


def test_503_is_the_rate_limit_and_is_retried_even_for_post() -> None:
    limited = httpx.Response(
        503, headers={"Retry-After": "0"}, json={"code": 503, "message": "slow", "errors": []}
    )
    ok = httpx.Response(200, json={"successes": [commented("a.com", 201, "")], "errors": []})
    transport, seen = recorder(limited, ok)
    result = mc(transport).provision_domains(
        [InboundDomain(domain="a.com")], subscription_handle="s"
    )
    assert len(seen) == 2
    assert [s.domain.domain for s in result.successes] == ["a.com"]


def test_503_until_attempts_run_out_raises_rate_limited() -> None:
    limited = {"code": 503, "message": "Service Temporarily Unavailable", "errors": []}
    transport, seen = recorder(*(httpx.Response(503, json=limited) for _ in range(3)))
    with pytest.raises(RateLimitedError):
        mc(transport).list_subscriptions()
    assert len(seen) == FAST.attempts


def test_500_on_a_batch_post_is_not_retried() -> None:
    transport, seen = recorder(httpx.Response(500, json={"code": 0, "message": "x", "errors": []}))
    with pytest.raises(ServerError):
        mc(transport).provision_domains([InboundDomain(domain="a.com")], subscription_handle="s")
    assert len(seen) == 1


def test_list_filter_uses_repeated_domains_and_limit() -> None:
    transport, seen = recorder(
        httpx.Response(200, json={"domains": [{"domain": "a.com"}, {"domain": "b.com"}]})
    )
    found = mc(transport).list_domains(["a.com", "b.com"])
    assert [d.domain for d in found] == ["a.com", "b.com"]
    query = parse_qs(urlsplit(str(seen[0].url)).query)
    assert query == {"domains": ["a.com", "b.com"], "limit": ["2"]}


def test_list_all_pages_until_a_short_page() -> None:
    full = {"domains": [{"domain": f"d{i}.com"} for i in range(1000)]}
    transport, seen = recorder(
        httpx.Response(200, json=full), httpx.Response(200, json={"domains": [{"domain": "z.com"}]})
    )
    assert len(mc(transport).list_domains()) == 1001
    offsets = [parse_qs(urlsplit(str(r.url)).query)["offset"] for r in seen]
    assert offsets == [["0"], ["1000"]]


def test_filter_chunks_keep_urls_short() -> None:
    names = [f"inbound-{i:04d}.com" for i in range(1500)]
    chunks = list(filter_chunks(names))
    assert [n for chunk in chunks for n in chunk] == names
    assert len(chunks) > 1
    for chunk in chunks:
        assert len("&".join(f"domains={n}" for n in chunk)) <= 6000 + 20


def test_remove_missing_domain_is_not_found() -> None:
    body = {"code": 404, "message": "The domain does not exist.", "errors": []}
    transport, seen = recorder(httpx.Response(404, json=body))
    with pytest.raises(NotFoundError):
        mc(transport).remove_domain("gone.com")
    assert seen[0].method == "DELETE" and seen[0].url.path == "/inbound/v1/domains/gone.com"


def test_single_provision_puts_the_handle_in_the_body() -> None:
    transport, seen = recorder(
        httpx.Response(201, json={"domain": "a.com", "subscriptionHandle": "s"})
    )
    got = mc(transport).provision_domain(
        InboundDomain(domain="a.com", subscriptionHandle="s"), overwrite=True
    )
    assert got.subscription_handle == "s"
    assert seen[0].url.path == "/inbound/v1" + mc_ep.PROVISION_DOMAIN.path
    assert json.loads(seen[0].content)["subscriptionHandle"] == "s"
    assert parse_qs(urlsplit(str(seen[0].url)).query) == {"overwrite": ["true"]}


# Pingram


def sender(name: str, status: str = "PENDING") -> dict[str, object]:
    return {
        "sender": name,
        "status": status,
        "lastSync": "2026-01-01T00:00:00.000Z",
        "verificationTokens": ["t1"],
        "mailFromDomainStatus": "PENDING",
        "createdAt": "2026-01-01T00:00:00.000Z",
        "privateDKIMKey": "-----BEGIN RSA PRIVATE KEY-----\nSECRETKEY\n-----END ...",
        "selector": "sel",
    }


def pingram_error(code: str, **extra: str) -> dict[str, object]:
    return {"trackingId": "trk_123", "error": {"code": code, "message": "went wrong", **extra}}


def test_pingram_request_shapes() -> None:
    transport, seen = recorder(
        httpx.Response(200, json=[sender("a.com")]),
        httpx.Response(200, json=[sender("a.com", "SUCCESS")]),
        httpx.Response(200, json={"success": True}),
        httpx.Response(200, json=[sender("a.com", "SUCCESS")]),
    )
    client = pg(transport)
    added = client.add_domain("a.com")
    started = client.start_verification("a.com")
    client.delete_domain("a.com")
    listed = client.list_domains()
    assert [r.method + " " + r.url.raw_path.decode() for r in seen] == [
        "POST /domains",
        "POST /domains/a.com/start-verification",
        "DELETE /domains/a.com",
        "GET /domains",
    ]
    assert all(r.headers["Authorization"] == f"Bearer {PG_KEY}" for r in seen)
    assert json.loads(seen[0].content) == {"sender": "a.com"}
    assert added and started
    assert added[0].status == "PENDING" and started[0].status == "SUCCESS"
    assert listed[0].mail_from_domain_status == "PENDING"
    assert "SECRETKEY" not in repr(listed[0])  # the DKIM key stays out of reprs


def test_pingram_sender_in_a_path_is_url_encoded() -> None:
    transport, seen = recorder(httpx.Response(200, json={"success": True}))
    pg(transport).delete_domain("a b/c.com")
    assert seen[0].url.raw_path.decode() == "/domains/a%20b%2Fc.com"


def test_402_is_a_usage_limit_error_with_every_field() -> None:
    body = pingram_error("USAGE_LIMIT_EXCEEDED", fix="Upgrade your plan")
    transport, seen = recorder(httpx.Response(402, json=body))
    with pytest.raises(UsageLimitError) as caught:
        pg(transport).add_domain("a.com")
    err = caught.value
    assert not isinstance(err, ProviderError)
    assert (err.status, err.code, err.message) == (402, "USAGE_LIMIT_EXCEEDED", "went wrong")
    assert err.tracking_id == "trk_123" and err.fix == "Upgrade your plan"
    assert "trackingId=trk_123" in str(err) and "Upgrade your plan" in str(err)
    assert len(seen) == 1


def test_502_is_a_provider_error_with_provider_fields_retried_on_a_get() -> None:
    """The upstream provider's 502 (SES throttling or unavailable) passes: a GET is sent again
    (writes go through `add_domain_once`); after the last try the error keeps Pingram's fields."""
    body = pingram_error("PROVIDER_ERROR", provider="ses", providerCode="Throttling", fix="later")
    transport, seen = recorder(httpx.Response(502, json=body), httpx.Response(200, json=[]))
    assert pg(transport).list_domains() == []
    assert len(seen) == 2
    transport, seen = recorder(*[httpx.Response(502, json=body)] * FAST.attempts)
    with pytest.raises(ProviderError) as caught:
        pg(transport).list_domains()
    err = caught.value
    assert not isinstance(err, UsageLimitError)
    assert (err.upstream_provider, err.provider_code, err.tracking_id) == (
        "ses",
        "Throttling",
        "trk_123",
    )
    assert "[ses Throttling]" in str(err)
    assert len(seen) == FAST.attempts
    assert PG_KEY not in str(err)


def test_pingram_500_on_get_is_retried() -> None:
    transport, seen = recorder(
        httpx.Response(500, json=pingram_error("INTERNAL_SERVER_ERROR")),
        httpx.Response(200, json=[]),
    )
    assert pg(transport).list_domains() == []
    assert len(seen) == 2


def test_pingram_400_and_404_are_pingram_errors_and_core_errors() -> None:
    transport, _ = recorder(
        httpx.Response(400, json=pingram_error("VALIDATION_ERROR", fix="domain only")),
        httpx.Response(404, json=pingram_error("NOT_FOUND")),
    )
    client = pg(transport)
    with pytest.raises(PingramBadRequestError) as bad:
        client.add_domain("me@a.com")
    assert bad.value.fix == "domain only"
    with pytest.raises(NotFoundError) as missing:
        client.delete_domain("gone.com")
    assert isinstance(missing.value, PingramNotFoundError)
    assert isinstance(missing.value, PingramError)
    assert missing.value.tracking_id == "trk_123"


def test_get_domain_finds_one_sender() -> None:
    transport, _ = recorder(httpx.Response(200, json=[sender("a.com"), sender("b.com")]))
    found = pg(transport).get_domain("b.com")
    assert found is not None and found.sender == "b.com"
