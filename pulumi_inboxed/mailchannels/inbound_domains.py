"""`mailchannels.InboundDomains`: many domains provisioned for MailChannels Inbound.

- One `POST /domains/batch` per 1000 domains (more are split), with the subscription handle and the
  `associate-key` / `overwrite` options.
- The answer is partial by design: each domain comes back 201 (created), or 400 (its name fails
  RFC 5891), 409 (provisioned by another customer) or 500. A batch is sent safely
  (`safe_batch.SafeBatch` over `core.safe_write.write_once`): after a transient failure (a 5xx,
  a timeout, a dropped connection, MailChannels' 503 rate limit once the HTTP layer's own tries
  are spent, or a per-domain 500) the domains still open are read back (filtered
  `GET /domains`); those listed took effect (this run's own, not adopted) and only the others
  are sent again, a bounded number of times. No domain is provisioned twice.
- A collection finishes what it can: every chunk is tried. When some domains still failed, the
  outputs hold the completed ones only (a failed new domain is left out, a failed overwrite keeps
  its old entry) and the provider raises `core.partial_failure.PartialFailure` naming each failed
  domain with its code and reason: the engine records those outputs, `pulumi up` exits non-zero,
  and the next `pulumi up` calls update, which sends only the failed domains. With
  `fail_on_domain_errors=False` the failures are in `failed_domains` only. A 403 (over the
  subscription's limit, or not your subscription) before anything was done provisions nothing
  and says so.
- Changing a domain's settings, downstream addresses, aliases or admins applies in place (the batch
  call with `overwrite=true`, for the changed domains only); removing a domain deprovisions just it.
- `pulumi refresh` reads every provisioned domain back (`GET /domains`, filtered) and records what
  MailChannels holds in the outputs, in the shape `check()` gives the inputs, so a change made
  outside Pulumi shows as an update of that resource and the next `pulumi up` overwrites only the
  drifted domains. A setting declared as None (or settings not declared at all) is not sent, so it
  is not managed: whatever MailChannels holds there (its default) is not drift.
- A domain this API key already held when the resource asked for it is adopted (output
  `adopted_domains`); with `overwrite=False` its settings are left as they were, and recorded as
  MailChannels holds them. Removing an adopted domain from the program, or destroying the
  resource, leaves it provisioned (the delete says so) unless `destroy_adopted=True`.
- Deprovisioning is verified: after the `DELETE` calls the domains are read back (filtered
  `GET /domains`); one still there fails the delete, naming it, and a 404 counts as gone only when
  that read agrees.

The inputs are declared once (`InboundDomainsInputs`, with `InboundDomainInput`,
`AbusePolicyInput` and `DownstreamAddressInput`): `check()`, the diff's replace decision, `read()`'s
defaults, the generated `InboundDomainsArgs`/`InboundDomains` classes and the reference docs all
come from it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, ClassVar

import pulumi
import pulumi.dynamic as dyn
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..core import intents
from ..core.domains import DomainNameError, normalize_domain
from ..core.errors import (
    ApiError,
    InboxedError,
    NotFoundError,
    PermissionDeniedError,
    TransportError,
)
from ..core.lifecycle import (
    DESTROY_ADOPTED,
    DeleteNotConfirmedError,
    confirm_deleted,
    destroy_adopted,
    log_kept_adopted,
    warn,
)
from ..core.partial_failure import PartialFailure
from ..core.provider_base import ConfiguredProvider, Failures, as_whole_number, has_unknowns
from ..core.reconcile import ReconcilePlan, plan_entries
from ..core.replies import ReplyShapeError
from ..core.resource_spec import Props, ResourceSpec
from ..core.schema import (
    UNSET_LEFT_OUT,
    DomainInputs,
    DomainName,
    DomainNames,
    EmailAddress,
    InputObject,
    ResourceOutputs,
    WholeNumber,
    arg,
    changed_inputs,
    input_defaults,
    inputs_from,
    out,
    replaced_by,
    unique_entries,
)
from . import endpoints as ep
from .client import PROVIDER as API
from .client import MailChannelsClient
from .models import InboundDomain
from .runtime import client_for
from .safe_batch import SafeBatch, shown

SETTINGS_KEYS = ("abuse_policy", "abuse_policy_override", "spam_header_name", "spam_header_value")
NUMBER_KEYS = ("priority", "weight", "port")
DEFAULTED_KEYS = ("settings", "downstream_addresses", "admins")
"""The sections a domain entry takes from the resource's own when it has none."""
# Our choice (no page gives defaults): a setting at its default compares equal to one not given,
# whether MailChannels answers it or leaves it out.
SETTING_DEFAULTS: Mapping[str, Any] = {"abuse_policy_override": False}
MAX_PREFERENCE = 65535
"""Our bound for a downstream address's priority and weight (16 bits, as in MX and SRV records):
no page gives one."""
DELETE_SETTLE_SECONDS = 10.0
"""How long a deprovisioned domain may still be listed before the delete counts as failed."""


