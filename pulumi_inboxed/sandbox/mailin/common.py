"""What every Mailin.ai route of the sandbox shares: the prefix, route registration, ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.sandbox.mailin.validation import Checker, json_object, not_found
from pulumi_inboxed.sandbox.surfaces import Answer, request_routes
from pulumi_inboxed.sandbox.surfaces import route as route  # re-exported for the Mailin routes

# "All API endpoints are prefixed with /api/v1/public/": a client whose base URL is
# http://127.0.0.1:PORT/api/v1/public finds every path of the endpoint table under it.
MAILIN_PREFIX = "/api/v1/public"

T = TypeVar("T")

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


def id_action_routes(
    router: APIRouter,
    param: str,
    kind: str,
    actions: Iterable[tuple[Endpoint, Callable[[int], object], str]],
) -> None:
    """Routes that do one thing to the object whose integer id the path parameter ``param``
    names (``kind`` in the 404), then answer ``{"message": ...}``."""

    def answer(act: Callable[[int], object], text: str) -> Answer:
        async def run(request: Request) -> JSONResponse:
            act(path_id(request.path_params[param], kind))
            return message(text)

        return run

    request_routes(router, [(endpoint, answer(act, text)) for endpoint, act, text in actions])


async def known_then_body(request: Request, find: Callable[[], T]) -> tuple[T, Checker]:
    """The object a route with a body acts on, looked up first (an unknown one answers 404
    before the body is judged), and a ``Checker`` over the body."""
    row = find()
    return row, Checker(await json_object(request))
