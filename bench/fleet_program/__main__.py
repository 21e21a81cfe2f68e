"""A fleet: D domains in DomainBatches of `batchSize`, and M mailboxes spread over them.

`bench:form` chooses how the mailboxes are declared:
- `collection`: one `MailboxRequests` per DomainBatch, an entry per domain;
- `objects`: one `MailboxRequest` per domain (the one-resource-per-object form).
"""

import pulumi

from pulumi_inboxed.inboxedup import DomainBatch, MailboxArgs, MailboxType, WaitFor

config = pulumi.Config("bench")
form = config.require("form")
domains = config.require_int("domains")
mailboxes = config.require_int("mailboxes")
batch_size = config.require_int("batchSize")
run = config.require("run")
wait = 3600

names = [f"fleet-{run}-{d:04d}.com" for d in range(domains)]
base, extra = divmod(mailboxes, domains)


def per_domain(index: int) -> int:
    return base + (1 if index < extra else 0)


most = base + (1 if extra else 0)
kind = (
    MailboxType.MICROSOFT
    if most <= 3
    else MailboxType.SMTP
    if most <= 5
    else MailboxType.SMTP_DEDICATED
)


def boxes(index: int, name: str) -> list[MailboxArgs]:
    return [MailboxArgs("Sales", f"Rep {m}", f"rep{m}") for m in range(per_domain(index))]


for b, start in enumerate(range(0, domains, batch_size)):
    chunk = names[start : start + batch_size]
    batch = DomainBatch(
        f"batch-{b:03d}",
        domains=chunk,
        wait_for=WaitFor.NS_READY,
        wait_timeout_seconds=wait,
    )
    after = pulumi.ResourceOptions(depends_on=[batch])
    if form == "collection":
        from pulumi_inboxed.inboxedup import MailboxRequestEntryArgs, MailboxRequests

        MailboxRequests(
            f"mailboxes-{b:03d}",
            requests=[
                MailboxRequestEntryArgs(domain=name, type=kind, mailboxes=boxes(start + i, name))
                for i, name in enumerate(chunk)
                if per_domain(start + i)
            ],
            wait_timeout_seconds=wait,
            opts=after,
        )
    else:
        from pulumi_inboxed.inboxedup import MailboxRequest

        for i, name in enumerate(chunk):
            if per_domain(start + i):
                MailboxRequest(
                    f"mailboxes-{start + i:04d}",
                    domain=name,
                    type=kind,
                    mailboxes=boxes(start + i, name),
                    wait_timeout_seconds=wait,
                    opts=after,
                )
