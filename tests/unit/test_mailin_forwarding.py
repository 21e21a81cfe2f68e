"""DomainForwarding / EmailForwarding: tolerant refresh, verified removal, adoption.

Replies whose shape no page shows are faked with `httpx.MockTransport` (the page's own domain
shape has no forwarding field at all); adoption runs against the sandbox.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from pulumi.output import Unknown

from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.mailin import MailinClient, forwarding
from pulumi_inboxed.mailin.forwarding import DomainForwardingProvider, EmailForwardingProvider
from pulumi_inboxed.mailin.runtime import runtime_for
from pulumi_inboxed.sandbox import SandboxProcess

TOKEN = "mailin-sandbox-token"
Handler = Callable[[httpx.Request], httpx.Response]


def fake_api(provider: Any, handler: Handler) -> Any:
    """Configures `provider` for a Mailin.ai API answered by `handler` (HTTP faked, not code)."""
    base = f"http://mailin-{uuid.uuid4().hex[:8]}.test/api/v1/public"
    config = {"mailin:baseUrl": base, "mailin:apiToken": "t", "mailin:pollIntervalSeconds": "0.05"}
    runtime = runtime_for(config)
    runtime.client = MailinClient(
        base,
        token="t",
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(attempts=1, initial_wait=0.0, max_wait=0.0),
    )
    provider._config = config
    return provider


def page(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"current_page": 1, "last_page": 1, "next_page_url": None, "data": items}


PAGE_SHAPE = {"id": 7, "name": "acme-mail.com", "main_domain": 1, "status": "Active"}
"""`GET /domains/{id}` as the page shows it: no forwarding field."""


def routes(
    domain: dict[str, Any] | None,
    *,
    listed: list[dict[str, Any]] | None = None,
    remove_status: int = 200,
    calls: list[str] | None = None,
) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.split("/public", 1)[1]
        if calls is not None:
            calls.append(f"{request.method} {path}")
        if request.method == "GET" and path == "/domains/7":
            if domain is None:
                return httpx.Response(404, json={"message": "Domain not found."})
            return httpx.Response(200, json=domain)
        if request.method == "GET" and path in ("/domains", "/domains/list/google"):
            return httpx.Response(200, json=page(listed or []))
        if request.method == "POST" and path.startswith("/domains/remove/"):
            if remove_status == 404:
                return httpx.Response(404, json={"message": "Not Found"})
            return httpx.Response(200, json={"message": "removed"})
        if request.method == "POST":
            return httpx.Response(200, json={"message": "updated"})
        return httpx.Response(404, json={"message": "Not Found"})

    return handler


STATE = {"domain_id": 7, "forward_to": "target.com", "destroy_adopted": False, "adopted": False}
EMAIL_STATE = {**STATE, "forward_to": "catch@agency.test"}


# defect 8 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", [DomainForwardingProvider, EmailForwardingProvider])
def test_refresh_keeps_a_forwarding_the_reply_does_not_show(kind: Any) -> None:
    """The page's domain reply has no forwarding field: absent is not "removed"."""
    provider = fake_api(kind(), routes(PAGE_SHAPE))
    state = STATE if kind is DomainForwardingProvider else EMAIL_STATE
    result = provider.read("7", dict(state))
    assert result.id == "7"
    assert result.outs["forward_to"] == state["forward_to"]
    assert result.inputs["forward_to"] == state["forward_to"]


@pytest.mark.parametrize("kind", [DomainForwardingProvider, EmailForwardingProvider])
def test_refresh_keeps_it_when_the_guessed_get_path_answers_404_but_the_list_has_it(
    kind: Any,
) -> None:
    provider = fake_api(kind(), routes(None, listed=[{"id": 7, "name": "acme-mail.com"}]))
    state = STATE if kind is DomainForwardingProvider else EMAIL_STATE
    assert provider.read("7", dict(state)).id == "7"


def test_refresh_removes_only_a_confirmed_absence() -> None:
    field_empty = {**PAGE_SHAPE, "forward_to": None}
    assert fake_api(DomainForwardingProvider(), routes(field_empty)).read("7", dict(STATE)).id == ""
    gone = fake_api(DomainForwardingProvider(), routes(None, listed=[]))
    assert gone.read("7", dict(STATE)).id == ""


def test_refresh_reads_a_target_changed_elsewhere() -> None:
    moved = {**PAGE_SHAPE, "email_forward_to": "Other@Agency.test"}
    result = fake_api(EmailForwardingProvider(), routes(moved)).read("7", dict(EMAIL_STATE))
    assert result.id == "7"
    assert result.inputs["forward_to"] == "other@agency.test"


