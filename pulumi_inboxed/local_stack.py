"""Drives the real `pulumi` CLI on a local `file://` backend: no account, no network.

Used by the demo, the end-to-end tests and the benchmark, and by users who rehearse a change
against the sandbox before running it for real. Every command's output is kept, so callers can
show it and check it for secrets.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PULUMI_BIN_ENV = "INBOXED_PULUMI_BIN"


class PulumiCommandError(RuntimeError):
    def __init__(self, args: list[str], returncode: int, output: str) -> None:
        self.args_ = args
        self.returncode = returncode
        self.output = output
        super().__init__(f"pulumi {' '.join(args)} exited {returncode}:\n{output[-6000:]}")


def find_pulumi_bin() -> Path:
    """The folder holding `pulumi`: $INBOXED_PULUMI_BIN, else the one on PATH."""
    configured = os.environ.get(PULUMI_BIN_ENV)
    if configured:
        return Path(configured)
    found = shutil.which("pulumi")
    if found is None:
        raise RuntimeError(
            f"pulumi CLI not found: put it on PATH or set {PULUMI_BIN_ENV} "
            "(scripts/ensure-pulumi.sh builds one)"
        )
    return Path(found).parent


@dataclass
class PulumiCLI:
    """The CLI with an isolated PULUMI_HOME and a file:// backend."""

    home: Path
    backend_dir: Path
    passphrase: str = "local-rehearsal"
    bin_dir: Path = field(default_factory=find_pulumi_bin)
    extra_env: dict[str, str] = field(default_factory=dict)
    transcript: list[str] = field(default_factory=list)
    stream: bool = False
    """Echo each command's output to stdout as it comes (for the demo)."""

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "PATH": f"{self.bin_dir}{os.pathsep}{env.get('PATH', '')}",
                "PULUMI_HOME": str(self.home),
                "PULUMI_BACKEND_URL": self.backend_dir.resolve().as_uri(),
                "PULUMI_CONFIG_PASSPHRASE": self.passphrase,
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PULUMI_PYTHON_CMD": sys.executable,
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def run(
        self,
        *args: str,
        cwd: Path,
        check: bool = True,
        stdin: str | None = None,
        timeout: float = 1800,
    ) -> subprocess.CompletedProcess[str]:
        self.home.mkdir(parents=True, exist_ok=True)
        self.backend_dir.mkdir(parents=True, exist_ok=True)
        command = [str(self.bin_dir / "pulumi"), *args]
        if self.stream:
            proc = self._run_streaming(command, cwd, stdin, timeout)
        else:
            proc = subprocess.run(
                command,
                cwd=cwd,
                env=self.env(),
                input=stdin,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        output = proc.stdout + proc.stderr
        self.transcript.append(f"$ pulumi {' '.join(args)}\n{output}")
        if check and proc.returncode != 0:
            raise PulumiCommandError(list(args), proc.returncode, output)
        return proc

    def _run_streaming(
        self, command: list[str], cwd: Path, stdin: str | None, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        lines: list[str] = []
        with subprocess.Popen(
            command,
            cwd=cwd,
            env=self.env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as proc:
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(stdin or "")
            proc.stdin.close()
            for line in proc.stdout:
                sys.stdout.write(line)
                sys.stdout.flush()
                lines.append(line)
            returncode = proc.wait(timeout=timeout)
        return subprocess.CompletedProcess(command, returncode, "".join(lines), "")


@dataclass
class LocalStack:
    cli: PulumiCLI
    project_dir: Path
    name: str = "dev"

    def _run(self, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
        return self.cli.run(*args, "--stack", self.name, cwd=self.project_dir, **kw)

    def init(self) -> LocalStack:
        self.cli.run(
            "stack", "select", "--create", self.name, "--non-interactive", cwd=self.project_dir
        )
        return self

    def set_config(self, key: str, value: str, *, secret: bool = False) -> None:
        if secret:  # through stdin, so the value is never on a command line
            self._run("config", "set", key, "--secret", "--non-interactive", stdin=value)
        else:
            self._run("config", "set", key, value, "--non-interactive")

    def cancel(self) -> None:
        """Releases the lock a killed `pulumi up` left behind."""
        self._run("cancel", "--yes", "--non-interactive")

    def remove_config(self, key: str) -> None:
        self._run("config", "rm", key, "--non-interactive")

    def preview(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run("preview", "--non-interactive", "--diff", *extra, check=check)

    # up, refresh and destroy run their preview first, as they do for a user: a preview is where
    # inputs taken from other resources arrive unknown, and skipping it hides those failures.
    def up(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run("up", "--yes", "--non-interactive", "--diff", *extra, check=check)

    def refresh(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run("refresh", "--yes", "--non-interactive", *extra, check=check)

    def destroy(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run("destroy", "--yes", "--non-interactive", *extra, check=check)

    def outputs(self) -> dict[str, Any]:
        result = self._run("stack", "output", "--json")
        data: dict[str, Any] = json.loads(result.stdout)
        return data

    def export(self) -> str:
        """`pulumi stack export` as text (secrets stay encrypted)."""
        return self._run("stack", "export").stdout

    def resources(self) -> list[dict[str, Any]]:
        """The state's resources, each kind's packed outputs read back as values
        (`kinds.unpacked_outputs`; `export()` gives the state as recorded)."""
        from .kinds import unpacked_outputs

        deployment = json.loads(self.export())
        resources: list[dict[str, Any]] = deployment.get("deployment", {}).get("resources", [])
        for resource in resources:
            if "outputs" in resource:
                resource["outputs"] = unpacked_outputs(resource["type"], resource["outputs"])
        return resources

    def resource_outputs(self, name: str) -> dict[str, Any]:
        """The recorded outputs of the resource named `name` (what refresh updates)."""
        for resource in self.resources():
            if resource.get("urn", "").endswith(f"::{name}"):
                outputs: dict[str, Any] = resource.get("outputs", {})
                return outputs
        raise KeyError(f"no resource named {name!r} in the stack")
