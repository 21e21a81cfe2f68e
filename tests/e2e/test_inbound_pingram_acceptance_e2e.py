"""The acceptance cycle (`acceptance.Cycle`) of mailchannels.InboundDomains and pingram.SenderDomain
through the real CLI, with inputs from other resources' outputs, objects that existed before the
stack (adopted ones stay after destroy, unrelated ones are untouched), an in-place update, drift
seen by refresh and put right by up, and a verified destroy."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailchannels import MailChannelsClient
from pulumi_inboxed.mailchannels.models import DomainSettings, DownstreamAddress, InboundDomain
from pulumi_inboxed.pingram import PingramClient
from pulumi_inboxed.sandbox import SandboxProcess

from .acceptance import Cycle
from .conftest import assert_no_secret

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "programs" / "inbound_pingram"
MC_KEY = "mc-sandbox-key"
PINGRAM_KEY = "pingram_sk_sandbox"
SUB = "sub-sandbox"

SENDER = "news.acc-send.com"  # held by Pingram before the stack: adopted, stays after destroy
REPLY = "reply.news.acc-send.com"  # made by the stack
OUTSIDE_SENDER = "outside-send.com"  # never in the program
ADOPTED_INBOUND = "acc-existing.com"  # provisioned before the stack: adopted, stays
OUTSIDE_INBOUND = "acc-outside.com"  # never in the program
MADE_INBOUND = ["acc-one.com", "acc-two.com"]
DRIFTED = "acc-one.com"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(lifetime=1200, extra_args=["--pingram-verify-seconds", "0.5"]) as process:
        yield process


def provision_outside(client: MailChannelsClient, name: str, policy: str = "block") -> None:
    domain = InboundDomain(
        domain=name,
        subscription_handle=SUB,
        settings=DomainSettings(abuse_policy=policy),
        downstream_addresses=[
            DownstreamAddress(priority=10, weight=10, port=25, target="mx1.agency.example.")
        ],
    )
    result = client.provision_domains([domain], subscription_handle=SUB, overwrite=True)
    assert [s.domain.domain for s in result.successes] == [name]


def policy_of(client: MailChannelsClient, name: str) -> str | None:
    (domain,) = client.list_domains([name])
    return domain.settings.abuse_policy if domain.settings else None


def test_inbound_domains_and_sender_domain_acceptance_cycle(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    mc = MailChannelsClient(sandbox.mailchannels_url, MC_KEY)
    pg = PingramClient(sandbox.pingram_url, PINGRAM_KEY)
    # what existed before the stack
    provision_outside(mc, ADOPTED_INBOUND)
    provision_outside(mc, OUTSIDE_INBOUND, "quarantine")
    pg.add_domain(SENDER)
    pg.add_domain(OUTSIDE_SENDER)

    project = tmp_path / "inbound_pingram"
    shutil.copytree(PROGRAM, project)
    stack = LocalStack(cli, project, "acceptance").init()
    stack.set_config("mailchannels:baseUrl", sandbox.mailchannels_url)
    stack.set_config("mailchannels:apiKey", MC_KEY, secret=True)
    stack.set_config("pingram:baseUrl", sandbox.pingram_url)
    stack.set_config("pingram:apiKey", PINGRAM_KEY, secret=True)
    stack.set_config("acc:sender", SENDER)
    stack.set_config("acc:inbound", ",".join([*MADE_INBOUND, ADOPTED_INBOUND]))

    def held_inbound() -> set[str]:
        return set(sandbox.control.mailchannels_state()["domains"])

    def held_senders() -> set[str]:
        return {d["sender"] for d in sandbox.control.pingram_domains()}

    def after_up() -> None:
        outs = stack.outputs()
        assert sorted(outs["provisioned"]) == sorted([SENDER, *MADE_INBOUND, ADOPTED_INBOUND])
        assert outs["adopted_domains"] == [ADOPTED_INBOUND]
        assert outs["sender_adopted"] is True
        assert outs["reply_sender"] == REPLY
        assert {SENDER, *MADE_INBOUND, ADOPTED_INBOUND} <= held_inbound()
        assert {SENDER, REPLY} <= held_senders()
        assert stack.resource_outputs("reply-sender")["adopted"] is False

    def update() -> None:
        stack.set_config("acc:abusePolicy", "quarantine")
        stack.set_config("acc:startVerification", "true")

    def after_update() -> None:
        assert {policy_of(mc, n) for n in [SENDER, *MADE_INBOUND]} == {"quarantine"}
        assert stack.resource_outputs("sender")["start_verification"] is True

    def drift() -> None:
        # someone changes one domain's abuse policy, and deletes the reply sender domain
        (live,) = mc.list_domains([DRIFTED])
        assert live.settings is not None
        changed = live.model_copy(
            update={"settings": live.settings.model_copy(update={"abuse_policy": "block"})}
        )
        mc.provision_domains([changed], subscription_handle=SUB, overwrite=True)
        pg.delete_domain(REPLY)

    def saw_drift() -> None:
        recorded = {d["domain"]: d for d in stack.resource_outputs("inbound")["domains"]}
        assert recorded[DRIFTED]["settings"]["abuse_policy"] == "block"
        assert recorded["acc-two.com"]["settings"]["abuse_policy"] == "quarantine"
        names = [r.get("urn", "").rsplit("::", 1)[-1] for r in stack.resources()]
        assert "reply-sender" not in names and "sender" in names

    def check_destroyed() -> None:
        inbound = held_inbound()
        assert not inbound & {SENDER, *MADE_INBOUND}, inbound
        assert {ADOPTED_INBOUND, OUTSIDE_INBOUND} <= inbound
        assert policy_of(mc, OUTSIDE_INBOUND) == "quarantine"  # untouched
        senders = held_senders()
        assert REPLY not in senders
        assert {SENDER, OUTSIDE_SENDER} <= senders

    try:
        Cycle(
            kinds=["InboundDomains", "SenderDomain"],
            stack=stack,
            after_up=after_up,
            update=update,
            after_update=after_update,
            drift=drift,
            saw_drift=saw_drift,
            check_destroyed=check_destroyed,
        ).run()
        transcript = "\n".join(stack.cli.transcript)
        # the destroy said what it left, and why
        assert "left in the account" in transcript and ADOPTED_INBOUND in transcript
        assert_no_secret(stack.export(), MC_KEY)
        assert_no_secret(stack.export(), PINGRAM_KEY)
        assert_no_secret(transcript, MC_KEY)
        assert_no_secret(transcript, PINGRAM_KEY)
        assert "--skip-preview" not in transcript
    finally:
        stack.destroy(check=False)
        mc.close()
        pg.close()
