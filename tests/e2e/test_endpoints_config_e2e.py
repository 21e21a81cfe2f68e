"""Endpoints overridden by stack config through the real CLI: `pulumi config set --path
'<api>:endpoints.<name>' 'METHOD /path'` reaches the functions and the dynamic providers. The
sandbox serves the default paths only, so an override elsewhere answers 404 naming the
overridden path, and one mapping back to the default works."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.pingram import PingramClient
from pulumi_inboxed.sandbox import SandboxProcess

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "programs" / "endpoints"
TOKEN = "iu_endpoints_e2e_token"
PINGRAM_KEY = "pingram_sk_sandbox"
SENDER = "endpoints-e2e.com"


@pytest.fixture(scope="module")
def endpoints_sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(tokens=[TOKEN], lifetime=1800) as process:
        yield process


def out(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def set_path(stack: LocalStack, key: str, value: str) -> None:
    stack._run("config", "set", "--path", key, value, "--non-interactive")


def test_endpoint_overrides_set_by_config_path_reach_functions_and_providers(
    cli: PulumiCLI, endpoints_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    project = tmp_path / "endpoints"
    shutil.copytree(PROGRAM, project)
    stack = LocalStack(cli, project, "endpoints").init()
    stack.set_config("inboxedup:baseUrl", endpoints_sandbox.url)
    stack.set_config("inboxedup:apiToken", TOKEN, secret=True)
    stack.set_config("pingram:baseUrl", endpoints_sandbox.pingram_url)
    stack.set_config("pingram:apiKey", PINGRAM_KEY, secret=True)
    stack.set_config("ep:sender", SENDER)
    pingram = PingramClient(endpoints_sandbox.pingram_url, PINGRAM_KEY)

    # an unknown endpoint name: a ConfigError naming the key, at preview
    set_path(stack, "inboxedup:endpoints.verify_domain", "POST /domains/{domain_id}/verify")
    failed = stack.preview(check=False)
    assert failed.returncode != 0
    assert "inboxedup:endpoints.verify_domain: no such inboxedup endpoint" in out(failed)
    assert "Traceback" not in out(failed)  # the program's error, not a Python crash
    stack.remove_config("inboxedup:endpoints")

    # the function calls the overridden path, which the sandbox does not serve
    set_path(stack, "inboxedup:endpoints.account", "GET /account-overview")
    failed = stack.preview(check=False)
    assert failed.returncode != 0
    assert "GET /account-overview" in out(failed) and "404" in out(failed)
    assert "Traceback" not in out(failed)

    # mapped back to the sandbox's path: the function works; the provider's create calls the
    # overridden add_domain path and fails naming it, making nothing
    set_path(stack, "inboxedup:endpoints.account", "GET /account")
    set_path(stack, "pingram:endpoints.add_domain", "POST /sender-domains")
    failed = stack.up(check=False)
    assert failed.returncode != 0
    assert "POST /sender-domains" in out(failed) and "404" in out(failed)
    assert "Traceback" not in out(failed)
    assert pingram.get_domain(SENDER) is None

    set_path(stack, "pingram:endpoints.add_domain", "POST /domains")
    stack.preview()
    stack.up()
    assert stack.outputs()["sender"] == SENDER
    assert stack.outputs()["email"]
    assert pingram.get_domain(SENDER) is not None
    stack.destroy()
    assert pingram.get_domain(SENDER) is None
