"""Mailboxes on a domain the account already holds (it must be ACTIVE).

Config: inboxedup:apiToken (secret), inboxedup:baseUrl, demo:domain, demo:type (default smtp).
"""

import pulumi

from pulumi_inboxed.inboxedup import MailboxArgs, MailboxRequest, MailboxRequestArgs

config = pulumi.Config("demo")
request = MailboxRequest(
    "mailboxes",
    MailboxRequestArgs(
        domain=config.require("domain"),
        type=config.get("type") or "smtp",
        mailboxes=[MailboxArgs("Sam", "Ray", "sam"), MailboxArgs("Kim", "Ortiz", "kim")],
    ),
)
pulumi.export("status", request.status)
pulumi.export("emails", request.emails)
