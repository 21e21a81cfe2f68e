"""The MailChannels Inbound routes under ``/mailchannels/inbound/v1`` (every path of
``mailchannels/endpoints.py``): each parses the request, calls the backend (``models.py``) and
renders the answer.

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

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from pulumi_inboxed.mailchannels import endpoints as ep
from pulumi_inboxed.sandbox.mailchannels.errors import fail
from pulumi_inboxed.sandbox.mailchannels.models import MailChannelsBackend
from pulumi_inboxed.sandbox.surfaces import route

PLAN = {"handle": "inbound-sandbox", "name": "MailChannels Inbound (sandbox)"}
DOMAIN_LIMIT_FEATURE = "domains"
DEFAULT_LIST_LIMIT = 10  # "If not specified, defaults to 10"
MAX_LIST_LIMIT = 5000


def _flag(request: Request, name: str) -> bool:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return False
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise fail(400, f"Query parameter {name!r} must be true or false", [f"{name}={raw}"])


def _query_int(raw: str | None, default: int, name: str) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise fail(400, f"{name} must be a whole number", [f"{name}={raw}"])
    return int(raw)


def api_key(request: Request) -> str:
    return request.headers.get(ep.API_KEY_HEADER, "")


async def json_body(request: Request) -> object:
    try:
        body: object = await request.json()
    except ValueError:
        raise fail(400, "The request body is not valid JSON") from None
    return body


def add_routes(router: APIRouter, backend: MailChannelsBackend) -> None:
    """Register every MailChannels Inbound route on ``router`` (behind its API key)."""

    @route(router, ep.LIST_SUBSCRIPTIONS)
    async def list_subscriptions() -> JSONResponse:
        limit = str(backend.settings.mailchannels_domain_limit)
        return JSONResponse(
            [
                {
                    "handle": handle,
                    "active": True,
                    "plan": PLAN,
                    "limits": [{"featureHandle": DOMAIN_LIMIT_FEATURE, "value": limit}],
                    "activeAccountsCount": count,
                }
                for handle, count in backend.subscriptions()
            ]
        )

    @route(router, ep.PROVISION_DOMAINS)
    async def provision_batch(request: Request) -> JSONResponse:
        handle = backend.own_subscription(request.query_params.get(ep.Q_SUBSCRIPTION))
        associate = _flag(request, ep.Q_ASSOCIATE_KEY)
        overwrite = _flag(request, ep.Q_OVERWRITE)
        body = await json_body(request)
        domains = body.get("domains") if isinstance(body, dict) else None
        key = api_key(request) if associate else None
        result = backend.provision_batch(handle, domains, key, overwrite)
        return JSONResponse(
            {
                "successes": [
                    {"domain": row.view(), "code": 201, "comment": comment}
                    for row, comment in result.successes
                ],
                "errors": [
                    {
                        "domain": {
                            "domain": judged.name,
                            "subscriptionHandle": handle,
                            **judged.sections,
                        },
                        "code": judged.code,
                        "comment": judged.comment,
                    }
                    for judged in result.errors
                ],
            }
        )

    @route(router, ep.PROVISION_DOMAIN)
    async def provision_one(request: Request) -> JSONResponse:
        associate = _flag(request, ep.Q_ASSOCIATE_KEY)
        overwrite = _flag(request, ep.Q_OVERWRITE)
        body = await json_body(request)
        if not isinstance(body, dict):
            raise fail(400, "The body must be a domain object", ["body"])
        key = api_key(request) if associate else None
        row, created = backend.provision_one(body, key, overwrite)
        return JSONResponse(row.view(), status_code=201 if created else 200)

    @route(router, ep.LIST_DOMAINS)
    async def list_domains(request: Request) -> JSONResponse:
        params = request.query_params
        wanted = [
            part.strip()
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
        rows = backend.list_domains(wanted, limit, offset)
        return JSONResponse({"domains": [r.view() for r in rows]})

    @route(router, ep.REMOVE_DOMAIN, status_code=204)
    async def remove_domain(domain: str, request: Request) -> Response:
        backend.remove(domain, api_key(request))
        return Response(status_code=204)
