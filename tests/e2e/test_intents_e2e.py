"""After a crash, what the stack bought is still the stack's (`core.intents`), through the real
CLI: `pulumi up` is killed (the CLI and every process under it, SIGKILL) right after a create
reached the sandbox; `pulumi cancel`, `pulumi refresh --clear-pending-creates` and `pulumi up`
recover, as README says; the recovering create manages what the killed run made as made by the
stack (not adopted), and `pulumi destroy` leaves nothing of it in the sandbox.

One stack holds every kind that buys or creates (but Mailin.ai's Domains purchase and Azure
order, killed in test_mailin_e2e.py and test_mailin_microsoft_e2e.py): an InboxedUp DomainBatch,
MailboxRequests and a MailboxRequest, Mailin.ai SmtpMailboxes, GoogleMailboxes, a Subdomain, an
InboxProvider, a DomainRegistrar and an Inboxkit transfer (Domains), MailChannels InboundDomains
and a Pingram SenderDomain, beside objects made before the stack (the mailboxes' domains, a
subdomain and an Inboxkit transfer, and one object in each collection: adopted, and kept by
destroy), and a DomainForwarding on a domain without one (it sets a field of a domain, as
EmailForwarding does, whose code it shares: destroy removes what the killed run set). The
sandbox acts on each create's POST and holds its reply (a `timeout_after` fault) until `up` is
killed: one kill, one recovery."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin.forwarding import find_domain_anywhere
from pulumi_inboxed.sandbox import SandboxProcess

from .conftest import assert_no_secret, interrupt_up
from .estate import seed

pytestmark = pytest.mark.e2e


CRASH_PROGRAM = Path(__file__).parent / "programs" / "crash"
PREFIX = "crash"
HOLD_SECONDS = 300.0
"""The sandbox holds each create's reply this long after acting on it (past the kill)."""
REQUEST_TIMEOUT = "400"
"""Longer than the hold: the killed run's client is still waiting when the kill comes."""
APIS = ("inboxedup", "mailin", "mailchannels", "pingram")
KINDS = (
    *("iu-domains", "iu-mailboxes", "iu-mailbox", "ml-smtp", "ml-google", "ml-sub"),
    *("ml-provider", "ml-registrar", "ml-inboxkit", "ml-forward", "ml-email-forward"),
    *("inbound", "sender"),
)
"""The resources of the program (tests/e2e/programs/crash)."""
PARALLEL = "16"
"""Above the number of creates held at once (the engine's default, 4 x cores, is 8 here)."""
MAILIN = "/api/v1/public"
MAILIN_MAILBOXES = MAILIN + "/mailboxes"  # SMTP and Google (`/mailboxes/add/google`) creates
NEW_SECRETS = {
    "crash:ipKey": "INSTANTLY-CRASH-KEY-7",
    "crash:regKey": "pk1-CRASH-KEY-7",
    "crash:regSecret": "sk1-CRASH-SECRET-7",
}


def records(project: Path) -> list[dict[str, object]]:
    where = project / ".inboxed" / "intents"
    found = sorted(where.rglob("*.json")) if where.exists() else []
    return [json.loads(p.read_text()) for p in found]


def created_line(said: str, key: str) -> bool:
    """Whether the recovering run said it manages `key` as made by the stack (`core.intents`)."""
    pattern = rf"found [^\n]*{re.escape(key)}[^\n]*by the interrupted run of [^\n]*as created"
    return re.search(pattern, said) is not None


