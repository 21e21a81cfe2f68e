"""The acceptance cycle's Microsoft program: the order's inbox provider and registrar ids are
the other two resources' outputs (unknown at a fresh preview).

Config (demo:*): prefix, oauthUrl, registrarKey (secret), registrarSecret (secret),
providerKey (secret), masterDomain, destroyAdopted.
"""

import pulumi

from pulumi_inboxed.mailin import AzureOrder, DomainRegistrar, InboxProvider

config = pulumi.Config("demo")
prefix = config.require("prefix")
destroy_adopted = config.get_bool("destroyAdopted") or False

registrar = DomainRegistrar(
    "registrar",
    name=f"{prefix} Porkbun",
    provider="porkbun",
    api_key=config.require_secret("registrarKey"),
    secret_api_key=config.require_secret("registrarSecret"),
    destroy_adopted=destroy_adopted,
)
inbox = InboxProvider(
    "inbox",
    name=f"{prefix} SmartLead",
    provider="smartlead",
    api_key=config.require_secret("providerKey"),
    oauth_url=config.require("oauthUrl"),
    destroy_adopted=destroy_adopted,
)
order = AzureOrder(
    "order",
    domain=f"{prefix}-azure.com",
    mailbox_mode="auto",
    full_names=["Ann Lee", "Bo Chan"],
    inbox_provider_id=inbox.provider_id,
    domain_registrar_id=registrar.registrar_id,
    master_domain=config.get("masterDomain"),
    wait_timeout_seconds=60,
    destroy_adopted=destroy_adopted,
)

pulumi.export("order_id", order.order_id)
pulumi.export("status", order.status)
pulumi.export("nameservers", order.nameservers)
pulumi.export("provider_id", inbox.provider_id)
pulumi.export("registrar_id", registrar.registrar_id)
pulumi.export("adopted", [registrar.adopted, inbox.adopted, order.adopted])
