"""Submit sending domains to InboxedUp and print the nameserver pair each one must use.

Config (all optional except the token):
  inboxedup:apiToken     secret: `pulumi config set --secret inboxedup:apiToken ...`
  inboxedup:baseUrl      the API (or a sandbox) URL
  demo:domains           comma-separated domain names
  demo:waitFor           ns_ready (default) or active
  demo:waitTimeoutSeconds
  demo:importBatchId     adopt an existing batch instead of submitting one
  demo:verifyNsTrigger   change it to verify the nameservers of PENDING_NS domains
  demo:destroyAdopted    true: destroy deletes the domains the batch adopted (ones the account
                         held before) as well; by default they stay in the account
"""

import pulumi

from pulumi_inboxed.inboxedup import DomainBatch, DomainBatchArgs

config = pulumi.Config("demo")
domains = [
    d.strip()
    for d in (
        config.get("domains") or "acme-outreach.com,acme-mail.co,getacme.io,tryacme.net,acme-hq.biz"
    ).split(",")
    if d.strip()
]
import_id = config.get("importBatchId")

batch = DomainBatch(
    "outreach-domains",
    DomainBatchArgs(
        domains=domains,
        wait_for=config.get("waitFor") or "ns_ready",
        wait_timeout_seconds=config.get_int("waitTimeoutSeconds") or 300,
        import_batch_id=import_id,
        verify_ns_trigger=config.get("verifyNsTrigger"),
        destroy_adopted=config.get_bool("destroyAdopted") or False,
    ),
)

pulumi.export("batch_id", batch.batch_id)
pulumi.export("statuses", batch.statuses)
pulumi.export("nameservers", batch.nameservers)
pulumi.export("failed_domains", batch.failed_domains)
pulumi.export("ns_missing", batch.ns_missing)
pulumi.export("adopted_domains", batch.adopted_domains)
