"""The policies of the `inboxed-guardrails` pack, built from the pure rules.

Every policy's enforcement level is its default here and can be set in the pack's config
(`pulumi preview --policy-pack "$(inboxed-policy-pack)" --policy-pack-config config.json`), e.g.
`{"mailchannels-domains-per-request": "mandatory", "max-domains-bought-per-update":
{"enforcementLevel": "advisory", "maxDomains": 5}}`, or `{"all": "advisory"}`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from . import hygiene, limits, money
from .model import Resource, Violation, contains_unknown
from .sdk import from_sdk, keep_secret_markers, secret_markers_kept, to_sdk

PACK_NAME = "inboxed-guardrails"

ResourceRule = Callable[[Resource, Mapping[str, Any]], list[Violation]]
StackRule = Callable[[list[Resource], Mapping[str, Any]], list[Violation]]


def _report(found: Iterable[Violation], report: ReportViolation) -> None:
    for v in found:
        report(v.message, v.urn)


def _resource(rule: ResourceRule) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        _report(rule(from_sdk(args), args.get_config()), report)

    return validate


def _stack(rule: StackRule) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources = [from_sdk(r) for r in args.resources]
        _report(rule(resources, args.get_config()), report)

    return validate


def _on_stack(
    name: str,
    description: str,
    level: EnforcementLevel,
    rule: Callable[[list[Resource]], list[Violation]],
) -> StackValidationPolicy:
    """A stack policy whose rule reads no config."""
    return StackValidationPolicy(
        name=name,
        description=description,
        enforcement_level=level,
        validate=_stack(lambda rs, _c: rule(rs)),
    )


def _on_resource(
    name: str,
    description: str,
    level: EnforcementLevel,
    rule: Callable[[Resource], list[Violation]],
) -> ResourceValidationPolicy:
    """A resource policy whose rule reads no config."""
    return ResourceValidationPolicy(
        name=name,
        description=description,
        enforcement_level=level,
        validate=_resource(lambda r, _c: rule(r)),
    )


def _validate_secrets(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not secret_markers_kept():
        args.not_applicable(
            "this pulumi-policy version hides which inputs are secret from validations"
        )
    _report(hygiene.plaintext_secrets(from_sdk(args)), report)


def _remediate_secrets(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
    resource = from_sdk(args)
    if resource.kind is None or not hygiene.plaintext_secret_paths(resource.props):
        return None
    if contains_unknown(resource.props):
        return None  # during preview with unknown inputs: the validation reports it instead
    marked: Mapping[str, Any] = to_sdk(hygiene.mark_secrets(resource.props))
    return marked


def _max_domains(config: Mapping[str, Any]) -> int:
    value = config.get("maxDomains", money.DEFAULT_MAX_DOMAINS_PER_UPDATE)
    return int(value)


def _max_per_account(config: Mapping[str, Any]) -> int | None:
    value = config.get("maxDomainsPerAccount")
    return None if value is None else int(value)


def _caps(config: Mapping[str, Any]) -> dict[str, int]:
    caps = config.get("maxDomains") or {}
    return {str(api): int(cap) for api, cap in dict(caps).items() if cap is not None}


def policies() -> list[Policy]:
    mandatory, advisory = EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY
    return [
        _on_stack(
            "inboxedup-mailboxes-per-domain",
            "InboxedUp mailboxes per domain stay within the type's limit "
            "(microsoft 3, google 3, smtp 5, smtp_dedicated 10), summed over the stack.",
            mandatory,
            limits.mailboxes_per_domain,
        ),
        _on_stack(
            "mailchannels-domains-per-request",
            "A MailChannels Inbound request carries at most 1000 domains "
            "(InboundDomains splits longer lists into several requests).",
            advisory,
            limits.mailchannels_request_size,
        ),
        StackValidationPolicy(
            name="domains-per-account",
            description="Each account of an API holds at most the operator's cap of domains "
            "(config `maxDomains`: API -> cap), counted per (API, account).",
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(
                properties={
                    "maxDomains": {
                        "type": "object",
                        "properties": {
                            api: {"type": "integer", "minimum": 0}
                            for api in ("inboxedup", "mailin", "mailchannels", "pingram")
                        },
                        "additionalProperties": False,
                        "default": {},
                        "description": "API (inboxedup, mailin, mailchannels, pingram) -> the "
                        "most domains one account of it may hold; an API not named is not capped",
                    }
                }
            ),
            validate=_stack(lambda rs, c: limits.domains_per_account(rs, _caps(c))),
        ),
        _on_resource(
            "mailin-azure-manual-order-size",
            "A manual Mailin.ai Azure order has exactly 100 mailboxes.",
            mandatory,
            limits.azure_manual_order_size,
        ),
        _on_resource(
            "mailin-purchasable-tlds",
            "Domains bought at Mailin.ai end in a TLD it sells (.com .co .ca .biz).",
            mandatory,
            limits.purchasable_tlds,
        ),
        ResourceValidationPolicy(
            name="purchased-domains-protected",
            description="Resources that buy domains (and delete them when deleted) are "
            "protected, or listed as retained on delete.",
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(
                properties={
                    "retainedOnDelete": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "names of buying resources that have "
                        "retain_on_delete=True (policy packs cannot see that option)",
                    }
                }
            ),
            validate=_resource(
                lambda r, c: money.purchased_domains_protected(
                    r, set(c.get("retainedOnDelete") or [])
                )
            ),
        ),
        StackValidationPolicy(
            name="max-domains-bought-per-update",
            description="One update buys at most `maxDomains` domains.",
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(
                properties={
                    "maxDomains": {
                        "type": "integer",
                        "minimum": 0,
                        "default": money.DEFAULT_MAX_DOMAINS_PER_UPDATE,
                        "description": "how many domains one update may buy",
                    },
                    "maxDomainsPerAccount": {
                        "type": "integer",
                        "minimum": 0,
                        "description": "how many domains one update may buy in one account "
                        "(unset: no cap per account)",
                    },
                }
            ),
            validate=_stack(
                lambda rs, c: money.domains_bought(rs, _max_domains(c), _max_per_account(c))
            ),
        ),
        _on_stack(
            "no-duplicate-domains",
            "No domain is declared twice for the same role (hosting, MailChannels "
            "Inbound, Pingram sender) across resources or providers.",
            mandatory,
            money.duplicate_domains,
        ),
        ResourceValidationPolicy(
            name="credentials-are-secrets",
            description="Mailbox passwords and provider keys are secrets, never plaintext inputs.",
            enforcement_level=EnforcementLevel.REMEDIATE,
            validate=_validate_secrets,
            # The SDK's Remediate takes a plain result as well as an awaitable one.
            remediate=cast(Any, _remediate_secrets),
        ),
        _on_resource(
            "mailbox-usernames-on-domain",
            "Each mailbox username is an address on its own domain.",
            mandatory,
            hygiene.mailbox_usernames,
        ),
        _on_resource(
            "names-present",
            "Mailboxes and provider accounts have their names.",
            mandatory,
            hygiene.names_present,
        ),
    ]


def serve() -> None:
    """Starts the pack (the analyzer's gRPC server); blocks until the engine stops it."""
    keep_secret_markers()
    PolicyPack(name=PACK_NAME, policies=policies(), enforcement_level=EnforcementLevel.ADVISORY)
