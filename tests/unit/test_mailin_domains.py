"""`mailin.Domains` against a real sandbox: previews of held names (SMTP and Google), Inboxkit
transfers, adoption and `destroy_adopted`, waits after an interrupted purchase, unknown inputs."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin.domains import DomainsProvider
from pulumi_inboxed.sandbox import SandboxProcess

TOKEN = "mailin-sandbox-token"
UID = "11c236de-c2e5-4797-bb73-73d861dc40fb"
_serial = itertools.count()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(extra_args=["--mailin-job-seconds", "0.2"]) as process:
        yield process


@pytest.fixture(params=[True, False], ids=["separate-lists", "one-list"])
def lists(request: pytest.FixtureRequest, sandbox: SandboxProcess) -> Iterator[bool]:
    """Both readings of "List all domains": Google and Inboxkit domains in it, or only in their
    own lists (the stricter one is where the old code failed)."""
    separate = bool(request.param)
    sandbox.control.update_settings(mailin_separate_domain_lists=separate)
    yield separate
    sandbox.control.update_settings(mailin_separate_domain_lists=False)


def unique(stem: str) -> str:
    return f"{stem}-{next(_serial)}-{id(_serial) % 9973}"


def configured(sandbox: SandboxProcess) -> DomainsProvider:
    provider = DomainsProvider()
    provider._config = {  # type: ignore[attr-defined]
        "mailin:baseUrl": sandbox.mailin_url,
        "mailin:apiToken": TOKEN,
        "mailin:pollIntervalSeconds": "0.1",
    }
    return provider


def failures(result: Any) -> list[str]:
    return [f"{f.property}: {f.reason}" for f in result.failures]


def availability_calls(sandbox: SandboxProcess) -> int:
    stats = sandbox.control.stats()
    return sum(n for key, n in stats.items() if "domain-availability" in key)


def client_for(sandbox: SandboxProcess) -> MailinClient:
    return MailinClient(sandbox.mailin_url, token=TOKEN)


def test_google_domains_preview_again_after_up_without_availability_calls(
    sandbox: SandboxProcess, lists: bool
) -> None:
    """Defect 6: after the purchase, a second preview passed only when the held Google name
    showed in the SMTP list, and every preview asked about every name again."""
    provider = configured(sandbox)
    names = [f"{unique('gw')}.biz", f"{unique('gw')}.com"]
    news: dict[str, Any] = {"domains": names, "google": True, "wait_timeout_seconds": 30}
    checked = provider.check({}, news)
    assert failures(checked) == []
    created = provider.create(checked.inputs)
    assert created.outs["pending_domains"] == []
    state_inputs = checked.inputs  # what the engine keeps as the resource's inputs

    before, requests = availability_calls(sandbox), sandbox.control.total_requests()
    again = provider.check(state_inputs, dict(news))
    assert failures(again) == []
    # names the stack holds are not asked about: the second preview makes no call at all
    assert sandbox.control.total_requests() == requests

    # A fresh resource declaring the held Google names adopts them: no failure either.
    fresh = provider.check({}, dict(news))
    assert failures(fresh) == []
    assert availability_calls(sandbox) == before

    # An SMTP resource cannot adopt a Google domain: named, not "not available".
    smtp = provider.check({}, {"domains": [names[0]]})
    assert failures(smtp) == [
        f"domains[0]: '{names[0]}' is already in the account as a Google domain; this "
        "resource declares SMTP domains"
    ]
    provider.delete(created.id, created.outs)


def test_a_new_name_in_an_update_is_the_only_one_checked(sandbox: SandboxProcess) -> None:
    provider = configured(sandbox)
    first, added = f"{unique('upd')}.com", f"{unique('upd')}.co"
    checked = provider.check({}, {"domains": [first]})
    created = provider.create(checked.inputs)
    before = availability_calls(sandbox)
    result = provider.check(checked.inputs, {"domains": [first, added]})
    assert failures(result) == []
    assert availability_calls(sandbox) == before + 1
    provider.delete(created.id, created.outs)


def test_inboxkit_transfer_is_found_in_the_inboxkit_list(
    sandbox: SandboxProcess, lists: bool
) -> None:
    """Defect 7: the transfer was looked up in `GET /domains` only: records stayed empty, the
    next `up` transferred again ("Domain already exists") and destroy left the domain."""
    provider = configured(sandbox)
    name = f"{unique('kit')}.io"
    news = {"domains": [name], "acquisition": "inboxkit", "inboxkit_uids": {name: UID}}
    checked = provider.check({}, news)
    assert failures(checked) == []
    created = provider.create(checked.inputs)
    assert name in created.outs["domain_ids"]
    assert created.outs["adopted_domains"] == []

    # the next `up`: the state's records match, and an update (any reason) transfers nothing
    assert not provider.diff(created.id, created.outs, checked.inputs).changes
    updated = provider.update(
        created.id, created.outs, {**checked.inputs, "destroy_adopted": False}
    )
    assert updated.outs["domain_ids"] == created.outs["domain_ids"]
    # a create run again (after an interrupted one) adopts it instead of failing
    again = provider.create(checked.inputs)
    assert again.outs["adopted_domains"] == [name]

    provider.delete(created.id, created.outs)
    client = client_for(sandbox)
    assert all(d.name != name for d in client.list_inboxkit_domains(name))
    assert client.find_domain(name) is None


def test_every_name_adopted_from_an_interrupted_purchase_is_still_waited_for(
    sandbox: SandboxProcess,
) -> None:
    """Defect 12: a create that found every name in the account (bought by the interrupted run,
    not active yet) returned at once with them pending; a second `up` was needed."""
    client = client_for(sandbox)
    names = [f"{unique('resume')}.com", f"{unique('resume')}.co"]
    sandbox.control.update_settings(mailin_job_seconds=1.5)
    try:
        client.buy_domains(names)  # the interrupted run's purchase request
    finally:
        sandbox.control.update_settings(mailin_job_seconds=0.2)
    provider = configured(sandbox)
    checked = provider.check({}, {"domains": names, "wait_timeout_seconds": 30})
    assert failures(checked) == []
    created = provider.create(checked.inputs)
    assert created.outs["pending_domains"] == []
    assert all(created.outs["active"].values())
    assert sandbox.control.mailin_purchases()[names[0]] == 1
    provider.delete(created.id, {**created.outs, "destroy_adopted": True})


def test_destroy_keeps_adopted_domains_unless_told(sandbox: SandboxProcess) -> None:
    """Defect 15: destroy deleted domains the account held before the stack asked for them."""
    client = client_for(sandbox)
    held, held2 = f"{unique('held')}.com", f"{unique('held')}.com"
    client.buy_domains([held, held2])
    provider = configured(sandbox)
    made, made2 = f"{unique('made')}.com", f"{unique('made')}.co"
    checked = provider.check({}, {"domains": [held, made]})
    created = provider.create(checked.inputs)
    assert created.outs["adopted_domains"] == [held]
    assert created.outs["destroy_adopted"] is False

    provider.delete(created.id, created.outs)
    assert client.find_domain(made) is None
    kept = client.find_domain(held)
    assert kept is not None and kept.id == created.outs["domain_ids"][held]

    # removed from the list by an update: the adopted one stays, the made one goes
    checked = provider.check({}, {"domains": [held2, made2]})
    created = provider.create(checked.inputs)
    assert created.outs["adopted_domains"] == [held2]
    updated = provider.update(created.id, created.outs, {**checked.inputs, "domains": [made]})
    assert client.find_domain(held2) is not None
    assert updated.outs["adopted_domains"] == []
    updated2 = provider.update(created.id, updated.outs, {**checked.inputs, "domains": [held2]})
    assert client.find_domain(made) is None and client.find_domain(made2) is None
    assert updated2.outs["adopted_domains"] == [held2]

    # destroy_adopted=True: the adopted ones go too
    opted = {**updated2.outs, "destroy_adopted": True}
    provider.delete(created.id, opted)
    assert client.find_domain(held2) is None
    provider.delete(created.id, {"records": {held: {"id": kept.id}}, "destroy_adopted": True})
    assert client.find_domain(held) is None


def test_destroy_adopted_change_is_an_update(sandbox: SandboxProcess) -> None:
    provider = configured(sandbox)
    outs = {
        "domains": ["a.com"],
        "acquisition": "buy",
        "google": False,
        "wait_timeout_seconds": 900,
        "destroy_adopted": False,
        "records": {"a.com": {"id": 1, "active": True}},
    }
    news = {**outs, "records": None}
    assert not provider.diff("1", outs, news).changes
    assert provider.diff("1", outs, {**news, "destroy_adopted": True}).changes
    assert provider.diff("1", outs, {**news, "destroy_adopted": Unknown()}).changes


def test_a_pending_transfer_is_no_change_but_a_pending_purchase_is(
    sandbox: SandboxProcess,
) -> None:
    provider = configured(sandbox)
    outs: dict[str, Any] = {
        "domains": ["a.io"],
        "acquisition": "transfer",
        "google": False,
        "wait_timeout_seconds": 900,
        "destroy_adopted": False,
        "records": {"a.io": {"id": 1, "active": False}},
    }
    assert not provider.diff("1", outs, dict(outs)).changes  # waits on the user's NS change
    bought = {**outs, "acquisition": "buy", "domains": ["a.com"], "records": {"a.com": {"id": 1}}}
    assert provider.diff("1", bought, dict(bought)).changes  # the next `up` waits for it


def test_preview_with_inputs_from_other_resources(sandbox: SandboxProcess) -> None:
    """Unknown uids, kinds and flags (outputs of other resources in preview) pass check."""
    provider = configured(sandbox)
    name = f"{unique('unk')}.io"
    result = provider.check(
        {}, {"domains": [name], "acquisition": "inboxkit", "inboxkit_uids": Unknown()}
    )
    assert failures(result) == []
    result = provider.check(
        {}, {"domains": [name], "acquisition": "inboxkit", "inboxkit_uids": {name: Unknown()}}
    )
    assert failures(result) == []
    result = provider.check({}, {"domains": [name], "acquisition": Unknown()})
    assert failures(result) == []
    result = provider.check({}, {"domains": Unknown(), "google": Unknown()})
    assert failures(result) == []
    assert isinstance(result.inputs["google"], Unknown)
    result = provider.check({}, {"domains": [f"{unique('unk')}.com"], "destroy_adopted": Unknown()})
    assert failures(result) == []
