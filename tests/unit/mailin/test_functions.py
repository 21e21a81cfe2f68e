"""Mailin.ai read-only functions against a real sandbox.

(The resources' tests are in tests/unit/mailin/, one module per resource module.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.sandbox import SandboxProcess

TOKEN = "mailin-sandbox-token"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(extra_args=["--mailin-job-seconds", "0.2"]) as process:
        yield process


def failures(result: Any) -> list[str]:
    return [f"{f.property}: {f.reason}" for f in result.failures]


def test_read_only_functions(sandbox: SandboxProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    from pulumi_inboxed.mailin import functions

    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    client.buy_domains(["fn-one.com"])
    assert [s.id for s in functions.list_servers(client=client)] == [201, 202]
    assert functions.get_server(202, client=client).active is False
    assert functions.check_availability("taken-fn.com", client=client).available is False
    assert functions.check_availability("free-fn.com", client=client).available is True
    domain = next(d for d in functions.list_domains("fn-one", client=client))
    assert functions.get_domain(domain.id, client=client).name == "fn-one.com"
    assert functions.get_domain_rate_limit(domain.id, client=client).rate_limit
    # from the environment, as a plain script would run it
    monkeypatch.setenv("MAILIN_BASE_URL", sandbox.mailin_url)
    monkeypatch.setenv("MAILIN_API_TOKEN", TOKEN)
    assert "fn-one.com" in {d.name for d in functions.list_domains()}
