"""`inboxed doctor` against the sandbox on 127.0.0.1: every read ✓ in two accounts, a moved
endpoint ✗ naming its key, `--json`, and `--record` files that hold no secret and that the
package's readers read back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_inboxed.adopt.cli import main
from pulumi_inboxed.doctor.probe import FAILED, OK
from pulumi_inboxed.doctor.run import check_account
from pulumi_inboxed.sandbox import SandboxProcess
from tests.e2e.estate import Seeded, seed

from .test_fixtures import replay_file

TOKEN = "iu_doctor_token_default"
TOKEN_B = "iu_doctor_token_client_b"
MAILIN_EMAIL, MAILIN_PASSWORD = "sandbox@mailin.test", "sandbox-password"
CREDENTIAL_VARS = (
    "INBOXEDUP_API_TOKEN",
    "INBOXEDUP_ACCOUNTS",
    "INBOXEDUP_ENDPOINTS",
    "MAILIN_API_TOKEN",
    "MAILIN_EMAIL",
    "MAILIN_PASSWORD",
    "MAILIN_ACCOUNTS",
    "MAILIN_ENDPOINTS",
    "MAILCHANNELS_API_KEY",
    "MAILCHANNELS_ACCOUNTS",
    "PINGRAM_API_KEY",
    "PINGRAM_ACCOUNTS",
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[SandboxProcess, Seeded]]:
    args = ["--mailin-job-seconds", "0.2", "--mailin-azure-seconds", "0.3"]
    accounts = {"client-b": {"inboxedup_tokens": [TOKEN_B]}}
    with SandboxProcess(
        queued_seconds=0.1,
        pending_ns_seconds=0.1,
        tokens=[TOKEN],
        accounts=accounts,
        extra_args=args,
        lifetime=300,
    ) as process:
        seeded = seed(
            process.url, TOKEN, inboxedup_domains=2, mailchannels_domains=2, pingram_domains=1
        )
        seed(
            process.url,
            TOKEN_B,
            prefix="b",
            inboxedup_domains=1,
            mailin=False,
            mailchannels_domains=0,
            pingram_domains=0,
        )
        yield process, seeded


def environment(monkeypatch: pytest.MonkeyPatch, seeded: Seeded) -> dict[str, Any]:
    """The seeded settings as the variables a shell would hold (Mailin.ai by login), and the
    same as a config map."""
    for var in CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    values = {**seeded.config, **seeded.secrets}
    del values["mailin:apiToken"]
    values.update({"mailin:email": MAILIN_EMAIL, "mailin:password": MAILIN_PASSWORD})
    for key, value in values.items():
        api, name = key.split(":")
        snake = "".join(f"_{c}" if c.isupper() else c.upper() for c in name)
        monkeypatch.setenv(f"{api.upper()}_{snake}", str(value))
    monkeypatch.setenv("INBOXEDUP_ACCOUNTS", json.dumps({"client-b": {"apiToken": TOKEN_B}}))
    return values


def test_every_read_passes_in_two_accounts(
    sandbox: tuple[SandboxProcess, Seeded],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    process, seeded = sandbox
    environment(monkeypatch, seeded)
    before = process.control.stats()
    assert main(["doctor", "--all", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    labels = [(a["api"], a["account"]) for a in data["accounts"]]
    assert labels == [
        ("inboxedup", None),
        ("inboxedup", "client-b"),
        ("mailin", None),
        ("mailchannels", None),
        ("pingram", None),
    ]
    for account in data["accounts"]:
        marks = {e["endpoint"]: e["outcome"] for e in account["endpoints"]}
        assert FAILED not in marks.values(), account
    mailin = {e["endpoint"]: e for e in data["accounts"][2]["endpoints"]}
    assert mailin["login"]["outcome"] == OK and mailin["logout"]["outcome"] == OK
    assert mailin["list_azure_orders"]["outcome"] == OK
    assert mailin["azure_order_mailboxes"]["outcome"] == OK  # an id from the listing
    b_rows = {e["endpoint"]: e for e in data["accounts"][1]["endpoints"]}
    assert b_rows["get_domain"]["outcome"] == OK
    assert b_rows["list_domains"]["key"] == "inboxedup:accounts.client-b.endpoints.list_domains"
    for secret in (TOKEN, TOKEN_B, MAILIN_PASSWORD, "mc-sandbox-key", "pingram_sk_sandbox"):
        assert secret not in out
    after = process.control.stats()
    assert _writes(after) == _writes(before)  # reads only
    assert _count(after, "/auth/login") - _count(before, "/auth/login") == 1  # one login a run
    assert _count(after, "/auth/logout") - _count(before, "/auth/logout") == 1  # its token revoked


def _count(stats: dict[str, int], route: str) -> int:
    return sum(n for key, n in stats.items() if key.endswith(route))


def _writes(stats: dict[str, int]) -> int:
    """Write requests the sandbox counted (the default account), the doctor's own login and
    logout aside."""
    return sum(
        n
        for route, n in stats.items()
        if route.split(" ")[0] in ("POST", "PUT", "PATCH", "DELETE") and "/auth/log" not in route
    )


def test_a_moved_endpoint_fails_naming_its_key(
    sandbox: tuple[SandboxProcess, Seeded],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _process, seeded = sandbox
    environment(monkeypatch, seeded)
    monkeypatch.setenv(
        "INBOXEDUP_ENDPOINTS", json.dumps({"get_domain": "GET /v2/domains/{domain_id}"})
    )
    assert main(["doctor", "--inboxedup", "default"]) == 1
    out = capsys.readouterr().out
    (line,) = [ln for ln in out.splitlines() if ln.startswith("✗ ") and "  " in ln]
    assert "get_domain" in line and "GET /v2/domains/{domain_id} (override)" in line
    assert "404" in line and "`inboxedup:endpoints.get_domain`" in line
    assert "✗ 1 account(s) need attention: inboxedup" in out


def test_a_named_accounts_moved_endpoint_names_its_own_key(
    sandbox: tuple[SandboxProcess, Seeded], monkeypatch: pytest.MonkeyPatch
) -> None:
    _process, seeded = sandbox
    values = environment(monkeypatch, seeded)
    config = {
        **values,
        "inboxedup:accounts": {
            "client-b": {"apiToken": TOKEN_B, "endpoints": {"list_mailbox_requests": "GET /v2/mb"}}
        },
    }
    report = check_account("inboxedup", config, "client-b")
    rows = {r.endpoint: r for r in report.rows}
    row = rows["list_mailbox_requests"]
    assert row.outcome == FAILED and row.status == 404
    assert "`inboxedup:accounts.client-b.endpoints.list_mailbox_requests`" in row.verdict
    assert rows["list_domains"].outcome == OK


def test_recorded_replies_hold_no_secret_and_read_back(
    sandbox: tuple[SandboxProcess, Seeded],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _process, seeded = sandbox
    environment(monkeypatch, seeded)
    assert main(["doctor", "--all", "--record", str(tmp_path)]) == 0
    capsys.readouterr()
    files = sorted(tmp_path.rglob("*.json"))
    assert {f.parent.name for f in files} == {
        "inboxedup",
        "inboxedup-client-b",
        "mailin",
        "mailchannels",
        "pingram",
    }
    text = "".join(f.read_text() for f in files)
    for secret in (TOKEN, TOKEN_B, MAILIN_PASSWORD, MAILIN_EMAIL, "mc-sandbox-key"):
        assert secret not in text
    assert '"password": "REDACTED"' in text  # show-credentials answered one
    for file in files:
        replay_file(file)  # the package's readers read every recorded reply
