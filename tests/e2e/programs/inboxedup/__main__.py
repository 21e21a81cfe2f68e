"""InboxedUp acceptance program: every input that can come from another resource's output does.

Config (namespace `acc`):
  domains          comma-separated names for the DomainBatch (may include one held beforehand)
  mailboxes        "true": a MailboxRequest on the batch's first domain (its domain is an output)
  notes            when set: SubscriptionNotes on the first subscription (id from a function's
                   output; the notes name the batch, another resource's output)
  destroyAdopted   "true": destroy deletes adopted domains too
"""

import pulumi

from pulumi_inboxed.inboxedup import (
    DomainBatch,
    DomainBatchArgs,
    MailboxArgs,
    MailboxRequest,
    MailboxRequestArgs,
    SubscriptionNotes,
    SubscriptionNotesArgs,
)
from pulumi_inboxed.inboxedup.functions import list_subscriptions_output

config = pulumi.Config("acc")
names = [n.strip() for n in config.require("domains").split(",") if n.strip()]
destroy_adopted = config.get_bool("destroyAdopted") or False

batch = DomainBatch(
    "batch",
    DomainBatchArgs(
        domains=names,
        wait_for="active",
        wait_timeout_seconds=60,
        destroy_adopted=destroy_adopted,
    ),
)
pulumi.export("batch_id", batch.batch_id)
pulumi.export("statuses", batch.statuses)
pulumi.export("adopted_domains", batch.adopted_domains)

if config.get_bool("mailboxes"):
    request = MailboxRequest(
        "mailboxes",
        MailboxRequestArgs(
            domain=batch.domains.apply(lambda ds: ds[0]),
            type="smtp",
            mailboxes=[MailboxArgs("Ann", "Lee", "ann.lee"), MailboxArgs("Bo", "Chen", "bo")],
        ),
    )
    pulumi.export("request_id", request.request_id)
    pulumi.export("request_status", request.status)

notes = config.get("notes")
if notes:
    subscription_id = list_subscriptions_output().apply(lambda subs: subs[0].id)
    SubscriptionNotes(
        "notes",
        SubscriptionNotesArgs(
            subscription_id=subscription_id,
            notes=batch.batch_id.apply(lambda b: f"{notes} (batch {b})"),
        ),
    )
