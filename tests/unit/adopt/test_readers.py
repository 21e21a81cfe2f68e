"""Each reader against the sandbox: one listing per list endpoint, no write, no secret."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from pulumi_inboxed.adopt.progress import Progress
from pulumi_inboxed.adopt.read_inboxedup import read_inboxedup
from pulumi_inboxed.adopt.read_mailchannels import read_mailchannels
from pulumi_inboxed.adopt.read_mailin import read_mailin
from pulumi_inboxed.adopt.read_pingram import read_pingram
from pulumi_inboxed.adopt.writer import program
from pulumi_inboxed.sandbox import SandboxProcess
from tests.e2e.estate import Seeded, seed

TOKEN = "iu_adopt_reader_token"


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
