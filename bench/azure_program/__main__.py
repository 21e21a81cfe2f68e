"""N independent Mailin.ai Azure orders (auto mode), each waiting to be ready."""

import pulumi

from pulumi_inboxed.mailin import AzureOrder

config = pulumi.Config("bench")
count = config.require_int("orders")
run = config.require("run")

for i in range(count):
    AzureOrder(
        f"order-{i:02d}",
        domain=f"bench-{run}-{i:02d}.com",
        mailbox_mode="auto",
        full_names=["Ada Lovelace", "Grace Hopper"],
        wait_timeout_seconds=3600,
    )
