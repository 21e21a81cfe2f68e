"""``inboxed-sandbox``: serve the sandbox on a loopback address.

Accounts besides ``default`` (whose credentials are ``--token`` and the settings' defaults): a JSON
file ``--accounts-file path.json``, else ``$SANDBOX_ACCOUNTS`` (the same JSON), mapping each name
to its credentials::

    {"client-a": {"inboxedup_tokens": ["iu-a"], "mailin_email": "a@mailin.test",
                  "mailin_password": "pw-a", "mailin_tokens": ["ml-a"],
                  "mailchannels_api_keys": ["mc-a"], "pingram_api_keys": ["pg-a"]}}
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from pydantic import ValidationError
from starlette.types import ASGIApp

from pulumi_inboxed.sandbox.app import create_app
from pulumi_inboxed.sandbox.control import (
    CONTROL_TOKEN_ENV,
    CONTROL_TOKEN_HEADER,
    check_control_token,
    new_control_token,
)
from pulumi_inboxed.sandbox.mailchannels.urls import MAILCHANNELS_PREFIX
from pulumi_inboxed.sandbox.mailin.common import MAILIN_PREFIX
from pulumi_inboxed.sandbox.pingram.urls import PINGRAM_PREFIX
from pulumi_inboxed.sandbox.settings import SandboxSettings
from pulumi_inboxed.sandbox.tenants import ACCOUNTS_ENV

TOKENS_ENV = "INBOXED_SANDBOX_TOKENS"
# What to set each stack's base URL to, printed once listening.
API_PREFIXES = (
    ("inboxedup:baseUrl", ""),
    ("mailin:baseUrl", MAILIN_PREFIX),
    ("mailchannels:baseUrl", MAILCHANNELS_PREFIX),
    ("pingram:baseUrl", PINGRAM_PREFIX),
)
# How long an idle keep-alive connection stays open: longer than any client keeps one for reuse
# (httpx 5 s, Go 90 s). With uvicorn's 5 s, a client reusing a connection idle for ~5 s raced the
# server's close and saw ReadError / RemoteProtocolError on a POST (16 of 1200 measured).
KEEP_ALIVE_SECONDS = 120.0
# Connections waiting to be accepted (uvicorn's default; the kernel caps it at somaxconn).
LISTEN_BACKLOG = 2048
WATCH_EVERY_TICKS = 5  # uvicorn ticks every 0.1 s: check lifetime and parent every 0.5 s


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inboxed-sandbox",
        description=(
            "Local simulator of the InboxedUp, Mailin.ai, MailChannels Inbound and Pingram "
            "HTTP APIs."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address only")
    parser.add_argument("--port", type=int, default=8787, help="0 picks a free port")
    parser.add_argument("--state", type=Path, default=Path(".sandbox/state.db"), help="SQLite file")
    parser.add_argument("--time-scale", type=float, help="multiplies every timer")
    parser.add_argument("--queued-seconds", type=float, help="QUEUED -> PENDING_NS")
    parser.add_argument("--pending-ns-seconds", type=float, help="PENDING_NS -> ACTIVE")
    parser.add_argument("--mailbox-pending-seconds", type=float, help="PENDING -> IN_PROGRESS")
    parser.add_argument(
        "--mailbox-in-progress-seconds", type=float, help="IN_PROGRESS -> COMPLETED"
    )
    parser.add_argument(
        "--mailin-job-seconds", type=float, help="Mailin.ai job (buy, transfer, mailboxes) length"
    )
    parser.add_argument(
        "--mailin-azure-seconds", type=float, help="Mailin.ai Azure order: placed -> ready"
    )
    parser.add_argument(
        "--mailin-upload-seconds", type=float, help="Mailin.ai upload to an inbox provider"
    )
    parser.add_argument(
        "--mailin-verify-seconds", type=float, help="Mailin.ai email verification task length"
    )
    parser.add_argument("--mailin-credits", type=int, help="Mailin.ai credits of a fresh account")
    parser.add_argument(
        "--pingram-verify-seconds", type=float, help="Pingram sender domain: PENDING -> verified"
    )
    parser.add_argument(
        "--mailchannels-domain-limit", type=int, help="MailChannels domains per subscription"
    )
    parser.add_argument("--latency-ms", type=float, help="added to every API response")
    parser.add_argument(
        "--token",
        action="append",
        dest="tokens",
        help=f"accepted bearer token (repeatable; else ${TOKENS_ENV}, comma-separated)",
    )
    parser.add_argument(
        "--accounts-file",
        type=Path,
        help=(
            "JSON map of account name -> credentials (inboxedup_tokens, mailin_email, "
            f"mailin_password, mailin_tokens, mailchannels_api_keys, pingram_api_keys); else "
            f"${ACCOUNTS_ENV}"
        ),
    )
    parser.add_argument(
        "--control-token",
        help=(
            f"token of the /_sandbox control API (header {CONTROL_TOKEN_HEADER}); else "
            f"${CONTROL_TOKEN_ENV}, else a random one printed at start"
        ),
    )
    parser.add_argument(
        "--control-token-file",
        type=Path,
        help="write the control token there (mode 0600) once listening, before the port file",
    )
    parser.add_argument(
        "--keep-alive-seconds",
        type=float,
        default=KEEP_ALIVE_SECONDS,
        help=(
            f"close idle keep-alive connections after this long (default {KEEP_ALIVE_SECONDS:g}: "
            "longer than clients keep them, so no reused connection is closed under a request)"
        ),
    )
    parser.add_argument("--port-file", type=Path, help="write the bound port there once listening")
    parser.add_argument("--lifetime", type=float, help="exit by itself after this many seconds")
    parser.add_argument("--parent-pid", type=int, help="exit when this process is gone")
    return parser


def settings_from_args(args: argparse.Namespace) -> SandboxSettings:
    overrides: dict[str, object] = {}
    for name in (
        "time_scale",
        "queued_seconds",
        "pending_ns_seconds",
        "mailbox_pending_seconds",
        "mailbox_in_progress_seconds",
        "mailin_job_seconds",
        "mailin_azure_seconds",
        "mailin_upload_seconds",
        "mailin_verify_seconds",
        "mailin_credits",
        "pingram_verify_seconds",
        "mailchannels_domain_limit",
        "latency_ms",
    ):
        value = getattr(args, name)
        if value is not None:
            overrides[name] = value
    tokens: list[str] | None = args.tokens
    if not tokens:
        from_env = os.environ.get(TOKENS_ENV, "")
        tokens = [token.strip() for token in from_env.split(",") if token.strip()] or None
    if tokens:
        overrides["tokens"] = tokens
    accounts = accounts_from_args(args)
    if accounts is not None:
        overrides["accounts"] = accounts
    try:
        return SandboxSettings.model_validate(overrides)
    except ValidationError as exc:
        # The message names the field and the rule; pydantic would echo the input (a secret).
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'settings'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_input=False)
        )
        raise ValueError(f"invalid sandbox settings: {problems}") from None


def accounts_from_args(args: argparse.Namespace) -> object:
    """The accounts map of ``--accounts-file``, else of ``$SANDBOX_ACCOUNTS``, else None."""
    path: Path | None = args.accounts_file
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"--accounts-file {path}: {exc.strerror}") from None
        source = f"--accounts-file {path}"
    else:
        text = os.environ.get(ACCOUNTS_ENV, "")
        if not text.strip():
            return None
        source = f"${ACCOUNTS_ENV}"
    try:
        accounts: object = json.loads(text)
    except ValueError:
        raise ValueError(f"{source} is not valid JSON") from None
    if not isinstance(accounts, dict):
        raise ValueError(f"{source} must be a JSON object: account name -> credentials")
    return accounts


def control_token_from_args(args: argparse.Namespace) -> str:
    """``--control-token``, else ``$INBOXED_SANDBOX_CONTROL_TOKEN``, else a random token."""
    given: str | None = args.control_token
    if given is None:
        given = os.environ.get(CONTROL_TOKEN_ENV) or None
    if given is None:
        return new_control_token()
    try:
        return check_control_token(given)
    except ValueError as exc:
        raise ValueError(f"--control-token: {exc}") from exc


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by this user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP (not 0): asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # says TCP; without it every response waits ~40 ms on Nagle and delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def server_config(
    app: ASGIApp, host: str, port: int, keep_alive: float = KEEP_ALIVE_SECONDS
) -> uvicorn.Config:
    """uvicorn's settings for the sandbox: idle connections kept ``keep_alive`` seconds (the
    client closes them first), a listen backlog of ``LISTEN_BACKLOG``."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        timeout_keep_alive=keep_alive,  # type: ignore[arg-type]  # uvicorn takes seconds as float
        backlog=LISTEN_BACKLOG,
    )


