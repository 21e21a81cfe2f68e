"""Named accounts: settings per account, credentials never inherited, endpoints merged."""

from __future__ import annotations

import json
import threading

import pytest

from pulumi_inboxed.core.accounts import (
    AccountConfig,
    Registry,
    account_check_failure,
    configured_accounts,
)
from pulumi_inboxed.core.config import Setting, read, read_float, require
from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.core.endpoints_config import endpoint_table
from pulumi_inboxed.core.errors import ConfigError

TOKEN = Setting("demo", "apiToken", "DEMO_API_TOKEN", secret=True)
EMAIL = Setting("demo", "email", "DEMO_EMAIL", is_credential=True)
BASE_URL = Setting("demo", "baseUrl", "DEMO_BASE_URL", default="https://api.example")
INTERVAL = Setting("demo", "pollIntervalSeconds", "DEMO_POLL", default="5")


class _Endpoints:
    """Stands in for an API's `endpoints.py` module."""

    LIST_THINGS = Endpoint("GET", "/things", True, "")
    VERIFY_THING = Endpoint("POST", "/things/{thing_id}/verify", False, "")


ACCOUNTS = {
    "client-a": {"apiToken": "tok-a", "baseUrl": "https://a.example"},
    "client-b": {"apiToken": "tok-b", "endpoints": {"verify_thing": "PUT /t/{thing_id}/v"}},
    "no-creds": {"baseUrl": "https://c.example"},
}


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DEMO_API_TOKEN", "DEMO_EMAIL", "DEMO_BASE_URL", "DEMO_ACCOUNTS", "DEMO_POLL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DEMO_ENDPOINTS", raising=False)


def _config(**extra: object) -> dict[str, object]:
    return {
        "demo:apiToken": "tok-default",
        "demo:pollIntervalSeconds": "2",
        "demo:accounts": json.dumps(ACCOUNTS),  # the engine hands structured config as JSON
        **extra,
    }


def test_the_default_account_is_exactly_the_plain_settings() -> None:
    view = AccountConfig("demo", _config())
    assert read(TOKEN, view) == "tok-default"
    assert read(BASE_URL, view) == "https://api.example"
    assert view.label == "demo"


def test_a_named_account_has_its_own_credentials_and_inherits_the_rest() -> None:
    view = AccountConfig("demo", _config(), "client-a")
    assert require(TOKEN, view) == "tok-a"
    assert read(BASE_URL, view) == "https://a.example"
    assert read_float(INTERVAL, view, minimum=0.1) == 2.0  # the plain setting
    b = AccountConfig("demo", _config(), "client-b")
    assert read(BASE_URL, b) == "https://api.example"  # the plain default


def test_a_named_account_never_takes_the_default_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_API_TOKEN", "tok-from-env")
    monkeypatch.setenv("DEMO_EMAIL", "ops@example.com")
    view = AccountConfig("demo", _config(), "no-creds")
    assert read(TOKEN, view) is None
    assert read(EMAIL, view) is None
    with pytest.raises(ConfigError) as raised:
        require(TOKEN, view)
    message = str(raised.value)
    assert "demo:accounts.no-creds.apiToken" in message
    assert "--path --secret" in message
    assert "tok-default" not in message and "tok-from-env" not in message


def test_an_unknown_account_names_the_key_and_the_configured_ones() -> None:
    with pytest.raises(ConfigError) as raised:
        AccountConfig("demo", _config(), "nobody")
    message = str(raised.value)
    assert "'nobody'" in message and "demo:accounts.nobody" in message
    assert "client-a, client-b, no-creds" in message
    assert "tok-" not in message


@pytest.mark.parametrize("name", ["-lead", "a b", "x" * 65, "a/b"])
def test_a_bad_account_name_is_refused(name: str) -> None:
    assert "bad account name" in (account_check_failure("demo", _config(), name) or "")


