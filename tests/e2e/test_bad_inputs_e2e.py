"""Bad inputs through the real `pulumi preview`, one or more per resource kind: the preview fails
naming the field and the reason, prints no traceback, and no API sees a request.

(Every resource's full bad-input table runs in the unit tests through the provider host's own
Check path; this shows the same rows reach a user's terminal that way.)
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "programs" / "bad_inputs"

SMTP = {"username": "sales@acme-mail.com", "name": "Sales"}
GOOGLE = {"username": "john@acme-mail.com", "first_name": "John", "last_name": "Smith"}
MAILBOX = {"first_name": "John", "last_name": "Smith", "username": "john"}

# (api, kind, inputs, field, part of the reason)
CASES: list[tuple[str, str, dict[str, Any], str, str]] = [
    ("inboxedup", "DomainBatch", {"domains": ["a.com"], "wait_for": 5}, "wait_for", "'ns_ready'"),
    ("inboxedup", "DomainBatch", {"domains": ["\u0430pple-pay.com"]}, "domains[0]", "mixes"),
    (
        "inboxedup",
        "MailboxRequest",
        {"domain": "a.com", "type": 5, "mailboxes": [MAILBOX]},
        "type",
        "microsoft",
    ),
    ("inboxedup", "SubscriptionNotes", {"subscription_id": "s", "notes": 5}, "notes", "string"),
    ("mailin", "Domains", {"domains": ["a.com"], "google": "false"}, "google", "boolean"),
    ("mailin", "Domains", {"domains": ["a.com"], "acquisition": ["buy"]}, "acquisition", ""),
    ("mailin", "Subdomain", {"subdomain": "a b", "domain": "x.com"}, "subdomain", ""),
    (
        "mailin",
        "DomainForwarding",
        {"domain_id": 1, "forward_to": "a@b@x.com"},
        "forward_to",
        "",
    ),
    (
        "mailin",
        "EmailForwarding",
        {"domain_id": "one", "forward_to": "team@x.com"},
        "domain_id",
        "integer",
    ),
    (
        "mailin",
        "SmtpMailboxes",
        {"mailboxes": [SMTP, {**SMTP, "username": "info@x.com", "password": "short"}]},
        "mailboxes[1].password",
        "at least 8",
    ),
    ("mailin", "GoogleMailboxes", {"mailboxes": [{**GOOGLE, "first_name": 7}]}, "first_name", ""),
    ("mailin", "InboxProvider", {"name": "SL", "provider": "nope"}, "provider", "smartlead"),
    ("mailin", "DomainRegistrar", {"name": "PB", "provider": 3}, "provider", ""),
    (
        "mailin",
        "AzureOrder",
        {"domain": "a.com", "mailbox_mode": "auto", "is_purchase": "false"},
        "is_purchase",
        "boolean",
    ),
    (
        "mailchannels",
        "InboundDomains",
        {"subscription_handle": "sub", "domains": ["a.com"], "fail_on_domain_errors": "no"},
        "fail_on_domain_errors",
        "boolean",
    ),
    (
        "pingram",
        "SenderDomain",
        {"domain": "a.com", "destroy_adopted": "yes"},
        "destroy_adopted",
        "",
    ),
]


@pytest.fixture(scope="module")
def quiet_sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(tokens=["iu_bad_inputs"], lifetime=1800) as process:
        yield process


@pytest.fixture(scope="module")
def bad_stack(
    cli: PulumiCLI, quiet_sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory
) -> LocalStack:
    project = tmp_path_factory.mktemp("bad") / "bad-inputs"
    shutil.copytree(PROGRAM, project)
    stack = LocalStack(cli, project, "bad-inputs").init()
    settings = {
        "inboxedup:baseUrl": quiet_sandbox.url,
        "inboxedup:apiToken": "iu_bad_inputs",
        "mailin:baseUrl": quiet_sandbox.mailin_url,
        "mailin:apiToken": "mailin-sandbox-token",
        "mailchannels:baseUrl": quiet_sandbox.mailchannels_url,
        "mailchannels:apiKey": "mc-sandbox-key",
        "pingram:baseUrl": quiet_sandbox.pingram_url,
        "pingram:apiKey": "pingram_sk_sandbox",
    }
    for key, value in settings.items():
        stack.set_config(key, value, secret=key.endswith(("Token", "Key")))
    return stack


@pytest.mark.parametrize(
    ("api", "kind", "inputs", "field", "reason"),
    CASES,
    ids=[f"{c[1]}-{c[3]}" for c in CASES],
)
def test_a_bad_input_fails_the_preview_naming_the_field(
    bad_stack: LocalStack,
    quiet_sandbox: SandboxProcess,
    api: str,
    kind: str,
    inputs: dict[str, Any],
    field: str,
    reason: str,
) -> None:
    bad_stack.set_config("bad:module", api)
    bad_stack.set_config("bad:kind", kind)
    bad_stack.set_config("bad:inputs", json.dumps(inputs))
    quiet_sandbox.control.reset_stats()
    result = bad_stack.preview(check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out[-3000:]
    problem = [line for line in out.splitlines() if field in line and "has a problem" in line]
    assert problem, out[-3000:]
    assert reason in problem[0], problem[0]
    assert "Traceback" not in out, out[-3000:]
    assert quiet_sandbox.control.total_requests() == 0, quiet_sandbox.control.stats()