class AbusePolicy(StrEnum):
    """What MailChannels does with abusive mail: block it, flag it (with a header) or
    quarantine it."""

    BLOCK = "block"
    FLAG = "flag"
    QUARANTINE = "quarantine"


def _without_nones(data: Any) -> Any:
    """A nested object's fields given as None take their defaults (the generated Args classes
    hold every field, None when not given)."""
    if isinstance(data, Mapping):
        return {k: v for k, v in data.items() if v is not None}
    return data


class _Entry(InputObject):
    @model_validator(mode="before")
    @classmethod
    def _defaults_for_nones(cls, data: Any) -> Any:
        return _without_nones(data)


def _fields_error(fields: Sequence[str], message: str) -> ValidationError:
    """A rule across fields, reported at each field it names."""
    error = PydanticCustomError("rule", message)
    line_errors: list[Any] = [{"type": error, "loc": (f,), "input": None} for f in fields]
    return ValidationError.from_exception_data("inputs", line_errors)


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class AbusePolicyInput(_Entry):
    """A domain's abuse-policy settings; a setting left out is not sent, and not managed."""

    abuse_policy: Annotated[AbusePolicy | None, Field(strict=False)] = arg(
        None, description="block, flag or quarantine; flag needs the header name and value"
    )
    abuse_policy_override: bool | None = arg(
        None, description="let the domain's users override the abuse policy"
    )
    spam_header_name: Text | None = arg(
        None, description="the header flagged mail carries (required with abuse_policy 'flag')"
    )
    spam_header_value: Text | None = arg(
        None, description="the value of that header (required with abuse_policy 'flag')"
    )

    @model_validator(mode="after")
    def _flag_needs_the_header(self) -> AbusePolicyInput:
        if self.abuse_policy is AbusePolicy.FLAG:
            missing = [
                k for k in ("spam_header_name", "spam_header_value") if getattr(self, k) is None
            ]
            if missing:
                raise _fields_error(missing, "is required when abuse_policy is 'flag'")
        return self


def _target(value: str) -> str:
    """The mail server's canonical hostname, ending in a dot, at most 255 characters."""
    if not value.endswith("."):
        raise ValueError("must be a hostname ending in a dot")
    if len(value) > ep.MAX_TARGET_LENGTH:
        raise ValueError(f"is {len(value)} characters; at most {ep.MAX_TARGET_LENGTH}")
    try:
        normalize_domain(value[:-1])
    except DomainNameError as exc:
        raise ValueError(f"is not a valid hostname: {exc.reason}") from None
    return value


Target = Annotated[str, AfterValidator(_target)]


