"""Each reader against the sandbox: one listing per list endpoint, no write, no secret."""

from __future__ import annotations

import io
import shlex
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_inboxed.adopt.progress import Progress
from pulumi_inboxed.adopt.read_inboxedup import read_inboxedup
from pulumi_inboxed.adopt.read_mailchannels import read_mailchannels
from pulumi_inboxed.adopt.read_mailin import read_mailin
from pulumi_inboxed.adopt.read_pingram import read_pingram
from pulumi_inboxed.adopt.writer import config_needs, config_script, program
from pulumi_inboxed.policy import money
from pulumi_inboxed.sandbox import SandboxProcess
from tests.e2e.estate import Seeded, seed

from .pack_view import RESOURCE_RULES, STACK_RULES, declared_resources, mandatory_violations

TOKEN = "iu_adopt_reader_token"
READERS = (read_inboxedup, read_mailin, read_mailchannels, read_pingram)


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[SandboxProcess, Seeded]]:
    args = ["--mailin-job-seconds", "0.2", "--mailin-azure-seconds", "0.3"]
    with SandboxProcess(
        queued_seconds=0.1, pending_ns_seconds=0.1, tokens=[TOKEN], extra_args=args, lifetime=300
    ) as process:
        yield (
            process,
            seed(
                process.url,
                TOKEN,
                inboxedup_domains=130,
                mailchannels_domains=120,
                pingram_domains=2,
            ),
        )


def test_readers_list_once_and_write_nothing(seeded: tuple[SandboxProcess, Seeded]) -> None:
    sandbox, estate = seeded
    config = {**estate.config, **estate.secrets}
    sandbox.control.reset_stats()
    stream = io.StringIO()
    progress = Progress(stream)
    iu = read_inboxedup(config, None, progress)
    mi = read_mailin(config, None, progress)
    mc = read_mailchannels(config, None, progress)
    pg = read_pingram(config, None, progress)
    stats = sandbox.control.stats()
    assert all(k.startswith("GET ") for k in stats), stats
    assert stats["GET /domains"] == 1 and stats["GET /mailboxes"] == 1, stats  # 500 a page
    assert all(n == 1 for k, n in stats.items() if "/api/v1/public/" in k), stats
    assert stats["GET /pingram/domains"] == 1
    assert iu.counts == {"domains": 130, "mailboxes": 390}
    assert mc.counts == {"domains": 120}
    assert "inboxedup: 130 domains, 390 mailboxes" in stream.getvalue()
    text = program([iu, mi, mc, pg], "test")
    compile(text, "__main__.py", "exec")
    for secret in [*estate.secrets.values(), *estate.program_secrets.values()]:
        assert secret not in text
    kinds = [d.kind for d in mi.decls]
    for kind in (
        "InboxProvider",
        "DomainRegistrar",
        "Domains",
        "SmtpMailboxes",
        "GoogleMailboxes",
        "DomainForwarding",
        "EmailForwarding",
        "AzureOrder",
        "Subdomain",
    ):
        assert kind in kinds, kinds
    (sub,) = [d for d in mi.decls if d.kind == "Subdomain"]
    assert sub.args == {"subdomain": "sales", "domain": "adopt-ms2.com"}
    assert any("Inboxkit-transferred" in n and "adopt-ik0.com" in n for n in mi.notes)
    assert "# Not declared: 1 Inboxkit-transferred domain(s)" in text
    # the Azure order's domain is its order's, not a Domains entry; Google names only once
    names = [n for d in mi.decls if d.kind == "Domains" for n in d.args["domains"]]
    assert "adopt-az.com" not in names and len(names) == len(set(names)) == 5
    (mailchannels,) = mc.decls
    assert mailchannels.args["domains"][0] == "adopt-in000.com"  # shared settings hoisted
    assert "settings" in mailchannels.args and "downstream_addresses" in mailchannels.args


def test_the_adopted_program_passes_the_policy_pack(seeded: tuple[SandboxProcess, Seeded]) -> None:
    """Issue 21: the program adopt writes passes the package's own policy pack at its first
    preview; in particular the resources whose delete deletes what was bought are protected."""
    _sandbox, estate = seeded
    config = {**estate.config, **estate.secrets}
    progress = Progress(io.StringIO())
    read = [read(config, None, progress) for read in READERS]
    resources = declared_resources(program(read, "test"))
    assert {r.kind for r in resources} >= {"mailin:Domains", "mailin:AzureOrder"}
    assert mandatory_violations(resources) == {}
    buying = [r for r in resources if money.buys_domains(r)]
    assert sorted(r.kind or "" for r in buying) == [
        "mailin:AzureOrder",  # a purchase (`is_purchase=True`)
        "mailin:Domains",  # SMTP
        "mailin:Domains",  # Google
    ]
    assert all(r.protect for r in buying), buying
    assert not any(r.protect for r in resources if not money.buys_domains(r))


def test_config_placeholders_name_their_account(seeded: tuple[SandboxProcess, Seeded]) -> None:
    """Issue 21: each `<...>` of adopt-config.sh names its account; no two accounts' read the
    same (client-a is read here with the default account's credentials: same estate, its own
    placeholders)."""
    _sandbox, estate = seeded
    config: dict[str, Any] = {**estate.config, **estate.secrets}
    config["inboxedup:accounts"] = {"client-a": {"apiToken": TOKEN}}
    config["mailin:accounts"] = {"client-a": {"apiToken": estate.secrets["mailin:apiToken"]}}
    progress = Progress(io.StringIO())
    read = [
        read_inboxedup(config, None, progress),
        read_inboxedup(config, "client-a", progress),
        read_mailin(config, None, progress),
        read_mailin(config, "client-a", progress),
    ]
    script = config_script(config_needs(read))
    commands = [shlex.split(line) for line in script.splitlines() if line.startswith("pulumi ")]
    placeholders = [c[-1][1:-1] for c in commands if c[-1].startswith("<")]
    assert len(placeholders) == len(set(placeholders)) >= 4, script
    assert "InboxedUp API token of client-a" in placeholders, script
    assert "InboxedUp API token of the default account" in placeholders, script
    assert "Mailin.ai API token of client-a" in placeholders, script
    for placeholder in placeholders:
        assert placeholder.endswith((" of client-a", " of the default account")), placeholder


def test_the_pack_view_runs_every_mandatory_policy() -> None:
    """`pack_view` runs each mandatory policy of the pack: a policy added there is added here."""
    from pulumi_policy import EnforcementLevel

    from pulumi_inboxed.policy.pack import policies

    mandatory = {p.name for p in policies() if p.enforcement_level == EnforcementLevel.MANDATORY}
    assert mandatory == set(RESOURCE_RULES) | set(STACK_RULES)
