"""InboxedUp MailboxRequests program.

Config (namespace `mbx`):
  domains   comma-separated names for a DomainBatch (omitted: no batch)
  entries   JSON list of [domain, type, [usernames...]]; the domain "batch:N" is the batch's N-th
            domain, read from the batch's output (unknown at the first preview)
  singles   JSON list of [domain, type, [usernames...]]: one MailboxRequest each ("single-I")
"""

import json

import pulumi

from pulumi_inboxed.inboxedup import (
    DomainBatch,
    MailboxArgs,
    MailboxRequest,
    MailboxRequestEntryArgs,
    MailboxRequests,
)

config = pulumi.Config("mbx")


def mailboxes(usernames: list[str]) -> list[MailboxArgs]:
    return [MailboxArgs(u.title(), "Lee", u) for u in usernames]


batch = None
names = [n.strip() for n in (config.get("domains") or "").split(",") if n.strip()]
if names:
    batch = DomainBatch("batch", domains=names, wait_for="active", wait_timeout_seconds=60)
    pulumi.export("batch_id", batch.batch_id)


def domain_of(raw: str) -> object:
    if raw.startswith("batch:"):
        assert batch is not None
        index = int(raw.removeprefix("batch:"))
        return batch.domains.apply(lambda ds: ds[index])
    return raw


entries = json.loads(config.get("entries") or "[]")
if entries:
    collection = MailboxRequests(
        "fleet",
        requests=[
            MailboxRequestEntryArgs(domain_of(d), t, mailboxes(users)) for d, t, users in entries
        ],
        wait_timeout_seconds=60,
    )
    pulumi.export("request_ids", collection.request_ids)
    pulumi.export("statuses", collection.statuses)

for i, (d, t, users) in enumerate(json.loads(config.get("singles") or "[]")):
    MailboxRequest(f"single-{i}", domain=domain_of(d), type=t, mailboxes=mailboxes(users))
