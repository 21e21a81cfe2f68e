"""`mailchannels.InboundDomains`: many domains provisioned for MailChannels Inbound.

- One `POST /domains/batch` per 1000 domains (more are split), with the subscription handle and the
  `associate-key` / `overwrite` options.
- The answer is partial by design: each domain comes back 201 (created), or 400 (its name fails
  RFC 5891), 409 (provisioned by another customer) or 500. The resource keeps those that
  succeeded, names each failure with its code and comment (outputs `failed_domains`, and an error
  of the program so `pulumi up` exits non-zero), and the next `pulumi up` provisions only the
  domains still missing. A 403 (over the subscription's limit, or not your subscription)
  provisions nothing and says so.
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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import DomainNameError, check_domain_list, normalize_domain
from ..core.errors import InboxedError, NotFoundError, PermissionDeniedError
from ..core.lifecycle import (
    DESTROY_ADOPTED,
    DeleteNotConfirmedError,
    confirm_deleted,
    destroy_adopted,
    log_kept_adopted,
)
from ..core.provider_base import ConfiguredProvider, as_whole_number, has_unknowns
from . import endpoints as ep
from .client import MailChannelsClient
from .models import BatchResult, InboundDomain
from .runtime import client_for

DOMAIN_KEYS = ("settings", "downstream_addresses", "aliases", "admins")
SETTINGS_KEYS = ("abuse_policy", "abuse_policy_override", "spam_header_name", "spam_header_value")
NUMBER_KEYS = ("priority", "weight", "port")
INPUT_KEYS = ("subscription_handle", "domains", "associate_key", "overwrite", DESTROY_ADOPTED)
# Our choice (no page gives defaults): a setting at its default compares equal to one not given,
# whether MailChannels answers it or leaves it out.
SETTING_DEFAULTS: Mapping[str, Any] = {"abuse_policy_override": False}
DELETE_SETTLE_SECONDS = 10.0
"""How long a deprovisioned domain may still be listed before the delete counts as failed."""


def _check_settings(where: str, settings: Any, failures: list[dyn.CheckFailure]) -> None:
    if settings is None:
        return
    if not isinstance(settings, Mapping):
        failures.append(dyn.CheckFailure(where, "must be abuse-policy settings"))
        return
    policy = settings.get("abuse_policy")
    if policy is not None and policy not in ep.ABUSE_POLICIES:
        failures.append(
            dyn.CheckFailure(
                f"{where}.abuse_policy", f"{policy!r} is not one of {', '.join(ep.ABUSE_POLICIES)}"
            )
        )
    if policy == "flag":
        for key in ("spam_header_name", "spam_header_value"):
            if not settings.get(key):
                failures.append(
                    dyn.CheckFailure(f"{where}.{key}", "is required when abuse_policy is 'flag'")
                )


def _check_downstream(
    where: str, addresses: Any, failures: list[dyn.CheckFailure]
) -> list[dict[str, Any]]:
    """The addresses with whole numbers as `int` (Pulumi sends numbers as floats)."""
    if addresses is None:
        return []
    if not isinstance(addresses, list):
        failures.append(dyn.CheckFailure(where, "must be a list of downstream addresses"))
        return []
    normalized: list[dict[str, Any]] = []
    for i, addr in enumerate(addresses):
        at = f"{where}[{i}]"
        if not isinstance(addr, Mapping):
            failures.append(dyn.CheckFailure(at, "must have priority, weight, port and target"))
            continue
        numbers = {k: as_whole_number(addr.get(k)) for k in ("priority", "weight", "port")}
        for key in ("priority", "weight"):
            value = numbers[key]
            if value is None or value < 0 or isinstance(addr.get(key), str):
                failures.append(dyn.CheckFailure(f"{at}.{key}", "must be a whole number >= 0"))
        port = numbers["port"]
        if port is None or isinstance(addr.get("port"), str) or not 1 <= port <= 65535:
            failures.append(dyn.CheckFailure(f"{at}.port", "must be a TCP port, 1 to 65535"))
        target = addr.get("target")
        if not isinstance(target, str) or not target.endswith("."):
            failures.append(
                dyn.CheckFailure(f"{at}.target", f"{target!r} must be a hostname ending in a dot")
            )
        elif len(target) > ep.MAX_TARGET_LENGTH:
            failures.append(
                dyn.CheckFailure(
                    f"{at}.target", f"is {len(target)} characters; at most {ep.MAX_TARGET_LENGTH}"
                )
            )
        normalized.append({**numbers, "target": target})
    return normalized


def _check_aliases(where: str, aliases: Any, failures: list[dyn.CheckFailure]) -> list[str]:
    """The aliases in A-label form; each bad one is a failure naming it."""
    if aliases is None:
        return []
    if not isinstance(aliases, list):
        failures.append(dyn.CheckFailure(where, "must be a list of domain names"))
        return []
    normalized: list[str] = []
    for i, alias in enumerate(aliases):
        try:
            normalized.append(normalize_domain(alias))
        except DomainNameError as exc:
            failures.append(dyn.CheckFailure(f"{where}[{i}]", f"{exc.domain!r} {exc.reason}"))
    return normalized


def _check_admins(where: str, admins: Any, failures: list[dyn.CheckFailure]) -> None:
    if admins is None:
        return
    if not isinstance(admins, list):
        failures.append(dyn.CheckFailure(where, "must be a list of email addresses"))
        return
    for i, admin in enumerate(admins):
        local, at, domain = str(admin).partition("@") if isinstance(admin, str) else ("", "", "")
        ok = bool(local and at and " " not in local)
        if ok:
            try:
                normalize_domain(domain)
            except DomainNameError:
                ok = False
        if not ok:
            failures.append(dyn.CheckFailure(f"{where}[{i}]", f"{admin!r} is not an email address"))


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


class InboundDomainsProvider(ConfiguredProvider):
    def _client(self) -> MailChannelsClient:
        return client_for(self.config)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        inputs = dict(news)
        failures: list[dyn.CheckFailure] = []
        handle = news.get("subscription_handle")
        if not has_unknowns(handle) and (not isinstance(handle, str) or not handle):
            failures.append(dyn.CheckFailure("subscription_handle", "is required"))
        inputs["associate_key"] = bool(news.get("associate_key", False))
        inputs["overwrite"] = bool(news.get("overwrite", False))
        inputs[DESTROY_ADOPTED] = destroy_adopted(news)
        domains = news.get("domains")
        if has_unknowns(domains):
            return dyn.CheckResult(inputs, failures)
        if not isinstance(domains, list) or not domains:
            failures.append(dyn.CheckFailure("domains", "must be a non-empty list"))
            return dyn.CheckResult(inputs, failures)
        raw_names = [d.get("domain") if isinstance(d, Mapping) else None for d in domains]
        names, problems = check_domain_list(raw_names)
        for p in problems:
            failures.append(
                dyn.CheckFailure(f"domains[{p.index}].domain", f"{p.domain!r} {p.reason}")
            )
        normalized: list[dict[str, Any]] = []
        if not problems:
            for i, (name, entry) in enumerate(zip(names, domains, strict=True)):
                _check_settings(f"domains[{i}].settings", entry.get("settings"), failures)
                downstream = _check_downstream(
                    f"domains[{i}].downstream_addresses",
                    entry.get("downstream_addresses"),
                    failures,
                )
                aliases = _check_aliases(f"domains[{i}].aliases", entry.get("aliases"), failures)
                _check_admins(f"domains[{i}].admins", entry.get("admins"), failures)
                settings = entry.get("settings")
                if isinstance(settings, Mapping):  # all four keys, as `_from_api` gives them
                    settings = {k: settings.get(k) for k in SETTINGS_KEYS}
                admins = entry.get("admins")
                normalized.append(
                    {
                        "domain": name,
                        "settings": settings,
                        "downstream_addresses": downstream,
                        "aliases": aliases,
                        "admins": [] if admins is None else admins,
                    }
                )
            inputs["domains"] = normalized
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        replaces = (
            ["subscription_handle"]
            if olds.get("subscription_handle") != news.get("subscription_handle")
            else []
        )
        old = {d["domain"]: _comparable(d) for d in olds.get("domains") or []}
        new = news.get("domains")
        provisioned = set(olds.get("provisioned") or [])
        changed = (
            has_unknowns(new)
            or old != {d["domain"]: _comparable(d) for d in new or []}
            or provisioned != {d["domain"] for d in new or []}
            or any(
                bool(olds.get(k)) != bool(news.get(k))
                for k in ("associate_key", "overwrite", DESTROY_ADOPTED)
            )
        )
        # A new subscription handle: deprovision first, then provision under the new one (create
        # before delete would adopt the domains, then the old resource's delete would remove them).
        return dyn.DiffResult(
            changes=bool(replaces or changed),
            replaces=replaces,
            delete_before_replace=bool(replaces),
        )

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        outs = self._provision(props, provisioned=set(), changed=set(), adopted=set())
        ident = f"{props['subscription_handle']}/{props['domains'][0]['domain']}"
        return dyn.CreateResult(id_=ident, outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        client = self._client()
        provisioned = set(olds.get("provisioned") or [])
        adopted = set(olds.get("adopted_domains") or []) & provisioned
        wanted = {d["domain"]: d for d in news["domains"]}
        removed = provisioned - set(wanted)
        kept = set() if destroy_adopted(news) else removed & adopted
        _deprovision(client, sorted(removed - kept))
        log_kept_adopted("MailChannels Inbound domains (removed from the program)", kept)
        provisioned -= removed
        adopted -= removed
        old = {d["domain"]: d for d in olds.get("domains") or []}
        changed = {
            n
            for n in provisioned
            if n in wanted and _comparable(old.get(n)) != _comparable(wanted[n])
        }
        outs = self._provision(
            news, provisioned, changed, adopted=adopted, previous=old, done_before=bool(removed)
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
    ) -> dict[str, Any]:
        """Provisions the missing domains, then overwrites the changed ones' settings.

        A missing domain this API key holds already is adopted (added to `adopted`); without
        `overwrite` its settings stay as they were, and its entry records what MailChannels holds.
        A domain whose overwrite failed keeps its `previous` entry in the outputs, so the next
        diff still sees the change and the next `pulumi up` sends it again.
        """
        client = self._client()
        subscription = str(inputs["subscription_handle"])
        entries = {d["domain"]: d for d in inputs["domains"]}
        failed: dict[str, dict[str, Any]] = {}
        missing = [n for n in entries if n not in provisioned]
        held = {d.domain: d for d in client.list_domains(missing)} if missing else {}
        nothing_done = not done_before
        for names, overwrite in ((missing, bool(inputs.get("overwrite"))), (sorted(changed), True)):
            for start in range(0, len(names), ep.MAX_DOMAINS_PER_BATCH):
                chunk = names[start : start + ep.MAX_DOMAINS_PER_BATCH]
                try:
                    result = client.provision_domains(
                        [_to_api(n, entries[n], subscription) for n in chunk],
                        subscription_handle=subscription,
                        associate_key=bool(inputs.get("associate_key")),
                        overwrite=overwrite,
                    )
                except PermissionDeniedError as exc:
                    if nothing_done:  # nothing changed in this run: nothing to record
                        raise InboxedError(
                            f"MailChannels refused to provision {len(chunk)} domain(s) under "
                            f"subscription {subscription!r}: {exc.method} {exc.path} answered "
                            f"403; none of them was provisioned: {exc.message}"
                        ) from None
                    result = BatchResult.model_validate(
                        {
                            "errors": [
                                {"domain": {"domain": n}, "code": 403, "comment": exc.message}
                                for n in chunk
                            ]
                        }
                    )
                nothing_done = False
                for ok in result.successes:
                    provisioned.add(ok.domain.domain)
                for err in result.errors:
                    failed[err.domain.domain] = {"code": err.code, "comment": err.comment or ""}
        adopted |= set(held) & provisioned
        recorded = []
        for name, entry in entries.items():
            if name in changed and name in failed and previous and name in previous:
                recorded.append(previous[name])
            elif name in held and name in provisioned and not inputs.get("overwrite"):
                recorded.append(_refreshed(entry, held[name]))  # its settings were kept
            else:
                recorded.append(entry)
        outs = {
            **{k: inputs.get(k) for k in ("subscription_handle", "associate_key", "overwrite")},
            DESTROY_ADOPTED: destroy_adopted(inputs),
            "domains": recorded,
            "provisioned": sorted(provisioned),
            "adopted_domains": sorted(adopted & provisioned),
            "failed_domains": failed,
        }
        if failed:
            pulumi.log.warn(_failure_message(failed, len(provisioned)))
        return outs

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        """`pulumi refresh`: which domains are still provisioned, and what MailChannels holds for
        each (settings, downstream addresses, aliases, admins), recorded in the outputs' `domains`
        so the next diff sees the drift and `pulumi up` overwrites just those domains."""
        names = list(props.get("provisioned") or [])
        live = {d.domain: d for d in self._client().list_domains(names)} if names else {}
        provisioned = sorted(n for n in names if n in live)
        adopted = sorted(n for n in props.get("adopted_domains") or [] if n in live)
        if "domains" not in props:  # nothing recorded to compare with (an import by id)
            outs = {**props, "provisioned": provisioned, "adopted_domains": adopted}
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
        inputs = {k: outs[k] for k in INPUT_KEYS if k in outs}
        return dyn.ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        provisioned = set(props.get("provisioned") or [])
        kept = set() if destroy_adopted(props) else set(props.get("adopted_domains") or [])
        _deprovision(self._client(), sorted(provisioned - kept))
        log_kept_adopted("MailChannels Inbound domains", kept & provisioned)


def _shown(names: Sequence[str]) -> str:
    return ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")


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
            f"MailChannels Inbound domain(s) {_shown(names)}",
            delete,
            exists,
            settle_seconds=DELETE_SETTLE_SECONDS,
        )
    except DeleteNotConfirmedError as exc:
        raise DeleteNotConfirmedError(f"{exc}; still provisioned: {_shown(remaining)}") from None


def _failure_list(failed: Mapping[str, Mapping[str, Any]]) -> str:
    """`a.com: 409 owned by another customer; ...` (the first 20, then how many more); codes are
    whole numbers even when they come back from the state as floats (409.0)."""

    def code(value: Any) -> Any:
        whole = as_whole_number(value)
        return value if whole is None else whole

    parts = [
        f"{name}: {code(f.get('code'))} {f.get('comment') or ''}".rstrip()
        for name, f in sorted(failed.items())
    ]
    return "; ".join(parts[:20]) + (f"; and {len(parts) - 20} more" if len(parts) > 20 else "")


def _failure_message(failed: Mapping[str, Mapping[str, Any]], kept: int) -> str:
    return (
        f"{len(failed)} domain(s) not provisioned: {_failure_list(failed)}. {kept} provisioned "
        "and kept. Fix them and run `pulumi up` again: only the missing ones are sent."
    )


class AbusePolicyArgs:
    def __init__(
        self,
        abuse_policy: str | None = None,
        abuse_policy_override: bool | None = None,
        spam_header_name: str | None = None,
        spam_header_value: str | None = None,
    ) -> None:
        """`abuse_policy`: block, flag or quarantine; `flag` needs the header name and value."""
        self.values = {
            "abuse_policy": abuse_policy,
            "abuse_policy_override": abuse_policy_override,
            "spam_header_name": spam_header_name,
            "spam_header_value": spam_header_value,
        }


class DownstreamAddressArgs:
    def __init__(self, target: str, port: int = 25, priority: int = 10, weight: int = 10) -> None:
        """`target`: the mail server's canonical hostname, ending in a dot."""
        self.values = {"priority": priority, "weight": weight, "port": port, "target": target}