def test_every_kind_created_by_a_killed_up_is_managed_as_created(
    cli: PulumiCLI, sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    laps = [("start", time.monotonic())]
    sandbox.control.update_settings(mailin_job_seconds=0.3)
    pre = seed(
        sandbox.url,
        api_token,
        prefix="pre",
        inboxedup_domains=1,
        mailchannels_domains=1,
        pingram_domains=1,
        mailin_microsoft=False,
    )
    laps.append(("seed", time.monotonic()))
    iu_domain = pre.inboxedup_domains[0]
    smtp_domain, google_domain = pre.mailin_domains[0], pre.mailin_domains[3]
    new_domains = [f"{PREFIX}-a.com", f"{PREFIX}-b.com"]
    new_request = f"{iu_domain}/smtp/ann,bob"
    new_single = f"{iu_domain}/google/cat"  # the MailboxRequest's
    new_smtp, new_google = f"{PREFIX}-sales@{smtp_domain}", f"{PREFIX}-john@{google_domain}"
    new_inbound = [f"{PREFIX}-in-0.com", f"{PREFIX}-in-1.com"]
    new_sender = f"news.{PREFIX}-send.com"
    new_sub = f"{PREFIX}-sub.{smtp_domain}"
    new_provider, new_registrar = f"{PREFIX} Instantly", f"{PREFIX} Porkbun"
    new_inboxkit = f"{PREFIX}-ik.com"
    new_forward = f"{PREFIX}-fwd.com"
    new_email_forward = f"desk@{PREFIX}-fwd.com"

    ml = MailinClient(sandbox.mailin_url, token=pre.secrets["mailin:apiToken"])
    forwarded = ml.find_domain(pre.mailin_domains[2])  # the seed forwards domains 0 and 1 only
    assert forwarded is not None and not forwarded.forward_to
    assert not forwarded.email_forward_to

    def forward_to() -> str | None:
        found = ml.find_domain(pre.mailin_domains[2])
        assert found is not None
        return found.forward_to

    def email_forward_to() -> str | None:
        found = ml.find_domain(pre.mailin_domains[2])
        assert found is not None
        return found.email_forward_to

    project = tmp_path / "crash"
    shutil.copytree(CRASH_PROGRAM, project)
    stack = LocalStack(cli, project, "crash").init()
    plain = {
        **pre.config,
        **{f"{api}:requestTimeoutSeconds": REQUEST_TIMEOUT for api in APIS},
        "crash:prefix": PREFIX,
        "crash:iuDomain": iu_domain,
        "crash:iuOld": "microsoft:user0,user1,user2",
        "crash:smtpDomain": smtp_domain,
        "crash:smtpOld": f"u0@{smtp_domain}",
        "crash:smtpOldName": "User 0",
        "crash:googleDomain": google_domain,
        "crash:googleOld": f"g0@{google_domain}",
        "crash:googleOldName": "Gee Person0",
        "crash:inboundOld": pre.mailchannels_domains[0],
        "crash:forwardDomainId": str(forwarded.id),
    }
    stack._run("config", "set-all", *(f"--plaintext={k}={v}" for k, v in plain.items()))
    secrets = {**pre.secrets, **NEW_SECRETS}
    for key, value in secrets.items():  # one by one, through stdin: never on a command line
        stack.set_config(key, value, secret=True)
    laps.append(("stack and config", time.monotonic()))

    iu = InboxedUpClient(sandbox.url, api_token)

    def requests() -> Counter[str]:
        return Counter(
            f"{r.domain}/{r.mailbox_type.value}/"
            + ",".join(sorted(m.mailbox_username for m in r.mailboxes))
            for r in iu.iter_mailbox_requests(domain=iu_domain)
        )

    def mailboxes() -> Counter[str]:
        return Counter(m.username for m in ml.list_mailboxes())  # SMTP and Google

    def inbound() -> set[str]:
        return set(sandbox.control.mailchannels_state()["domains"])

    def senders() -> Counter[str]:
        return Counter(d["sender"] for d in sandbox.control.pingram_domains())

    def providers() -> Counter[str]:
        return Counter(str(p.name) for p in ml.list_inbox_providers())

    def registrars() -> Counter[str]:
        return Counter(str(r.name) for r in ml.list_domain_registrars())

    def inboxkit() -> Counter[str]:
        return Counter(d.name for d in ml.list_inboxkit_domains())

    before_requests, before_mailboxes = requests(), mailboxes()
    before_inbound, before_senders = inbound(), senders()
    before_providers, before_registrars = providers(), registrars()
    before_inboxkit = inboxkit()
    assert before_inboxkit, "the seed made no Inboxkit transfer: nothing to keep"
    pre_sub = "sales." + pre.mailin_domains[2]  # made by the seed
    assert find_domain_anywhere(ml, pre_sub) is not None

    def every_create_acted() -> bool:
        return (
            set(iu.find_domains(new_domains)) == set(new_domains)
            and {new_request, new_single} <= set(requests())
            and {new_smtp, new_google} <= set(mailboxes())
            and set(new_inbound) <= inbound()
            and new_sender in senders()
            and find_domain_anywhere(ml, new_sub) is not None
            and new_provider in providers()
            and new_registrar in registrars()
            and new_inboxkit in inboxkit()
            and forward_to() == new_forward
            and email_forward_to() == new_email_forward
        )

    # each kind's create: the sandbox acts on it, then holds its reply until after the kill
    held = {
        "/domains": 1,  # InboxedUp's submit, POST /domains
        "/mailboxes": 2,  # InboxedUp's POST /mailboxes (MailboxRequests, MailboxRequest)
        MAILIN_MAILBOXES: 2,
        sandbox.mailchannels_url.removeprefix(sandbox.url) + "/domains/batch": 1,
        sandbox.pingram_url.removeprefix(sandbox.url) + "/domains": 1,
        MAILIN + "/domains/add/subdomain": 1,
        MAILIN + "/inbox-providers/add": 1,
        MAILIN + "/domain-registrars/add": 1,
        MAILIN + "/domains/transfer/inboxkit": 1,
        MAILIN + "/domains/forward": 1,
        MAILIN + "/domains/email/forward": 1,
    }
    for path, count in held.items():
        sandbox.control.add_fault(
            kind="timeout_after",
            count=count,
            method="POST",
            path_prefix=path,
            hold_seconds=HOLD_SECONDS,
        )
    try:
        try:
            interrupt_up(
                stack,
                every_create_acted,
                "every kind's create reaching the sandbox",
                "--parallel",
                PARALLEL,
            )
        finally:
            sandbox.control.clear_faults()
        laps.append(("killed up", time.monotonic()))
        # the provider process ran in the project's directory: the records are beside Pulumi.yaml
        recorded = records(project)  # one per create, none removed
        assert sorted(str(r["urn"]).rsplit("::", 1)[-1] for r in recorded) == sorted(KINDS)
        assert {r["stack"] for r in recorded} == {stack.name}
        (submit,) = [r for r in recorded if str(r["urn"]).endswith("::iu-domains")]
        assert sorted(submit["keys"]) == new_domains  # type: ignore[call-overload]
        finished = [r["urn"] for r in stack.resources() if r["urn"].rsplit("::", 1)[-1] in KINDS]
        assert not finished, f"created before the kill, the test proves nothing for {finished}"

        stack.cancel()  # the killed CLI left its lock
        stack.refresh("--clear-pending-creates")
        recovered = stack.up("--parallel", PARALLEL)
        laps.append(("cancel, refresh, up", time.monotonic()))
        said = recovered.stdout + recovered.stderr
        made = (
            *new_domains,
            new_request,
            new_single,
            new_smtp,
            new_google,
            *new_inbound,
            new_sender,
        )
        made += (new_sub, f"instantly/{new_provider}", f"porkbun/{new_registrar}", new_inboxkit)
        made += (f"domain forwarding of domain {forwarded.id} to {new_forward}",)
        made += (f"email forwarding of domain {forwarded.id} to {new_email_forward}",)
        for key in made:
            assert created_line(said, key), f"no 'managing ... as created' for {key}:\n{said}"
        assert records(project) == []  # the state holds them now
        for secret in secrets.values():
            assert_no_secret(said + stack.export(), secret)
        outputs = stack.outputs()
        # made by the stack, not adopted; what was there before is adopted, as always
        assert outputs["adopted_domains"] == [], outputs
        assert outputs["adopted_requests"] == [f"{iu_domain}/microsoft"], outputs
        assert outputs["single_adopted"] is False, outputs
        assert outputs["adopted_smtp"] == [f"u0@{smtp_domain}"], outputs
        assert outputs["adopted_google"] == [f"g0@{google_domain}"], outputs
        assert outputs["adopted_inbound"] == pre.mailchannels_domains, outputs
        assert outputs["sender_adopted"] is False, outputs
        assert outputs["sub_adopted"] is False, outputs
        assert outputs["provider_adopted"] is False, outputs
        assert outputs["registrar_adopted"] is False, outputs
        assert outputs["adopted_inboxkit"] == [], outputs
        assert outputs["forward_adopted"] is False, outputs
        assert outputs["email_forward_adopted"] is False, outputs
        # each made once
        bought = iu.find_domains(new_domains)
        assert sorted(bought) == new_domains and len({d.id for d in bought.values()}) == 2
        assert requests()[new_request] == 1 and requests()[new_single] == 1
        assert mailboxes()[new_smtp] == 1 and mailboxes()[new_google] == 1
        assert senders()[new_sender] == 1
        assert providers()[new_provider] == 1 and registrars()[new_registrar] == 1
        assert inboxkit()[new_inboxkit] == 1

        stack.destroy()
        laps.append(("destroy", time.monotonic()))
        # nothing the stack made is left (but the mailbox requests: InboxedUp cannot delete one)
        assert iu.find_domains(new_domains) == {}
        assert inbound() == before_inbound
        assert senders() == before_senders
        assert mailboxes() == before_mailboxes
        assert requests() == before_requests + Counter({new_request: 1, new_single: 1})
        assert find_domain_anywhere(ml, new_sub) is None
        assert providers() == before_providers and registrars() == before_registrars
        assert inboxkit() == before_inboxkit
        assert not forward_to() and not email_forward_to()
        # and nothing made before the stack is gone
        assert iu.find_domains([iu_domain]).keys() == {iu_domain}
        held_domains = {d.name for d in ml.list_domains()} | {
            d.name for d in ml.list_domains(google=True)
        }
        assert {smtp_domain, google_domain} <= held_domains
        assert find_domain_anywhere(ml, pre_sub) is not None
        seeded_forward = ml.find_domain(pre.mailin_domains[0])  # the seed's forwarding stays
        assert seeded_forward is not None and seeded_forward.forward_to
    finally:
        stack.destroy(check=False)
        iu.close()
        ml.close()
    shown = ", ".join(f"{name} {t - laps[i][1]:.1f} s" for i, (name, t) in enumerate(laps[1:]))
    print(f"\nkill-and-recover of {len(KINDS)} kinds: {laps[-1][1] - laps[0][1]:.1f} s ({shown})")
