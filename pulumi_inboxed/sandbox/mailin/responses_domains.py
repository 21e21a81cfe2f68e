"""Mailin.ai domain routes: availability, buy (single, multiple, Google), transfer, subdomains,
listing, forwarding, rate limit, job status and delete; the rules are in ``models_domains.py``.

`GET /domains` ("List all domains", under "SMTP Domain Management") lists every domain of the
account by default; with the setting ``mailin_separate_domain_lists`` it lists only SMTP domains
that are not Inboxkit transfers, so Google and Inboxkit domains appear only in their own lists.
The page allows both readings; clients must find a domain under either.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.mailin.common import (
    ACCEPTED_MESSAGE,
    TRANSFER_MESSAGE,
    id_action_routes,
    message,
    path_id,
    route,
)
from pulumi_inboxed.sandbox.mailin.models import MailinBackend
from pulumi_inboxed.sandbox.mailin.models_domains import INBOXKIT_PROVIDER
from pulumi_inboxed.sandbox.mailin.models_store import MailinDomainRow
from pulumi_inboxed.sandbox.mailin.validation import (
    Checker,
    json_object,
)
from pulumi_inboxed.sandbox.mailin.views import (
    DOMAIN_RATE_LIMIT,
    GOOGLE,
    NAME_SERVERS,
    SMTP,
    domain_view,
    job_view,
    paginate,
)
from pulumi_inboxed.sandbox.surfaces import request_routes


def add_domain_routes(router: APIRouter, backend: MailinBackend) -> None:
    """Register every domain route (literal paths before ``{domain_id}`` ones)."""
    domains = backend.domains

    def find_domain(raw_id: str) -> MailinDomainRow:
        return domains.get(path_id(raw_id, "Domain"))

    def buy(names: list[str], fields: list[str], provider_type: str, single: bool) -> JSONResponse:
        job = domains.buy(names, fields, provider_type, single)
        return message(ACCEPTED_MESSAGE, 210, uuid=job.id)

    async def buy_one(request: Request, provider_type: str) -> JSONResponse:
        checker = Checker(await json_object(request))
        name = checker.purchasable("domain_name", checker.data.get("domain_name"))
        checker.done()
        assert name is not None
        return buy([name], ["domain_name"], provider_type, single=True)

    async def buy_many(request: Request, provider_type: str) -> JSONResponse:
        checker = Checker(await json_object(request))
        raw = checker.array("domain_names", checker.data.get("domain_names"))
        names: list[str] = []
        fields: list[str] = []
        for index, item in enumerate(raw or []):
            field = f"domain_names.{index}"
            name = checker.purchasable(field, item)
            if name is None:
                continue
            if name in names:
                checker.fail(field, f"The {field} field has a duplicate value.")
                continue
            names.append(name)
            fields.append(field)
        checker.done()
        return buy(names, fields, provider_type, single=False)

    async def transfer(
        request: Request, provider_type: str, inboxkit: bool = False
    ) -> JSONResponse:
        checker = Checker(await json_object(request))
        name = checker.domain_name("domain_name", checker.data.get("domain_name"))
        uid = checker.string("uid", checker.data.get("uid")) if inboxkit else None
        checker.done()
        assert name is not None
        added = domains.transfer(name, provider_type, inboxkit, uid)
        if inboxkit:
            return message(TRANSFER_MESSAGE, 210, domain_id=str(added.id))
        # "domain_id" is the sandbox's addition to the page's body.
        return message(
            TRANSFER_MESSAGE, 210, name_servers=list(NAME_SERVERS), domain_id=str(added.id)
        )

    def needle_of(request: Request) -> str:
        """``?name=``: a substring of the name, any case."""
        return (request.query_params.get("name") or "").strip().lower()

    def listing(request: Request, rows: list[MailinDomainRow]) -> JSONResponse:
        """Laravel page of the account's domains."""
        now = backend.clock()
        views = [domain_view(row, now) for row in rows]
        return JSONResponse(paginate(request, views))

    async def forwarding(request: Request, field: str, remove: bool = False) -> JSONResponse:
        """Domain forwarding (``forward_to``, to a domain) or email forwarding
        (``email_forward_to``, to an address): set, or with ``remove`` removed."""
        target_is_email = field == "email_forward_to"
        checker = Checker(await json_object(request))
        domain_id = checker.integer("domain_id", checker.data.get("domain_id"))
        target: str | None = None
        if not remove:
            value = checker.data.get("forward_to")
            target = (
                checker.email("forward_to", value)
                if target_is_email
                else checker.domain_name("forward_to", value)
            )
        checker.done()
        assert domain_id is not None
        domains.set_forwarding(domain_id, field, target)
        what = "Email" if target_is_email else "Domain"
        done = "removed" if remove else "updated"
        return message(f"{what} forwarding has been successfully {done}.")

    # Literal paths first.

    @route(router, endpoints.CHECK_DOMAIN_AVAILABILITY)
    async def check_availability(request: Request) -> JSONResponse:
        checker = Checker(dict(request.query_params))
        name = checker.purchasable("domain_name", checker.data.get("domain_name"))
        checker.done()
        assert name is not None
        if not domains.available(name):
            return JSONResponse(
                {"available": False, "message": "Domain is unavailable"}, status_code=404
            )
        return JSONResponse({"available": True, "message": "Domain is available"})

    @route(router, endpoints.LIST_DOMAINS)
    async def list_domains(request: Request) -> JSONResponse:
        return listing(request, domains.main_list(needle_of(request)))

    @route(router, endpoints.LIST_GOOGLE_DOMAINS)
    async def list_google_domains(request: Request) -> JSONResponse:
        return listing(request, domains.listed(needle_of(request), keep=GOOGLE))

    @route(router, endpoints.LIST_INBOXKIT_DOMAINS)
    async def list_inboxkit_domains(request: Request) -> JSONResponse:
        return listing(request, domains.listed(needle_of(request), provider=INBOXKIT_PROVIDER))

    request_routes(
        router,
        [
            (endpoints.BUY_DOMAIN, lambda request: buy_one(request, SMTP)),
            (endpoints.BUY_GOOGLE_DOMAIN, lambda request: buy_one(request, GOOGLE)),
            (endpoints.BUY_DOMAINS, lambda request: buy_many(request, SMTP)),
            (endpoints.BUY_GOOGLE_DOMAINS, lambda request: buy_many(request, GOOGLE)),
            (endpoints.TRANSFER_DOMAIN, lambda request: transfer(request, SMTP)),
            (endpoints.TRANSFER_GOOGLE_DOMAIN, lambda request: transfer(request, GOOGLE)),
            (
                endpoints.TRANSFER_INBOXKIT_DOMAIN,
                lambda request: transfer(request, SMTP, inboxkit=True),
            ),
        ],
        status_code=210,
    )

    @route(router, endpoints.ADD_SUBDOMAIN, status_code=201)
    async def add_subdomain(request: Request) -> JSONResponse:
        checker = Checker(await json_object(request))
        prefix = checker.subdomain_label("subdomain", checker.data.get("subdomain"))
        parent_name = checker.string("domain", checker.data.get("domain"))
        checker.done()
        assert prefix is not None and parent_name is not None
        domains.add_subdomain(prefix, parent_name)
        return message(ACCEPTED_MESSAGE, 201)

    request_routes(
        router,
        [
            (endpoints.FORWARD_DOMAIN, lambda request: forwarding(request, "forward_to")),
            (
                endpoints.REMOVE_DOMAIN_FORWARDING,
                lambda request: forwarding(request, "forward_to", remove=True),
            ),
            (endpoints.FORWARD_EMAIL, lambda request: forwarding(request, "email_forward_to")),
            (
                endpoints.REMOVE_EMAIL_FORWARDING,
                lambda request: forwarding(request, "email_forward_to", remove=True),
            ),
        ],
    )

    @route(router, endpoints.DOMAIN_JOB_STATUS)
    async def domain_job_status(job_id: str) -> JSONResponse:
        job = domains.job(job_id)
        data: list[object] = [str(domain_id) for domain_id in job.domain_ids]
        return JSONResponse(job_view(job, data, backend.clock()))

    # Paths with a {domain_id}.

    @route(router, endpoints.GET_DOMAIN)
    async def get_domain(domain_id: str) -> JSONResponse:
        return JSONResponse(domain_view(find_domain(domain_id), backend.clock()))

    @route(router, endpoints.DOMAIN_RATE_LIMIT)
    async def domain_rate_limit(domain_id: str) -> JSONResponse:
        row = find_domain(domain_id)
        return JSONResponse({"id": row.id, "name": row.name, "rate_limit": DOMAIN_RATE_LIMIT})

    id_action_routes(
        router,
        "domain_id",
        "Domain",
        [
            (
                endpoints.DELETE_DOMAIN,
                domains.delete,
                "Domain and related mailboxes has been removed.",
            )
        ],
    )
