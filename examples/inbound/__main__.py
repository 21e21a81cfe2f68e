"""MailChannels Inbound protection for many domains, and a Pingram sender domain.

Config: mailchannels:apiKey (secret), mailchannels:baseUrl, pingram:apiKey (secret),
pingram:baseUrl, and
  demo:subscription   the MailChannels subscription handle (default "sub-sandbox")
  demo:count          how many generated domains (default 1500: two provisioning requests)
  demo:extra          comma-separated extra domains (the tests put failing names here)
  demo:abusePolicy    block (default), flag or quarantine
  demo:sender         when set, a Pingram sender domain
"""

import pulumi

from pulumi_inboxed.mailchannels import (
    AbusePolicyArgs,
    DownstreamAddressArgs,
    InboundDomains,
)
from pulumi_inboxed.pingram import SenderDomain

config = pulumi.Config("demo")
count = config.get_int("count") or 1500
extra = [d.strip() for d in (config.get("extra") or "").split(",") if d.strip()]
policy = config.get("abusePolicy") or "block"

inbound = InboundDomains(
    "inbound",
    subscription_handle=config.get("subscription") or "sub-sandbox",
    domains=[f"inbound-{i:04d}.com" for i in range(count)] + extra,
    settings=AbusePolicyArgs(
        abuse_policy=policy,
        spam_header_name="X-Spam-Flag" if policy == "flag" else None,
        spam_header_value="YES" if policy == "flag" else None,
    ),
    downstream_addresses=[DownstreamAddressArgs("mx1.agency.example.", port=25)],
)
pulumi.export("provisioned", inbound.provisioned.apply(len))
pulumi.export("failed_domains", inbound.failed_domains)

sender = config.get("sender")
if sender:
    domain = SenderDomain("sender", domain=sender, start_verification=True)
    pulumi.export("sender_status", domain.status)
    pulumi.export("sender_selector", domain.selector)
