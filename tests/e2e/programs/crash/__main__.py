"""Every kind that buys or creates, but Mailin.ai's Domains purchase and Azure order (killed in
their own tests), in one stack, for the run killed right after each kind's create reached the
sandbox (tests/e2e/test_intents_e2e.py).

The mailboxes go on domains made before the stack; each collection also declares one object
made before the stack (adopted, and kept on destroy).

Config (namespace `crash`):
  prefix      names what the stack makes
  iuDomain    an ACTIVE InboxedUp domain; `iuOld` ("type:user,user,...") a live request on it
  smtpDomain  a Mailin.ai SMTP domain; `smtpOld` a mailbox on it (`smtpOldName`: its name)
  googleDomain a Mailin.ai Google domain; `googleOld` a mailbox on it ("first last" in
              `googleOldName`)
  inboundOld  a MailChannels domain under `sub-sandbox`
  forwardDomainId the id of a Mailin.ai SMTP domain without forwarding (forwarded by the stack)
  ipKey       (secret) the new inbox provider's API key
  regKey, regSecret (secret) the new registrar's API key and secret key
"""

import pulumi

from pulumi_inboxed.inboxedup import (
    DomainBatch,
    MailboxArgs,
    MailboxRequest,
    MailboxRequestEntryArgs,
    MailboxRequests,
)
from pulumi_inboxed.mailchannels import AbusePolicyArgs, DownstreamAddressArgs, InboundDomains
from pulumi_inboxed.mailin import (
    DomainForwarding,
    DomainRegistrar,
    Domains,
    EmailForwarding,
    GoogleMailboxArgs,
    GoogleMailboxes,
    InboxProvider,
    SmtpMailboxArgs,
    SmtpMailboxes,
    Subdomain,
)
from pulumi_inboxed.pingram import SenderDomain

config = pulumi.Config("crash")
prefix = config.require("prefix")

batch = DomainBatch(
    "iu-domains", domains=[f"{prefix}-a.com", f"{prefix}-b.com"], wait_timeout_seconds=120
)

iu_domain = config.require("iuDomain")
old_type, _, old_users = config.require("iuOld").partition(":")
iu = MailboxRequests(
    "iu-mailboxes",
    requests=[
        MailboxRequestEntryArgs(
            iu_domain, "smtp", [MailboxArgs("Ann", "Lee", "ann"), MailboxArgs("Bob", "Ray", "bob")]
        ),
        MailboxRequestEntryArgs(
            iu_domain,
            old_type,
            [MailboxArgs(f"First{i}", "Last0", u) for i, u in enumerate(old_users.split(","))],
        ),
    ],
    wait_timeout_seconds=120,
)
# one request on its own (no request of this type on the domain before the stack)
iu_single = MailboxRequest(
    "iu-mailbox",
    domain=iu_domain,
    type="google",
    mailboxes=[MailboxArgs("Cat", "Lee", "cat")],
    wait_timeout_seconds=120,
)

smtp_domain = config.require("smtpDomain")
smtp = SmtpMailboxes(
    "ml-smtp",
    mailboxes=[
        SmtpMailboxArgs(f"{prefix}-sales@{smtp_domain}", "Sales"),
        SmtpMailboxArgs(config.require("smtpOld"), config.require("smtpOldName")),
    ],
    wait_timeout_seconds=120,
)

google_domain = config.require("googleDomain")
first, last = config.require("googleOldName").split(" ")
google = GoogleMailboxes(
    "ml-google",
    mailboxes=[
        GoogleMailboxArgs(f"{prefix}-john@{google_domain}", "John", "Doe"),
        GoogleMailboxArgs(config.require("googleOld"), first, last),
    ],
    wait_timeout_seconds=120,
)

inbound = InboundDomains(
    "inbound",
    subscription_handle="sub-sandbox",
    domains=[f"{prefix}-in-0.com", f"{prefix}-in-1.com", config.require("inboundOld")],
    settings=AbusePolicyArgs(abuse_policy="block"),
    downstream_addresses=[DownstreamAddressArgs("mx1.agency.example.", port=25)],
)

sender = SenderDomain("sender", domain=f"news.{prefix}-send.com")

# Mailin.ai: a subdomain, an inbox provider, a registrar, an Inboxkit transfer and forwardings
subdomain = Subdomain("ml-sub", subdomain=f"{prefix}-sub", domain=smtp_domain)
inbox_provider = InboxProvider(
    "ml-provider",
    name=f"{prefix} Instantly",
    provider="instantly",
    api_key=config.require_secret("ipKey"),
)
registrar = DomainRegistrar(
    "ml-registrar",
    name=f"{prefix} Porkbun",
    provider="porkbun",
    api_key=config.require_secret("regKey"),
    secret_api_key=config.require_secret("regSecret"),
)
inboxkit = Domains(
    "ml-inboxkit",
    domains=[f"{prefix}-ik.com"],
    acquisition="inboxkit",
    inboxkit_uids={f"{prefix}-ik.com": f"{prefix}-ik-uid"},
    wait_timeout_seconds=120,
)
forwarding = DomainForwarding(
    "ml-forward",
    domain_id=int(config.require("forwardDomainId")),
    forward_to=f"{prefix}-fwd.com",
)
email_forwarding = EmailForwarding(  # the same domain's email, a field of its own
    "ml-email-forward",
    domain_id=int(config.require("forwardDomainId")),
    forward_to=f"desk@{prefix}-fwd.com",
)

pulumi.export("adopted_domains", batch.adopted_domains)
pulumi.export("adopted_requests", iu.adopted_requests)
pulumi.export("single_adopted", iu_single.adopted)
pulumi.export("adopted_smtp", smtp.adopted_mailboxes)
pulumi.export("adopted_google", google.adopted_mailboxes)
pulumi.export("adopted_inbound", inbound.adopted_domains)
pulumi.export("sender_adopted", sender.adopted)
pulumi.export("sub_adopted", subdomain.adopted)
pulumi.export("provider_adopted", inbox_provider.adopted)
pulumi.export("registrar_adopted", registrar.adopted)
pulumi.export("adopted_inboxkit", inboxkit.adopted_domains)
pulumi.export("forward_adopted", forwarding.adopted)
pulumi.export("email_forward_adopted", email_forwarding.adopted)
