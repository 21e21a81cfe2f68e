"""The client base: one call path (overrides, write counting), three paging styles, shared reads."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from pulumi_inboxed.core.api_client import (
    ApiClient,
    SharedReads,
    pages_linked,
    pages_numbered,
    pages_offset,
)
from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.core.endpoints_config import EndpointTable
from pulumi_inboxed.core.errors import ApiError
from pulumi_inboxed.core.http import HttpClient, RetryPolicy
from pulumi_inboxed.core.replies import ReplyShapeError

GET_THING = Endpoint("GET", "/things/{name}", True, "")
MAKE_THING = Endpoint("POST", "/things", True, "")
LOGIN = Endpoint("POST", "/login", True, "")


def _client(handler: httpx.MockTransport, table: EndpointTable | None = None) -> ApiClient:
    http = HttpClient(
        provider="Demo",
        base_url="https://api.example",
        headers={},
        retry=RetryPolicy(attempts=1),
        transport=handler,
    )
    return ApiClient(http, table or EndpointTable("demo"))


def test_send_resolves_overrides_quotes_paths_and_counts_writes() -> None:
    seen: list[tuple[str, str]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.raw_path.decode()))
        return httpx.Response(200, json={"ok": True})

    moved = Endpoint("GET", "/v2/things/{name}", False, "")
    client = _client(httpx.MockTransport(handle), EndpointTable("demo", ((GET_THING, moved),)))
    assert client.call_json(GET_THING, path={"name": "a@b.com"}, quote_path=True) == {"ok": True}
    assert client.writes == 0
    client.call_json(MAKE_THING, json={"name": "x"})
    assert client.writes == 2  # counted when it starts and when it ends
    client.call_json(LOGIN, json={}, safe_to_retry=True)  # a login changes nothing
    assert client.writes == 2
    assert seen == [("GET", "/v2/things/a%40b.com"), ("POST", "/things"), ("POST", "/login")]


def test_a_failed_write_still_counts() -> None:
    client = _client(httpx.MockTransport(lambda _: httpx.Response(500, json={})))
    with pytest.raises(ApiError):
        client.send(MAKE_THING, json={})
    assert client.writes == 2


def test_a_body_that_is_not_json_fails_naming_the_endpoint() -> None:
    client = _client(httpx.MockTransport(lambda _: httpx.Response(200, text="<html>")))
    with pytest.raises(ReplyShapeError) as raised:
        client.call_json(GET_THING, path={"name": "x"})
    assert "GET /things/{name}" in str(raised.value)
    empty = _client(httpx.MockTransport(lambda _: httpx.Response(204)))
    assert empty.call_json(GET_THING, path={"name": "x"}) is None


def test_numbered_pages_stop_at_the_total_or_on_a_repeated_page() -> None:
    calls: list[int] = []

    def fetch(n: int) -> tuple[list[int], int, int | None]:
        calls.append(n)
        return list(range((n - 1) * 2, min(n * 2, 5))), 2, 5

    assert list(pages_numbered(fetch, key=lambda i: i)) == [0, 1, 2, 3, 4]
    assert calls == [1, 2, 3]

    def ignores_page(n: int) -> tuple[list[int], int, int | None]:
        return [1, 2], 2, None

    assert list(pages_numbered(ignores_page, key=lambda i: i)) == [1, 2]


def test_linked_pages_follow_next_until_the_last_page() -> None:
    pages = {1: ([1, 2], 3, "p2"), 2: ([3, 4], 3, "p3"), 3: ([5], 3, None)}
    assert list(pages_linked(lambda n: pages[n])) == [1, 2, 3, 4, 5]
    no_next = {1: ([1], 9, None)}
    assert list(pages_linked(lambda n: no_next[n])) == [1]


def test_offset_pages_stop_at_a_short_page() -> None:
    offsets: list[int] = []

    def fetch(offset: int) -> list[int]:
        offsets.append(offset)
        return list(range(offset, min(offset + 3, 7)))

    assert list(pages_offset(fetch, 3)) == list(range(7))
    assert offsets == [0, 3, 6]


def test_shared_reads_read_once_until_a_write_or_the_age_bound() -> None:
    now = [0.0]
    reads = SharedReads(clock=lambda: now[0], max_age=10)
    count = [0]

    def read() -> int:
        count[0] += 1
        return count[0]

    assert reads.get("k", 0, read) == 1
    assert reads.get("k", 0, read) == 1
    assert reads.get("k", 2, read) == 2  # the client wrote
    now[0] = 11
    assert reads.get("k", 2, read) == 3  # too old
    assert reads.reads == 3


def test_shared_reads_make_one_read_for_threads_asking_together() -> None:
    reads = SharedReads()
    count = [0]

    def slow() -> int:
        count[0] += 1
        time.sleep(0.1)
        return 7

    got: list[int] = []
    threads = [
        threading.Thread(target=lambda: got.append(reads.get("k", 0, slow))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [7] * 8 and count[0] == 1


def test_a_failed_shared_read_is_not_kept() -> None:
    reads = SharedReads()
    calls = [0]

    def read() -> int:
        calls[0] += 1
        if calls[0] == 1:
            raise RuntimeError("down")
        return 5

    with pytest.raises(RuntimeError):
        reads.get("k", 0, read)
    assert reads.get("k", 0, read) == 5
