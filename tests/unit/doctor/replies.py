"""Fake APIs for the doctor's unit tests: `httpx.MockTransport` answering by path."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

Answer = tuple[int, Any]


def transport(answers: Mapping[str, Answer], seen: list[str] | None = None) -> httpx.MockTransport:
    """Answers `METHOD /path` (the path after the base URL's) or `/path` from `answers`; any other
    request gets a 404. `seen` collects every request as `METHOD /path`."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        key = f"{request.method} {path}"
        if seen is not None:
            seen.append(key)
        status, body = answers.get(key) or answers.get(path) or (404, {"message": "Not Found"})
        content = b"" if body is None else json.dumps(body).encode()
        return httpx.Response(status, content=content, headers={"Content-Type": "application/json"})

    return httpx.MockTransport(handle)
