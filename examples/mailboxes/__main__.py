"""Ten domains from submission to ACTIVE, then mailbox requests of every type on them.

Config:
  inboxedup:apiToken (secret), inboxedup:baseUrl
  demo:prefix            names the domains <prefix>-0.com ... <prefix>-9.com (default "outreach")
  demo:subscriptionId    when set, a SubscriptionNotes resource labels that subscription
  demo:extraMicrosoft    when set to N, one more Microsoft request of N mailboxes on domain 0
"""

import pulumi

from pulumi_inboxed.inboxedup import (
    DomainBatch,
    DomainBatchArgs,
    MailboxArgs,
    MailboxRequest,
    MailboxRequestArgs,
    MailboxType,
    SubscriptionNotes,
    WaitFor,
)

config = pulumi.Config("demo")
prefix = config.get("prefix") or "outreach"
domains = [f"{prefix}-{i}.com" for i in range(10)]
types = [MailboxType.MICROSOFT, MailboxType.GOOGLE, MailboxType.SMTP, MailboxType.SMTP_DEDICATED]
people = [("Ann", "Lee"), ("Bo", "Chen"), ("Cy", "Diaz"), ("Di", "Evans")]

batch = DomainBatch(
    "sending-domains",
    DomainBatchArgs(domains=domains, wait_for=WaitFor.ACTIVE, wait_timeout_seconds=600),
)

requests = {}
for i, domain in enumerate(domains):
    kind = types[i % len(types)]
    requests[domain] = MailboxRequest(
        f"mailboxes-{i}",
        MailboxRequestArgs(
            domain=domain,
            type=kind,
            mailboxes=[
                MailboxArgs(first, last, f"{first}.{last}".lower()) for first, last in people[:2]
            ],
        ),
    )

extra = config.get_int("extraMicrosoft")
if extra:
    MailboxRequest(
        "mailboxes-extra",
        MailboxRequestArgs(
            domain=domains[0],
            type=MailboxType.MICROSOFT,
            mailboxes=[MailboxArgs("Extra", f"Person{n}", f"extra{n}") for n in range(extra)],
        ),
    )

subscription_id = config.get("subscriptionId")
if subscription_id:
    SubscriptionNotes(
        "subscription-notes",
        subscription_id=subscription_id,
        notes=f"managed by Pulumi: {prefix}",
    )

pulumi.export("nameservers", batch.nameservers)
pulumi.export("request_statuses", {d: r.status for d, r in requests.items()})
pulumi.export("emails", {d: r.emails for d, r in requests.items()})
pulumi.export("credentials", {d: r.credentials for d, r in requests.items()})