# defect 9 ---------------------------------------------------------------------------------
def test_email_forwarding_removal_404_is_not_success_while_the_domain_still_forwards() -> None:
    still = {**PAGE_SHAPE, "email_forward_to": "catch@agency.test"}
    provider = fake_api(EmailForwardingProvider(), routes(still, remove_status=404))
    with pytest.raises(DeleteNotConfirmedError) as caught:
        provider.delete("7", dict(EMAIL_STATE))
    message = str(caught.value)
    assert "404" in message and "/domains/remove/email/forward" in message
    assert "domain 7" in message


def test_email_forwarding_removal_404_that_no_read_can_confirm_fails() -> None:
    calls: list[str] = []
    provider = fake_api(
        EmailForwardingProvider(), routes(PAGE_SHAPE, remove_status=404, calls=calls)
    )
    with pytest.raises(DeleteNotConfirmedError, match="cannot be confirmed"):
        provider.delete("7", dict(EMAIL_STATE))
    assert "POST /domains/remove/email/forward" in calls


def test_removal_404_counts_when_the_domain_is_confirmed_gone() -> None:
    provider = fake_api(EmailForwardingProvider(), routes(None, listed=[], remove_status=404))
    provider.delete("7", dict(EMAIL_STATE))  # no error: the lists agree the domain is gone


def test_removal_that_answers_200_but_leaves_the_forwarding_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forwarding, "DELETE_SETTLE_SECONDS", 0.3)
    still = {**PAGE_SHAPE, "forward_to": "target.com"}
    provider = fake_api(DomainForwardingProvider(), routes(still))
    with pytest.raises(DeleteNotConfirmedError, match="still there"):
        provider.delete("7", dict(STATE))


# preview with inputs from other resources --------------------------------------------------
def test_check_accepts_unknown_inputs() -> None:
    result = DomainForwardingProvider().check(
        {}, {"domain_id": Unknown(), "forward_to": "Target.COM", "destroy_adopted": False}
    )
    assert result.failures == []
    assert result.inputs["forward_to"] == "target.com"


# adoption (defect 15), against the sandbox ------------------------------------------------
@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(extra_args=["--mailin-job-seconds", "0.1"]) as process:
        yield process


def sandbox_provider(kind: Any, sandbox: SandboxProcess) -> Any:
    provider = kind()
    provider._config = {
        "mailin:baseUrl": sandbox.mailin_url,
        "mailin:apiToken": TOKEN,
        "mailin:pollIntervalSeconds": "0.1",
    }
    return provider


def bought(client: MailinClient, name: str) -> int:
    job = client.buy_domains([name])
    for _ in range(100):
        if client.get_domain_job(job).status == "completed":
            break
        time.sleep(0.05)
    found = client.find_domain(name)
    assert found is not None
    return found.id


def test_a_forwarding_that_existed_before_is_adopted_and_put_back_on_delete(
    sandbox: SandboxProcess,
) -> None:
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    domain_id = bought(client, "fwd-adopt.com")
    client.forward_domain(domain_id, "before.com")  # made outside Pulumi
    provider = sandbox_provider(DomainForwardingProvider, sandbox)
    checked = provider.check({}, {"domain_id": domain_id, "forward_to": "ours.com"})
    created = provider.create(checked.inputs)
    assert created.outs["adopted"] is True
    assert created.outs["previous_forward_to"] == "before.com"
    assert client.get_domain(domain_id).forward_to == "ours.com"
    provider.delete(created.id, created.outs)
    assert client.get_domain(domain_id).forward_to == "before.com"  # left as it was

    opted_in = provider.check({}, {**checked.inputs, "destroy_adopted": True})
    created = provider.create(opted_in.inputs)
    provider.delete(created.id, created.outs)
    assert client.get_domain(domain_id).forward_to is None


def test_a_forwarding_made_by_the_resource_is_removed_and_verified(
    sandbox: SandboxProcess,
) -> None:
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    domain_id = bought(client, "fwd-made.com")
    provider = sandbox_provider(EmailForwardingProvider, sandbox)
    checked = provider.check({}, {"domain_id": float(domain_id), "forward_to": "Me@Agency.test"})
    created = provider.create(checked.inputs)
    assert created.outs["adopted"] is False
    assert client.get_domain(domain_id).email_forward_to == "me@agency.test"
    provider.delete(created.id, created.outs)
    assert client.get_domain(domain_id).email_forward_to is None
    assert isinstance(created.outs["domain_id"], int)  # 7.0 from Pulumi is sent as 7