class DownstreamAddressInput(_Entry):
    """Where MailChannels delivers a domain's mail once it has been checked."""

    target: Target = arg(
        description=(
            f"the mail server's canonical hostname, ending in a dot (at most "
            f"{ep.MAX_TARGET_LENGTH} characters)"
        )
    )
    port: WholeNumber = arg(25, description="the TCP port, 1 to 65535", ge=1, le=65535)
    priority: WholeNumber = arg(
        10, description=f"lower is tried first, 0 to {MAX_PREFERENCE}", ge=0, le=MAX_PREFERENCE
    )
    weight: WholeNumber = arg(
        10,
        description=f"share among addresses of one priority, 0 to {MAX_PREFERENCE}",
        ge=0,
        le=MAX_PREFERENCE,
    )


class InboundDomainInput(_Entry):
    """One domain; settings, downstream addresses and admins it leaves out are the resource's."""

    domain: DomainName = arg(description="the domain (IDNA names are sent in A-label form)")
    aliases: DomainNames = arg(
        default_factory=list, description="other domain names whose mail the domain receives"
    )
    settings: AbusePolicyInput | None = arg(
        None, description="its abuse-policy settings (default: the resource's `settings`)"
    )
    downstream_addresses: list[DownstreamAddressInput] = arg(
        default_factory=list,
        description="where its mail goes (default: the resource's `downstream_addresses`)",
    )
    admins: list[EmailAddress] = arg(
        default_factory=list, description="its admins' addresses (default: the resource's `admins`)"
    )


def _entry_from_name(value: Any) -> Any:
    """A plain name stands for an entry with only its domain."""
    return {"domain": value} if isinstance(value, str) else value


DomainEntry = Annotated[InboundDomainInput, BeforeValidator(_entry_from_name)]


def _entry_domain_key(raw: Any) -> str | None:
    entry = _entry_from_name(raw)
    name = entry.get("domain") if isinstance(entry, Mapping) else None
    try:
        return normalize_domain(name) if isinstance(name, str) else None
    except DomainNameError:
        return None


class InboundDomainsInputs(DomainInputs):
    SUMMARY: ClassVar[str] = """
    Domains protected by MailChannels Inbound, many in one resource: one `POST /domains/batch`
    per 1000 domains. The batch answer is partial: the domains that succeeded are kept, each
    failure is named with its code and comment (output `failed_domains`, and an error of the
    program so `pulumi up` exits non-zero), and the next `pulumi up` provisions only what is
    missing. Settings, downstream addresses, aliases and admins change in place (an overwrite of
    the changed domains only); removing a domain deprovisions only it; a new subscription handle
    deprovisions, then provisions again. `pulumi refresh` records what MailChannels holds, so
    drift shows in the next preview. Domains the API key held already are adopted
    (`adopted_domains`) and stay on destroy unless `destroy_adopted=True`.
    """
    EXAMPLE: ClassVar[str] = """
    from pulumi_inboxed.mailchannels import (
        AbusePolicyArgs,
        DownstreamAddressArgs,
        InboundDomainArgs,
        InboundDomains,
    )

    InboundDomains(
        "inbound",
        subscription_handle="sub-sandbox",
        domains=[
            "acme-outreach.com",
            InboundDomainArgs("acme-mail.co", admins=["ops@acme.example"]),
        ],
        settings=AbusePolicyArgs(abuse_policy="quarantine"),
        downstream_addresses=[DownstreamAddressArgs("mx1.agency.example.", port=25)],
    )
    """

    subscription_handle: Text = arg(
        description=(
            "the subscription to provision under (a change deprovisions, then provisions again)"
        ),
        replace=True,
    )
    domains: Annotated[
        list[DomainEntry],
        unique_entries(
            "domains", _entry_domain_key, "is a duplicate of entry {first} ({key})", at=("domain",)
        ),
    ] = arg(
        description=(
            "the domains: names, or `InboundDomainArgs` for per-domain aliases, settings, "
            "downstream addresses and admins"
        ),
        min_length=1,
    )
    settings: AbusePolicyInput | None = arg(
        None, description="abuse-policy settings for every domain without its own"
    )
    downstream_addresses: list[DownstreamAddressInput] | None = arg(
        None, description="where MailChannels delivers, for every domain without its own"
    )
    admins: list[EmailAddress] | None = arg(
        None, description="admin addresses for every domain without its own"
    )
    associate_key: bool = arg(False, description="associate the domains with this API key")
    overwrite: bool = arg(
        False, description="overwrite the settings of domains already provisioned (adopted ones)"
    )
    fail_on_domain_errors: bool = arg(
        True,
        description=(
            "make a domain that failed an error of the program (`pulumi up` exits non-zero); "
            "False: the failures are in `failed_domains` only"
        ),
    )


