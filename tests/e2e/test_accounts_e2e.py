"""Two InboxedUp accounts and two Mailin.ai accounts in one program, through the real CLI.

The sandbox serves several accounts, isolated by credential: `client-a` and `client-b` are added
to it, beside its default account. The stack names them in `inboxedup:accounts` and
`mailin:accounts` (credentials set with `pulumi config set --path --secret`; Mailin.ai's
`client-a` by token, its `client-b` by email and password), and the program puts objects in each
(`programs/accounts`). Each step is checked in the sandbox per account, through the API with that
account's own credential (what one account holds, the other does not see):

1. preview, up (each object in its own account; the default account untouched), no changes;
2. a move of one domain's mailboxes from client-a to client-b in both APIs (replace: made in
   client-b, deleted from client-a), then no changes;
3. a MailboxRequest in client-b on a domain of client-a's batch fails the preview naming both
   accounts, with no call of the resources to either account;
4. `account="nobody"` fails the preview naming `account` and the config key to set;
5. destroy: what the stack made is gone from both accounts, what each held before is there.

The per-account request counts of each step are printed at the end (run with `-s` or read the
test's output section).
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.sandbox import SandboxProcess

from .acceptance import expect_no_changes
from .conftest import assert_no_secret

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "programs" / "accounts"
P = "acct"  # every domain's prefix
NAMED = ("client-a", "client-b")
ACCOUNTS = (*NAMED, "default")
DEFAULT_INBOXEDUP_TOKEN = "iu_accounts_default_" + secrets.token_hex(8)
DEFAULT_MAILIN_TOKEN = "mailin-sandbox-token"  # the sandbox's default account

# Fresh per run, so a leak check looks for values that cannot be there by chance.
CREDENTIALS: dict[str, dict[str, str]] = {
    "client-a": {
        "inboxedup": "iu_a_" + secrets.token_hex(16),
        "mailin": "ml_a_" + secrets.token_hex(16),
    },
    "client-b": {
        "inboxedup": "iu_b_" + secrets.token_hex(16),
        "mailin_email": "client-b@agency.test",
        "mailin_password": "pw-b-" + secrets.token_hex(12),
        # the test's own token to look into client-b's Mailin.ai account (the stack logs in)
        "mailin_inspect": "ml_b_inspect_" + secrets.token_hex(12),
    },
}
SECRETS = [
    CREDENTIALS["client-a"]["inboxedup"],
    CREDENTIALS["client-a"]["mailin"],
    CREDENTIALS["client-b"]["inboxedup"],
    CREDENTIALS["client-b"]["mailin_password"],
]

ONLY_A, ONLY_B, MOVING = f"{P}-a.com", f"{P}-b.com", f"{P}-moving.com"
MAILIN_A, MAILIN_B = f"{P}-ma.com", f"{P}-mb.com"


def held_before(account: str) -> str:
    """The domain each account holds before the stack (seeded through the sandbox's API)."""
    return f"{P}-pre-{account}.com"


@pytest.fixture(scope="module")
def accounts_sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(
        queued_seconds=0.3,
        pending_ns_seconds=0.6,
        mailin_job_seconds=0.4,
        tokens=[DEFAULT_INBOXEDUP_TOKEN],
        lifetime=1800,
    ) as process:
        a, b = CREDENTIALS["client-a"], CREDENTIALS["client-b"]
        process.control.add_account(
            "client-a", inboxedup_tokens=[a["inboxedup"]], mailin_tokens=[a["mailin"]]
        )
        process.control.add_account(
            "client-b",
            inboxedup_tokens=[b["inboxedup"]],
            mailin_email=b["mailin_email"],
            mailin_password=b["mailin_password"],
            mailin_tokens=[b["mailin_inspect"]],
        )
        yield process


def out(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def replaced(preview: str, name: str) -> bool:
    """Whether `pulumi preview --diff` shows the resource `name` replaced (its block's first line
    ends in "(replace)", two lines above its URN)."""
    lines = preview.splitlines()
    for index, line in enumerate(lines):
        if line.strip().startswith("[urn=") and line.strip().endswith(f"::{name}]"):
            return any("(replace)" in above for above in lines[max(0, index - 3) : index])
    return False


def config_set_path(stack: LocalStack, key: str, value: str, *, secret: bool = False) -> None:
    """`pulumi config set --path [--secret] KEY`, a secret value through stdin (never argv)."""
    if secret:
        stack._run("config", "set", "--path", "--secret", key, "--non-interactive", stdin=value)
    else:
        stack._run("config", "set", "--path", key, value, "--non-interactive")


class Accounts:
    """Looks into each sandbox account through the API, with that account's own credential."""

    def __init__(self, sandbox: SandboxProcess) -> None:
        self.sandbox = sandbox
        a, b = CREDENTIALS["client-a"], CREDENTIALS["client-b"]
        self.inboxedup = {
            "client-a": InboxedUpClient(sandbox.url, a["inboxedup"]),
            "client-b": InboxedUpClient(sandbox.url, b["inboxedup"]),
            "default": InboxedUpClient(sandbox.url, DEFAULT_INBOXEDUP_TOKEN),
        }
        self.mailin = {
            "client-a": MailinClient(sandbox.mailin_url, token=a["mailin"]),
            "client-b": MailinClient(sandbox.mailin_url, token=b["mailin_inspect"]),
            "default": MailinClient(sandbox.mailin_url, token=DEFAULT_MAILIN_TOKEN),
        }

    def view(self, account: str) -> dict[str, Any]:
        """What `account` holds, in both APIs."""
        iu, ml = self.inboxedup[account], self.mailin[account]
        return {
            "inboxedup_domains": {d.domain: d.id for d in iu.iter_domains()},
            "inboxedup_requests": {
                r.id: (r.domain, tuple(sorted(m.mailbox_username for m in r.mailboxes)))
                for r in iu.iter_mailbox_requests()
            },
            "mailin_domains": {d.name: d.id for d in ml.list_domains()},
            "mailin_mailboxes": {m.username for m in ml.list_mailboxes()},
        }

    def requests_on(self, account: str, domain: str) -> dict[str, tuple[str, ...]]:
        return {
            rid: users
            for rid, (name, users) in self.view(account)["inboxedup_requests"].items()
            if name == domain
        }

    def counts(self) -> dict[str, int]:
        """API requests each sandbox account has received so far (both APIs)."""
        control = self.sandbox.control
        return {name: sum(control.for_account(name).stats().values()) for name in ACCOUNTS}

    def seed(self) -> None:
        """Each account holds a domain in both APIs before the stack exists."""
        for account in ACCOUNTS:
            self.inboxedup[account].submit_domains([held_before(account)])
            self.mailin[account].buy_domains([held_before(account)])
        deadline = time.monotonic() + 30
        for account in ACCOUNTS:
            while self.mailin[account].find_domain(held_before(account)) is None:
                assert time.monotonic() < deadline, f"{held_before(account)} never bought"
                time.sleep(0.2)


def test_two_accounts_of_each_api_in_one_program(
    cli: PulumiCLI,
    accounts_sandbox: SandboxProcess,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sandbox = accounts_sandbox
    accounts = Accounts(sandbox)
    accounts.seed()
    before = {account: accounts.view(account) for account in ACCOUNTS}

    project = tmp_path / "accounts"
    shutil.copytree(PROGRAM, project)
    stack = LocalStack(cli, project, "accounts").init()
    # Plain settings: every account inherits them. No default credential is set at all.
    stack.set_config("inboxedup:baseUrl", sandbox.url)
    stack.set_config("inboxedup:pollIntervalSeconds", "0.2")
    stack.set_config("inboxedup:verifyNsIntervalSeconds", "0.5")
    stack.set_config("mailin:baseUrl", sandbox.mailin_url)
    stack.set_config("mailin:pollIntervalSeconds", "0.2")
    a, b = CREDENTIALS["client-a"], CREDENTIALS["client-b"]
    config_set_path(stack, "inboxedup:accounts.client-a.apiToken", a["inboxedup"], secret=True)
    config_set_path(stack, "inboxedup:accounts.client-b.apiToken", b["inboxedup"], secret=True)
    config_set_path(stack, "mailin:accounts.client-a.apiToken", a["mailin"], secret=True)
    config_set_path(stack, "mailin:accounts.client-b.email", b["mailin_email"])
    config_set_path(stack, "mailin:accounts.client-b.password", b["mailin_password"], secret=True)
    stack.set_config("t:prefix", P)

    counted: list[tuple[str, dict[str, int]]] = []

    def step(label: str, run: Callable[[], Any]) -> Any:
        start = accounts.counts()
        result = run()
        end = accounts.counts()
        counted.append((label, {name: end[name] - start[name] for name in ACCOUNTS}))
        return result

    def default_untouched() -> None:
        assert accounts.view("default") == before["default"]

    # 1. preview, up: each object in its own account -------------------------------------------
    preview = step("1 preview", stack.preview)
    assert "create" in preview.stdout, preview.stdout[-3000:]
    step("1 up", stack.up)

    view_a, view_b = accounts.view("client-a"), accounts.view("client-b")
    made_a = set(view_a["inboxedup_domains"]) - set(before["client-a"]["inboxedup_domains"])
    made_b = set(view_b["inboxedup_domains"]) - set(before["client-b"]["inboxedup_domains"])
    assert made_a == {ONLY_A, MOVING} and made_b == {ONLY_B}
    assert set(accounts.requests_on("client-a", MOVING).values()) == {("max", "mia")}
    assert accounts.requests_on("client-b", MOVING) == {}
    assert set(accounts.requests_on("client-b", ONLY_B).values()) == {("bea",)}
    first_request = str(stack.outputs()["moving_request_id"])
    assert first_request in view_a["inboxedup_requests"]
    assert first_request not in view_b["inboxedup_requests"]
    assert set(view_a["mailin_domains"]) == {held_before("client-a"), MAILIN_A}
    assert set(view_b["mailin_domains"]) == {held_before("client-b"), MAILIN_B}
    assert view_a["mailin_mailboxes"] == {f"sales@{MAILIN_A}", f"team@{MAILIN_A}"}
    assert view_b["mailin_mailboxes"] == {f"info@{MAILIN_B}"}
    for account in NAMED:  # what each held before is as it was
        now = accounts.view(account)
        for key in ("inboxedup_domains", "mailin_domains"):
            assert now[key][held_before(account)] == before[account][key][held_before(account)]
    default_untouched()
    outputs = stack.outputs()
    assert outputs["inboxedup_customer_a"]  # functions take `account=` too
    assert isinstance(outputs["mailin_credits_b"], int)
    step("1 no-change preview", lambda: expect_no_changes(stack, "up"))

    # 2. the move: client-a's mailboxes on one domain go to client-b, in both APIs --------------
    stack.set_config("t:stage", "2")
    moving_preview = step("2 preview of the move", stack.preview)
    for name in ("requests-moving", "mailin-mailboxes-moving"):
        assert replaced(moving_preview.stdout, name), moving_preview.stdout[-3000:]
    moved = step("2 up (move)", stack.up)

    view_a, view_b = accounts.view("client-a"), accounts.view("client-b")
    assert MOVING not in view_a["inboxedup_domains"] and ONLY_A in view_a["inboxedup_domains"]
    assert {ONLY_B, MOVING} <= set(view_b["inboxedup_domains"])
    second_request = str(stack.outputs()["moving_request_id"])
    assert second_request != first_request
    assert accounts.requests_on("client-b", MOVING) == {second_request: ("max", "mia")}
    assert second_request not in view_a["inboxedup_requests"]
    # InboxedUp has no endpoint to cancel a request: client-a's old record stays, on a domain
    # client-a no longer holds, and the up says so.
    assert accounts.requests_on("client-a", MOVING) == {first_request: ("max", "mia")}
    warning = (
        "no endpoint to cancel or delete a mailbox request, so these stay in InboxedUp account "
        "'client-a' "
    )
    assert warning in out(moved), out(moved)[-3000:]
    assert f"#1 {first_request} (requests-moving: {MOVING})" in out(moved), out(moved)[-3000:]
    assert view_a["mailin_mailboxes"] == set()  # deleted from client-a
    assert view_b["mailin_mailboxes"] == {
        f"info@{MAILIN_B}",
        f"sales@{MAILIN_B}",
        f"team@{MAILIN_B}",
    }
    default_untouched()
    step("2 no-change preview", lambda: expect_no_changes(stack, "the move"))

    # 3. a cross-account mistake fails the preview, with no call of the resources ----------------
    stack.set_config("t:mistake", "true")
    mistake = step("3 preview (cross-account)", lambda: stack.preview(check=False))
    stack.remove_config("t:mistake")
    assert mistake.returncode != 0
    text = out(mistake)
    assert "client-a" in text and "client-b" in text and ONLY_A in text, text[-3000:]
    assert "Traceback" not in text
    # the program stops at the mistaken resource: no account is called (not even the
    # functions declared after it)
    label, calls = counted[-1]
    assert calls == dict.fromkeys(ACCOUNTS, 0), (label, calls)
    messages = [line.strip() for line in text.splitlines() if ONLY_A in line]

    # 4. an account the stack does not configure ------------------------------------------------
    stack.set_config("t:nobody", "true")
    nobody = step("4 preview (unknown account)", lambda: stack.preview(check=False))
    stack.remove_config("t:nobody")
    assert nobody.returncode != 0
    text = out(nobody)
    assert "account" in text and "inboxedup:accounts.nobody" in text, text[-3000:]
    assert "Traceback" not in text
    messages += [line.strip() for line in text.splitlines() if "nobody" in line]
    step("4 no-change preview", lambda: expect_no_changes(stack, "the failed previews"))

    # 5. destroy: both accounts as they were, apart from InboxedUp's uncancellable requests ----
    step("5 destroy", stack.destroy)
    for account in NAMED:
        now = accounts.view(account)
        assert now["inboxedup_domains"] == before[account]["inboxedup_domains"], account
        assert now["mailin_domains"] == before[account]["mailin_domains"], account
        assert now["mailin_mailboxes"] == before[account]["mailin_mailboxes"], account
    # InboxedUp cannot cancel a request: the stack's requests stay on record, each in its account
    for account, domains in (("client-a", [MOVING]), ("client-b", [MOVING, ONLY_B])):
        left = accounts.view(account)["inboxedup_requests"]
        made = [left[rid][0] for rid in set(left) - set(before[account]["inboxedup_requests"])]
        assert sorted(made) == sorted(domains), (account, made)
    default_untouched()
    # every process that logged in to client-b revoked its token at exit (the last may still be
    # exiting when the CLI returns)
    live = sandbox.control.for_account("client-b")
    deadline = time.monotonic() + 60  # a safety net: a busy machine exits processes slowly
    while live.mailin_live_tokens() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert live.mailin_live_tokens() == 0

    # no credential in plaintext: stack file, state, CLI output
    stack_file = (project / "Pulumi.accounts.yaml").read_text(encoding="utf-8")
    state = stack.export()
    transcript = "\n".join(cli.transcript)
    for value in SECRETS:
        assert_no_secret(stack_file, value)
        assert_no_secret(state, value)
        assert_no_secret(transcript, value)
    assert "secure:" in stack_file
    # the stack never called the default account: no credential fell back to it
    assert all(calls["default"] == 0 for _, calls in counted), counted

    with capsys.disabled():
        print("\nper-account API requests (sandbox counters), by step:")
        print("| step | " + " | ".join(ACCOUNTS) + " |")
        print("|---" * (len(ACCOUNTS) + 1) + "|")
        for label, calls in counted:
            print(f"| {label} | " + " | ".join(str(calls[name]) for name in ACCOUNTS) + " |")
        print("the failed previews said:")
        for line in messages:
            print("  " + line[:400])
