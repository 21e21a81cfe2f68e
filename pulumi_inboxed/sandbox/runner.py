"""``SandboxProcess``: run the sandbox in a child process (tests, demos, benchmarks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Self

from pulumi_inboxed.sandbox.cli import write_private
from pulumi_inboxed.sandbox.closing import Closing
from pulumi_inboxed.sandbox.control import CONTROL_TOKEN_HEADER
from pulumi_inboxed.sandbox.control_client import SandboxControl
from pulumi_inboxed.sandbox.mailchannels.urls import MAILCHANNELS_PREFIX
from pulumi_inboxed.sandbox.mailin.common import MAILIN_PREFIX
from pulumi_inboxed.sandbox.pingram.urls import PINGRAM_PREFIX

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
STOP_GRACE_SECONDS = 5.0


class SandboxProcess(Closing):
    """A sandbox on 127.0.0.1 with a free port; ``restart()`` keeps the same state file.

    The sandbox writes its control token (random per start, unless ``--control-token`` in
    ``extra_args`` or ``$INBOXED_SANDBOX_CONTROL_TOKEN`` fixes it) beside the port file;
    ``control`` sends it, and ``control_headers`` gives it for requests made by hand.
    """

    def __init__(
        self,
        state_path: Path | None = None,
        *,
        time_scale: float | None = None,
        queued_seconds: float | None = None,
        pending_ns_seconds: float | None = None,
        latency_ms: float | None = None,
        mailin_job_seconds: float | None = None,
        tokens: Sequence[str] | None = None,
        accounts: Mapping[str, Mapping[str, object]] | None = None,
        lifetime: float = 600.0,
        extra_args: Sequence[str] = (),
        startup_timeout: float = 30.0,
    ) -> None:
        self._workdir = tempfile.TemporaryDirectory(prefix="inboxed-sandbox-")
        work = Path(self._workdir.name)
        self.state_path = state_path if state_path is not None else work / "state.db"
        self.port_file = work / "port"
        self.control_token_file = work / "control-token"
        self.log_path = work / "sandbox.log"
        self.options: dict[str, float | None] = {
            "--time-scale": time_scale,
            "--queued-seconds": queued_seconds,
            "--pending-ns-seconds": pending_ns_seconds,
            "--latency-ms": latency_ms,
            "--mailin-job-seconds": mailin_job_seconds,
        }
        self.tokens = list(tokens) if tokens is not None else None
        # Accounts besides ``default`` (name -> credentials, as ``--accounts-file`` takes them),
        # written to a file of this user's only; more can be added at run time
        # (``control.add_account``).
        self.accounts_file: Path | None = None
        if accounts:
            self.accounts_file = work / "accounts.json"
            write_private(self.accounts_file, json.dumps({n: dict(c) for n, c in accounts.items()}))
        self.lifetime = lifetime
        self.extra_args = list(extra_args)
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._control: SandboxControl | None = None
        self.port = 0
        self._control_token: str | None = None

    @property
    def url(self) -> str:
        if self._process is None:
            raise RuntimeError("the sandbox is not running")
        return f"http://127.0.0.1:{self.port}"

    @property
    def mailin_url(self) -> str:
        """Base URL of the Mailin.ai API (``MailinClient(process.mailin_url, ...)``)."""
        return self.url + MAILIN_PREFIX

    @property
    def mailchannels_url(self) -> str:
        """Base URL of the MailChannels Inbound API (``mailchannels:baseUrl``)."""
        return self.url + MAILCHANNELS_PREFIX

    @property
    def pingram_url(self) -> str:
        """Base URL of the Pingram API (``pingram:baseUrl``)."""
        return self.url + PINGRAM_PREFIX

    @property
    def control_token(self) -> str:
        """The running sandbox's control token (header ``X-Sandbox-Control-Token``)."""
        if self._process is None or self._control_token is None:
            raise RuntimeError("the sandbox is not running")
        return self._control_token

    @property
    def control_headers(self) -> dict[str, str]:
        """Headers for a request to ``/_sandbox/*`` made without ``control``."""
        return {CONTROL_TOKEN_HEADER: self.control_token}

    @property
    def control(self) -> SandboxControl:
        if self._control is None:
            self._control = SandboxControl(self.url, control_token=self.control_token)
        return self._control

    def command(self) -> list[str]:
        args = [
            sys.executable,
            "-m",
            "pulumi_inboxed.sandbox",
            "--port",
            "0",
            "--port-file",
            str(self.port_file),
            "--control-token-file",
            str(self.control_token_file),
            "--parent-pid",
            str(os.getpid()),
            "--lifetime",
            str(self.lifetime),
            "--state",
            str(self.state_path),
        ]
        for flag, value in self.options.items():
            if value is not None:
                args += [flag, str(value)]
        for token in self.tokens or ():
            args += ["--token", token]
        if self.accounts_file is not None:
            args += ["--accounts-file", str(self.accounts_file)]
        return args + self.extra_args

    def start(self) -> Self:
        if self._process is not None:
            raise RuntimeError("the sandbox is already running")
        self.port_file.unlink(missing_ok=True)
        self.control_token_file.unlink(missing_ok=True)
        self._control_token = None
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            part for part in (str(PACKAGE_ROOT), env.get("PYTHONPATH", "")) if part
        )
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                code = self._process.returncode
                self._process = None
                raise RuntimeError(f"the sandbox exited with {code} on start:\n{self.log_tail()}")
            text = self._read_port_file()
            if text:
                # Written before the port file, so it is there by now.
                self._control_token = self.control_token_file.read_text(encoding="utf-8").strip()
                self.port = int(text)
                return self
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(
            f"the sandbox did not listen within {self.startup_timeout} s:\n{self.log_tail()}"
        )

    def _read_port_file(self) -> str:
        try:
            return self.port_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def restart(self) -> Self:
        """Stop, then start again on the same state file (on a new port)."""
        self.stop()
        return self.start()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def close(self) -> None:
        self.stop()
        self._workdir.cleanup()

    def __enter__(self) -> Self:
        return self.start()
