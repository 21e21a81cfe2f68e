"""The live state one sandbox app shares between its routes and its middleware."""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from fastapi import Request
from pydantic import ValidationError

from pulumi_inboxed.sandbox.envelope import SandboxError
from pulumi_inboxed.sandbox.faults import FaultQueue, RequestCounter
from pulumi_inboxed.sandbox.settings import SandboxSettings
from pulumi_inboxed.sandbox.store import SandboxStore


@dataclass
class SandboxContext:
    settings: SandboxSettings
    store: SandboxStore
    faults: FaultQueue = field(default_factory=FaultQueue)
    counter: RequestCounter = field(default_factory=RequestCounter)
    clock: Callable[[], float] = time.time


async def read_json(request: Request) -> object:
    """The request body as JSON; 400 when it is not JSON."""
    raw = await request.body()
    try:
        parsed: object = json.loads(raw)
    except ValueError as exc:
        raise SandboxError(400, "The request body is not valid JSON") from exc
    return parsed


def validation_details(exc: ValidationError) -> dict[str, object]:
    """A pydantic error as JSON-safe ``details`` (``field`` names the first bad one)."""
    errors: list[dict[str, object]] = json.loads(exc.json(include_url=False))
    first = errors[0] if errors else {}
    location = first.get("loc", [])
    field_name = ".".join(str(part) for part in location) if isinstance(location, list) else ""
    return {"field": field_name, "errors": errors}


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def same_secret(given: str, expected: str) -> bool:
    """A constant-time comparison of two secrets."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def known_secret(given: str | None, known: Iterable[str]) -> bool:
    """True when ``given`` is one of ``known`` (each compared in constant time)."""
    return bool(given) and any(same_secret(str(given), k) for k in known)
