"""The demo: examples/agency (two clients, four APIs) through the real pulumi CLI, against the
sandbox, on a file:// backend. No account, no network.

Steps: a preview with the policy pack refusing an unprotected purchase, then passing; `up`; a new
domain for client-b with its preview diff, applied; an out-of-band change made through
MailChannels' API and found by `pulumi refresh` (its diff shows the setting that moved);
`state unprotect` and destroy. It ends with a table per account and API: objects made,
purchases, API calls, and each step's time.

Run through `bash scripts/demo.sh`, which installs what this needs first.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailchannels import MailChannelsClient
from pulumi_inboxed.policy_pack import path as policy_pack_path
from pulumi_inboxed.sandbox import SandboxProcess

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "agency"
ACCOUNTS_FILE = EXAMPLE / "sandbox-accounts.json"
CLIENTS = ("client-a", "client-b")
APIS = ("inboxedup", "mailin", "mailchannels", "pingram")
NEW_DOMAIN = "b-launch.com"
DRIFTED = "a-reach.com"  # its MailChannels abuse policy is changed outside Pulumi

# The sandbox account's credential (sandbox-accounts.json) -> the stack config key that holds it.
CREDENTIAL_KEYS = {
    "inboxedup_tokens": "inboxedup:accounts.{}.apiToken",
    "mailin_tokens": "mailin:accounts.{}.apiToken",
    "mailchannels_api_keys": "mailchannels:accounts.{}.apiKey",
    "pingram_api_keys": "pingram:accounts.{}.apiKey",
}
# A sandbox route ("METHOD /prefix/...") -> its API.
ROUTE_PREFIXES = {
    "/api/v1/public": "mailin",
    "/mailchannels": "mailchannels",
    "/pingram": "pingram",
}


def api_of_route(route: str) -> str:
    path = route.split(" ", 1)[-1]
    for prefix, api in ROUTE_PREFIXES.items():
        if path.startswith(prefix):
            return api
    return "inboxedup"


def say(text: str) -> None:
    print(f"\n\033[1mdemo: {text}\033[0m", flush=True)


@dataclass
class Demo:
    stack: LocalStack
    sandbox: SandboxProcess
    credentials: dict[str, dict[str, list[str]]]
    steps: list[tuple[str, float]] = field(default_factory=list)
    calls: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    owners: dict[str, tuple[str, str]] = field(default_factory=dict)
    """A resource's name -> its (account, API)."""

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        say(title)
        start = time.monotonic()
        yield
        self.steps.append((title, time.monotonic() - start))

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Pulumi commands the demo reads from itself (state exports), not shown."""
        self.stack.cli.stream = False
        try:
            yield
        finally:
            self.stack.cli.stream = True

    def pulumi(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.stack.cli.run(
            *args, "--stack", self.stack.name, cwd=self.stack.project_dir, check=check
        )

    def configure(self) -> None:
        """The base URLs and each client's credentials (`config set --path --secret`, as a user
        sets them), in one `pulumi config set-all` (the values are the sandbox's own)."""
        sandbox = self.sandbox
        args = ["config", "set-all", "--path", "--non-interactive"]
        for key, value in (
            ("inboxedup:baseUrl", sandbox.url),
            ("mailin:baseUrl", sandbox.mailin_url),
            ("mailchannels:baseUrl", sandbox.mailchannels_url),
            ("pingram:baseUrl", sandbox.pingram_url),
            ("inboxedup:pollIntervalSeconds", "0.5"),
            ("mailin:pollIntervalSeconds", "0.5"),
        ):
            args += ["--plaintext", f"{key}={value}"]
        for client, creds in self.credentials.items():
            for field_name, key in CREDENTIAL_KEYS.items():
                for value in creds.get(field_name, [])[:1]:
                    args += ["--secret", f"{key.format(client)}={value}"]
        with self.quiet():
            self.pulumi(*args)

    def run(self, policy_pack: str) -> None:
        stack = self.stack
        with self.step("preview with the policy pack, client-b's Mailin.ai purchase unprotected"):
            stack.set_config("agency:unprotected", "true")
            refused = self.pulumi(
                "preview", "--non-interactive", "--policy-pack", policy_pack, check=False
            )
            output = refused.stdout + refused.stderr
            if refused.returncode == 0 or "purchased-domains-protected" not in output:
                raise SystemExit("demo: the policy pack did not refuse the unprotected purchase")
            say("the policy pack refused it (purchased-domains-protected), as it should")
        with self.step("preview with the policy pack, protect=True restored: passes"):
            stack.remove_config("agency:unprotected")
            self.pulumi("preview", "--non-interactive", "--policy-pack", policy_pack)
        with self.step("pulumi up: both clients, four APIs"):
            self.pulumi("up", "--yes", "--non-interactive", "--policy-pack", policy_pack)
        with self.step(f"a new domain for client-b ({NEW_DOMAIN}): up shows its preview diff"):
            stack.set_config("agency:newDomain", NEW_DOMAIN)
            stack.up("--policy-pack", policy_pack)
        self.count_objects()
        with self.step(
            f"out of band: {DRIFTED}'s abuse policy set to quarantine through "
            "MailChannels' API; pulumi refresh finds it"
        ):
            self.drift()
            stack.refresh("--diff")
            recorded = self.recorded_abuse_policy()
            print(f"demo: the state now records {DRIFTED}'s abuse policy as {recorded!r}")
            if recorded != "quarantine":
                raise SystemExit("demo: refresh did not bring the change into the state")
        with self.step("pulumi state unprotect --all, then pulumi destroy"):
            self.pulumi("state", "unprotect", "--all", "--yes")
            stack.destroy()
        self.count_calls()

    def drift(self) -> None:
        key = self.credentials["client-a"]["mailchannels_api_keys"][0]
        client = MailChannelsClient(self.sandbox.mailchannels_url, key)
        (live,) = client.list_domains([DRIFTED])
        assert live.settings is not None
        changed = live.model_copy(
            update={"settings": live.settings.model_copy(update={"abuse_policy": "quarantine"})}
        )
        client.provision_domains([changed], subscription_handle="sub-sandbox", overwrite=True)

    def recorded_abuse_policy(self) -> str | None:
        with self.quiet():
            outputs = self.stack.resource_outputs("client-a-inbound")
        for entry in outputs.get("domains", []):
            if entry.get("domain") == DRIFTED:
                return str((entry.get("settings") or {}).get("abuse_policy"))
        return None

    # --- the table -------------------------------------------------------------------------
    objects: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    purchases: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def count_objects(self) -> None:
        """Domains and mailboxes the stack holds, per (account, API), from its state."""
        with self.quiet():
            resources = self.stack.resources()
        for resource in resources:
            kind = resource.get("type", "")
            if not kind.startswith("pulumi-python:dynamic/"):
                continue
            api, name = kind.removeprefix("pulumi-python:dynamic/").split(":", 1)
            inputs: dict[str, Any] = resource.get("inputs", {})
            account = str(inputs.get("account") or "default")
            self.owners[resource.get("urn", "").rsplit("::", 1)[-1]] = (account, api)
            made = COUNTERS.get(name, lambda _: 1)(inputs)
            self.objects[account, api] += made
            if name in ("DomainBatch", "Domains"):
                adopted = resource.get("outputs", {}).get("adopted_domains") or []
                self.purchases[account, api] += made - len(adopted)

    def count_calls(self) -> None:
        for client in CLIENTS:
            for route, count in self.sandbox.control.for_account(client).stats().items():
                self.calls[client, api_of_route(route)] += count

    def operation_seconds(self) -> dict[tuple[str, str], float]:
        """Seconds the resources' creates, updates, reads and deletes took, as the CLI reported
        each one, summed per (account, API) (steps that ran at once each count in full)."""
        seconds: dict[tuple[str, str], float] = defaultdict(float)
        for output in self.stack.cli.transcript:
            for match in STEP_DONE.finditer(output):
                owner = self.owners.get(match["name"])
                if owner is not None:
                    seconds[owner] += 60 * int(match["min"] or 0) + float(match["sec"])
        return seconds

    def table(self) -> str:
        spent = self.operation_seconds()
        rows = [("account", "API", "objects made", "purchases", "API calls", "time")]
        for client in CLIENTS:
            for api in APIS:
                key = (client, api)
                if not (self.objects.get(key) or self.calls.get(key)):
                    continue
                bought = str(self.purchases[key]) if api in ("inboxedup", "mailin") else "-"
                rows.append(
                    (
                        client,
                        api,
                        str(self.objects[key]),
                        bought,
                        str(self.calls[key]),
                        f"{spent.get(key, 0.0):.1f} s",
                    )
                )
        total = sum(seconds for _, seconds in self.steps)
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        lines.append("time: the seconds its resources' creates, updates, reads and deletes took")
        lines.append("")
        lines += [f"{seconds:6.1f} s  {title}" for title, seconds in self.steps]
        lines.append(f"{total:6.1f} s  in all (pulumi steps)")
        return "\n".join(lines)


# A resource's step as `pulumi up --diff`, `refresh` or `destroy` reports it when done.
STEP_DONE = re.compile(
    r"pulumi-python:dynamic/\w+:\w+ (?P<name>\S+) "
    r"(?:created|updated|deleted|replaced|refreshed|read|created replacement)"
    r" \((?:(?P<min>\d+)m)?(?P<sec>[\d.]+)s\)"
)

# Objects a resource holds, from its inputs: domains and mailboxes.
COUNTERS: dict[str, Callable[[dict[str, Any]], int]] = {
    "DomainBatch": lambda i: len(i.get("domains", [])),
    "Domains": lambda i: len(i.get("domains", [])),
    "MailboxRequests": lambda i: sum(len(e.get("mailboxes", [])) for e in i.get("requests", [])),
    "SmtpMailboxes": lambda i: len(i.get("mailboxes", [])),
    "InboundDomains": lambda i: len(i.get("domains", [])),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (state, logs)")
    args = parser.parse_args()

    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="inboxed-demo-"))
    credentials = json.loads(ACCOUNTS_FILE.read_text(encoding="utf-8"))
    print(f"demo: working in {work}")
    with SandboxProcess(
        work / "sandbox.db",
        queued_seconds=0.5,
        pending_ns_seconds=1,
        mailin_job_seconds=0.5,
        extra_args=["--accounts-file", str(ACCOUNTS_FILE), "--mailbox-pending-seconds", "1"],
    ) as sandbox:
        print(f"demo: sandbox on {sandbox.url}, accounts from {ACCOUNTS_FILE.relative_to(ROOT)}")
        project = work / "agency"
        # the program only: not a venv or stack files of a run made in place
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("venv", "Pulumi.*.yaml"))
        # Pulumi.yaml runs the program in ./venv: here, the demo's own virtualenv.
        (project / "venv").symlink_to(Path(sys.prefix), target_is_directory=True)
        cli = PulumiCLI(home=work / "pulumi-home", backend_dir=work / "state", stream=True)
        stack = LocalStack(cli, project, "agency").init()
        demo = Demo(stack, sandbox, credentials)
        demo.configure()
        try:
            demo.run(str(policy_pack_path()))
        finally:
            cli.stream = False
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    say("done")
    print(demo.table())
    print(f"\ndemo: wall time {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
