"""The base every API client stands on: one call path, write counting, paging, shared reads.

- `ApiClient.send` resolves the endpoint through the account's `EndpointTable` (overrides from
  config), formats the path, sends it through `HttpClient` (timeouts, retries, typed errors) and
  counts writes: every request but a GET or one marked `safe_to_retry` (a login, a search) may
  change the account, and a read shared before it is stale after it (`SharedReads`).
- `ApiClient.call_json` is the body as JSON (None when empty); a body that is not JSON fails
  with `ReplyShapeError` naming the endpoint.
- Paging in the three styles the APIs use: page numbers with a total (InboxedUp),
  page numbers with `last_page`/`next_page_url` (Mailin.ai), offset and limit (MailChannels).
  Each stops at `MAX_PAGES` and never yields an item twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from .endpoint import Endpoint
from .endpoints_config import EndpointTable
from .errors import NotFoundError
from .http import HttpClient
from .last_call import SentCall, remember
from .replies import ReplyShapeError

T = TypeVar("T")
MAX_PAGES = 10_000
"""A bound on any listing: an API that never says it is done still ends."""


class ApiClient:
    """One API account's client. Subclasses add the API's calls (and, for Mailin.ai, logins)."""

    PROVIDER = "API"
    DOC = "docs/"
    """The `docs/` page describing this API's reply shapes (named by `ReplyShapeError`)."""

    def __init__(self, http: HttpClient, endpoints: EndpointTable) -> None:
        self.endpoints = endpoints
        """The endpoint table, the account's overrides from `<api>:endpoints` applied."""
        self.http = http
        self._writes = 0
        self._writes_lock = threading.Lock()

    def close(self) -> None:
        self.http.close()

    @property
    def writes(self) -> int:
        """How many requests that may change the account this client has begun or finished:
        a read shared at another count is out of date."""
        return self._writes

    def _count_write(self) -> None:
        with self._writes_lock:
            self._writes += 1

    def send(
        self,
        endpoint: Endpoint,
        *,
        path: Mapping[str, object] | None = None,
        quote_path: bool = False,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        safe_to_retry: bool | None = None,
        http: HttpClient | None = None,
    ) -> httpx.Response:
        """Sends `endpoint` (after the account's overrides) with `path` filled in; `quote_path`
        percent-encodes the path values (an email address in a path)."""
        call = self.sent_call(endpoint)
        remember(call)  # what an error about this path or its reply names (`core.last_call`)
        endpoint = self.endpoints.resolve(endpoint)  # the method sent decides what is a write
        values = dict(path or {})
        if quote_path:
            values = {k: quote(str(v), safe="") for k, v in values.items()}
        write = endpoint.method != "GET" and not safe_to_retry
        if write:
            self._count_write()
        try:
            return (http or self.http).request(
                endpoint.method,
                endpoint.format(**values),
                params=params,
                json=json,
                data=data,
                files=files,
                safe_to_retry=safe_to_retry,
            )
        except NotFoundError as exc:
            if not call.confirmed:  # a 404 from a path of our choice may be the wrong path
                exc.name_endpoint(call.key, self.DOC, call.hint())
            raise
        finally:
            if write:
                self._count_write()  # a read that ran beside the write is stale too

    def call_json(self, endpoint: Endpoint, **kwargs: Any) -> Any:
        """`send`, then the body as JSON (None when empty)."""
        response = self.send(endpoint, **kwargs)
        return self.json_of(response, endpoint)

    def where(self, endpoint: Endpoint) -> str:
        """`"METHOD /path"` of the endpoint this account calls (its override, if any): what a
        reply-shape error names."""
        resolved = self.endpoints.resolve(endpoint)
        return f"{resolved.method} {resolved.path}"

    def sent_call(self, endpoint: Endpoint) -> SentCall:
        """The endpoint as this account calls it, with the config key that overrides its path
        and the docs page (what errors about its path or its reply name)."""
        resolved = self.endpoints.resolve(endpoint)
        return SentCall(
            f"{resolved.method} {resolved.path}",
            self.endpoints.key_of(endpoint),
            self.DOC,
            resolved.confirmed,
        )

    def json_of(self, response: httpx.Response, endpoint: Endpoint) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ReplyShapeError(
                self.PROVIDER, self.where(endpoint), "JSON body", self.DOC
            ) from None


