"""N independent DomainBatches, each of K domains, all waiting for their nameservers."""

import pulumi

from pulumi_inboxed.inboxedup import DomainBatch, DomainBatchArgs, WaitFor

config = pulumi.Config("bench")
batches = config.require_int("batches")
per_batch = config.require_int("domainsPerBatch")
run = config.require("run")

for b in range(batches):
    DomainBatch(
        f"batch-{b:02d}",
        DomainBatchArgs(
            domains=[f"bench-{run}-{b:02d}-{d}.com" for d in range(per_batch)],
            wait_for=WaitFor.NS_READY,
            wait_timeout_seconds=3600,
        ),
    )
