"""uvicorn's settings for the sandbox: an idle connection a client reuses is never closed under it.

With uvicorn's default (5 s, the same as httpx's pool keeps an idle connection), a client reusing
a connection idle for ~5 s races the server's close and sees ReadError or RemoteProtocolError on
a POST: 16 of 1200 in a measurement, none with the sandbox's keep-alive."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from pulumi_inboxed.sandbox.cli import KEEP_ALIVE_SECONDS, build_parser, main, server_config

# How long clients keep an idle connection for reuse: httpx (the providers' client), Go's
# net/http (the pulumi CLI), curl/urllib3 keep theirs until the server closes it.
CLIENT_KEEPALIVE_SECONDS = (httpx.Limits().keepalive_expiry or 0.0, 90.0)


def test_the_sandbox_keeps_idle_connections_longer_than_clients_do() -> None:
    config = server_config(FastAPI(), "127.0.0.1", 0)
    assert config.timeout_keep_alive == KEEP_ALIVE_SECONDS
    assert config.timeout_keep_alive > max(CLIENT_KEEPALIVE_SECONDS)
    assert build_parser().parse_args([]).keep_alive_seconds == KEEP_ALIVE_SECONDS


def test_keep_alive_is_a_setting() -> None:
    args = build_parser().parse_args(["--keep-alive-seconds", "30"])
    config = server_config(FastAPI(), "127.0.0.1", 0, args.keep_alive_seconds)
    assert config.timeout_keep_alive == 30
    with pytest.raises(SystemExit):
        main(["--keep-alive-seconds", "0"])
