"""The simulated MailChannels Inbound API under ``/mailchannels/inbound/v1``: every path of
``mailchannels/endpoints.py``.

- Auth: the ``X-API-Key`` header, one of an account's ``mailchannels_api_keys`` (else 401); the
  request then sees that account's state only.
- Errors: ``{"code": <status>, "message": "...", "errors": ["..."]}``, as on every page.
- ``POST /domains/batch`` answers 200 with a partial result, per domain: 201 (created, or already
  ours), 400 (not a valid RFC 5891 name, a name matching ``mailchannels_invalid_pattern``, or bad
  settings), 409 (``mailchannels_taken_pattern``: another customer's) or 500
  (``mailchannels_error_pattern``). The whole request answers 403 (provisioning nothing) when the
  new domains would take the subscription past ``mailchannels_domain_limit``, or when the handle
  is not one of ``mailchannels_subscriptions``.
- The 503 rate-limit answer is an injected fault (``/_sandbox/faults``), in this error shape.

``docs/mailchannels-pingram-api.md`` lists every choice the public pages leave open.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

import idna
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from pulumi_inboxed.mailchannels import endpoints as ep
from pulumi_inboxed.sandbox.context import SandboxContext, authenticated
from pulumi_inboxed.sandbox.control import CONTROL_PREFIX
from pulumi_inboxed.sandbox.mailchannels.models import LimitExceeded
from pulumi_inboxed.sandbox.surfaces import ApiSurface, SurfaceError, fault_message, route

MAILCHANNELS_PREFIX = "/mailchannels/inbound/v1"
PLAN = {"handle": "inbound-sandbox", "name": "MailChannels Inbound (sandbox)"}
DOMAIN_LIMIT_FEATURE = "domains"
DEFAULT_LIST_LIMIT = 10  # "If not specified, defaults to 10"
MAX_LIST_LIMIT = 5000

CREATED = "This domain was successfully created."
OVERWRITTEN = "The domain was already provisioned; its settings were overwritten."
KEPT = "The domain was already provisioned; its settings were kept (overwrite was not set)."
RFC_COMMENT = "The domain name was an A label that did not meet the specifications in RFC 3490"
TAKEN_COMMENT = "The domain is already provisioned, and is associated with a different customer."
ERROR_COMMENT = "There was an error provisioning the domain."


def mc_error(
    status: int,
    message: str,
    errors: list[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"code": status, "message": message, "errors": errors or []}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def fail(status: int, message: str, errors: list[str] | None = None) -> SurfaceError:
    return SurfaceError(mc_error(status, message, errors))


def _fault(status: int, message: str, headers: Mapping[str, str] | None) -> JSONResponse:
    if status == ep.RATE_LIMIT_STATUS:
        message = "Service Temporarily Unavailable: more than 100 requests a second (injected)"
    return mc_error(status, message or fault_message(status), [], headers)


MAILCHANNELS_SURFACE = ApiSurface("mailchannels", MAILCHANNELS_PREFIX, ep.ALL, _fault)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def name_problem(name: str) -> str | None:
    """Why ``name`` is not a valid RFC 5891 domain name (IDNA 2008), or None."""
    if not name or len(name) > 253 or "." not in name.strip("."):
        return "is not a domain name of two or more labels"
    try:
        idna.encode(name, uts46=True, std3_rules=True)
    except idna.IDNAError as exc:
        return f"fails RFC 5891 ({exc})"
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None


def sections_problems(entry: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The sections of a domain object (``downstreamAddress`` accepted for the batch page's
    spelling), and what is wrong with them."""
    problems: list[str] = []
    sections: dict[str, Any] = {}
    settings = entry.get("settings")
    if settings is not None:
        if not isinstance(settings, Mapping):
            problems.append("settings must be an object")
        else:
            policy = settings.get("abusePolicy")
            if policy is not None and policy not in ep.ABUSE_POLICIES:
                problems.append(
                    f"settings.abusePolicy must be one of {', '.join(ep.ABUSE_POLICIES)}"
                )
            if policy == "flag":
                for key in ("spamHeaderName", "spamHeaderValue"):
                    if not settings.get(key):
                        problems.append(f"settings.{key} is required when abusePolicy is 'flag'")
            keys = ("abusePolicy", "abusePolicyOverride", "spamHeaderName", "spamHeaderValue")
            sections["settings"] = {k: settings[k] for k in keys if settings.get(k) is not None}
    addresses = entry.get("downstreamAddresses")
    if addresses is None:
        addresses = entry.get("downstreamAddress")
    if addresses is not None:
        if not isinstance(addresses, list):
            problems.append("downstreamAddresses must be a list")
        else:
            clean: list[dict[str, Any]] = []
            for i, addr in enumerate(addresses):
                at = f"downstreamAddresses[{i}]"
                if not isinstance(addr, Mapping):
                    problems.append(f"{at} must be an object")
                    continue
                values = {k: _int(addr.get(k)) for k in ("priority", "weight", "port")}
                for key, value in values.items():
                    if value is None or value < 0:
                        problems.append(f"{at}.{key} must be a whole number >= 0")
                port = values["port"]
                if port is not None and not 1 <= port <= 65535:
                    problems.append(f"{at}.port must be 1 to 65535")
                target = addr.get("target")
                if not isinstance(target, str) or not target.endswith("."):
                    problems.append(f"{at}.target must be a hostname ending in a dot")
                elif len(target) > ep.MAX_TARGET_LENGTH:
                    problems.append(f"{at}.target is longer than {ep.MAX_TARGET_LENGTH}")
                clean.append({**values, "target": target})
            sections["downstreamAddresses"] = clean
    for key, check in (("aliases", name_problem), ("admins", _admin_problem)):
        items = entry.get(key)
        if items is None:
            continue
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            problems.append(f"{key} must be a list of strings")
            continue
        for i, item in enumerate(items):
            problem = check(item)
            if problem:
                problems.append(f"{key}[{i}] {item!r} {problem}")
        sections[key] = list(items)
    return sections, problems


