"""Mailin.ai subdomains, forwarding and mailboxes on domains the account already holds.

Every kind gets an input from another resource's output (unknown in a fresh stack's preview):
the forwardings take the subdomain's id, the mailboxes' addresses are built from a subdomain's
name. Objects that existed before (a mailbox, a subdomain, a domain's forwarding) are adopted.

Config (demo:): prefix, preDomainId, salesName, salesPassword (secret), signature,
domainForwardTo, emailForwardTo, preForwardTo.
"""

import pulumi

from pulumi_inboxed.mailin import (
    DomainForwarding,
    EmailForwarding,
    EmailForwardingArgs,
    GoogleMailboxArgs,
    GoogleMailboxes,
    SmtpMailboxArgs,
    SmtpMailboxes,
    Subdomain,
)

config = pulumi.Config("demo")
prefix = config.require("prefix")
smtp_domain = f"{prefix}-mail.com"
google_domain = f"{prefix}-gw.biz"


def parent_of(fqdn: str) -> str:
    return fqdn.split(".", 1)[1]


sales_sub = Subdomain("sales-sub", subdomain="sales", domain=smtp_domain)
team_sub = Subdomain("team-sub", subdomain="team", domain=google_domain)
old_sub = Subdomain("old-sub", subdomain="old", domain=smtp_domain)  # existed before: adopted

DomainForwarding(
    "sales-forwarding", domain_id=sales_sub.domain_id, forward_to=config.require("domainForwardTo")
)
EmailForwarding(
    "sales-email-forwarding",
    EmailForwardingArgs(domain_id=sales_sub.domain_id, forward_to=config.require("emailForwardTo")),
)
DomainForwarding(  # the domain forwarded before: adopted, put back on destroy
    "pre-forwarding",
    domain_id=config.require_int("preDomainId"),
    forward_to=config.require("preForwardTo"),
)

smtp_boxes = SmtpMailboxes(
    "smtp-boxes",
    mailboxes=[
        SmtpMailboxArgs(
            sales_sub.fqdn.apply(lambda f: f"sales@{parent_of(f)}"),
            config.require("salesName"),
            password=config.require_secret("salesPassword"),
        ),
        SmtpMailboxArgs(f"pre@{smtp_domain}", "Pre Existing"),  # existed before: adopted
    ],
    wait_timeout_seconds=60,
)
google_boxes = GoogleMailboxes(
    "google-boxes",
    mailboxes=[
        GoogleMailboxArgs(
            team_sub.fqdn.apply(lambda f: f"john@{parent_of(f)}"),
            "John",
            "Doe",
            signature=config.get("signature"),
        )
    ],
    wait_timeout_seconds=60,
)

pulumi.export("sales_fqdn", sales_sub.fqdn)
pulumi.export("smtp_mailbox_ids", smtp_boxes.mailbox_ids)
pulumi.export("google_mailbox_ids", google_boxes.mailbox_ids)
pulumi.export("adopted_mailboxes", smtp_boxes.adopted_mailboxes)
