"""A program of all four APIs converges in ONE `pulumi up` while about one API request in five
fails (429, 5xx, a connection reset or a read timeout, before or after the sandbox acted on
it; logins and purchases included), then passes `preview --expect-no-changes`: nothing bought
twice, nothing lost, and destroy leaves nothing the stack made."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.sandbox import SandboxProcess

from .conftest import assert_no_secret

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "programs" / "faults"
IU_TOKEN = "iu-faults-token-5b7e"
ML_TOKEN = "ml-faults-token-2c4d"
ML_PASSWORD = "Faults-Pa55word"
MC_KEY = "mc-faults-key-9a1f"
PG_KEY = "pingram_sk_faults_3d8c"
PREFIX = "flt"
COUNT = 6
FAULT_RATE = 0.2
FAULT_KINDS: list[int | str] = [
    429,
    500,
    502,
    503,
    "reset_before",  # the connection dropped before the API acted
    "reset_after",  # the API acted, the reply was lost
    "timeout_before",
    "timeout_after",
]


@pytest.fixture(scope="module")
def fault_sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(
        queued_seconds=0.3,
        pending_ns_seconds=0.6,
        mailin_job_seconds=0.4,
        tokens=[IU_TOKEN],
        lifetime=1200,
        extra_args=["--pingram-verify-seconds", "0.5"],
    ) as process:
        process.control.update_settings(
            mailin_email="ops@faults.test",
            mailin_password=ML_PASSWORD,
            mailin_tokens=[ML_TOKEN],
            mailchannels_api_keys=[MC_KEY],
            pingram_api_keys=[PG_KEY],
        )
        yield process


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def test_four_apis_converge_in_one_up_under_faults(
    cli: PulumiCLI, fault_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    sandbox = fault_sandbox
    project = tmp_path / "faults"
    shutil.copytree(PROGRAM, project)
    stack = LocalStack(cli, project, "faults").init()
    for key, value, secret in [
        ("inboxedup:baseUrl", sandbox.url, False),
        ("inboxedup:apiToken", IU_TOKEN, True),
        ("inboxedup:pollIntervalSeconds", "0.2", False),
        ("inboxedup:verifyNsIntervalSeconds", "0.5", False),
        ("mailin:baseUrl", sandbox.mailin_url, False),
        ("mailin:email", "ops@faults.test", False),
        ("mailin:password", ML_PASSWORD, True),
        ("mailin:pollIntervalSeconds", "0.2", False),
        ("mailchannels:baseUrl", sandbox.mailchannels_url, False),
        ("mailchannels:apiKey", MC_KEY, True),
        ("pingram:baseUrl", sandbox.pingram_url, False),
        ("pingram:apiKey", PG_KEY, True),
        ("t:prefix", PREFIX, False),
        ("t:count", str(COUNT), False),
    ]:
        stack.set_config(key, value, secret=secret)
    # a held reply (the sandbox holds it 2 s) is a read timeout at 1 s, not the default 30 s
    for api in ("inboxedup", "mailin", "mailchannels", "pingram"):
        stack.set_config(f"{api}:requestTimeoutSeconds", "1")

    iu = InboxedUpClient(sandbox.url, IU_TOKEN)
    ml = MailinClient(sandbox.mailin_url, token=ML_TOKEN)
    try:
        sandbox.control.reset_stats()
        sandbox.control.add_fault(kinds=FAULT_KINDS, rate=FAULT_RATE, seed=19, hold_seconds=2)
        preview = stack.preview()
        up = stack.up()  # ONE run: it must converge
        by_kind = sandbox.control.faults_injected()
        faulted, total = sum(by_kind.values()), sandbox.control.total_requests()
        sandbox.control.clear_faults()
        print(f"under faults: {faulted} of {total} API requests faulted: {by_kind}")
        assert total and faulted / total >= FAULT_RATE / 2, (by_kind, total)
        # resets and held replies, before and after the API acted, and error statuses
        assert {"reset_before", "reset_after", "timeout_before", "timeout_after"} <= set(by_kind)
        assert len(by_kind) >= 6, by_kind

        stack.preview("--expect-no-changes")

        # nothing bought or made twice, nothing lost
        iu_domains = Counter(d.domain for d in iu.iter_domains())
        wanted_iu = {f"{PREFIX}-iu-{i}.com" for i in range(COUNT)}
        assert set(iu_domains) == wanted_iu and set(iu_domains.values()) == {1}, iu_domains
        requests = Counter(r.domain for r in iu.iter_mailbox_requests())
        assert requests == dict.fromkeys(wanted_iu, 1), requests
        purchases = sandbox.control.mailin_purchases()
        wanted_ml = {f"{PREFIX}-ml-{i}.com" for i in range(3)}
        assert purchases == dict.fromkeys(wanted_ml, 1), purchases
        boxes = Counter(m.username for m in ml.list_mailboxes())
        assert set(boxes) == {f"{u}@{d}" for d in wanted_ml for u in ("sales", "info")}
        assert set(boxes.values()) == {1}, boxes
        inbound = set(sandbox.control.mailchannels_state()["domains"])
        assert inbound == {f"{PREFIX}-in-{i}.com" for i in range(COUNT)}, inbound
        senders = Counter(d["sender"] for d in sandbox.control.pingram_domains())
        assert senders == {f"news.{PREFIX}-send.com": 1}, senders
        outs = {r["urn"].rsplit("::", 1)[-1]: r.get("outputs", {}) for r in stack.resources()}
        # what a retry found after its own lost reply is the stack's own, not adopted
        assert not outs["iu-domains"].get("adopted_domains"), outs["iu-domains"]
        assert not outs["iu-mailboxes"].get("adopted_requests"), outs["iu-mailboxes"]
        assert not outs["ml-domains"].get("adopted_domains"), outs["ml-domains"]
        assert not outs["inbound"].get("adopted_domains"), outs["inbound"]
        assert outs["sender"].get("adopted") is False, outs["sender"]

        stack.destroy()
        assert not {d.domain for d in iu.iter_domains()} & wanted_iu
        assert not {d.name for d in ml.list_domains()} & wanted_ml
        assert not set(sandbox.control.mailchannels_state()["domains"])
        assert not sandbox.control.pingram_domains()

        transcript = "\n".join(stack.cli.transcript) + output(preview) + output(up)
        for secret in (IU_TOKEN, ML_TOKEN, ML_PASSWORD, MC_KEY, PG_KEY):
            assert_no_secret(transcript, secret)
            assert_no_secret(stack.export(), secret)
    finally:
        sandbox.control.clear_faults()
        stack.destroy(check=False)
        iu.close()
        ml.close()
