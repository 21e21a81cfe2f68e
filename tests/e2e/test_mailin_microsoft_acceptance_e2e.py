"""The acceptance cycle (tests/e2e/acceptance.py) for InboxProvider, DomainRegistrar and
AzureOrder, through the real CLI against the sandbox, logged in with an email and a password.

The order's `inbox_provider_id` and `domain_registrar_id` are the other resources' outputs, so
the fresh preview sees them unknown. Entries that existed before the stack (an inbox provider, a
registrar, an order) must still be there after destroy, and no login token may be left live
after any CLI command (issue 11, defects 1, 10, 11, 15).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.sandbox import SandboxProcess

from .acceptance import Cycle
from .conftest import assert_no_secret

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "programs" / "mailin_microsoft"
TOKEN = "mailin-sandbox-token"  # the test's own look at the sandbox; the stack logs in instead
EMAIL = "acceptance@mailin.test"
PASSWORD = "pw-ACCEPTANCE-login-Secret"
SECRETS = {
    "registrarKey": "pk1-ACCEPT-REGISTRAR",
    "registrarSecret": "sk1-ACCEPT-SECRET",
    "providerKey": "SL-ACCEPT-KEY-789",
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    args = ["--mailin-azure-seconds", "0.5", "--mailin-upload-seconds", "1200"]
    with SandboxProcess(extra_args=args, lifetime=1800) as process:
        process.control.update_settings(mailin_email=EMAIL, mailin_password=PASSWORD)
        yield process


def live_tokens(sandbox: SandboxProcess) -> int:
    return sandbox.control.mailin_live_tokens()


def make_stack(cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path, prefix: str) -> LocalStack:
    project = tmp_path / f"microsoft-{prefix}"
    shutil.copytree(PROGRAM, project)
    stack = LocalStack(cli, project, f"accept-{prefix}").init()
    stack.set_config("mailin:baseUrl", sandbox.mailin_url)
    stack.set_config("mailin:email", EMAIL)
    stack.set_config("mailin:password", PASSWORD, secret=True)
    stack.set_config("mailin:pollIntervalSeconds", "0.2")
    stack.set_config("demo:prefix", prefix)
    stack.set_config("demo:oauthUrl", "https://smartlead.example.com/oauth")
    stack.set_config("demo:masterDomain", "main-acc.com")
    for key, value in SECRETS.items():
        stack.set_config(f"demo:{key}", value, secret=True)
    return stack


def test_inbox_provider_registrar_and_azure_order_acceptance_cycle(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    # what existed before the stack, and must outlive its destroy
    kept_provider = client.add_inbox_provider(
        {"name": "Legacy", "provider": "instantly", "api_key": "legacy-key"}
    )
    kept_registrar = client.add_domain_registrar(
        {"name": "Legacy", "provider": "godaddy", "api_key": "k", "secret_api_key": "s"}
    )
    client.add_azure_order(
        {
            "mailbox_mode": "auto",
            "full_name": ["Old One"],
            "domain": "legacy-azure.com",
            "is_purchase": 1,
        }
    )
    kept_order = client.find_azure_order("legacy-azure.com")
    assert kept_order is not None
    tokens_before = live_tokens(sandbox)

    stack = make_stack(cli, sandbox, tmp_path, "acc")
    domain = "acc-azure.com"
    made: dict[str, Any] = {}

    def order() -> Any:
        found = client.find_azure_order(domain)
        assert found is not None
        return found

    def after_up() -> None:
        out = stack.outputs()
        assert out["status"] == "ready" and len(out["nameservers"]) == 4
        assert out["adopted"] == [False, False, False]
        made.update(out)
        placed = order()
        assert placed.provider_id == out["provider_id"]
        assert placed.domain_registrar_id == out["registrar_id"]
        assert placed.forward_to == "main-acc.com"
        assert live_tokens(sandbox) == tokens_before  # preview and up revoked their logins

    def update() -> None:
        stack.set_config("demo:oauthUrl", "https://smartlead.example.com/oauth2")
        stack.set_config("demo:registrarKey", "pk1-ACCEPT-ROTATED", secret=True)
        stack.set_config("demo:masterDomain", "other-acc.com")

    def after_update() -> None:
        [entry] = [p for p in client.list_inbox_providers() if p.id == made["provider_id"]]
        assert entry.oauth_url == "https://smartlead.example.com/oauth2"
        [registrar] = [r for r in client.list_domain_registrars() if r.id == made["registrar_id"]]
        assert registrar.api_key == "pk1-ACCEPT-ROTATED"
        assert order().id == made["order_id"] and order().forward_to == "other-acc.com"

    def drift() -> None:
        client.update_inbox_provider(
            made["provider_id"],
            {"provider": "smartlead", "oauth_url": "https://drift.example.com/oauth"},
        )
        client.update_domain_registrar(made["registrar_id"], {"customer_id": "drifted"})
        client.set_azure_master_domain(made["order_id"], "drift-acc.com")

    def saw_drift() -> None:
        assert stack.resource_outputs("inbox")["oauth_url"] == "https://drift.example.com/oauth"
        assert stack.resource_outputs("registrar")["customer_id"] == "drifted"
        assert stack.resource_outputs("order")["master_domain"] == "drift-acc.com"

    def check_destroyed() -> None:
        assert client.find_azure_order(domain) is None
        assert made["provider_id"] not in [p.id for p in client.list_inbox_providers()]
        assert made["registrar_id"] not in [r.id for r in client.list_domain_registrars()]
        assert kept_provider in [p.id for p in client.list_inbox_providers()]
        assert kept_registrar in [r.id for r in client.list_domain_registrars()]
        assert client.find_azure_order("legacy-azure.com") is not None
        assert live_tokens(sandbox) == tokens_before  # no run left a token behind

    try:
        Cycle(
            kinds=["InboxProvider", "DomainRegistrar", "AzureOrder"],
            stack=stack,
            after_up=after_up,
            update=update,
            after_update=after_update,
            drift=drift,
            saw_drift=saw_drift,
            check_destroyed=check_destroyed,
        ).run()
        transcript = "\n".join(stack.cli.transcript)
        state = stack.export()
        for secret in [*SECRETS.values(), PASSWORD, "pk1-ACCEPT-ROTATED"]:
            assert_no_secret(state, secret)
            assert_no_secret(transcript, secret)
    finally:
        stack.destroy(check=False)


def test_adopted_entries_stay_after_destroy_unless_destroy_adopted(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    """A stack whose entries already existed (made by hand, or by an interrupted create) adopts
    them: destroy leaves them and says so; with destroy_adopted=True it deletes them."""
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    provider = client.add_inbox_provider(
        {
            "name": "adp SmartLead",
            "provider": "smartlead",
            "api_key": "x",
            "oauth_url": "https://a.b",
        }
    )
    registrar = client.add_domain_registrar(
        {"name": "adp Porkbun", "provider": "porkbun", "api_key": "x", "secret_api_key": "y"}
    )
    client.add_azure_order(
        {"mailbox_mode": "auto", "full_name": ["A B"], "domain": "adp-azure.com", "is_purchase": 1}
    )
    order = client.find_azure_order("adp-azure.com")
    assert order is not None
    stack = make_stack(cli, sandbox, tmp_path, "adp")
    try:
        stack.up()
        out = stack.outputs()
        assert out["adopted"] == [True, True, True]
        assert (out["provider_id"], out["registrar_id"], out["order_id"]) == (
            provider,
            registrar,
            order.id,
        )
        destroyed = stack.destroy()
        assert "left in the account, because this resource adopted" in destroyed.stdout
        assert provider in [p.id for p in client.list_inbox_providers()]
        assert registrar in [r.id for r in client.list_domain_registrars()]
        assert client.find_azure_order("adp-azure.com") is not None

        stack.set_config("demo:destroyAdopted", "true")
        stack.up()
        assert stack.outputs()["adopted"] == [True, True, True]
        stack.destroy()
        assert provider not in [p.id for p in client.list_inbox_providers()]
        assert registrar not in [r.id for r in client.list_domain_registrars()]
        assert client.find_azure_order("adp-azure.com") is None
    finally:
        stack.destroy(check=False)
