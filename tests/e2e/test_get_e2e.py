"""A resource's static `get(name, id)` through the real CLI: it reads an object made outside
Pulumi into the program, and destroy leaves it alone (Pulumi never deletes what `get` reads)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.pingram import PingramClient
from pulumi_inboxed.sandbox import SandboxProcess

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "programs" / "get"
TOKEN = "iu_get_e2e_token"


@pytest.fixture(scope="module")
def get_sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(
        tokens=[TOKEN], queued_seconds=0.2, pending_ns_seconds=0.5, lifetime=1800
    ) as process:
        yield process


def get_stack(cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path) -> LocalStack:
    project = tmp_path / "get"
    shutil.copytree(PROGRAM, project)
    stack = LocalStack(cli, project, "get").init()
    stack.set_config("inboxedup:baseUrl", sandbox.url)
    stack.set_config("inboxedup:apiToken", TOKEN, secret=True)
    stack.set_config("pingram:baseUrl", sandbox.pingram_url)
    stack.set_config("pingram:apiKey", "pingram_sk_sandbox", secret=True)
    return stack


def test_get_reads_a_batch_and_a_sender_domain_made_outside_pulumi(
    cli: PulumiCLI, get_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    inboxedup = InboxedUpClient(get_sandbox.url, TOKEN)
    batch = inboxedup.submit_domains(["got-one.com", "got-two.com"])
    pingram = PingramClient(get_sandbox.pingram_url, "pingram_sk_sandbox")
    pingram.add_domain("got-sender.com")

    stack = get_stack(cli, get_sandbox, tmp_path)
    cases = [
        ("inboxedup", "DomainBatch", batch.batch_id, ["domains", "statuses"]),
        ("pingram", "SenderDomain", "got-sender.com", ["domain", "status"]),
    ]
    for api, kind, object_id, outputs in cases:
        stack.set_config("get:module", api)
        stack.set_config("get:kind", kind)
        stack.set_config("get:id", object_id)
        stack.set_config("get:outputs", json.dumps(outputs))
        stack.preview()
        stack.up()
        out = stack.outputs()
        assert out["id"] == object_id
        read = out["read"]
        if kind == "DomainBatch":
            assert sorted(read["domains"]) == ["got-one.com", "got-two.com"]
            assert set(read["statuses"]) == {"got-one.com", "got-two.com"}
        else:
            assert read["domain"] == "got-sender.com" and read["status"]
        stack.destroy()

    assert {d.domain for d in inboxedup.iter_domains()} >= {"got-one.com", "got-two.com"}
    assert pingram.get_domain("got-sender.com") is not None
