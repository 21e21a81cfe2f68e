"""Two InboxedUp accounts and two Mailin.ai accounts in one program.

Each account is a name under the stack's `inboxedup:accounts` / `mailin:accounts` map
(`client-a`, `client-b`); its credentials are set there with `pulumi config set --path --secret`,
its base URL and poll interval come from the plain `inboxedup:baseUrl` / `mailin:baseUrl`
settings. Mailin.ai's `client-a` has a token, its `client-b` an email and a password.

Config (namespace `t`):
  prefix    names every domain
  stage     "1": the moving mailboxes are in client-a; "2": they moved to client-b
            (InboxedUp: the domain leaves client-a's batch for client-b's and its
            MailboxRequest gets account="client-b"; Mailin.ai: the SmtpMailboxes resource gets
            account="client-b" and addresses on client-b's domain)
  mistake   "true": a MailboxRequest in client-b on a domain of client-a's batch (preview fails)
  nobody    "true": a DomainBatch in account "nobody", which the stack does not configure
"""

import pulumi

from pulumi_inboxed.inboxedup import (
    DomainBatch,
    MailboxArgs,
    MailboxRequest,
    get_account_output,
)
from pulumi_inboxed.mailin import Domains, SmtpMailboxArgs, SmtpMailboxes
from pulumi_inboxed.mailin.functions import get_credits_output

config = pulumi.Config("t")
prefix = config.require("prefix")
moved = config.get("stage") == "2"

# InboxedUp ------------------------------------------------------------------------------------
only_a = f"{prefix}-a.com"  # stays in client-a
only_b = f"{prefix}-b.com"  # stays in client-b
moving = f"{prefix}-moving.com"  # client-a's, then client-b's

batch_a = DomainBatch(
    "batch-a",
    domains=[only_a] if moved else [only_a, moving],
    account="client-a",
    wait_for="active",
    wait_timeout_seconds=60,
)
batch_b = DomainBatch(
    "batch-b",
    domains=[only_b, moving] if moved else [only_b],
    account="client-b",
    wait_for="active",
    wait_timeout_seconds=60,
)
MailboxRequest(
    "requests-b",
    domain=only_b,
    type="smtp",
    mailboxes=[MailboxArgs("Bea", "Bell", "bea")],
    account="client-b",
    opts=pulumi.ResourceOptions(depends_on=[batch_b]),
)
moving_request = MailboxRequest(
    "requests-moving",
    domain=moving,
    type="smtp",
    mailboxes=[MailboxArgs("Max", "Moss", "max"), MailboxArgs("Mia", "Moss", "mia")],
    account="client-b" if moved else "client-a",
    opts=pulumi.ResourceOptions(depends_on=[batch_b if moved else batch_a]),
)

if config.get_bool("mistake"):  # client-b asks for mailboxes on a domain of client-a's batch
    MailboxRequest(
        "requests-mistake",
        domain=only_a,
        type="smtp",
        mailboxes=[MailboxArgs("Wrong", "Place", "oops")],
        account="client-b",
    )
if config.get_bool("nobody"):
    DomainBatch("batch-nobody", domains=[f"{prefix}-nobody.com"], account="nobody")

# Mailin.ai ------------------------------------------------------------------------------------
mailin_a = f"{prefix}-ma.com"
mailin_b = f"{prefix}-mb.com"

domains_a = Domains(
    "mailin-domains-a", domains=[mailin_a], account="client-a", wait_timeout_seconds=60
)
domains_b = Domains(
    "mailin-domains-b", domains=[mailin_b], account="client-b", wait_timeout_seconds=60
)
SmtpMailboxes(
    "mailin-mailboxes-b",
    mailboxes=[SmtpMailboxArgs(f"info@{mailin_b}", "Info")],
    account="client-b",
    opts=pulumi.ResourceOptions(depends_on=[domains_b]),
)
moving_domain = mailin_b if moved else mailin_a
SmtpMailboxes(
    "mailin-mailboxes-moving",
    mailboxes=[
        SmtpMailboxArgs(f"sales@{moving_domain}", "Sales"),
        SmtpMailboxArgs(f"team@{moving_domain}", "Team"),
    ],
    account="client-b" if moved else "client-a",
    opts=pulumi.ResourceOptions(depends_on=[domains_b if moved else domains_a]),
)

# Functions take the account too (settings and credentials from the same stack config).
pulumi.export("inboxedup_customer_a", get_account_output(account="client-a").customer.id)
pulumi.export("mailin_credits_b", get_credits_output(account="client-b"))
pulumi.export("moving_request_id", moving_request.request_id)
pulumi.export("batch_a", batch_a.batch_id)
pulumi.export("batch_b", batch_b.batch_id)