# ---------------------------------------------------------------------------------------------
# paging


def pages_numbered(
    fetch: Callable[[int], tuple[Sequence[T], int, int | None]],
    key: Callable[[T], Hashable],
) -> Iterator[T]:
    """Page 1, 2, ... (`fetch(n)` gives items, page size and the total or None) until a page is
    empty, the total is reached, or (no total given) a page repeats what was seen (an API that
    ignores `page`). Each item is yielded once."""
    seen: set[Hashable] = set()
    for number in range(1, MAX_PAGES + 1):
        items, limit, total = fetch(number)
        fresh = [item for item in items if key(item) not in seen]
        yield from fresh
        seen.update(key(item) for item in fresh)
        if not fresh:
            return
        if total is not None and (len(seen) >= total or number * limit >= total):
            return


def pages_linked(
    fetch: Callable[[int], tuple[Sequence[T], int | None, str | None]],
) -> Iterator[T]:
    """Page 1, 2, ... (`fetch(n)` gives items, `last_page` and `next_page_url`) until the last
    page, a page without a next link, or an empty page."""
    for number in range(1, MAX_PAGES + 1):
        items, last_page, next_url = fetch(number)
        yield from items
        if not items or not next_url or (last_page is not None and number >= last_page):
            return


def pages_offset(fetch: Callable[[int], Sequence[T]], page_size: int) -> Iterator[T]:
    """Offset 0, `page_size`, ... (`fetch(offset)` gives the items) until a short page."""
    offset = 0
    for _ in range(MAX_PAGES):
        items = fetch(offset)
        yield from items
        if len(items) < page_size:
            return
        offset += page_size


# ---------------------------------------------------------------------------------------------
# reads shared until the next write

SHARED_READS_MAX_AGE_SECONDS = 300.0
"""Our bound on how old a shared read may be, writes aside (a run is one process)."""


class _Pending:
    """One shared read being made: the threads that ask meanwhile wait for its answer."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class SharedReads:
    """Read-only answers shared by every check of a provider process, until the next write.

    `get(key, client.writes, read)`: each key is read once (threads asking at the same time wait
    for the one read); all are dropped when the client's write count moves or they are older
    than `max_age`. A failed read is not kept, so the next caller tries again.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        max_age: float = SHARED_READS_MAX_AGE_SECONDS,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._max_age = max_age
        self._entries: dict[Hashable, _Pending] = {}
        self._writes: int | None = None
        self._since = 0.0
        self.reads = 0
        """How many reads were made (not answered from what was shared)."""

    def drop(self) -> None:
        with self._lock:
            self._entries.clear()
            self._writes = None

    def get(self, key: Hashable, writes: int, read: Callable[[], T]) -> T:
        with self._lock:
            now = self._clock()
            if writes != self._writes or now - self._since > self._max_age:
                self._entries.clear()
                self._writes, self._since = writes, now
            entry = self._entries.get(key)
            owner = entry is None
            if entry is None:
                entry = self._entries[key] = _Pending()
                self.reads += 1
        if owner:
            try:
                entry.value = read()
            except BaseException as exc:
                entry.error = exc
                with self._lock:
                    if self._entries.get(key) is entry:
                        del self._entries[key]
            finally:
                entry.done.set()
        else:
            entry.done.wait()
        if entry.error is not None:
            raise entry.error
        value: T = entry.value
        return value


__all__ = [
    "MAX_PAGES",
    "ApiClient",
    "SharedReads",
    "pages_linked",
    "pages_numbered",
    "pages_offset",
]