class InboundDomainArgs:
    """One domain; settings, downstream addresses and admins default to the resource's."""

    def __init__(
        self,
        domain: str,
        aliases: Sequence[str] | None = None,
        settings: AbusePolicyArgs | None = None,
        downstream_addresses: Sequence[DownstreamAddressArgs] | None = None,
        admins: Sequence[str] | None = None,
    ) -> None:
        self.domain, self.aliases, self.settings = domain, aliases, settings
        self.downstream_addresses, self.admins = downstream_addresses, admins


class InboundDomains(dyn.Resource, module="mailchannels", name="InboundDomains"):
    """Domains protected by MailChannels Inbound (see the module docstring)."""

    provisioned: pulumi.Output[list[str]]
    adopted_domains: pulumi.Output[list[str]]
    failed_domains: pulumi.Output[dict[str, dict[str, Any]]]

    def __init__(
        self,
        resource_name: str,
        subscription_handle: pulumi.Input[str],
        domains: Sequence[str | InboundDomainArgs],
        settings: AbusePolicyArgs | None = None,
        downstream_addresses: Sequence[DownstreamAddressArgs] | None = None,
        admins: Sequence[str] | None = None,
        associate_key: bool = False,
        overwrite: bool = False,
        fail_on_domain_errors: bool = True,
        destroy_adopted: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Domains protected by MailChannels Inbound.

        :param subscription_handle: the subscription to provision under (a change deprovisions,
            then provisions again).
        :param domains: names, or `InboundDomainArgs` for per-domain settings.
        :param settings: abuse-policy settings for every domain without its own.
        :param downstream_addresses: where MailChannels delivers, for every domain without its own.
        :param admins: admin addresses for every domain without its own.
        :param associate_key: associate the domains with this API key.
        :param overwrite: overwrite the settings of domains already provisioned (adopted ones).
        :param fail_on_domain_errors: make a domain that failed an error of the program.
        :param destroy_adopted: deprovision, on destroy or when removed from the list, the
            domains this resource adopted (provisioned before it asked for them) too; default
            False: they stay provisioned, and the delete says so. Output `adopted_domains` lists
            them.
        """
        entries: list[dict[str, Any]] = []
        for d in domains:
            one = d if isinstance(d, InboundDomainArgs) else InboundDomainArgs(d)
            chosen_settings = one.settings or settings
            chosen_downstream = one.downstream_addresses or downstream_addresses
            entries.append(
                {
                    "domain": one.domain,
                    "aliases": list(one.aliases or []),
                    "settings": chosen_settings.values if chosen_settings else None,
                    "downstream_addresses": [a.values for a in chosen_downstream or []],
                    "admins": list(one.admins or admins or []),
                }
            )
        props = {
            "subscription_handle": subscription_handle,
            "domains": entries,
            "associate_key": associate_key,
            "overwrite": overwrite,
            DESTROY_ADOPTED: destroy_adopted,
            "provisioned": None,
            "adopted_domains": None,
            "failed_domains": None,
        }
        super().__init__(InboundDomainsProvider(), resource_name, props, opts)
        if fail_on_domain_errors:
            name = resource_name
            self.failed_domains.apply(lambda failed: _report(self, name, failed))


def _report(resource: pulumi.Resource, name: str, failed: Mapping[str, Any] | None) -> None:
    if pulumi.runtime.is_dry_run() or not failed:
        return
    message = f"InboundDomains {name!r}: {len(failed)} domain(s) not provisioned: " + (
        _failure_list(failed)
    )
    pulumi.log.error(message, resource=resource)
    raise pulumi.RunError(message)
