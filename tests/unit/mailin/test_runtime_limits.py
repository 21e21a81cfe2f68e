"""Mailin.ai's pace per account: one `RequestLimiter` per account, shared by every HTTP client
of the account (calls, login, logout), the request timeout from `mailin:requestTimeoutSeconds`,
and a bad value failing with the key to fix."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core.errors import ConfigError
from pulumi_inboxed.core.request_limits import DEFAULT_LIMITS, RequestLimits
from pulumi_inboxed.mailin.runtime import runtime_for

LIMITS = {
    "mailin:maxConcurrentRequests": "3",
    "mailin:requestsPerSecond": "7.5",
    "mailin:requestTimeoutSeconds": "12",
}


def config(**extra: Any) -> dict[str, Any]:
    """A fresh base URL: a runtime of its own, not one another test made."""
    return {
        "mailin:baseUrl": f"http://mailin-{uuid.uuid4().hex[:8]}.test/api/v1/public",
        "mailin:apiToken": "t",
        **extra,
    }


def test_every_client_of_an_account_shares_its_one_limiter_and_timeout() -> None:
    client = runtime_for(config(**LIMITS)).client
    limiter = client.http.limiter
    assert limiter is not None
    assert limiter.limits == RequestLimits(concurrent=3, per_second=7.5, timeout=12.0)
    assert client._anonymous.limiter is limiter  # the login's client
    assert client._logout.limiter is limiter
    assert client.http.retry.request_timeout == 12.0
    assert client._anonymous.retry.request_timeout == 12.0
    assert client._logout.retry.request_timeout == 5.0  # the exit's own, shorter bound
    timeout = client.http._client.timeout
    assert isinstance(timeout, httpx.Timeout) and timeout.read == 12.0


def test_the_defaults_are_mailins() -> None:
    limiter = runtime_for(config()).client.http.limiter
    assert limiter is not None and limiter.limits == DEFAULT_LIMITS["mailin"]


def test_each_named_account_has_its_own_pace_and_resources_of_one_share_it() -> None:
    settings = config(
        **LIMITS,
        **{
            "mailin:accounts": {
                "fast": {"apiToken": "a", "maxConcurrentRequests": 20, "requestsPerSecond": 50},
                "plain": {"apiToken": "b"},
            }
        },
    )
    fast = runtime_for(settings, "fast").client.http.limiter
    plain = runtime_for(settings, "plain").client.http.limiter
    default = runtime_for(settings).client.http.limiter
    assert fast is not None and plain is not None and default is not None
    assert len({id(fast), id(plain), id(default)}) == 3
    assert fast.limits == RequestLimits(concurrent=20, per_second=50.0, timeout=12.0)
    assert plain.limits == RequestLimits(concurrent=3, per_second=7.5, timeout=12.0)
    # another resource of the account (another poll interval) shares its client and limiter
    again = runtime_for({**settings, "mailin:pollIntervalSeconds": "1"}, "fast")
    assert again.client.http.limiter is fast


@pytest.mark.parametrize(
    ("extra", "account", "key"),
    [
        ({"mailin:requestsPerSecond": "fast"}, None, "mailin:requestsPerSecond"),
        ({"mailin:maxConcurrentRequests": "0"}, None, "mailin:maxConcurrentRequests"),
        ({"mailin:maxConcurrentRequests": "2.5"}, None, "mailin:maxConcurrentRequests"),
        ({"mailin:requestTimeoutSeconds": "-1"}, None, "mailin:requestTimeoutSeconds"),
        (
            {"mailin:accounts": {"a": {"apiToken": "x", "requestsPerSecond": "lots"}}},
            "a",
            "mailin:accounts.a.requestsPerSecond",
        ),
    ],
    ids=["rate-word", "no-concurrency", "fraction", "negative-timeout", "named-account"],
)
def test_a_bad_value_fails_naming_its_key(
    extra: dict[str, Any], account: str | None, key: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        runtime_for(config(**extra), account)
    assert str(caught.value).startswith(key)
