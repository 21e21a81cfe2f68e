"""Mailin.ai mailbox routes: SMTP and Google creation, job status, listing, name, password,
rate limit, delete, and the Google-only TOTP, credentials, signature and forwarding."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.mailin.endpoints import MAILBOX_PASSWORD_LENGTH
from pulumi_inboxed.sandbox.context import SandboxContext
from pulumi_inboxed.sandbox.mailin.common import (
    ACCEPTED_MESSAGE,
    job_deadline,
    message,
    path_id,
    route,
)
from pulumi_inboxed.sandbox.mailin.credentials import (
    app_password,
    generate_password,
    totp,
    totp_secret,
)
from pulumi_inboxed.sandbox.mailin.models_store import (
    MAILBOX_JOB,
    MailinDomainRow,
    MailinJobRow,
    MailinMailboxRow,
)
from pulumi_inboxed.sandbox.mailin.validation import (
    Checker,
    json_object,
    message_error,
    not_found,
    validation_error,
)
from pulumi_inboxed.sandbox.mailin.views import (
    GOOGLE,
    MAILBOX_RATE_LIMIT,
    SMTP,
    job_view,
    mailbox_view,
    paginate,
)

GOOGLE_ONLY_MESSAGE = (
    "This action is allowed only for mailboxes connected with the google provider."
)
NO_FORWARDING_MESSAGE = "No forwarding is set up for this mailbox."
MIN_PASSWORD_UPDATE_LENGTH = 8


def split_name(name: str) -> tuple[str, str]:
    """``"Mary Ann Smith"`` -> ``("Mary", "Ann Smith")``; one word -> ``(word, "")``."""
    first, _, last = name.strip().partition(" ")
    return first, last.strip()


def add_mailbox_routes(router: APIRouter, ctx: SandboxContext) -> None:
    """Register every mailbox route (literal paths before ``{mailbox_id}`` ones)."""
    store = ctx.store.mailin

    def domain_names() -> dict[int, str]:
        return {row.id: row.name for row in store.list_domains()}

    def view(
        row: MailinMailboxRow, now: float, names: dict[int, str] | None = None
    ) -> dict[str, object]:
        if names is None:
            domain = store.get_domain(row.domain_id)
            name = domain.name if domain is not None else row.username.rpartition("@")[2]
        else:
            name = names.get(row.domain_id, row.username.rpartition("@")[2])
        return mailbox_view(row, name, now)

    def find_mailbox(raw_id: str) -> MailinMailboxRow:
        row = store.get_mailbox(path_id(raw_id, "Mailbox"))
        if row is None:
            raise not_found("Mailbox")
        return row

    def find_google_mailbox(raw_id: str) -> MailinMailboxRow:
        row = find_mailbox(raw_id)
        if row.provider_type != GOOGLE:
            raise message_error(422, GOOGLE_ONLY_MESSAGE)
        return row

    def mailbox_domain(
        checker: Checker, field: str, username: str, provider_type: str
    ) -> MailinDomainRow | None:
        """The account's domain of ``username``, of the right provider (else an error on it)."""
        domain_name = username.rpartition("@")[2]
        domain = store.domain_by_name(domain_name)
        if domain is None:
            checker.fail(field, f"The domain {domain_name} of {field} is not in your account.")
            return None
        if provider_type == GOOGLE and domain.provider_type != GOOGLE:
            checker.fail(
                field,
                f"The domain {domain_name} is not a Google domain: "
                "Google mailboxes need a domain bought or transferred as Google.",
            )
            return None
        if provider_type == SMTP and domain.provider_type == GOOGLE:
            checker.fail(
                field,
                f"The domain {domain_name} is a Google domain: create its mailboxes with "
                "/mailboxes/add/google.",
            )
            return None
        return domain

    async def create(request: Request, provider_type: str) -> JSONResponse:
        checker = Checker(await json_object(request))
        entries = checker.array("mailboxes", checker.data.get("mailboxes"))
        now = ctx.clock()
        active_at = job_deadline(ctx, now)
        rows: list[MailinMailboxRow] = []
        field_of: dict[str, str] = {}
        for index, entry in enumerate(entries or []):
            prefix = f"mailboxes.{index}"
            if not isinstance(entry, dict):
                checker.fail(prefix, f"The {prefix} field must be an array.")
                continue
            username = checker.email(f"{prefix}.username", entry.get("username"))
            first_name = last_name = None
            password: str | None = None
            if provider_type == GOOGLE:
                first_name = checker.string(f"{prefix}.first_name", entry.get("first_name"))
                last_name = checker.string(f"{prefix}.last_name", entry.get("last_name"))
                name = f"{first_name} {last_name}" if first_name and last_name else None
            else:
                name = checker.string(f"{prefix}.name", entry.get("name"))
                low, high = MAILBOX_PASSWORD_LENGTH
                password = checker.string(
                    f"{prefix}.password",
                    entry.get("password"),
                    required=False,
                    min_length=low,
                    max_length=high,
                )
            if username is None:
                continue
            if username in field_of:
                checker.fail(
                    f"{prefix}.username", f"The {prefix}.username field has a duplicate value."
                )
                continue
            field_of[username] = f"{prefix}.username"
            domain = mailbox_domain(checker, f"{prefix}.username", username, provider_type)
            if domain is None or name is None or checker.failed(f"{prefix}.password"):
                continue
            rows.append(
                MailinMailboxRow(
                    domain_id=domain.id,
                    job_id="",
                    provider_type=provider_type,
                    username=username,
                    name=name,
                    first_name=first_name,
                    last_name=last_name,
                    password=password or generate_password(),
                    secret=totp_secret(),
                    app_password=app_password(),
                    created_at=now,
                    updated_at=now,
                    active_at=active_at,
                )
            )
        checker.done()
        job = MailinJobRow(
            id=str(uuid.uuid4()), kind=MAILBOX_JOB, created_at=now, done_at=active_at
        )

        def check(existing: list[MailinMailboxRow]) -> None:
            if existing:
                raise validation_error(
                    {
                        field_of[row.username]: [
                            f"The {field_of[row.username]} has already been taken."
                        ]
                        for row in existing
                    }
                )

        store.add_mailboxes(rows, job, check)
        return message(ACCEPTED_MESSAGE, 210, uuid=job.id)

    def listing(request: Request, keep: str | None = None) -> JSONResponse:
        """Laravel page of the account's mailboxes; ``?name=`` matches name or username."""
        needle = (request.query_params.get("name") or "").strip().lower()
        now = ctx.clock()
        names = domain_names()
        views = [
            view(row, now, names)
            for row in store.list_mailboxes()
            if (needle in row.name.lower() or needle in row.username.lower())
            and (keep is None or row.provider_type == keep)
        ]
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
        job = store.get_job(job_id)
        if job is None or job.kind != MAILBOX_JOB:
            raise not_found("Mailbox")
        now = ctx.clock()
        names = domain_names()
        data: list[object] = [view(row, now, names) for row in store.list_mailboxes(job.id)]
        return JSONResponse(job_view(job, data, now))

    # Paths with a {mailbox_id}.

    @route(router, endpoints.GET_MAILBOX)
    async def get_mailbox(mailbox_id: str) -> JSONResponse:
        return JSONResponse(view(find_mailbox(mailbox_id), ctx.clock()))

    @route(router, endpoints.UPDATE_MAILBOX_NAME)
    async def update_mailbox_name(mailbox_id: str, request: Request) -> JSONResponse:
        row = find_mailbox(mailbox_id)
        checker = Checker(await json_object(request))
        name = checker.string("name", checker.data.get("name"))
        checker.done()
        assert name is not None
        name = name.strip()
        if row.provider_type == GOOGLE:
            first, last = split_name(name)
            store.update_mailbox(row.id, ctx.clock(), name=name, first_name=first, last_name=last)
        else:
            store.update_mailbox(row.id, ctx.clock(), name=name)
        return message("Mailbox name has been updated.")

    @route(router, endpoints.UPDATE_MAILBOX_PASSWORD)
    async def update_mailbox_password(mailbox_id: str, request: Request) -> JSONResponse:
        row = find_mailbox(mailbox_id)
        checker = Checker(await json_object(request))
        password = checker.string(
            "password",
            checker.data.get("password"),
            min_length=MIN_PASSWORD_UPDATE_LENGTH,
            max_length=None,
        )
        checker.done()
        store.update_mailbox(row.id, ctx.clock(), password=password)
        return message("Mailbox password has been updated.")

    @route(router, endpoints.DELETE_MAILBOX)
    async def delete_mailbox(mailbox_id: str) -> JSONResponse:
        if not store.delete_mailbox(path_id(mailbox_id, "Mailbox")):
            raise not_found("Mailbox")
        return message("Mailbox removed.")

    @route(router, endpoints.MAILBOX_RATE_LIMIT)
    async def mailbox_rate_limit(mailbox_id: str) -> JSONResponse:
        row = find_mailbox(mailbox_id)
        return JSONResponse(
            {"id": row.id, "username": row.username, "rate_limit": MAILBOX_RATE_LIMIT}
        )

    # Google only.

    @route(router, endpoints.GENERATE_MAILBOX_TOTP)
    async def generate_totp(mailbox_id: str) -> JSONResponse:
        row = find_google_mailbox(mailbox_id)
        code, expires_at = totp(row.secret, ctx.clock())
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
        row = find_google_mailbox(mailbox_id)
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
        row = find_google_mailbox(mailbox_id)
        checker = Checker(await json_object(request))
        signature = checker.string("signature", checker.data.get("signature"), max_length=10_000)
        checker.done()
        store.update_mailbox(row.id, ctx.clock(), signature=signature)
        return message("Signatures processed successfully")

    @route(router, endpoints.DELETE_MAILBOX_SIGNATURE)
    async def delete_signature(mailbox_id: str) -> JSONResponse:
        row = find_google_mailbox(mailbox_id)
        store.update_mailbox(row.id, ctx.clock(), signature=None)
        return message("Signatures removed successfully")

    # The three forwarding messages keep the page's spelling ("Forwardng").

    @route(router, endpoints.SETUP_MAILBOX_FORWARDING)
    async def setup_forwarding(mailbox_id: str, request: Request) -> JSONResponse:
        row = find_google_mailbox(mailbox_id)
        address = await forwarding_email(request)
        store.update_mailbox(row.id, ctx.clock(), redirect_email=address)
        return message("Forwardng processed successfully")

    @route(router, endpoints.UPDATE_MAILBOX_FORWARDING)
    async def update_forwarding(mailbox_id: str, request: Request) -> JSONResponse:
        row = find_google_mailbox(mailbox_id)
        address = await forwarding_email(request)
        if row.redirect_email is None:
            raise message_error(422, NO_FORWARDING_MESSAGE)
        store.update_mailbox(row.id, ctx.clock(), redirect_email=address)
        return message("Forwardng update processed successfully")

    @route(router, endpoints.REMOVE_MAILBOX_FORWARDING)
    async def remove_forwarding(mailbox_id: str) -> JSONResponse:
        row = find_google_mailbox(mailbox_id)
        if row.redirect_email is None:
            raise message_error(422, NO_FORWARDING_MESSAGE)
        store.update_mailbox(row.id, ctx.clock(), redirect_email=None)
        return message("Forwardng remove processed successfully")
