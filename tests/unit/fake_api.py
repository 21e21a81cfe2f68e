"""One fake API for unit tests: an `httpx.MockTransport` handler that routes each request by the
client's own endpoint table (each API's `endpoints.py`), so a test names the endpoint it fakes
(`ep.SUBMIT_DOMAINS`), never a path the client might not call.

    api = FakeApi(iu_endpoints, base_path="/v1")
    api.on(iu_endpoints.SUBMIT_DOMAINS, lambda call: httpx.Response(201, json=...))
    client = InboxedUpClient(BASE, "tok", transport=api.transport())
    ...
    assert len(api.calls_to(iu_endpoints.SUBMIT_DOMAINS)) == 1

A handler gets a `Call`: the endpoint (the table's default, also when the request came at an
overridden path), its path parameters (`call.params["domain_id"]`), the parsed JSON body and the
request itself. A request no endpoint of the table matches answers 404 (`unrouted`); one that
matches an endpoint without a handler answers 501 naming the endpoint, so a test fails loudly on
a call it did not expect.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import httpx

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.core.endpoints_config import endpoint_names


@dataclass(frozen=True)
class Call:
    """One request, as the fake routed it."""

    endpoint: Endpoint
    """The table's endpoint (its default, also when called at an overridden path)."""
    name: str
    """Its name in the endpoints module, lower case (`submit_domains`)."""
    params: dict[str, str]
    """The path parameters (`{"domain_id": "dom_1"}`)."""
    request: httpx.Request
    path: str
    """The request's path without the base path."""

    @property
    def body(self) -> Any:
        """The JSON body (None when there is none)."""
        return json.loads(self.request.content) if self.request.content else None

    @property
    def query(self) -> httpx.QueryParams:
        return self.request.url.params

    @property
    def method(self) -> str:
        return self.request.method


Handler = Callable[[Call], httpx.Response]


class Died(Exception):
    """The process is gone (`FakeApi.die_on`): nothing retries this."""


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", path)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


@dataclass
class _Route:
    endpoint: Endpoint
    name: str
    method: str
    pattern: re.Pattern[str]
    literal: int
    """Characters of the path outside its parameters: the most literal route wins."""


def not_found(request: httpx.Request, path: str) -> httpx.Response:
    return httpx.Response(404, json={"message": f"no route {request.method} {path}"})


@dataclass
class FakeApi:
    """Routes requests by an API's endpoint table to the handlers given with `on`."""

    endpoints: ModuleType | Iterable[Endpoint]
    base_path: str = ""
    """The base URL's path, removed before routing (`/v1`, `/inbound/v1`)."""
    overrides: Mapping[Endpoint, Endpoint | str] = field(default_factory=dict)
    """Endpoints called at another method and path (`<api>:endpoints.<name>`, as an endpoint or
    as the setting's `"GET /subs"`): routed as the default one too."""
    unrouted: Callable[[httpx.Request, str], httpx.Response] = not_found
    calls: list[Call] = field(default_factory=list)
    """Every routed request, in order."""
    die_on: Endpoint | None = None
    """The next request to this endpoint acts, then the process "dies" (`Died`) before the
    answer is read: what a `pulumi up` killed right after a write leaves behind."""
    _handlers: dict[Endpoint, Handler] = field(default_factory=dict)
    _routes: list[_Route] = field(default_factory=list)

    def __post_init__(self) -> None:
        if isinstance(self.endpoints, ModuleType):
            named = {n.lower(): e for n, e in endpoint_names(self.endpoints).items()}
        else:
            named = {e.doc: e for e in self.endpoints}
        for name, endpoint in named.items():
            override = self.overrides.get(endpoint)
            if isinstance(override, str):
                method, path = override.split(None, 1)
                override = Endpoint(method.upper(), path, False, f"{name} (overridden)")
            for called in (endpoint, override):
                if called is None:
                    continue
                literal = len(re.sub(r"\{\w+\}", "", called.path))
                self._routes.append(
                    _Route(endpoint, name, called.method, _pattern(called.path), literal)
                )
        self._routes.sort(key=lambda r: -r.literal)

    def on(self, endpoint: Endpoint, handler: Handler) -> FakeApi:
        """Answers `endpoint` with `handler` (replacing any earlier one)."""
        if all(r.endpoint != endpoint for r in self._routes):
            raise KeyError(f"{endpoint.method} {endpoint.path} is not in the table")
        self._handlers[endpoint] = handler
        return self

    def route(self, request: httpx.Request) -> Call | None:
        """The call `request` is, or None when no endpoint of the table matches it."""
        path = request.url.path
        if self.base_path and path.startswith(self.base_path):
            path = path[len(self.base_path) :]
        for r in self._routes:
            found = r.pattern.match(path) if r.method == request.method else None
            if found is not None:
                return Call(r.endpoint, r.name, found.groupdict(), request, path)
        return None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        call = self.route(request)
        if call is None:
            path = request.url.path.removeprefix(self.base_path)
            return self.unrouted(request, path)
        dying = self.die_on is not None and call.endpoint == self.die_on
        if dying:
            self.die_on = None
        response = self.serve(call)
        if dying:
            raise Died("SIGKILL")
        return response

    def serve(self, call: Call) -> httpx.Response:
        """Records and answers a routed request (a fake that injects faults overrides it)."""
        self.calls.append(call)
        return self.answer(call)

    def answer(self, call: Call) -> httpx.Response:
        """What the handler of `call`'s endpoint answers (`call` is not recorded again)."""
        handler = self._handlers.get(call.endpoint)
        if handler is None:
            return httpx.Response(501, json={"message": f"the fake has no {call.name}"})
        return handler(call)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def calls_to(self, endpoint: Endpoint, **params: str) -> list[Call]:
        """The calls of `endpoint`, those with these path parameters when given."""
        return [
            c
            for c in self.calls
            if c.endpoint == endpoint and all(c.params.get(k) == v for k, v in params.items())
        ]

    def bodies(self, endpoint: Endpoint) -> list[Any]:
        """The JSON bodies sent to `endpoint`, in order."""
        return [c.body for c in self.calls_to(endpoint)]


__all__ = ["Call", "Died", "FakeApi", "Handler", "not_found"]