def test_the_preview_check_passes_a_known_or_unset_account() -> None:
    assert account_check_failure("demo", _config(), None) is None
    assert account_check_failure("demo", _config(), "client-b") is None
    assert "not configured" in (account_check_failure("demo", _config(), "zzz") or "")


def test_accounts_come_from_the_variable_when_the_config_has_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_ACCOUNTS", json.dumps({"env-acct": {"apiToken": "tok-env"}}))
    accounts, source = configured_accounts("demo", {})
    assert list(accounts) == ["env-acct"] and source == "DEMO_ACCOUNTS"
    assert read(TOKEN, AccountConfig("demo", None, "env-acct")) == "tok-env"


def test_accounts_that_are_not_a_map_fail_by_name() -> None:
    with pytest.raises(ConfigError, match="demo:accounts must be a map"):
        configured_accounts("demo", {"demo:accounts": "[1, 2]"})
    with pytest.raises(ConfigError, match=r"demo:accounts\.a must be a map"):
        configured_accounts("demo", {"demo:accounts": {"a": "tok"}})


def test_endpoint_overrides_merge_the_account_over_the_plain_map() -> None:
    plain = {"demo:endpoints": {"list_things": "GET /v2/things"}}
    default = endpoint_table("demo", _Endpoints, AccountConfig("demo", _config(**plain)))  # type: ignore[arg-type]
    b = endpoint_table("demo", _Endpoints, AccountConfig("demo", _config(**plain), "client-b"))  # type: ignore[arg-type]
    a = endpoint_table("demo", _Endpoints, AccountConfig("demo", _config(**plain), "client-a"))  # type: ignore[arg-type]
    assert default.resolve(_Endpoints.VERIFY_THING).path == "/things/{thing_id}/verify"
    assert b.resolve(_Endpoints.VERIFY_THING).path == "/t/{thing_id}/v"
    assert b.resolve(_Endpoints.VERIFY_THING).method == "PUT"
    assert b.resolve(_Endpoints.LIST_THINGS).path == "/v2/things"
    assert a.resolve(_Endpoints.LIST_THINGS).path == "/v2/things"
    assert a.resolve(_Endpoints.VERIFY_THING).path == "/things/{thing_id}/verify"


def test_a_bad_per_account_override_fails_at_configure_naming_the_key() -> None:
    bad = dict(ACCOUNTS, broken={"apiToken": "t", "endpoints": {"nope": "GET /x"}})
    view = AccountConfig("demo", {"demo:accounts": bad}, "broken")
    with pytest.raises(ConfigError, match=r"demo:accounts\.broken\.endpoints\.nope: no such"):
        endpoint_table("demo", _Endpoints, view)  # type: ignore[arg-type]


def test_the_view_shows_no_setting_in_its_repr() -> None:
    view = AccountConfig("demo", _config(), "client-a")
    assert "tok" not in repr(view) and "client-a" in repr(view)


def test_the_registry_makes_one_object_per_key_across_threads() -> None:
    registry: Registry[object] = Registry()
    made: list[object] = []

    def make() -> object:
        made.append(object())
        return made[-1]

    got: list[object] = []
    threads = [
        threading.Thread(target=lambda: got.append(registry.get(("client-a", "url"), make)))
        for _ in range(16)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and all(g is made[0] for g in got)
    assert registry.get(("client-b", "url"), make) is not made[0]
    assert len(registry.values()) == 2


def test_a_view_given_as_the_config_stays_that_account(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runtimes may be handed an account's view as their config (the adopt command does): it is
    the same account, and a named one still never reaches the default credentials."""
    monkeypatch.setenv("DEMO_API_TOKEN", "tok-from-env")
    inner = AccountConfig("demo", _config(), "no-creds")
    again = AccountConfig("demo", inner)
    assert again.account == "no-creds"
    assert read(TOKEN, again) is None
    assert read(BASE_URL, again) == "https://c.example"
    other = AccountConfig("demo", inner, "client-a")
    assert read(TOKEN, other) == "tok-a"
