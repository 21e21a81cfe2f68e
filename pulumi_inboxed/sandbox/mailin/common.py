"""What every Mailin.ai route of the sandbox shares: the prefix, route registration, ids."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from pulumi_inboxed.sandbox.mailin.validation import not_found
from pulumi_inboxed.sandbox.surfaces import route as route  # re-exported for the Mailin routes

# "All API endpoints are prefixed with /api/v1/public/": a client whose base URL is
# http://127.0.0.1:PORT/api/v1/public finds every path of the endpoint table under it.
MAILIN_PREFIX = "/api/v1/public"

ACCEPTED_MESSAGE = "Your request has been received and will be processed as soon as possible."
TRANSFER_MESSAGE = "Your request has been received and the transfer process has been started."


def is_mailin_path(path: str) -> bool:
    return path == MAILIN_PREFIX or path.startswith(MAILIN_PREFIX + "/")


def path_id(raw: str, kind: str) -> int:
    """An integer id from the path; anything else is an id no one has (404)."""
    if not raw.isdigit() or len(raw) > 18:
        raise not_found(kind)
    return int(raw)


def message(text: str, status: int = 200, **extra: object) -> JSONResponse:
    return JSONResponse({"message": text, **extra}, status_code=status)
