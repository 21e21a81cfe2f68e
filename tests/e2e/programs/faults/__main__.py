"""All four APIs in one program, for the run under faults (tests/e2e/test_faults_e2e.py).

Config (namespace `t`):
  prefix   names every domain
  count    how many InboxedUp domains (each with one SMTP mailbox request of 2 mailboxes);
           also how many MailChannels inbound domains
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

config = pulumi.Config("t")
prefix = config.require("prefix")
count = config.require_int("count")

# InboxedUp: a batch of domains, and a mailbox request per domain once each is ACTIVE
iu_domains = [f"{prefix}-iu-{i}.com" for i in range(count)]
batch = DomainBatch(
    "iu-domains", domains=iu_domains, wait_for=WaitFor.ACTIVE, wait_timeout_seconds=300
)
MailboxRequests(
    "iu-mailboxes",
    requests=[
        MailboxRequestEntryArgs(
            domain=name,
            type=MailboxType.SMTP,
            mailboxes=[MailboxArgs("Ann", "Lee", "ann"), MailboxArgs("Bob", "Ray", "bob")],
        )
        for name in iu_domains
    ],
    wait_timeout_seconds=300,
    opts=pulumi.ResourceOptions(depends_on=[batch]),
)

# Mailin.ai: bought domains, and SMTP mailboxes on them
ml_domains = [f"{prefix}-ml-{i}.com" for i in range(3)]
bought = Domains("ml-domains", domains=ml_domains, wait_timeout_seconds=300)
SmtpMailboxes(
    "ml-mailboxes",
    mailboxes=[
        SmtpMailboxArgs(f"{user}@{name}", user.title())
        for name in ml_domains
        for user in ("sales", "info")
    ],
    opts=pulumi.ResourceOptions(depends_on=[bought]),
)

# MailChannels Inbound for as many domains
InboundDomains(
    "inbound",
    subscription_handle="sub-sandbox",
    domains=[f"{prefix}-in-{i}.com" for i in range(count)],
    settings=AbusePolicyArgs(abuse_policy="block"),
    downstream_addresses=[DownstreamAddressArgs("mx1.agency.example.", port=25)],
)

# Pingram: a sender domain
SenderDomain("sender", domain=f"news.{prefix}-send.com")