def _admin_problem(address: str) -> str | None:
    local, at, domain = address.partition("@")
    if not at or not local or name_problem(domain):
        return "is not an email address"
    return None


def _flag(request: Request, name: str) -> bool:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return False
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise fail(400, f"Query parameter {name!r} must be true or false", [f"{name}={raw}"])


def mailchannels_router(ctx: SandboxContext) -> APIRouter:
    store = ctx.store.mailchannels

    def api_key(request: Request) -> str:
        given = request.headers.get(ep.API_KEY_HEADER, "")
        if authenticated():  # the middleware found the account this key belongs to
            return given
        raise fail(401, "Unauthorized", ["A valid X-API-Key header is required"])

    router = APIRouter(prefix=MAILCHANNELS_PREFIX, dependencies=[Depends(api_key)])

    def pattern(text: str, name: str) -> bool:
        return re.search(text, name) is not None

    def own_subscription(handle: str | None) -> str:
        if not handle:
            raise fail(400, "subscriptionHandle is required", ["subscriptionHandle"])
        if handle not in ctx.settings.mailchannels_subscriptions:
            raise fail(
                403,
                "You are attempting to use a subscription that is not your own.",
                [f"subscriptionHandle {handle!r}"],
            )
        return handle

    def judge(entry: Any) -> tuple[str, dict[str, Any], int, str]:
        """(name, sections, code, comment) for one domain object; code 0 = may be provisioned."""
        if not isinstance(entry, Mapping) or not isinstance(entry.get("domain"), str):
            return ("", {}, 400, "each entry needs a 'domain' name")
        name = entry["domain"].strip().lower().rstrip(".")
        sections, problems = sections_problems(entry)
        settings = ctx.settings
        problem = name_problem(name)
        if problem is not None:
            return (name, sections, 400, f"{RFC_COMMENT}: {name!r} {problem}")
        if pattern(settings.mailchannels_invalid_pattern, name):
            return (name, sections, 400, f"{RFC_COMMENT} (sandbox mailchannels_invalid_pattern)")
        if problems:
            return (name, sections, 400, "; ".join(problems))
        if pattern(settings.mailchannels_taken_pattern, name):
            return (name, sections, 409, TAKEN_COMMENT)
        if pattern(settings.mailchannels_error_pattern, name):
            return (name, sections, 500, ERROR_COMMENT)
        return (name, sections, 0, "")

    def view(name: str, handle: str | None, sections: Mapping[str, Any]) -> dict[str, Any]:
        return {"domain": name, "subscriptionHandle": handle, **sections}

    def limit_error(exc: LimitExceeded) -> SurfaceError:
        return fail(
            403,
            "Creating the domains will exceed the number of domains allowed with the specified "
            "subscription. None of the domains have been provisioned. Contact "
            "sales@mailchannels.com to increase your limit",
            [f"{exc.handle}: {exc.current} provisioned + {exc.adding} new > limit {exc.limit}"],
        )

    @route(router, ep.LIST_SUBSCRIPTIONS)
    async def list_subscriptions() -> JSONResponse:
        limit = str(ctx.settings.mailchannels_domain_limit)
        return JSONResponse(
            [
                {
                    "handle": handle,
                    "active": True,
                    "plan": PLAN,
                    "limits": [{"featureHandle": DOMAIN_LIMIT_FEATURE, "value": limit}],
                    "activeAccountsCount": store.count(handle),
                }
                for handle in ctx.settings.mailchannels_subscriptions
            ]
        )

    @route(router, ep.PROVISION_DOMAINS)
    async def provision_batch(request: Request) -> JSONResponse:
        handle = own_subscription(request.query_params.get(ep.Q_SUBSCRIPTION))
        associate = _flag(request, ep.Q_ASSOCIATE_KEY)
        overwrite = _flag(request, ep.Q_OVERWRITE)
        try:
            body = await request.json()
        except ValueError:
            raise fail(400, "The request body is not valid JSON") from None
        domains = body.get("domains") if isinstance(body, dict) else None
        if not isinstance(domains, list) or not 1 <= len(domains) <= ep.MAX_DOMAINS_PER_BATCH:
            raise fail(
                400,
                f"'domains' must be a list of 1 to {ep.MAX_DOMAINS_PER_BATCH} domain objects",
                ["domains"],
            )
        errors: list[dict[str, Any]] = []
        accepted: dict[str, dict[str, Any]] = {}
        for entry in domains:
            name, sections, code, comment = judge(entry)
            if code == 0 and name in accepted:
                code, comment = 400, "The domain is listed more than once in this request"
            if code:
                errors.append(
                    {"domain": view(name, handle, sections), "code": code, "comment": comment}
                )
            else:
                accepted[name] = sections
        outcome = None
        if accepted:
            try:
                outcome = store.provision(
                    handle,
                    accepted,
                    key_hash=key_hash(api_key(request)) if associate else None,
                    overwrite=overwrite,
                    limit=ctx.settings.mailchannels_domain_limit,
                    now=ctx.clock(),
                )
            except LimitExceeded as exc:
                raise limit_error(exc) from None
        comments = {}
        if outcome is not None:
            comments = {
                **{n: CREATED for n in outcome.created},
                **{n: OVERWRITTEN for n in outcome.overwritten},
                **{n: KEPT for n in outcome.kept},
            }
        rows = store.get_many(list(comments)) if comments else {}
        successes = [
            {"domain": rows[n].view(), "code": 201, "comment": comments[n]}
            for n in accepted
            if n in rows
        ]
        return JSONResponse({"successes": successes, "errors": errors})

    @route(router, ep.PROVISION_DOMAIN)
    async def provision_one(request: Request) -> JSONResponse:
        associate = _flag(request, ep.Q_ASSOCIATE_KEY)
        overwrite = _flag(request, ep.Q_OVERWRITE)
        try:
            body = await request.json()
        except ValueError:
            raise fail(400, "The request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise fail(400, "The body must be a domain object", ["body"])
        handle = own_subscription(body.get("subscriptionHandle"))
        name, sections, code, comment = judge(body)
        if code:
            raise fail(code, comment, [name])
        try:
            outcome = store.provision(
                handle,
                {name: sections},
                key_hash=key_hash(api_key(request)) if associate else None,
                overwrite=overwrite,
                limit=ctx.settings.mailchannels_domain_limit,
                now=ctx.clock(),
            )
        except LimitExceeded as exc:
            raise limit_error(exc) from None
        row = store.get(name)
        assert row is not None
        return JSONResponse(row.view(), status_code=201 if outcome.created else 200)

    @route(router, ep.LIST_DOMAINS)
    async def list_domains(request: Request) -> JSONResponse:
        params = request.query_params
        wanted = [
            part.strip().lower().rstrip(".")
            for value in params.getlist(ep.Q_LIST_DOMAINS)
            for part in value.split(",")
            if part.strip()
        ]
        if len(wanted) > ep.MAX_LIST_FILTER:
            raise fail(400, f"At most {ep.MAX_LIST_FILTER} domains a request", ["domains"])
        limit = _query_int(params.get(ep.Q_LIMIT), DEFAULT_LIST_LIMIT, ep.Q_LIMIT)
        offset = _query_int(params.get(ep.Q_OFFSET), 0, ep.Q_OFFSET)
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise fail(400, f"limit must be 1 to {MAX_LIST_LIMIT}", [f"limit={limit}"])
        if wanted:
            found = store.get_many(list(dict.fromkeys(wanted)))
            rows = [found[n] for n in sorted(found)][offset : offset + limit]
        else:
            rows = store.page(limit, offset)
        return JSONResponse({"domains": [r.view() for r in rows]})

    @route(router, ep.REMOVE_DOMAIN, status_code=204)
    async def remove_domain(domain: str, request: Request) -> Response:
        name = domain.strip().lower().rstrip(".")
        problem = name_problem(name)
        if problem is not None:
            raise fail(400, f"{name!r} {problem}", [name])
        row = store.get(name)
        if row is None:
            if store.is_alias(name):
                raise fail(403, "The domain in the request is an alias domain", [name])
            raise fail(404, "The domain does not exist.", [name])
        if row.key_hash is not None and row.key_hash != key_hash(api_key(request)):
            raise fail(
                403, "The domain is associated with a different api key than this one", [name]
            )
        store.remove(name)
        return Response(status_code=204)

    return router


def _query_int(raw: str | None, default: int, name: str) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise fail(400, f"{name} must be a whole number", [f"{name}={raw}"])
    return int(raw)


def mailchannels_control_router(ctx: SandboxContext) -> APIRouter:
    """``GET /_sandbox/mailchannels/state``: every provisioned domain, each subscription's count."""
    router = APIRouter(prefix=CONTROL_PREFIX + "/mailchannels")

    @router.get("/state")
    async def state() -> JSONResponse:
        store = ctx.store.mailchannels
        rows = store.all()
        return JSONResponse(
            {
                "domains": {
                    r.name: {**r.view(), "associated": r.key_hash is not None} for r in rows
                },
                "subscriptions": {
                    h: store.count(h) for h in ctx.settings.mailchannels_subscriptions
                },
                "domain_limit": ctx.settings.mailchannels_domain_limit,
            }
        )

    return router


__all__ = [
    "MAILCHANNELS_PREFIX",
    "MAILCHANNELS_SURFACE",
    "mailchannels_control_router",
    "mailchannels_router",
]
