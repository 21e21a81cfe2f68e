"""The live state one sandbox app shares between its routes and its middleware."""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import Headers

from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.faults import FaultQueue, RequestCounter
from pulumi_inboxed.sandbox.settings import SandboxSettings
from pulumi_inboxed.sandbox.store import SandboxStore
from pulumi_inboxed.sandbox.tenants import SandboxAccount, current_account, request_account

S = TypeVar("S")
B = TypeVar("B")
BackendClass = Callable[[S, Callable[[], SandboxSettings], Callable[[], float]], B]


@dataclass
class SandboxContext:
    settings: SandboxSettings
    store: SandboxStore
    faults: FaultQueue = field(default_factory=FaultQueue)
    counter: RequestCounter = field(default_factory=RequestCounter)
    # Faults injected, by kind (``"503"``, ``"reset_before"``, ...), of every account.
    fault_counter: RequestCounter = field(default_factory=RequestCounter)
    clock: Callable[[], float] = time.time
    # Requests per account (the global ``counter`` counts them all).
    account_counters: dict[str, RequestCounter] = field(default_factory=dict)

    def account_counter(self, name: str) -> RequestCounter:
        counter = self.account_counters.get(name)
        if counter is None:
            counter = self.account_counters.setdefault(name, RequestCounter())
        return counter

    def backend(self, cls: BackendClass[S, B], store: S) -> B:
        """An API's backend over its section of the store, reading this app's live settings and
        clock (``backend.py``)."""
        return cls(store, lambda: self.settings, lambda: self.clock())

    def account(self) -> SandboxAccount:
        """The credentials of the account being served."""
        account = self.settings.account(current_account())
        return account if account is not None else self.settings.default_account()

    def account_with(
        self, secret: str | None, credentials: Callable[[SandboxAccount], list[str]]
    ) -> str | None:
        """The account one of whose ``credentials`` (e.g. its InboxedUp tokens) ``secret`` is
        (each compared in constant time), or None."""
        if not secret:
            return None
        for name, account in self.settings.all_accounts().items():
            if known_secret(secret, credentials(account)):
                return name
        return None


def authenticated() -> bool:
    """Whether the request being served carries a credential of a known account (set by the
    app's middleware for the API the path belongs to)."""
    holder = request_account()
    return holder is not None and holder.name is not None


def guarded_router(refusal: Callable[[], SandboxApiError], prefix: str = "") -> APIRouter:
    """A router whose routes answer ``refusal()`` unless the request carries a credential of a
    known account for the API (see ``authenticated``)."""

    async def require_credential() -> None:
        if not authenticated():
            raise refusal()

    return APIRouter(prefix=prefix, dependencies=[Depends(require_credential)])


async def read_json(request: Request) -> object:
    """The request body as JSON; 400 when it is not JSON."""
    raw = await request.body()
    try:
        parsed: object = json.loads(raw)
    except ValueError as exc:
        raise SandboxApiError(400, "The request body is not valid JSON") from exc
    return parsed


def validation_details(exc: ValidationError) -> dict[str, object]:
    """A pydantic error as JSON-safe ``details`` (``field`` names the first bad one). The input is
    left out: it may be a credential (``POST /_sandbox/accounts``, ``PATCH /_sandbox/settings``)."""
    errors: list[dict[str, object]] = json.loads(exc.json(include_url=False, include_input=False))
    first = errors[0] if errors else {}
    location = first.get("loc", [])
    field_name = ".".join(str(part) for part in location) if isinstance(location, list) else ""
    return {"field": field_name, "errors": errors}


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    return bearer_from(request.headers)


def bearer_from(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def same_secret(given: str, expected: str) -> bool:
    """A constant-time comparison of two secrets."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def known_secret(given: str | None, known: Iterable[str]) -> bool:
    """True when ``given`` is one of ``known`` (each compared in constant time)."""
    return bool(given) and any(same_secret(str(given), k) for k in known)
