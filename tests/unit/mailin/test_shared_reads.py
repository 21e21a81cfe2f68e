"""Read-only account checks at preview are shared by every Mailin.ai resource of a provider
process (issue 13): one listing of each list endpoint and one availability call per name,
whatever the number of resources, until the runtime writes."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from pulumi_inboxed.core.api_client import SharedReads
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin.domains import DomainsProvider
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import MailinProvider, PreviewCheck, mailin_bought

_serial = itertools.count()
LIST_SMTP = "GET /api/v1/public/domains"
LIST_GOOGLE = "GET /api/v1/public/domains/list/google"
AVAILABILITY = "GET /api/v1/public/domains/check/domain-availability"


def unique(stem: str) -> str:
    return f"{stem}-{next(_serial)}-{threading.get_ident() % 9973}"


def calls(sandbox: SandboxProcess, before: dict[str, int]) -> dict[str, int]:
    after = sandbox.control.stats()
    return {k: n - before.get(k, 0) for k, n in after.items() if n != before.get(k, 0)}


def test_twenty_domains_resources_preview_with_one_listing_of_each_kind(
    preview_check: PreviewCheck, unit_sandbox: SandboxProcess
) -> None:
    """20 resources previewed at once, as the provider's threads run them, each declaring a
    name every one declares and two of its own: one listing of each kind, and each distinct
    name asked about once (41), not 20 listings and 60 availability calls."""
    client = MailinClient(unit_sandbox.mailin_url, token="mailin-sandbox-token")
    assert len(client.list_domains()) < 100  # one page: one listing is one request
    common = f"{unique('fleet-common')}.com"
    resources = [
        {"domains": [common, f"{unique('fleet')}.com", f"{unique('fleet')}.co"]} for _ in range(20)
    ]
    before = unit_sandbox.control.stats()
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda inputs: preview_check(DomainsProvider, inputs), resources))
    assert [o.failures for o in outcomes] == [{}] * 20
    assert [o.aborted for o in outcomes] == [None] * 20
    assert calls(unit_sandbox, before) == {LIST_SMTP: 1, LIST_GOOGLE: 1, AVAILABILITY: 41}

    # A second preview of the same process asks nothing again.
    before = unit_sandbox.control.stats()
    again = [preview_check(DomainsProvider, inputs) for inputs in resources[:5]]
    assert [o.failures for o in again] == [{}] * 5
    assert calls(unit_sandbox, before) == {}


def test_a_write_of_the_runtime_drops_the_snapshot(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider
) -> None:
    """A check after the provider bought a name sees it held (adopted: no availability call),
    where the snapshot taken before the purchase would have asked about it and failed."""
    provider = mailin_provider(DomainsProvider)
    first, second = f"{unique('w')}.com", f"{unique('w')}.com"
    assert provider.check({}, {"domains": [first, second]}).failures == []
    created = provider.create(provider.check({}, {"domains": [first]}).inputs)
    before = mailin_sandbox.control.stats()
    result = provider.check({}, {"domains": [first, second]})
    assert result.failures == []  # `first` is held now: adopted, not "not available"
    # everything is read again after the write: the lists, and `second` (asked before it)
    assert calls(mailin_sandbox, before) == {LIST_SMTP: 1, LIST_GOOGLE: 1, AVAILABILITY: 1}
    provider.delete(created.id, created.outs)


def test_a_change_made_outside_the_runtime_is_seen_by_the_next_process(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider
) -> None:
    """Within one process the snapshot stands (what the sharing is for); a new process (or the
    next run) reads the account again."""
    from pulumi_inboxed.mailin.runtime import drop_shared_reads

    provider = mailin_provider(DomainsProvider)
    name = f"{unique('outside')}.com"
    assert provider.check({}, {"domains": [name]}).failures == []
    mailin_bought(mailin_sandbox, name)  # another client: not this runtime's write
    held = provider.check({}, {"domains": [name]})
    assert held.failures == []  # available per the snapshot; create would adopt it anyway
    drop_shared_reads()
    before = mailin_sandbox.control.stats()
    assert provider.check({}, {"domains": [name]}).failures == []
    assert calls(mailin_sandbox, before) == {LIST_SMTP: 1}  # held: adopted, nothing asked


def test_a_failed_read_is_not_kept_and_waiters_share_one_read() -> None:
    shared = SharedReads()
    attempts: list[int] = []

    def failing() -> list[int]:
        attempts.append(1)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        shared.get(("k",), 0, failing)
    assert shared.get(("k",), 0, lambda: [1]) == [1]  # tried again, not the kept error
    assert shared.get(("k",), 0, failing) == [1]  # kept now
    assert shared.get(("k",), 1, lambda: [2]) == [2]  # a write: read again
    assert attempts == [1]

    gate = threading.Event()
    reads: list[int] = []

    def slow() -> str:
        reads.append(1)
        gate.wait(5)
        return "once"

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(shared.get, ("slow",), 1, slow) for _ in range(6)]
        gate.set()
        assert [f.result() for f in futures] == ["once"] * 6
    assert reads == [1]


def test_the_runtime_client_counts_writes_but_not_reads(
    mailin_sandbox: SandboxProcess,
) -> None:
    client = MailinClient(mailin_sandbox.mailin_url, token="mailin-sandbox-token")
    client.list_domains()
    client.check_availability(f"{unique('r')}.com")
    assert client.writes == 0
    job: Any = client.buy_domains([f"{unique('r')}.com"])
    assert job and client.writes > 0
