"""Mailin.ai mailbox routes: SMTP and Google creation, job status, listing, name, password,
rate limit, delete, and the Google-only TOTP, credentials, signature and forwarding; the rules
are in ``models_mailboxes.py``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.mailin.common import (
    ACCEPTED_MESSAGE,
    id_action_routes,
    known_then_body,
    message,
    path_id,
    route,
)
from pulumi_inboxed.sandbox.mailin.models import MailinBackend
from pulumi_inboxed.sandbox.mailin.models_mailboxes import ShownMailbox
from pulumi_inboxed.sandbox.mailin.validation import Checker, json_object
from pulumi_inboxed.sandbox.mailin.views import (
    GOOGLE,
    MAILBOX_RATE_LIMIT,
    SMTP,
    job_view,
    mailbox_view,
    paginate,
)

MIN_PASSWORD_UPDATE_LENGTH = 8


def add_mailbox_routes(router: APIRouter, backend: MailinBackend) -> None:
    """Register every mailbox route (literal paths before ``{mailbox_id}`` ones)."""
    mailboxes = backend.mailboxes

    def view(shown: ShownMailbox, now: float) -> dict[str, object]:
        return mailbox_view(shown.row, shown.domain_name, now)

    def mailbox_id_of(raw_id: str) -> int:
        return path_id(raw_id, "Mailbox")

    async def create(request: Request, provider_type: str) -> JSONResponse:
        checker = Checker(await json_object(request))
        entries = checker.array("mailboxes", checker.data.get("mailboxes"))
        job = mailboxes.create(provider_type, entries or [], checker)
        return message(ACCEPTED_MESSAGE, 210, uuid=job.id)

    def listing(request: Request, keep: str | None = None) -> JSONResponse:
        """Laravel page of the account's mailboxes; ``?name=`` matches name or username."""
        needle = (request.query_params.get("name") or "").strip().lower()
        now = backend.clock()
        views = [view(shown, now) for shown in mailboxes.listed(needle, keep)]
        return JSONResponse(paginate(request, views))

    async def forwarding_email(request: Request) -> str:
        checker = Checker(await json_object(request))
        address = checker.email("forwarding_email", checker.data.get("forwarding_email"))
        checker.done()
        assert address is not None
        return address

    # Literal paths first.

    @route(router, endpoints.LIST_MAILBOXES)
    async def list_mailboxes(request: Request) -> JSONResponse:
        return listing(request)

    @route(router, endpoints.LIST_GOOGLE_MAILBOXES)
    async def list_google_mailboxes(request: Request) -> JSONResponse:
        return listing(request, keep=GOOGLE)

    @route(router, endpoints.CREATE_MAILBOXES, status_code=210)
    async def create_mailboxes(request: Request) -> JSONResponse:
        return await create(request, SMTP)

    @route(router, endpoints.CREATE_GOOGLE_MAILBOXES, status_code=210)
    async def create_google_mailboxes(request: Request) -> JSONResponse:
        return await create(request, GOOGLE)

    @route(router, endpoints.MAILBOX_JOB_STATUS)
    async def mailbox_job_status(job_id: str) -> JSONResponse:
        job, created = mailboxes.job(job_id)
        now = backend.clock()
        data: list[object] = [view(shown, now) for shown in created]
        return JSONResponse(job_view(job, data, now))

    # Paths with a {mailbox_id}. A route with a body looks the mailbox up first, so an unknown
    # one answers 404 before the body is judged.

    @route(router, endpoints.GET_MAILBOX)
    async def get_mailbox(mailbox_id: str) -> JSONResponse:
        return JSONResponse(view(mailboxes.shown(mailbox_id_of(mailbox_id)), backend.clock()))

    @route(router, endpoints.UPDATE_MAILBOX_NAME)
    async def update_mailbox_name(mailbox_id: str, request: Request) -> JSONResponse:
        row, checker = await known_then_body(
            request, lambda: mailboxes.get(mailbox_id_of(mailbox_id))
        )
        name = checker.string("name", checker.data.get("name"))
        checker.done()
        assert name is not None
        mailboxes.rename(row.id, name)
        return message("Mailbox name has been updated.")

    @route(router, endpoints.UPDATE_MAILBOX_PASSWORD)
    async def update_mailbox_password(mailbox_id: str, request: Request) -> JSONResponse:
        row, checker = await known_then_body(
            request, lambda: mailboxes.get(mailbox_id_of(mailbox_id))
        )
        password = checker.string(
            "password",
            checker.data.get("password"),
            min_length=MIN_PASSWORD_UPDATE_LENGTH,
            max_length=None,
        )
        checker.done()
        mailboxes.set_password(row.id, password)
        return message("Mailbox password has been updated.")

    @route(router, endpoints.MAILBOX_RATE_LIMIT)
    async def mailbox_rate_limit(mailbox_id: str) -> JSONResponse:
        row = mailboxes.get(mailbox_id_of(mailbox_id))
        return JSONResponse(
            {"id": row.id, "username": row.username, "rate_limit": MAILBOX_RATE_LIMIT}
        )

    # Google only.

    @route(router, endpoints.GENERATE_MAILBOX_TOTP)
    async def generate_totp(mailbox_id: str) -> JSONResponse:
        code, expires_at = mailboxes.totp(mailbox_id_of(mailbox_id))
        return JSONResponse(
            {
                "error": False,
                "message": "Mailbox TOTP generated successfully",
                "totp": code,
                "expires_at": expires_at,
            }
        )

    @route(router, endpoints.SHOW_MAILBOX_CREDENTIALS)
    async def show_credentials(mailbox_id: str) -> JSONResponse:
        row = mailboxes.google(mailbox_id_of(mailbox_id))
        return JSONResponse(
            {
                "error": False,
                "message": "Mailbox credentials retrieved successfully",
                "password": row.password,
                "secret": row.secret,
                "app_password": row.app_password,
            }
        )

    @route(router, endpoints.ADD_MAILBOX_SIGNATURE)
    async def add_signature(mailbox_id: str, request: Request) -> JSONResponse:
        row, checker = await known_then_body(
            request, lambda: mailboxes.google(mailbox_id_of(mailbox_id))
        )
        signature = checker.string(
            "signature", checker.data.get("signature"), max_length=endpoints.MAX_SIGNATURE_LENGTH
        )
        checker.done()
        mailboxes.set_signature(row.id, signature)
        return message("Signatures processed successfully")

    # The three forwarding messages keep the page's spelling ("Forwardng").

    def forwarding_route(endpoint: Endpoint, existing: bool, text: str) -> None:
        """Set up (``existing`` False) or update a Google mailbox's forwarding."""

        @route(router, endpoint)
        async def set_forwarding(mailbox_id: str, request: Request) -> JSONResponse:
            row = mailboxes.google(mailbox_id_of(mailbox_id))
            address = await forwarding_email(request)
            mailboxes.set_forwarding(row.id, address, existing=existing)
            return message(text)

    forwarding_route(endpoints.SETUP_MAILBOX_FORWARDING, False, "Forwardng processed successfully")
    forwarding_route(
        endpoints.UPDATE_MAILBOX_FORWARDING, True, "Forwardng update processed successfully"
    )
    id_action_routes(
        router,
        "mailbox_id",
        "Mailbox",
        [
            (endpoints.DELETE_MAILBOX, mailboxes.delete, "Mailbox removed."),
            (
                endpoints.DELETE_MAILBOX_SIGNATURE,
                lambda mailbox_id: mailboxes.set_signature(mailbox_id, None),
                "Signatures removed successfully",
            ),
            (
                endpoints.REMOVE_MAILBOX_FORWARDING,
                lambda mailbox_id: mailboxes.set_forwarding(mailbox_id, None, existing=True),
                "Forwardng remove processed successfully",
            ),
        ],
    )
