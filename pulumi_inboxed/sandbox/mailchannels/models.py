"""The MailChannels Inbound backend: the account's domains (``models_store.py``) and the API's
rules.

``MailChannelsBackend`` raises ``SandboxApiError`` (rendered in MailChannels' error shape by
``errors.py``) and acts on the account being served, so tests can drive it without HTTP.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_inboxed.mailchannels import endpoints as ep
from pulumi_inboxed.sandbox.backend import Backend
from pulumi_inboxed.sandbox.mailchannels.errors import fail
from pulumi_inboxed.sandbox.mailchannels.models_store import (
    LimitExceeded,
    MailChannelsStore,
    McDomainRow,
)
from pulumi_inboxed.sandbox.mailchannels.validation import name_problem, sections_problems

CREATED = "This domain was successfully created."
OVERWRITTEN = "The domain was already provisioned; its settings were overwritten."
KEPT = "The domain was already provisioned; its settings were kept (overwrite was not set)."
RFC_COMMENT = "The domain name was an A label that did not meet the specifications in RFC 3490"
TAKEN_COMMENT = "The domain is already provisioned, and is associated with a different customer."
ERROR_COMMENT = "There was an error provisioning the domain."
DUPLICATE_COMMENT = "The domain is listed more than once in this request"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def clean_name(name: str) -> str:
    return name.strip().lower().rstrip(".")


@dataclass(frozen=True)
class Judged:
    """One domain object of a request: ``code`` 0 when it may be provisioned."""

    name: str
    sections: dict[str, Any]
    code: int
    comment: str


@dataclass(frozen=True)
class BatchResult:
    successes: list[tuple[McDomainRow, str]]
    """Each provisioned domain (in request order) with its comment."""
    errors: list[Judged]


class MailChannelsBackend(Backend[MailChannelsStore]):
    """MailChannels Inbound's rules over the account's store; settings and clock read per call."""

    def subscriptions(self) -> list[tuple[str, int]]:
        """Each subscription handle of the customer with its count of domains."""
        return [(h, self.store.count(h)) for h in self.settings.mailchannels_subscriptions]

    def own_subscription(self, handle: str | None) -> str:
        if not handle:
            raise fail(400, "subscriptionHandle is required", ["subscriptionHandle"])
        if handle not in self.settings.mailchannels_subscriptions:
            raise fail(
                403,
                "You are attempting to use a subscription that is not your own.",
                [f"subscriptionHandle {handle!r}"],
            )
        return handle

    def judge(self, entry: Any) -> Judged:
        """Whether one domain object may be provisioned, else the per-domain code and comment."""
        if not isinstance(entry, Mapping) or not isinstance(entry.get("domain"), str):
            return Judged("", {}, 400, "each entry needs a 'domain' name")
        name = clean_name(entry["domain"])
        sections, problems = sections_problems(entry)
        settings = self.settings
        problem = name_problem(name)
        if problem is not None:
            return Judged(name, sections, 400, f"{RFC_COMMENT}: {name!r} {problem}")
        if re.search(settings.mailchannels_invalid_pattern, name):
            return Judged(
                name, sections, 400, f"{RFC_COMMENT} (sandbox mailchannels_invalid_pattern)"
            )
        if problems:
            return Judged(name, sections, 400, "; ".join(problems))
        if re.search(settings.mailchannels_taken_pattern, name):
            return Judged(name, sections, 409, TAKEN_COMMENT)
        if re.search(settings.mailchannels_error_pattern, name):
            return Judged(name, sections, 500, ERROR_COMMENT)
        return Judged(name, sections, 0, "")

    def _provision(
        self, handle: str, accepted: dict[str, dict[str, Any]], key: str | None, overwrite: bool
    ) -> tuple[list[str], list[str], list[str]]:
        try:
            outcome = self.store.provision(
                handle,
                accepted,
                key_hash=key_hash(key) if key is not None else None,
                overwrite=overwrite,
                limit=self.settings.mailchannels_domain_limit,
                now=self.clock(),
            )
        except LimitExceeded as exc:
            raise fail(
                403,
                "Creating the domains will exceed the number of domains allowed with the "
                "specified subscription. None of the domains have been provisioned. Contact "
                "sales@mailchannels.com to increase your limit",
                [f"{exc.handle}: {exc.current} provisioned + {exc.adding} new > limit {exc.limit}"],
            ) from None
        return list(outcome.created), list(outcome.overwritten), list(outcome.kept)

    def provision_batch(
        self, handle: str, domains: object, key: str | None, overwrite: bool
    ) -> BatchResult:
        """Provision every acceptable domain object of ``domains`` (all or none past the
        subscription's limit); ``key``: the API key to associate them with, or None."""
        if not isinstance(domains, list) or not 1 <= len(domains) <= ep.MAX_DOMAINS_PER_BATCH:
            raise fail(
                400,
                f"'domains' must be a list of 1 to {ep.MAX_DOMAINS_PER_BATCH} domain objects",
                ["domains"],
            )
        errors: list[Judged] = []
        accepted: dict[str, dict[str, Any]] = {}
        for entry in domains:
            judged = self.judge(entry)
            if judged.code == 0 and judged.name in accepted:
                judged = Judged(judged.name, judged.sections, 400, DUPLICATE_COMMENT)
            if judged.code:
                errors.append(judged)
            else:
                accepted[judged.name] = judged.sections
        comments: dict[str, str] = {}
        if accepted:
            created, overwritten, kept = self._provision(handle, accepted, key, overwrite)
            comments = {
                **dict.fromkeys(created, CREATED),
                **dict.fromkeys(overwritten, OVERWRITTEN),
                **dict.fromkeys(kept, KEPT),
            }
        rows = self.store.get_many(list(comments)) if comments else {}
        successes = [(rows[n], comments[n]) for n in accepted if n in rows]
        return BatchResult(successes, errors)

    def provision_one(
        self, body: dict[str, Any], key: str | None, overwrite: bool
    ) -> tuple[McDomainRow, bool]:
        """One domain object (with its ``subscriptionHandle``): the row and whether it is new."""
        handle = self.own_subscription(body.get("subscriptionHandle"))
        judged = self.judge(body)
        if judged.code:
            raise fail(judged.code, judged.comment, [judged.name])
        created, _, _ = self._provision(handle, {judged.name: judged.sections}, key, overwrite)
        row = self.store.get(judged.name)
        assert row is not None
        return row, bool(created)

    def list_domains(self, wanted: list[str], limit: int, offset: int) -> list[McDomainRow]:
        if len(wanted) > ep.MAX_LIST_FILTER:
            raise fail(400, f"At most {ep.MAX_LIST_FILTER} domains a request", ["domains"])
        if wanted:
            found = self.store.get_many(list(dict.fromkeys(clean_name(n) for n in wanted)))
            return [found[n] for n in sorted(found)][offset : offset + limit]
        return self.store.page(limit, offset)

    def remove(self, domain: str, key: str) -> None:
        """De-provision ``domain``; one associated with another API key is refused (403)."""
        name = clean_name(domain)
        problem = name_problem(name)
        if problem is not None:
            raise fail(400, f"{name!r} {problem}", [name])
        row = self.store.get(name)
        if row is None:
            if self.store.is_alias(name):
                raise fail(403, "The domain in the request is an alias domain", [name])
            raise fail(404, "The domain does not exist.", [name])
        if row.key_hash is not None and row.key_hash != key_hash(key):
            raise fail(
                403, "The domain is associated with a different api key than this one", [name]
            )
        self.store.remove(name)

    def state(self) -> dict[str, Any]:
        """Control: every domain (with whether it is key-associated) and each handle's count."""
        return {
            "domains": {
                r.name: {**r.view(), "associated": r.key_hash is not None} for r in self.store.all()
            },
            "subscriptions": dict(self.subscriptions()),
            "domain_limit": self.settings.mailchannels_domain_limit,
        }
