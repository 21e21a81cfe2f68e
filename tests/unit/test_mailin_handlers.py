"""Mailin.ai providers' handlers against a real sandbox: preview checks, transfers, adoption."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin.domains import DomainsProvider
from pulumi_inboxed.mailin.mailboxes import SmtpMailboxesProvider
from pulumi_inboxed.sandbox import SandboxProcess

TOKEN = "mailin-sandbox-token"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(extra_args=["--mailin-job-seconds", "0.2"]) as process:
        yield process


def configured(provider: Any, sandbox: SandboxProcess) -> Any:
    provider._config = {
        "mailin:baseUrl": sandbox.mailin_url,
        "mailin:apiToken": TOKEN,
        "mailin:pollIntervalSeconds": "0.1",
    }
    return provider


def failures(result: Any) -> list[str]:
    return [f"{f.property}: {f.reason}" for f in result.failures]


def test_preview_names_tld_and_unavailable_domains(sandbox: SandboxProcess) -> None:
    provider = configured(DomainsProvider(), sandbox)
    result = provider.check({}, {"domains": ["fine-one.com", "nope.io", "taken-x.com"]})
    assert failures(result) == [
        "domains[1]: 'nope.io': .io cannot be bought; allowed: .com, .co, .ca, .biz"
    ]
    result = provider.check({}, {"domains": ["fine-one.com", "taken-x.com"]})
    assert failures(result) == ["domains[1]: 'taken-x.com' is not available for purchase"]


def test_a_domain_already_held_passes_preview_and_is_adopted(sandbox: SandboxProcess) -> None:
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    client.buy_domains(["held-one.com"])
    provider = configured(DomainsProvider(), sandbox)
    checked = provider.check({}, {"domains": ["held-one.com", "new-one.com"]})
    assert failures(checked) == []
    before = sandbox.control.mailin_purchases()
    created = provider.create(checked.inputs)
    after = sandbox.control.mailin_purchases()
    assert after["held-one.com"] == before["held-one.com"] == 1  # adopted, not bought again
    assert after["new-one.com"] == 1
    assert set(created.outs["domain_ids"]) == {"held-one.com", "new-one.com"}
    assert created.outs["pending_domains"] == []


@pytest.mark.parametrize("acquisition", ["transfer", "inboxkit"])
def test_transfers_report_the_nameservers_to_set(sandbox: SandboxProcess, acquisition: str) -> None:
    provider = configured(DomainsProvider(), sandbox)
    name = f"moved-{acquisition}.io"  # any TLD can be transferred
    news: dict[str, Any] = {"domains": [name], "acquisition": acquisition}
    if acquisition == "inboxkit":
        assert failures(provider.check({}, news)) == [
            f"domains[0]: '{name}' needs its uid in inboxkit_uids"
        ]
        news["inboxkit_uids"] = {name: "11c236de-c2e5-4797-bb73-73d861dc40fb"}
    checked = provider.check({}, news)
    assert failures(checked) == []
    created = provider.create(checked.inputs)
    # the page's transfer answer lists the nameservers to set; its Inboxkit answer has none
    expected = ["ns1.mailin.ai", "ns2.mailin.ai"] if acquisition == "transfer" else []
    assert created.outs["transfer_name_servers"][name] == expected
    assert name in created.outs["domain_ids"]
    assert sandbox.control.mailin_purchases().get(name) is None  # a transfer is no purchase


def test_smtp_mailbox_checks_name_each_field() -> None:
    provider = SmtpMailboxesProvider()
    result = provider.check(
        {},
        {
            "mailboxes": [
                {"username": "a@x.com", "name": "A", "password": "short"},
                {"username": "not-an-address", "name": "B"},
                {"username": "A@X.com", "name": " "},
            ]
        },
    )
    assert failures(result) == [
        "mailboxes[0].password: must be 8 to 24 characters (it is 5)",
        "mailboxes[1].username: 'not-an-address' is not an email address",
        "mailboxes[2].username: 'a@x.com' duplicates mailboxes[0]",
    ]


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
