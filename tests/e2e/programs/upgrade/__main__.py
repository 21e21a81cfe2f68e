"""The upgrade test's program: every kind of the previous release (the collections DomainBatch,
Domains, SmtpMailboxes, GoogleMailboxes, InboundDomains and, from 0.2.0 on, MailboxRequests, and
one of each single kind), on the sandbox, with inputs fed from other resources' outputs.

It is written the way that works with 0.1.0 and with the current code alike: every input by
keyword (or as an Args object), nested entries as their Args classes. The same file is run with
the previous release's code first on the import path, then with the current code.

Config (`upg:`): prefix (names every object); mailboxRequests ("true": a MailboxRequests too,
for a release that has it); registrarKey, registrarSecret, providerKey (secrets).
"""

import pulumi

from pulumi_inboxed.inboxedup import (
    DomainBatch,
    DomainBatchArgs,
    MailboxArgs,
    MailboxRequest,
    MailboxRequestArgs,
    SubscriptionNotes,
)
from pulumi_inboxed.inboxedup.functions import list_subscriptions_output
from pulumi_inboxed.mailchannels import DownstreamAddressArgs, InboundDomainArgs, InboundDomains
from pulumi_inboxed.mailin import (
    AzureOrder,
    DomainForwarding,
    DomainRegistrar,
    Domains,
    DomainsArgs,
    EmailForwarding,
    GoogleMailboxArgs,
    GoogleMailboxes,
    InboxProvider,
    SmtpMailboxArgs,
    SmtpMailboxes,
    Subdomain,
)
from pulumi_inboxed.pingram import SenderDomain

config = pulumi.Config("upg")
p = config.require("prefix")

# InboxedUp: a batch, a mailbox request on its domain, notes naming the batch
batch = DomainBatch(
    "batch",
    DomainBatchArgs(domains=[f"{p}-one.com", f"{p}-two.com"], wait_for="active"),
)
MailboxRequest(
    "request",
    MailboxRequestArgs(
        domain=batch.domains.apply(lambda names: sorted(names)[0]),
        type="smtp",
        mailboxes=[MailboxArgs("Ann", "Lee", "ann.lee")],
    ),
)
if config.get_bool("mailboxRequests"):  # a collection that came after 0.1.0: set when the
    # release under test has it
    from pulumi_inboxed.inboxedup import MailboxRequestEntryArgs, MailboxRequests

    MailboxRequests(
        "requests",
        requests=[
            MailboxRequestEntryArgs(
                batch.domains.apply(lambda names: sorted(names)[1]),
                "smtp",
                [MailboxArgs("Bo", "Chen", "bo")],
            )
        ],
    )
SubscriptionNotes(
    "notes",
    subscription_id=list_subscriptions_output().apply(lambda subs: subs[0].id),
    notes=batch.batch_id.apply(lambda b: f"batch {b}"),
)

# Mailin.ai: bought SMTP and Google domains, a subdomain and its forwarding, mailboxes on both,
# an inbox provider and a registrar feeding an Azure order
smtp_domain, google_domain = f"{p}-mail.com", f"{p}-gw.biz"
bought = Domains("bought", DomainsArgs(domains=[smtp_domain], wait_timeout_seconds=60))
google = Domains(
    "google", DomainsArgs(domains=[google_domain], google=True, wait_timeout_seconds=60)
)
sub = Subdomain(
    "sub",
    subdomain="sales",
    domain=bought.domain_ids.apply(lambda _ids: smtp_domain),
)
DomainForwarding("forwarding", domain_id=sub.domain_id, forward_to="target.example.com")
EmailForwarding(  # the same domain's email, a field of its own
    "email-forwarding", domain_id=sub.domain_id, forward_to="desk@target.example.com"
)
SmtpMailboxes(
    "smtp",
    mailboxes=[
        SmtpMailboxArgs(sub.fqdn.apply(lambda fqdn: f"sales@{fqdn.split('.', 1)[1]}"), "Sales")
    ],
    wait_timeout_seconds=60,
)
GoogleMailboxes(
    "gmail",
    mailboxes=[
        GoogleMailboxArgs(
            google.domain_ids.apply(lambda _ids: f"john@{google_domain}"), "John", "Doe"
        )
    ],
    wait_timeout_seconds=60,
)
registrar = DomainRegistrar(
    "registrar",
    name=f"{p} Porkbun",
    provider="porkbun",
    api_key=config.require_secret("registrarKey"),
    secret_api_key=config.require_secret("registrarSecret"),
)
inbox = InboxProvider(
    "inbox",
    name=f"{p} SmartLead",
    provider="smartlead",
    api_key=config.require_secret("providerKey"),
    oauth_url="https://smartlead.example.com/oauth",
)
AzureOrder(
    "order",
    domain=f"{p}-azure.com",
    mailbox_mode="auto",
    full_names=["Ann Lee"],
    inbox_provider_id=inbox.provider_id,
    domain_registrar_id=registrar.registrar_id,
    wait_timeout_seconds=60,
)

# Pingram and MailChannels: a sender domain whose inbound mail MailChannels takes
sender = SenderDomain("sender", domain=f"{p}-send.com")
InboundDomains(
    "inbound",
    subscription_handle="sub-sandbox",
    domains=[InboundDomainArgs(sender.id), f"{p}-in.com"],  # type: ignore[arg-type]
    downstream_addresses=[DownstreamAddressArgs("mx1.agency.example.")],
)