class InboundDomainsOutputs(ResourceOutputs):
    provisioned: list[str] | None = out(description="the domains provisioned (A-label form)")
    adopted_domains: list[str] | None = out(
        description=(
            "the provisioned domains this API key held before the resource asked for them; they "
            "stay on destroy unless destroy_adopted"
        )
    )
    failed_domains: dict[str, dict[str, Any]] | None = out(
        description="domain -> {code, comment}: the domains MailChannels refused this time"
    )


def _with_resource_defaults(inputs: dict[str, Any]) -> None:
    """Each domain entry without its own settings, downstream addresses or admins takes the
    resource's (in place, in `check()`'s result: the handlers read the entries alone)."""
    domains = inputs.get("domains")
    if not isinstance(domains, list):
        return
    for entry in domains:
        if not isinstance(entry, dict):
            continue
        for key in DEFAULTED_KEYS:
            default = inputs.get(key)
            if default is not None and not has_unknowns(default) and not entry.get(key):
                entry[key] = copy.deepcopy(default)


def _to_api(name: str, entry: Mapping[str, Any], subscription: str) -> InboundDomain:
    settings = entry.get("settings")
    return InboundDomain.model_validate(
        {
            "domain": name,
            "subscriptionHandle": subscription,
            "settings": None
            if settings is None
            else {
                "abusePolicy": settings.get("abuse_policy"),
                "abusePolicyOverride": settings.get("abuse_policy_override"),
                "spamHeaderName": settings.get("spam_header_name"),
                "spamHeaderValue": settings.get("spam_header_value"),
            },
            "admins": list(entry.get("admins") or []),
            "downstreamAddresses": list(entry.get("downstream_addresses") or []),
            "aliases": list(entry.get("aliases") or []),
        }
    )


def _from_api(domain: InboundDomain) -> dict[str, Any]:
    """The inverse of `_to_api`: a domain as MailChannels holds it, in the shape `check()` gives a
    domain entry (settings None or all four keys, whole numbers as `int`, lists never None)."""
    return {
        "domain": domain.domain,
        "settings": None
        if domain.settings is None
        else {k: getattr(domain.settings, k) for k in SETTINGS_KEYS},
        "downstream_addresses": [a.model_dump() for a in domain.downstream_addresses],
        "aliases": list(domain.aliases),
        "admins": list(domain.admins),
    }


def _comparable(entry: Mapping[str, Any] | None, *, ordered: bool = True) -> Any:
    """A domain entry as a value that compares equal whatever the path it took: a setting that is
    None, one that is missing (the engine drops nulls from the state) and one at its default
    (`SETTING_DEFAULTS`) are the same, 25.0 is 25; with `ordered=False` the lists compare as sets
    (MailChannels may answer in its own order)."""
    if entry is None:
        return None

    def listed(items: Any) -> tuple[Any, ...]:
        values = tuple(items or ())
        return values if ordered else tuple(sorted(values, key=repr))

    settings = entry.get("settings")
    if isinstance(settings, Mapping):
        settings = tuple(
            sorted(
                (k, v)
                for k, v in settings.items()
                if v is not None and not (k in SETTING_DEFAULTS and v == SETTING_DEFAULTS[k])
            )
        )
    addresses = [
        (
            (*(as_whole_number(a.get(k)) for k in NUMBER_KEYS), a.get("target"))
            if isinstance(a, Mapping)
            else repr(a)
        )
        for a in entry.get("downstream_addresses") or ()
    ]
    return (
        entry.get("domain"),
        settings,
        listed(addresses),
        listed(entry.get("aliases")),
        listed(entry.get("admins")),
    )


