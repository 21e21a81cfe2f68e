"""Issue 21: a refused Mailin.ai credential names the API, the account and the config key to set
(`mailin:apiToken`, `mailin:accounts.<name>.apiToken`, or a login's email and password keys),
never the credential; a login's token that expired is still replaced by a fresh login. The
runtime builds its clients as ever (`runtime_for`); their HTTP goes to a fake Mailin.ai behind
`httpx.MockTransport` that accepts one token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core.accounts import Registry
from pulumi_inboxed.core.errors import AuthenticationError
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin import runtime as mailin_runtime
from pulumi_inboxed.mailin.domains import DomainsProvider

from ..conftest import mailin_page
from ..fake_api import Call, FakeApi
from .fake_account import PREFIX

BASE = "http://mailin-credentials.test/api/v1/public"
WRONG_TOKEN = "mailin-wrong-token-5150"
PASSWORD = "pw-secret-7781"


class FakeMailin(FakeApi):
    """Accepts `accepted` tokens; a login with `PASSWORD` gives the next of `tokens`; its
    domain list is empty."""

    def __init__(self, accepted: set[str], tokens: list[str] | None = None) -> None:
        super().__init__(ep, base_path=PREFIX)
        self.accepted = accepted
        self.tokens = list(tokens or [])
        self.on(ep.LOGIN, self._login)
        self.on(ep.LOGOUT, lambda _c: httpx.Response(200, json={"message": "Logged out."}))
        self.on(ep.LIST_DOMAINS, lambda _c: httpx.Response(200, json=mailin_page([])))

    @property
    def logins(self) -> int:
        return len(self.calls_to(ep.LOGIN))

    def serve(self, call: Call) -> httpx.Response:
        self.calls.append(call)
        token = call.request.headers.get("Authorization", "").removeprefix("Bearer ")
        if call.endpoint not in (ep.LOGIN, ep.LOGOUT) and token not in self.accepted:
            return httpx.Response(401, json={"message": "Unauthenticated."})
        return self.answer(call)

    def _login(self, call: Call) -> httpx.Response:
        if call.body.get("password") != PASSWORD or not self.tokens:
            return httpx.Response(401, json={"message": "Invalid credentials."})
        return httpx.Response(200, json={"user_id": 1, "token": self.tokens.pop(0)})


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[FakeMailin]]:
    """The runtime's clients send to the fake set in the list; fresh registries (a new
    provider process), no MAILIN_* variable."""
    fakes: list[FakeMailin] = []

    class Faked(MailinClient):
        def __init__(self, base_url: str, **kwargs: Any) -> None:
            transport = httpx.MockTransport(lambda request: fakes[0](request))
            super().__init__(base_url, transport=transport, **kwargs)

    monkeypatch.setattr(mailin_runtime, "MailinClient", Faked)
    monkeypatch.setattr(mailin_runtime, "_clients", Registry())
    monkeypatch.setattr(mailin_runtime, "_runtimes", Registry())
    for name in ("MAILIN_API_TOKEN", "MAILIN_EMAIL", "MAILIN_PASSWORD", "MAILIN_ACCOUNTS"):
        monkeypatch.delenv(name, raising=False)
    yield fakes
    for client in mailin_runtime._clients.values():
        client.close()


def config(**accounts: dict[str, Any]) -> dict[str, Any]:
    return {
        "mailin:baseUrl": BASE,
        "mailin:apiToken": WRONG_TOKEN,
        "mailin:pollIntervalSeconds": "0.05",
        "mailin:accounts": accounts,
    }


def test_a_refused_token_of_a_named_account_names_the_account_and_its_key(
    api: list[FakeMailin],
) -> None:
    api.append(FakeMailin({"good-token"}))
    rt = mailin_runtime.runtime_for(config(**{"client-b": {"apiToken": WRONG_TOKEN}}), "client-b")
    with pytest.raises(AuthenticationError) as refused:
        rt.client.list_domains()
    message = str(refused.value)
    assert "Mailin.ai account 'client-b': the API refused the token (401: Unauthenticated." in (
        message
    )
    assert "`pulumi config set --path --secret 'mailin:accounts.client-b.apiToken' ...`" in message
    assert refused.value.credential_key == "mailin:accounts.client-b.apiToken"
    assert WRONG_TOKEN not in message


def test_a_refused_token_of_the_default_account_names_mailin_api_token(
    api: list[FakeMailin],
) -> None:
    api.append(FakeMailin({"good-token"}))
    rt = mailin_runtime.runtime_for(config())
    with pytest.raises(AuthenticationError) as refused:
        rt.client.list_domains()
    message = str(refused.value)
    assert "Mailin.ai (default account): the API refused the token (401" in message
    assert "`pulumi config set --secret mailin:apiToken ...` or the MAILIN_API_TOKEN" in message
    assert WRONG_TOKEN not in message


def test_an_expired_login_token_is_replaced_by_a_fresh_login(api: list[FakeMailin]) -> None:
    """The re-login on a 401 still works with the credential named on the error."""
    fake = FakeMailin({"fresh"}, tokens=["expired", "fresh"])
    api.append(fake)
    accounts = {"pw": {"email": "ops@agency.test", "password": PASSWORD}}
    rt = mailin_runtime.runtime_for(config(**accounts), "pw")
    assert rt.client.list_domains() == []
    assert fake.logins == 2


def test_a_login_whose_token_is_refused_names_the_email_and_password_keys(
    api: list[FakeMailin],
) -> None:
    fake = FakeMailin(set(), tokens=["refused-1", "refused-2"])
    api.append(fake)
    accounts = {"pw": {"email": "ops@agency.test", "password": PASSWORD}}
    rt = mailin_runtime.runtime_for(config(**accounts), "pw")
    with pytest.raises(AuthenticationError) as refused:
        rt.client.list_domains()
    message = str(refused.value)
    assert fake.logins == 2  # logged in again once, then refused again
    assert "Mailin.ai account 'pw': the API refused the login (email and password) (401" in (
        message
    )
    assert "mailin:accounts.pw.email" in message and "mailin:accounts.pw.password" in message
    assert PASSWORD not in message and "refused-2" not in message


def test_a_domains_check_on_a_refused_token_fails_on_account_naming_the_key(
    api: list[FakeMailin],
) -> None:
    """Issue 21: the failure read `domains: could not check availability: Mailin.ai API error
    401`, naming neither the account nor the key, on an input that was not the problem."""
    api.append(FakeMailin({"good-token"}))
    provider = DomainsProvider()
    provider._config = config(**{"client-b": {"apiToken": WRONG_TOKEN}})
    result = provider.check({}, {"domains": ["fresh-name.com"], "account": "client-b"})
    failures = {f.property: f.reason for f in result.failures}
    assert list(failures) == ["account"], failures
    reason = failures["account"]
    assert "could not check availability" in reason
    assert "Mailin.ai account 'client-b': the API refused the token (401" in reason
    assert "mailin:accounts.client-b.apiToken" in reason
    assert WRONG_TOKEN not in reason
