"""A fleet: D domains split over A InboxedUp accounts, each account's share in DomainBatches of
`batchSize`, and M mailboxes spread over the domains.

`bench:accounts` (default 1): with 1, everything is in the default account (`inboxedup:apiToken`);
with more, account `a` is the named account `acct-<a>` (`inboxedup:accounts.acct-<a>.apiToken`),
and domain d belongs to account d * A // D (contiguous shares).

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
accounts = config.get_int("accounts") or 1
run = config.require("run")
wait = 3600

names = [f"fleet-{run}-{d:05d}.com" for d in range(domains)]
base, extra = divmod(mailboxes, domains)


def per_domain(index: int) -> int:
    return base + (1 if index < extra else 0)


def account_name(a: int) -> str | None:
    return f"acct-{a:03d}" if accounts > 1 else None


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


b = 0
for a in range(accounts):
    account = account_name(a)
    share = range(a * domains // accounts, (a + 1) * domains // accounts)
    for start in range(share.start, share.stop, batch_size):
        chunk = names[start : min(start + batch_size, share.stop)]
        batch = DomainBatch(
            f"batch-{b:04d}",
            domains=chunk,
            wait_for=WaitFor.NS_READY,
            wait_timeout_seconds=wait,
            account=account,
        )
        after = pulumi.ResourceOptions(depends_on=[batch])
        if form == "collection":
            from pulumi_inboxed.inboxedup import MailboxRequestEntryArgs, MailboxRequests

            MailboxRequests(
                f"mailboxes-{b:04d}",
                requests=[
                    MailboxRequestEntryArgs(
                        domain=name, type=kind, mailboxes=boxes(start + i, name)
                    )
                    for i, name in enumerate(chunk)
                    if per_domain(start + i)
                ],
                wait_timeout_seconds=wait,
                account=account,
                opts=after,
            )
        else:
            from pulumi_inboxed.inboxedup import MailboxRequest

            for i, name in enumerate(chunk):
                if per_domain(start + i):
                    MailboxRequest(
                        f"mailboxes-{start + i:05d}",
                        domain=name,
                        type=kind,
                        mailboxes=boxes(start + i, name),
                        wait_timeout_seconds=wait,
                        account=account,
                        opts=after,
                    )
        b += 1
