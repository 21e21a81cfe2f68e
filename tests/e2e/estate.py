"""Seeds a sandbox with an estate made outside Pulumi, through the APIs' own clients (batch
endpoints where there are some), for `inboxed adopt` tests.

`seed(sandbox, tokens)` makes, by default: 200 InboxedUp domains with 600 mailboxes (3 per
domain, the four request types in turn), Mailin.ai SMTP and Google domains with mailboxes, one
domain and one email forwarding, a subdomain, an Inboxkit transfer, an inbox provider, a
registrar and an Azure order (auto mode; `mailin_microsoft=False` leaves out these three), 300
MailChannels domains under one subscription and 5 Pingram sender domains. It returns the
settings every API was seeded with (as stack config keys) and what it made.

The sandbox isolates accounts by credential: seeding with a named account's InboxedUp token
(and `mailin_token`) seeds that account only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pulumi_inboxed.inboxedup import runtime as iu_runtime
from pulumi_inboxed.inboxedup.models import MailboxEntry, MailboxType
from pulumi_inboxed.mailchannels import runtime as mc_runtime
from pulumi_inboxed.mailchannels.models import InboundDomain
from pulumi_inboxed.mailin import runtime as mi_runtime
from pulumi_inboxed.mailin.models import NewGoogleMailbox, NewSmtpMailbox
from pulumi_inboxed.pingram import runtime as pg_runtime

MAILIN_TOKEN = "mailin-sandbox-token"
MAILCHANNELS_KEY = "mc-sandbox-key"
PINGRAM_KEY = "pingram_sk_sandbox"
SUBSCRIPTION = "sub-sandbox"
TYPES = (MailboxType.MICROSOFT, MailboxType.GOOGLE, MailboxType.SMTP, MailboxType.SMTP_DEDICATED)
INBOX_PROVIDER_KEY = "INSTANTLY-ADOPT-KEY-1"
REGISTRAR_KEY = "pk1-ADOPT-KEY"
REGISTRAR_SECRET = "sk1-ADOPT-SECRET"
# Where the sandbox serves each API (the real APIs' paths; kept here so that seeding does not
# depend on the sandbox's internal modules).
MAILIN_PREFIX = "/api/v1/public"
MAILCHANNELS_PREFIX = "/mailchannels/inbound/v1"
PINGRAM_PREFIX = "/pingram"


@dataclass
class Seeded:
    config: dict[str, str]
    """Plain settings (base URLs, poll intervals) as stack config keys."""
    secrets: dict[str, str]
    """Credentials as stack config keys (set them with --secret)."""
    program_secrets: dict[str, str] = field(default_factory=dict)
    """Values of the keys an InboxProvider / DomainRegistrar needs, by what they are."""
    inboxedup_domains: list[str] = field(default_factory=list)
    inboxedup_mailboxes: int = 0
    mailin_domains: list[str] = field(default_factory=list)
    mailchannels_domains: list[str] = field(default_factory=list)
    pingram_domains: list[str] = field(default_factory=list)


def _wait(what: str, done: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"seeding: {what} did not happen in {timeout} s")
        time.sleep(0.2)


def seed(
    url: str,
    inboxedup_token: str,
    *,
    prefix: str = "adopt",
    inboxedup_domains: int = 200,
    mailchannels_domains: int = 300,
    pingram_domains: int = 5,
    mailin: bool = True,
    mailin_token: str = MAILIN_TOKEN,
    mailin_microsoft: bool = True,
) -> Seeded:
    seeded = Seeded(
        config={
            "inboxedup:baseUrl": url,
            "inboxedup:pollIntervalSeconds": "0.2",
            "mailin:baseUrl": url + MAILIN_PREFIX,
            "mailin:pollIntervalSeconds": "0.2",
            "mailchannels:baseUrl": url + MAILCHANNELS_PREFIX,
            "pingram:baseUrl": url + PINGRAM_PREFIX,
        },
        secrets={
            "inboxedup:apiToken": inboxedup_token,
            "mailin:apiToken": mailin_token,
            "mailchannels:apiKey": MAILCHANNELS_KEY,
            "pingram:apiKey": PINGRAM_KEY,
        },
    )
    settings: dict[str, Any] = {**seeded.config, **seeded.secrets}
    if inboxedup_domains:
        _inboxedup(seeded, settings, prefix, inboxedup_domains)
    if mailin:
        _mailin(seeded, settings, prefix, microsoft=mailin_microsoft)
    if mailchannels_domains:
        client = mc_runtime.client_for(settings)
        names = [f"{prefix}-in{i:03d}.com" for i in range(mailchannels_domains)]
        for start in range(0, len(names), 1000):
            result = client.provision_domains(
                [
                    InboundDomain.model_validate(
                        {
                            "domain": n,
                            "subscriptionHandle": SUBSCRIPTION,
                            "settings": {"abusePolicy": "block"},
                            "downstreamAddresses": [
                                {"priority": 10, "weight": 10, "port": 25, "target": "mx.a.test."}
                            ],
                        }
                    )
                    for n in names[start : start + 1000]
                ],
                subscription_handle=SUBSCRIPTION,
            )
            assert not result.errors, result.errors
        seeded.mailchannels_domains = names
    if pingram_domains:
        pg = pg_runtime.client_for(settings)
        for i in range(pingram_domains):
            pg.add_domain(f"mail.{prefix}-pg{i}.com")
            seeded.pingram_domains.append(f"mail.{prefix}-pg{i}.com")
    return seeded


def _inboxedup(seeded: Seeded, settings: dict[str, Any], prefix: str, count: int) -> None:
    client = iu_runtime.runtime_for(settings).client
    names = [f"{prefix}-iu{i:03d}.com" for i in range(count)]
    for start in range(0, len(names), 500):
        client.submit_domains(names[start : start + 500])
    wanted = set(names)

    def active() -> bool:
        return sum(
            1 for d in client.iter_domains() if d.domain in wanted and d.status.value == "ACTIVE"
        ) == len(wanted)

    _wait("InboxedUp domains ACTIVE", active)
    for i, name in enumerate(names):
        kind = TYPES[i % len(TYPES)]
        entries = [
            MailboxEntry.model_validate(
                {"firstName": f"First{j}", "lastName": f"Last{i}", "mailboxUsername": f"user{j}"}
            )
            for j in range(3)
        ]
        client.request_mailboxes(name, kind, entries)
        seeded.inboxedup_mailboxes += 3
    seeded.inboxedup_domains = names


def _mailin(seeded: Seeded, settings: dict[str, Any], prefix: str, *, microsoft: bool) -> None:
    runtime = mi_runtime.runtime_for(settings)
    client = runtime.client
    smtp = [f"{prefix}-ms{i}.com" for i in range(3)]
    google = [f"{prefix}-mg{i}.com" for i in range(2)]
    azure = f"{prefix}-az.com"
    for names, is_google in ((smtp, False), (google, True)):
        job = client.buy_domains(names, google=is_google)

        def bought(job: str = job) -> bool:
            status = client.get_domain_job(job).status.lower()
            return status not in ("pending", "processing", "in_progress")

        _wait("Mailin.ai domains bought", bought)
    by_name = {d.name: d for d in client.list_domains()}
    client.add_subdomain("sales", smtp[2])  # a subdomain: declared as mailin.Subdomain
    client.transfer_inboxkit_domain(f"{prefix}-ik0.com", "ik-uid-0")  # named, not declared
    client.forward_domain(by_name[smtp[0]].id, f"{prefix}-main.com")
    client.forward_email(by_name[smtp[1]].id, f"inbox@{prefix}-main.com")
    job = client.create_smtp_mailboxes(
        [
            NewSmtpMailbox(username=f"u{j}@{name}", name=f"User {j}")
            for name in smtp
            for j in range(2)
        ]
    )
    _wait(
        "SMTP mailboxes",
        lambda: (
            client.get_mailbox_job(job).status.lower()
            not in ("pending", "processing", "in_progress")
        ),
    )
    job = client.create_google_mailboxes(
        [
            NewGoogleMailbox(username=f"g{j}@{name}", first_name="Gee", last_name=f"Person{j}")
            for name in google
            for j in range(2)
        ]
    )
    _wait(
        "Google mailboxes",
        lambda: (
            client.get_mailbox_job(job).status.lower()
            not in ("pending", "processing", "in_progress")
        ),
    )
    seeded.mailin_domains = [*smtp, *google]
    if not microsoft:
        return
    provider_id = client.add_inbox_provider(
        {"name": "Instantly main", "provider": "instantly", "api_key": INBOX_PROVIDER_KEY}
    )
    client.add_domain_registrar(
        {
            "name": "Porkbun main",
            "provider": "porkbun",
            "api_key": REGISTRAR_KEY,
            "secret_api_key": REGISTRAR_SECRET,
        }
    )
    client.add_azure_order(
        {
            "mailbox_mode": "auto",
            "domain": azure,
            "is_purchase": 1,
            "full_name": ["Ann Azure", "Bob Azure"],
            "provider_id": provider_id,
        }
    )
    order = client.find_azure_order(azure)
    assert order is not None
    _wait("Azure order ready", lambda: client.get_azure_order_status(order.id) == "ready")
    seeded.mailin_domains = [*smtp, *google, azure]
    seeded.program_secrets = {
        "instantly": INBOX_PROVIDER_KEY,
        "porkbun api_key": REGISTRAR_KEY,
        "porkbun secret_api_key": REGISTRAR_SECRET,
    }


__all__ = ["Seeded", "seed"]
