"""What the user reads, through the real CLI (issue 21): mistakes name what to fix, and what the
state holds of the credentials.

1. A misspelt input: `unknown input 'wait_timout_seconds'; did you mean 'wait_timeout_seconds'?`
   with the program's line, and no traceback.
2. A collection entry on a domain nobody holds: the entry's path and domain, never
   `value {<nil>}`; InboxedUp's and Mailin.ai's in the same words, naming the account and its
   config key ("one promise everywhere").
3. A refused token of a named account at preview: on `account`, naming the account and the
   config key to set, never the token.
4. Credentials in the state: the stack config is recorded with the default provider, encrypted;
   a plain `pulumi refresh` uses the recorded token until the next `up`, and
   `refresh --run-program` the current one. With the token in `INBOXEDUP_API_TOKEN` instead, the
   state holds none and refresh uses the variable's current value (docs/accounts.md).
"""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess

from .conftest import assert_no_secret

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "programs" / "messages"
GOOD = "iu_msg_good_" + secrets.token_hex(12)
WRONG = "iu_msg_wrong_" + secrets.token_hex(12)


@pytest.fixture(scope="module")
def messages_sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(
        queued_seconds=0, pending_ns_seconds=0, tokens=[GOOD], lifetime=900
    ) as process:
        yield process


@pytest.fixture
def stack(cli: PulumiCLI, messages_sandbox: SandboxProcess, tmp_path: Path) -> Iterator[LocalStack]:
    project = tmp_path / "messages"
    shutil.copytree(PROGRAM, project)
    made = LocalStack(cli, project, "messages").init()
    made.set_config("inboxedup:baseUrl", messages_sandbox.url)
    made.set_config("inboxedup:apiToken", GOOD, secret=True)
    made.set_config("inboxedup:pollIntervalSeconds", "0.2")
    cli.run(
        "config", "set", "--path", "--secret", "inboxedup:accounts.client-b.apiToken", WRONG,
        "--stack", "messages", cwd=project,
    )  # fmt: skip
    yield made
    cli.extra_env.pop("INBOXEDUP_API_TOKEN", None)
    made.destroy(check=False)


def preview_of(stack: LocalStack, case: str) -> str:
    stack.set_config("messages:case", case)
    proc = stack.preview(check=False)
    assert proc.returncode != 0, f"{case}: the preview passed"
    return proc.stdout + proc.stderr


def test_mistakes_name_what_to_fix_with_no_traceback(
    stack: LocalStack, messages_sandbox: SandboxProcess
) -> None:
    typo = preview_of(stack, "typo")
    assert (
        "error: MailboxRequest (at __main__.py:" in typo
        and "unknown input 'wait_timout_seconds'; did you mean 'wait_timeout_seconds'?" in typo
    ), typo
    assert "Traceback" not in typo and "resource_spec.py" not in typo, typo

    entry = preview_of(stack, "entry")
    assert "{<nil>}" not in entry, entry
    assert (
        "MailboxRequests resource 'entries' has a problem: requests[0].domain: "
        "the default account (InboxedUp, the plain inboxedup: config) holds no domain "
        "'msg-nowhere.com' and the program declares none"
    ) in entry, entry

    stack.set_config("mailin:baseUrl", messages_sandbox.mailin_url)
    stack.cli.run(
        "config", "set", "--path", "--secret", "mailin:accounts.client-m.apiToken",
        "mailin-sandbox-token", "--stack", "messages", cwd=stack.project_dir,
    )  # fmt: skip
    mailin = preview_of(stack, "mailin")
    assert "{<nil>}" not in mailin, mailin
    assert (
        "SmtpMailboxes resource 'client-m-boxes' has a problem: mailboxes[0].username: "
        "account 'client-m' (Mailin.ai, config mailin:accounts.client-m) holds no SMTP domain "
        "'msg-nowhere-mailin.com' and the program declares none"
    ) in mailin, mailin
    assert "Traceback" not in mailin, mailin

    refused = preview_of(stack, "refused")
    assert "{<nil>}" not in refused, refused
    assert (
        "resource 'client-b-mailboxes': property account value {client-b} has a problem: "
        "could not check 'b-send-5.com' against the account: InboxedUp account 'client-b': "
        "the API refused the token (401"
    ) in refused, refused
    assert "'inboxedup:accounts.client-b.apiToken'" in refused, refused
    assert_no_secret(refused, WRONG)


def _provider_inputs(stack: LocalStack) -> dict[str, object]:
    state = json.loads(stack.export())
    (provider,) = [
        r for r in state["deployment"]["resources"] if r["type"] == "pulumi:providers:pulumi-python"
    ]
    inputs: dict[str, object] = provider["inputs"]
    return inputs


def test_refresh_uses_the_recorded_token_until_up_and_the_environment_keeps_it_out(
    stack: LocalStack, cli: PulumiCLI
) -> None:
    stack.set_config("messages:case", "fine")
    stack.up()
    recorded = _provider_inputs(stack)
    assert "ciphertext" in json.dumps(recorded["inboxedup:apiToken"])  # encrypted, recorded
    assert_no_secret(stack.export(), GOOD)

    stack.set_config("inboxedup:apiToken", WRONG, secret=True)  # "rotated" to a refused one
    stack.refresh()  # passes: the recorded (old) token is used
    current = stack.refresh("--run-program", check=False)  # the current config: refused
    assert current.returncode != 0
    assert (
        "InboxedUp (default account): the API refused the token (401"
        in current.stdout + current.stderr
    )

    stack.remove_config("inboxedup:apiToken")  # the token only in the environment
    cli.extra_env["INBOXEDUP_API_TOKEN"] = GOOD
    stack.up()
    assert not any(key.endswith("apiToken") for key in _provider_inputs(stack))
    cli.extra_env["INBOXEDUP_API_TOKEN"] = WRONG
    later = stack.refresh(check=False)  # the variable's current value, at once
    assert later.returncode != 0 and "the API refused the token (401" in later.stdout + later.stderr
    cli.extra_env["INBOXEDUP_API_TOKEN"] = GOOD