def _refreshed(recorded: Mapping[str, Any], domain: InboundDomain) -> Mapping[str, Any]:
    """What `read()` records for one provisioned domain: `recorded` itself when MailChannels holds
    the same (so a refresh without drift changes nothing, not even list order), else what it holds
    (`_from_api`). A setting `recorded` leaves None is not sent by `_to_api`, so it is not managed:
    whatever MailChannels holds there (its default) is kept None, not reported as drift."""
    live = _from_api(domain)
    declared = recorded.get("settings")
    if not isinstance(declared, Mapping):
        live["settings"] = declared
    elif live["settings"] is not None:
        live["settings"] = {
            k: None if declared.get(k) is None else live["settings"][k] for k in SETTINGS_KEYS
        }
    if _comparable(live, ordered=False) == _comparable(recorded, ordered=False):
        return recorded
    return live


def account_of(props: Mapping[str, Any]) -> str | None:
    """The account (`mailchannels:accounts.<name>`) the inputs or outputs name; None: default."""
    account = props.get("account")
    return account if isinstance(account, str) and account else None


class InboundDomainsProvider(ConfiguredProvider):
    def _client(self, props: Mapping[str, Any]) -> MailChannelsClient:
        """The client of the account `props` (inputs or recorded outputs) name."""
        return client_for(self.config, account_of(props))

    def check_further(self, olds: Props, news: Props, inputs: Props, so_far: Failures) -> Failures:
        """Records the resource-wide defaults on each entry of valid inputs."""
        if not so_far:
            _with_resource_defaults(inputs)
        return []

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        # The resource's settings, downstream addresses and admins reach MailChannels through
        # the entries they fill in (check), so the entries' comparison below sees what they
        # change; 0.1.0 recorded them in the entries only, and its stacks show no change here.
        ignored = ("domains", "fail_on_domain_errors", *DEFAULTED_KEYS)
        changed = changed_inputs(InboundDomainsInputs, olds, news, ignore=ignored)
        replaces = replaced_by(InboundDomainsInputs, changed)
        new = news.get("domains")
        domains_changed = has_unknowns(new) or _plan(olds, new or []).has_changes
        # A new subscription handle: deprovision first, then provision under the new one (create
        # before delete would adopt the domains, then the old resource's delete would remove them).
        return dyn.DiffResult(
            changes=bool(changed or domains_changed),
            replaces=replaces,
            delete_before_replace=bool(replaces),
        )

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        ident = f"{props['subscription_handle']}/{props['domains'][0]['domain']}"
        outs = self._provision(props, provisioned=set(), changed=set(), adopted=set(), id_=ident)
        return dyn.CreateResult(id_=ident, outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        client = self._client(news)  # a new account replaces: olds and news name the same one
        provisioned = set(olds.get("provisioned") or [])
        adopted = set(olds.get("adopted_domains") or []) & provisioned
        plan = _plan(olds, news["domains"])
        removed = {n for n in plan.remove if n in provisioned}
        kept = set() if destroy_adopted(news) else removed & adopted
        _deprovision(client, sorted(removed - kept))
        log_kept_adopted("MailChannels Inbound domains (removed from the program)", kept)
        provisioned -= removed
        adopted -= removed
        old = {d["domain"]: d for d in olds.get("domains") or []}
        changed = set(plan.change)  # provisioned, and declared otherwise than recorded
        outs = self._provision(
            news,
            provisioned,
            changed,
            adopted=adopted,
            previous=old,
            done_before=bool(removed),
            id_=id_,
        )
        return dyn.UpdateResult(outs=outs)

    def _provision(
        self,
        inputs: Mapping[str, Any],
        provisioned: set[str],
        changed: set[str],
        *,
        adopted: set[str],
        previous: Mapping[str, Any] | None = None,
        done_before: bool = False,
        id_: str = "",
    ) -> dict[str, Any]:
        """Provisions the missing domains, then overwrites the changed ones' settings.

        A missing domain this API key holds already is adopted (added to `adopted`); without
        `overwrite` its settings stay as they were, and its entry records what MailChannels holds.
        Each batch is sent safely (`SafeBatch`): a batch that failed transiently is read back
        and only the domains it did not provision are sent again. Every chunk is tried; when some
        domains failed, the outputs hold the completed ones only (a failed new domain is left
        out, a failed overwrite keeps its `previous` entry) and, unless
        `fail_on_domain_errors=False`, `PartialFailure` carries them to the engine, which records
        them and calls `update` at the next `pulumi up`: only the failed domains are sent then.
        """
        client = self._client(inputs)
        subscription = str(inputs["subscription_handle"])
        entries = {d["domain"]: d for d in inputs["domains"]}
        failed: dict[str, dict[str, Any]] = {}
        missing = [n for n in entries if n not in provisioned]
        held = {d.domain: d for d in client.list_domains(missing)} if missing else {}
        # held because this resource's interrupted run provisioned them (`core.intents`); no
        # `bound_seconds`: provisioning answers at once, there is no wait bound to extend the
        # records' default hour (`intents.DEFAULT_BOUND_SECONDS`)
        ours = intents.claim(API, account_of(inputs), held)
        if not inputs.get("overwrite"):  # held already: adopted as they are, without a request
            provisioned |= set(held)
            missing = [n for n in missing if n not in held]
        nothing_done = not done_before
        passes = ((missing, bool(inputs.get("overwrite")), True), (sorted(changed), True, False))
        for names, overwrite, new in passes:
            for start in range(0, len(names), ep.MAX_DOMAINS_PER_BATCH):
                chunk = names[start : start + ep.MAX_DOMAINS_PER_BATCH]
                batch = SafeBatch(
                    client,
                    chunk,
                    lambda n: _to_api(n, entries[n], subscription),
                    _took_effect(entries, before=set(held) | provisioned),
                    subscription_handle=subscription,
                    associate_key=bool(inputs.get("associate_key")),
                    overwrite=overwrite,
                    intent=None
                    if not new
                    else intents.Intent(
                        API,
                        account_of(inputs),
                        tuple(n for n in chunk if n not in held),
                        "domain",
                        "provisioned",
                    ),
                )
                try:
                    batch.send_safely()
                except PermissionDeniedError as exc:
                    if nothing_done and not batch.done:  # nothing changed in this run
                        raise InboxedError(
                            f"MailChannels refused to provision {len(chunk)} domain(s) under "
                            f"subscription {subscription!r}: {exc.method} {exc.path} answered "
                            f"403; none of them was provisioned: {exc.message}"
                        ) from None
                    batch.fail_remaining(403, exc.message)
                except (ApiError, TransportError, ReplyShapeError) as exc:
                    batch.fail_remaining(getattr(exc, "status", None), str(exc))
                nothing_done = nothing_done and not batch.done
                provisioned |= batch.done
                failed.update(batch.failed)
        adopted |= (set(held) - ours) & provisioned
        recorded = _recorded(inputs, entries, changed, failed, provisioned, held, previous)
        outs = {
            **{
                k: inputs.get(k)
                for k in InboundDomainsInputs.input_names()
                if k not in UNSET_LEFT_OUT or inputs.get(k) is not None
            },
            DESTROY_ADOPTED: destroy_adopted(inputs),
            "domains": recorded,
            "provisioned": sorted(provisioned),
            "adopted_domains": sorted(adopted & provisioned),
            "failed_domains": failed,
        }
        if failed:
            message = _failure_message(failed, len(provisioned))
            if inputs.get("fail_on_domain_errors") is not False:
                raise PartialFailure(
                    f"MailChannels Inbound: {message}", outs, _failure_lines(failed), id_=id_
                )
            warn(message)
        return outs

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        """`pulumi refresh`: which domains are still provisioned, and what MailChannels holds for
        each (settings, downstream addresses, aliases, admins), recorded in the outputs' `domains`
        so the next diff sees the drift and `pulumi up` overwrites just those domains."""
        names = list(props.get("provisioned") or [])
        live = {d.domain: d for d in self._client(props).list_domains(names)} if names else {}
        provisioned = sorted(n for n in names if n in live)
        adopted = sorted(n for n in props.get("adopted_domains") or [] if n in live)
        if "domains" not in props:  # nothing recorded to compare with (an import by id)
            outs = {
                **input_defaults(InboundDomainsInputs),
                **props,
                "provisioned": provisioned,
                "adopted_domains": adopted,
            }
            return dyn.ReadResult(id_=id_, outs=outs)
        domains = [
            _refreshed(d, live[d["domain"]])
            if isinstance(d, Mapping) and d.get("domain") in live
            else d
            for d in props.get("domains") or []
        ]
        outs = {**props, "domains": domains, "provisioned": provisioned, "adopted_domains": adopted}
        # The refreshed values become the inputs too, so the next preview's diff shows which
        # domain changed and how (the dynamic provider cannot return a detailed diff).
        inputs = inputs_from(InboundDomainsInputs, outs)
        return dyn.ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        provisioned = set(props.get("provisioned") or [])
        kept = set() if destroy_adopted(props) else set(props.get("adopted_domains") or [])
        _deprovision(self._client(props), sorted(provisioned - kept))
        log_kept_adopted("MailChannels Inbound domains", kept & provisioned)


def _plan(
    olds: Mapping[str, Any], domains: Sequence[Mapping[str, Any]]
) -> ReconcilePlan[str, Mapping[str, Any]]:
    """The update from the recorded entries and `provisioned` to the wanted `domains`: a
    provisioned domain declared otherwise than recorded is a change, a wanted one not provisioned
    (failed last time) is sent, a provisioned one no longer wanted is removed."""
    return plan_entries(
        {d["domain"]: d for d in olds.get("domains") or []},
        {d["domain"]: d for d in domains},
        done=list(olds.get("provisioned") or []),
        compare=_comparable,
    )


def _recorded(
    inputs: Mapping[str, Any],
    entries: Mapping[str, Mapping[str, Any]],
    changed: set[str],
    failed: Mapping[str, Any],
    provisioned: set[str],
    held: Mapping[str, InboundDomain],
    previous: Mapping[str, Any] | None,
) -> list[Mapping[str, Any]]:
    """The domain entries the outputs record: the completed ones only (a failed new domain is
    left out, so the next update sends it; a failed overwrite keeps its `previous` entry)."""
    recorded: list[Mapping[str, Any]] = []
    for name, entry in entries.items():
        if name in changed and name in failed:
            if previous and name in previous:
                recorded.append(previous[name])  # provisioned, with its old settings
        elif name not in provisioned:
            continue  # failed: left out, so the next update sends it
        elif name in held and not inputs.get("overwrite"):
            recorded.append(_refreshed(entry, held[name]))  # its settings were kept
        else:
            recorded.append(entry)
    return recorded


def _deprovision(client: MailChannelsClient, names: Sequence[str]) -> None:
    """`DELETE /domains/{domain}` for each, then a filtered `GET /domains` to confirm they are
    gone (`confirm_deleted`): a domain still listed fails, named; a 404 is gone only when the
    list agrees."""
    if not names:
        return
    remaining: list[str] = []
    not_found: list[NotFoundError] = []

    def delete() -> None:
        for name in names:
            try:
                client.remove_domain(name)
            except NotFoundError as exc:
                not_found.append(exc)
        if not_found:
            raise not_found[0]

    def exists() -> bool:
        remaining[:] = sorted(d.domain for d in client.list_domains(names) if d.domain in names)
        return bool(remaining)

    try:
        confirm_deleted(
            f"MailChannels Inbound domain(s) {shown(names)}",
            delete,
            exists,
            settle_seconds=DELETE_SETTLE_SECONDS,
        )
    except DeleteNotConfirmedError as exc:
        raise DeleteNotConfirmedError(f"{exc}; still provisioned: {shown(remaining)}") from None


def _took_effect(
    entries: Mapping[str, Mapping[str, Any]], *, before: set[str]
) -> Callable[[str, InboundDomain], bool]:
    """Whether a domain listed after a failed batch is the batch's doing: one the key did not hold
    `before` was made by it (this run's own, not adopted); one it held (an overwrite), when it
    holds what was sent."""

    def took_effect(name: str, live: InboundDomain) -> bool:
        return name not in before or _refreshed(entries[name], live) is entries[name]

    return took_effect


def _failure_list(failed: Mapping[str, Mapping[str, Any]]) -> str:
    """`a.com: 409 owned by another customer; ...` (the first 20, then how many more); codes are
    whole numbers even when they come back from the state as floats (409.0)."""
    parts = _failure_lines(failed)
    return "; ".join(parts[:20]) + (f"; and {len(parts) - 20} more" if len(parts) > 20 else "")


def _failure_lines(failed: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One line per failed domain, `a.com: 409 owned by another customer`, sorted by name."""

    def code(value: Any) -> Any:
        whole = as_whole_number(value)
        return value if whole is None else whole

    lines = []
    for name, f in sorted(failed.items()):
        status = "" if f.get("code") is None else f"{code(f.get('code'))} "
        lines.append(f"{name}: {status}{f.get('comment') or ''}".rstrip())
    return lines


def _failure_message(failed: Mapping[str, Mapping[str, Any]], kept: int) -> str:
    return (
        f"{len(failed)} domain(s) not provisioned ({kept} provisioned and kept): "
        f"{_failure_list(failed)}. Fix them and run `pulumi up` again: only these are sent."
    )


def _report(resource: pulumi.Resource, name: str, failed: Mapping[str, Any] | None) -> None:
    if pulumi.runtime.is_dry_run() or not failed:
        return
    message = f"InboundDomains {name!r}: {len(failed)} domain(s) not provisioned: " + (
        _failure_list(failed)
    )
    pulumi.log.error(message, resource=resource)
    raise pulumi.RunError(message)


def _before_register(_name: str, props: Props, opts: pulumi.ResourceOptions | None) -> Any:
    """A plain name in `domains` becomes an entry with only its domain (the shape the policy pack
    and the handlers read)."""
    domains = props.get("domains")
    if isinstance(domains, Sequence) and not isinstance(domains, str):
        props["domains"] = [_entry_from_name(d) for d in domains]
    return opts


def _after_register(resource: Any, name: str, props: Props) -> None:
    """Domains that failed are an error of the program (unless `fail_on_domain_errors=False`)."""
    fail = props.get("fail_on_domain_errors")
    if fail is False:
        return
    pulumi.Output.all(fail, resource.failed_domains).apply(
        lambda values: None if values[0] is False else _report(resource, name, values[1])
    )


SPEC = ResourceSpec(
    module="mailchannels",
    name="InboundDomains",
    inputs=InboundDomainsInputs,
    outputs=InboundDomainsOutputs,
    provider=InboundDomainsProvider,
    gettable=False,  # its id (handle/first domain) does not say which domains it holds
    before_register=_before_register,
    after_register=_after_register,
)
