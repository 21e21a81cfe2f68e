"""Programs for the policy pack's end-to-end tests; `policy:case` picks one.

- compliant: every policy passes (a MailboxRequests entry adds a third Microsoft mailbox on
  good-a.com: at the limit, not over it).
- stack: stack-wide violations: 5 Microsoft mailboxes on one domain over two requests and an
  entry of a MailboxRequests, a domain
  declared by two DomainBatch resources, more domains bought than `maxDomains`, and an
  InboundDomains of 1001 domains (more than one MailChannels request).
- resource-*: per-resource violations, one resource a case (each also fails the resource's own
  check(), and the engine stops at the first invalid resource): an unprotected purchase of a
  .xyz domain; an Azure manual order of 3 mailboxes with an address off its domain; a mailbox
  username off its domain and a blank first name.
- plaintext: an InboxProvider whose api_key is passed in plaintext (a raw resource of the same
  type, as a program or resource that forgets `pulumi.Output.secret` would pass it).
- accounts / accounts-over: Pingram sender domains and MailChannels Inbound domains in two
  accounts (`client-a`, `client-b`): two and one sender domains, or all three in `client-a`.
"""

from typing import Any

import pulumi
import pulumi.dynamic as dyn

from pulumi_inboxed.inboxedup import (
    DomainBatch,
    DomainBatchArgs,
    MailboxArgs,
    MailboxRequest,
    MailboxRequestEntryArgs,
    MailboxRequestProvider,
    MailboxRequests,
    MailboxRequestsProvider,
    MailboxType,
)
from pulumi_inboxed.mailchannels import InboundDomains
from pulumi_inboxed.mailin import AzureMailboxArgs, AzureOrder, Domains, DomainsArgs
from pulumi_inboxed.mailin.delegated_credentials import InboxProviderProvider
from pulumi_inboxed.pingram import SenderDomain

config = pulumi.Config("policy")
case = config.require("case")
protect = pulumi.ResourceOptions(protect=True)


def people(n: int) -> list[MailboxArgs]:
    return [MailboxArgs("Ann", f"Doe{i}", f"ann{i}") for i in range(n)]


class RawMailboxRequest(dyn.Resource, module="inboxedup", name="MailboxRequest"):
    def __init__(self, name: str, props: dict[str, Any]) -> None:
        super().__init__(MailboxRequestProvider(), name, {**props, "request_id": None})


class RawMailboxRequests(dyn.Resource, module="inboxedup", name="MailboxRequests"):
    def __init__(self, name: str, props: dict[str, Any]) -> None:
        outputs = ("request_ids", "statuses", "emails", "credentials", "adopted_requests")
        super().__init__(MailboxRequestsProvider(), name, {**props, **dict.fromkeys(outputs)})


if case == "compliant":
    DomainBatch("batch", DomainBatchArgs(domains=["good-a.com", "good-b.com"]))
    MailboxRequest("ms-a", domain="good-a.com", type=MailboxType.MICROSOFT, mailboxes=people(2))
    MailboxRequest("smtp-b", domain="good-b.com", type=MailboxType.SMTP, mailboxes=people(5))
    MailboxRequests(
        "fleet-ok",
        requests=[
            MailboxRequestEntryArgs(
                domain="good-a.com", type=MailboxType.MICROSOFT, mailboxes=people(1)
            ),
            MailboxRequestEntryArgs(
                domain="good-b.com", type=MailboxType.GOOGLE, mailboxes=people(3)
            ),
        ],
    )
    Domains("bought", DomainsArgs(domains=["good-buy.com", "good-buy.co"]), opts=protect)

elif case == "stack":
    DomainBatch("batch-1", DomainBatchArgs(domains=["dup-domain.com", "full-domain.com"]))
    DomainBatch("batch-2", DomainBatchArgs(domains=["DUP-domain.com"]))
    MailboxRequest(
        "ms-1", domain="full-domain.com", type=MailboxType.MICROSOFT, mailboxes=people(2)
    )
    # A MailboxRequest itself sums the program's requests and fails it (a RunError naming both)
    # before any policy runs; the policy is the line behind it, for a program that registers
    # the type another way: ms-2 is such a raw resource.
    RawMailboxRequest(
        "ms-2",
        {
            "domain": "full-domain.com",
            "type": "microsoft",
            "mailboxes": people(2),
            "domain_in_program": True,
        },
    )
    # The collection form, registered the same raw way: its entry counts with ms-1 and ms-2.
    RawMailboxRequests(
        "fleet",
        {
            "requests": [
                {"domain": "full-domain.com", "type": "microsoft", "mailboxes": people(1)},
                {"domain": "dup-domain.com", "type": "smtp", "mailboxes": people(1)},
            ],
            "domains_in_program": ["full-domain.com", "dup-domain.com"],
        },
    )
    Domains(
        "bulk-buy",
        DomainsArgs(domains=["bulk-1.com", "bulk-2.com", "bulk-3.biz"]),
        opts=protect,
    )
    InboundDomains(
        "inbound-many",
        subscription_handle="sub-handle",
        domains=[f"inbound-{i}.com" for i in range(1001)],
    )

elif case == "resource-tld":
    Domains("unprotected-xyz", DomainsArgs(domains=["cheap-domain.xyz"]))

elif case == "resource-azure":
    AzureOrder(
        "azure-short",
        domain="azure-order.com",
        mailbox_mode="manual",
        mailboxes=[
            AzureMailboxArgs("One", "one@azure-order.com"),
            AzureMailboxArgs("Two", "two@azure-order.com"),
            AzureMailboxArgs("Three", "three@elsewhere.com"),
        ],
        opts=protect,
    )

elif case == "resource-mailbox":
    DomainBatch("batch", DomainBatchArgs(domains=["own-domain.com"]))
    MailboxRequest(
        "off-domain",
        domain="own-domain.com",
        type=MailboxType.GOOGLE,
        mailboxes=[
            MailboxArgs("", "Doe", "jane"),
            MailboxArgs("Bob", "Roe", "bob@other-domain.com"),
        ],
    )

elif case == "plaintext":

    class RawInboxProvider(dyn.Resource, module="mailin", name="InboxProvider"):
        def __init__(self, name: str, props: dict[str, Any]) -> None:
            super().__init__(InboxProviderProvider(), name, {**props, "provider_id": None})

    RawInboxProvider(
        "plain-key",
        {
            "name": "outreach",
            "provider": "reachinbox",
            "api_key": config.require("providerKey"),  # plaintext: the policy's violation
        },
    )

elif case in ("accounts", "accounts-over"):
    third = "client-a" if case == "accounts-over" else "client-b"
    SenderDomain("send-a1", domain="send-a1.com", account="client-a")
    SenderDomain("send-a2", domain="send-a2.com", account="client-a")
    SenderDomain("send-3", domain="send-3.com", account=third)
    InboundDomains(
        "inbound-a",
        subscription_handle="sub-a",
        domains=["in-a1.com", "in-a2.com"],
        account="client-a",
    )
    InboundDomains("inbound-b", subscription_handle="sub-b", domains=["in-b.com"], account=third)
