"""The acceptance program of InboundDomains and SenderDomain: each takes an input from another
resource's output (unknown in a fresh stack's preview).

Config (`acc:`): sender (a Pingram sender domain), inbound (comma-separated MailChannels domains),
abusePolicy (block, quarantine), startVerification (true/false).
"""

import pulumi

from pulumi_inboxed.mailchannels import (
    AbusePolicyArgs,
    DownstreamAddressArgs,
    InboundDomainArgs,
    InboundDomains,
)
from pulumi_inboxed.pingram import SenderDomain

config = pulumi.Config("acc")
verify = config.get_bool("startVerification") or False

sender = SenderDomain("sender", domain=config.require("sender"), start_verification=verify)

# the sender domain's inbound mail goes through MailChannels too: its name is the SenderDomain's
# id, unknown until the sender domain exists
inbound = InboundDomains(
    "inbound",
    subscription_handle="sub-sandbox",
    domains=[
        InboundDomainArgs(sender.id),
        *[d.strip() for d in config.require("inbound").split(",")],
    ],
    settings=AbusePolicyArgs(abuse_policy=config.get("abusePolicy") or "block"),
    downstream_addresses=[DownstreamAddressArgs("mx1.agency.example.")],
)

# replies are sent from a subdomain of the last domain MailChannels provisioned: an input taken
# from InboundDomains' outputs
reply = SenderDomain(
    "reply-sender",
    domain=inbound.provisioned.apply(lambda names: "reply." + sorted(names)[-1]),
    start_verification=verify,
)

pulumi.export("provisioned", inbound.provisioned)
pulumi.export("adopted_domains", inbound.adopted_domains)
pulumi.export("sender_adopted", sender.adopted)
pulumi.export("reply_sender", reply.id)
