"""An agency with two clients, each in its own accounts, across the four APIs.

- client-a: InboxedUp domains with SMTP mailboxes, Mailin.ai domains bought with SMTP
  mailboxes, and MailChannels Inbound in front of its InboxedUp domains.
- client-b: the same InboxedUp and Mailin.ai set-up, and a Pingram sender domain.

Each client is an account name (`client-a`, `client-b`) under the stack's `<api>:accounts` config
maps; the program holds only the names, the credentials are set with
`pulumi config set --path --secret` (docs/getting-started.md).

Purchases are protected. Mailin.ai `Domains` buys domains, and deleting the resource deletes the
domains and their mailboxes; an InboxedUp `DomainBatch` holds every domain the mailboxes live on.
`protect=True` makes Pulumi refuse to delete or replace them (a `pulumi destroy`, a removed
resource, a change of `account`) until you lift it on purpose
(`pulumi state unprotect --all --yes`, as scripts/demo.py does before its destroy). The policy
pack's `purchased-domains-protected` requires it for every resource that buys.

Config (namespace `agency`, all optional):
  newDomain     one more InboxedUp domain for client-b, with its mailboxes (the demo's change)
  unprotected   "true": client-b's Mailin.ai purchase without protect=True (the policy pack
                refuses the preview; the demo shows it)
  sender        client-b's Pingram sender domain (default "send.b-reach.com")
"""

import pulumi

from pulumi_inboxed.inboxedup import (
    DomainBatch,
    MailboxArgs,
    MailboxRequestEntryArgs,
    MailboxRequests,
    MailboxType,
    WaitFor,
)
from pulumi_inboxed.mailchannels import AbusePolicyArgs, DownstreamAddressArgs, InboundDomains
from pulumi_inboxed.mailin import Domains, SmtpMailboxArgs, SmtpMailboxes
from pulumi_inboxed.pingram import SenderDomain

config = pulumi.Config("agency")
new_domain = config.get("newDomain")

# Each client: InboxedUp domains (for InboxedUp's SMTP mailboxes) and Mailin.ai domains to buy.
CLIENTS = {
    "client-a": {
        "inboxedup": ["a-outreach.com", "a-reach.com"],
        "mailin": ["a-mail.com"],
    },
    "client-b": {
        "inboxedup": ["b-outreach.com", *([new_domain] if new_domain else [])],
        "mailin": ["b-mail.com"],
    },
}
PEOPLE = [("Ann", "Lee", "ann"), ("Bob", "Ray", "bob")]
PROTECT = pulumi.ResourceOptions(protect=True)

batches: dict[str, DomainBatch] = {}
for client, domains in CLIENTS.items():
    batch = DomainBatch(
        f"{client}-domains",
        domains=domains["inboxedup"],
        account=client,
        wait_for=WaitFor.NS_READY,
        wait_timeout_seconds=600,
        opts=PROTECT,
    )
    batches[client] = batch
    MailboxRequests(
        f"{client}-mailboxes",
        requests=[
            MailboxRequestEntryArgs(domain, MailboxType.SMTP, [MailboxArgs(*p) for p in PEOPLE])
            for domain in domains["inboxedup"]
        ],
        account=client,
        wait_timeout_seconds=600,
        opts=pulumi.ResourceOptions(depends_on=[batch]),
    )
    unprotected = client == "client-b" and config.get_bool("unprotected")
    bought = Domains(
        f"{client}-mailin-domains",
        domains=domains["mailin"],
        account=client,
        wait_timeout_seconds=600,
        opts=None if unprotected else PROTECT,
    )
    SmtpMailboxes(
        f"{client}-mailin-mailboxes",
        mailboxes=[
            SmtpMailboxArgs(f"{user}@{domain}", f"{first} {last}")
            for domain in domains["mailin"]
            for first, last, user in PEOPLE
        ],
        account=client,
        opts=pulumi.ResourceOptions(depends_on=[bought]),
    )
    pulumi.export(f"{client}_nameservers", batch.nameservers)

# MailChannels Inbound filters what reaches client-a's InboxedUp domains.
inbound = InboundDomains(
    "client-a-inbound",
    subscription_handle="sub-sandbox",
    domains=CLIENTS["client-a"]["inboxedup"],
    settings=AbusePolicyArgs(abuse_policy="block"),
    downstream_addresses=[DownstreamAddressArgs("mx1.agency.example.", port=25)],
    account="client-a",
)
pulumi.export("client-a_inbound", inbound.provisioned)

# Pingram sends client-b's transactional mail from its own domain.
sender = SenderDomain(
    "client-b-sender",
    domain=config.get("sender") or "send.b-reach.com",
    start_verification=True,
    account="client-b",
)
pulumi.export("client-b_sender_status", sender.status)
