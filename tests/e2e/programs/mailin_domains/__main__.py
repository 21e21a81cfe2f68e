"""The acceptance program of `mailin.Domains`: one resource per acquisition mode and Google.

Config (namespace `t`):
  prefix       names the domains
  held         an SMTP domain the account holds before the stack (adopted by `buy`)
  heldGoogle   a Google domain the account holds before the stack (adopted by `google`)
  stage        "2" for the in-place update: `buy`, `google` and `inboxkit` get one more domain,
               `transfer` swaps its domain for another (one added, one removed)

Inputs taken from other resources' outputs (unknown in a fresh stack's preview): the Google
names, the transfer's wait bound and the Inboxkit uids.
"""

import pulumi

from pulumi_inboxed.mailin import Domains, DomainsArgs

UID = "11c236de-c2e5-4797-bb73-73d861dc40fb"

config = pulumi.Config("t")
prefix = config.require("prefix")
stage = int(config.get("stage") or "1")

buy_names = [f"{prefix}-buy1.com", config.require("held")]
google_names = [f"{prefix}-gw1.biz", config.require("heldGoogle")]
moved = [f"{prefix}-moved1.io"]
kit_names = [f"{prefix}-kit1.net"]
if stage >= 2:
    buy_names.append(f"{prefix}-buy2.co")
    google_names.append(f"{prefix}-gw2.com")
    moved = [f"{prefix}-moved2.io"]
    kit_names.append(f"{prefix}-kit2.net")

buy = Domains("buy", DomainsArgs(domains=buy_names, wait_timeout_seconds=60))
google = Domains(
    "google",
    DomainsArgs(
        domains=buy.domain_ids.apply(lambda _ids: google_names),
        google=True,
        wait_timeout_seconds=60,
    ),
)
transfer = Domains(
    "transfer",
    DomainsArgs(
        domains=moved,
        acquisition="transfer",
        wait_timeout_seconds=buy.domain_ids.apply(lambda _ids: 60),
    ),
)
inboxkit = Domains(
    "inboxkit",
    DomainsArgs(
        domains=kit_names,
        acquisition="inboxkit",
        inboxkit_uids=transfer.domain_ids.apply(lambda _ids: {n: UID for n in kit_names}),
    ),
)

for name, resource in (
    ("buy", buy),
    ("google", google),
    ("transfer", transfer),
    ("inboxkit", inboxkit),
):
    pulumi.export(f"{name}_ids", resource.domain_ids)
    pulumi.export(f"{name}_adopted", resource.adopted_domains)
