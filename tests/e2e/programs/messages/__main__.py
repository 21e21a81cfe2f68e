"""One mistake per `messages:case` (tests/e2e/test_messages_e2e.py).

- `typo`: a misspelt input name;
- `entry`: a MailboxRequests entry on a domain neither the program nor the account holds;
- `refused`: a MailboxRequests in account `client-b`, whose token the API refuses;
- `mailin`: Mailin.ai SMTP mailboxes in account `client-m` on a domain neither the program nor
  the account holds;
- `fine`: a DomainBatch of one domain (for the credential rotation steps).
"""

import pulumi

from pulumi_inboxed.inboxedup import (
    DomainBatch,
    MailboxArgs,
    MailboxRequest,
    MailboxRequestEntryArgs,
    MailboxRequests,
)
from pulumi_inboxed.mailin import SmtpMailboxArgs, SmtpMailboxes

case = pulumi.Config("messages").require("case")
boxes = [MailboxArgs("Ann", "Lee", "ann")]

if case == "typo":
    MailboxRequest(
        "typo", domain="msg-typo.com", type="smtp", mailboxes=boxes, wait_timout_seconds=60
    )
elif case == "entry":
    MailboxRequests(
        "entries",
        requests=[MailboxRequestEntryArgs(domain="msg-nowhere.com", type="smtp", mailboxes=boxes)],
    )
elif case == "refused":
    MailboxRequests(
        "client-b-mailboxes",
        account="client-b",
        requests=[MailboxRequestEntryArgs(domain="b-send-5.com", type="smtp", mailboxes=boxes)],
    )
elif case == "mailin":
    SmtpMailboxes(
        "client-m-boxes",
        account="client-m",
        mailboxes=[SmtpMailboxArgs("sales@msg-nowhere-mailin.com", "Sales")],
    )
else:
    batch = DomainBatch("batch", domains=["msg-fine.com"])
    pulumi.export("batch_id", batch.batch_id)