class SandboxServer(uvicorn.Server):
    """A uvicorn server that announces its port and stops on lifetime or parent exit."""

    def __init__(
        self,
        config: uvicorn.Config,
        url: str,
        port: int,
        port_file: Path | None,
        deadline: float | None,
        parent_pid: int | None,
        control_token: str,
        control_token_file: Path | None = None,
    ) -> None:
        super().__init__(config)
        self.url = url
        self.port = port
        self.port_file = port_file
        self.control_token = control_token
        self.control_token_file = control_token_file
        self.deadline = deadline
        self.parent_pid = parent_pid

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.should_exit:
            return
        if self.control_token_file is not None:
            write_private(self.control_token_file, self.control_token + "\n")
        if self.port_file is not None:
            self.port_file.parent.mkdir(parents=True, exist_ok=True)
            partial = self.port_file.with_name(self.port_file.name + ".tmp")
            partial.write_text(f"{self.port}\n", encoding="utf-8")
            os.replace(partial, self.port_file)
        print(f"inboxed-sandbox listening on {self.url}", flush=True)
        for setting, prefix in API_PREFIXES:
            print(f"  {setting:<22} {self.url}{prefix}", flush=True)
        print(
            f"  control token          {self.control_token}  "
            f"(header {CONTROL_TOKEN_HEADER} on {self.url}/_sandbox/...)",
            flush=True,
        )

    async def on_tick(self, counter: int) -> bool:
        if counter % WATCH_EVERY_TICKS == 0:
            if self.deadline is not None and time.monotonic() >= self.deadline:
                self.should_exit = True
            if self.parent_pid is not None and not process_alive(self.parent_pid):
                self.should_exit = True
        return await super().on_tick(counter)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    host: str = args.host
    if not is_loopback(host):
        parser.error(f"--host {host} is not a loopback address; the sandbox only serves locally")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be from 0 to 65535")
    if not args.keep_alive_seconds > 0:
        parser.error("--keep-alive-seconds must be more than 0")
    try:
        settings = settings_from_args(args)
        control_token = control_token_from_args(args)
    except ValueError as exc:
        parser.error(str(exc))
    sock = bind_socket(host, args.port)
    port: int = sock.getsockname()[1]
    url_host = f"[{host}]" if ":" in host else host
    app = create_app(settings, args.state, control_token)
    config = server_config(app, host, port, keep_alive=args.keep_alive_seconds)
    deadline = time.monotonic() + args.lifetime if args.lifetime is not None else None
    server = SandboxServer(
        config,
        url=f"http://{url_host}:{port}",
        port=port,
        port_file=args.port_file,
        deadline=deadline,
        parent_pid=args.parent_pid,
        control_token=control_token,
        control_token_file=args.control_token_file,
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
