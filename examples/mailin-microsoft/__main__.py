"""Mailin.ai Microsoft: registrar + inbox providers + a manual Azure order of 100 mailboxes.

Config: mailin:* as for examples/mailin, and
  demo:prefix           names the domain <prefix>-azure.com (default "acme")
  demo:mailboxCount     how many mailboxes the manual order lists (exactly 100 passes preview)
  demo:useProvider      smartlead (default) or instantly: the order's inbox provider
  demo:reupload         change it to trigger a re-upload to the inbox provider
  demo:masterDomain     the order's master (redirect) domain
  demo:registrarKey, demo:registrarSecret, demo:smartleadKey, demo:instantlyKey (secrets)
  demo:destroyAdopted   true: destroy deletes entries a create adopted (default: they stay)
"""

import pulumi

from pulumi_inboxed.mailin import AzureMailboxArgs, AzureOrder, DomainRegistrar, InboxProvider

config = pulumi.Config("demo")
prefix = config.get("prefix") or "acme"
domain = f"{prefix}-azure.com"
# An entry a create adopted (one that existed before, e.g. an order placed by an interrupted
# `pulumi up`) stays in the account on destroy unless this is true.
destroy_adopted = config.get_bool("destroyAdopted") or False

registrar = DomainRegistrar(
    "porkbun",
    name="Porkbun",
    provider="porkbun",
    api_key=config.require_secret("registrarKey"),
    secret_api_key=config.require_secret("registrarSecret"),
    destroy_adopted=destroy_adopted,
)
providers = {
    "smartlead": InboxProvider(
        "smartlead",
        name="SmartLead",
        provider="smartlead",
        api_key=config.require_secret("smartleadKey"),
        oauth_url="https://smartlead.example.com/oauth",
        destroy_adopted=destroy_adopted,
    ),
    "instantly": InboxProvider(
        "instantly",
        name="Instantly",
        provider="instantly",
        api_key=config.require_secret("instantlyKey"),
        destroy_adopted=destroy_adopted,
    ),
}
count = config.get_int("mailboxCount") or 100
order = AzureOrder(
    "azure-order",
    domain=domain,
    mailbox_mode="manual",
    mailboxes=[AzureMailboxArgs(f"User {i}", f"user{i}@{domain}") for i in range(count)],
    is_purchase=True,
    inbox_provider_id=providers[config.get("useProvider") or "smartlead"].provider_id,
    domain_registrar_id=registrar.registrar_id,
    reupload_trigger=config.get("reupload"),
    master_domain=config.get("masterDomain"),
    wait_timeout_seconds=300,
    destroy_adopted=destroy_adopted,
)

pulumi.export("order_id", order.order_id)
pulumi.export("status", order.status)
pulumi.export("nameservers", order.nameservers)
pulumi.export("upload_status", order.upload_status)
pulumi.export("provider_ids", {k: p.provider_id for k, p in providers.items()})
pulumi.export("order_adopted", order.adopted)
