"""One account's check: each probe in its table's order, one row each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import BaseModel

from ..core.endpoints_config import EndpointTable
from ..core.errors import ConfigError
from .api import ApiChecks, Config, Connection, NotTried
from .probe import FAILED, OK, SKIPPED, WARNING, WRITE, Ids, Probe, Row, verdict_of
from .probes_inboxedup import CHECKS as INBOXEDUP
from .probes_mailchannels import CHECKS as MAILCHANNELS
from .probes_mailin import CHECKS as MAILIN
from .probes_pingram import CHECKS as PINGRAM
from .recorder import Exchange, Recorder, Redactor

APIS: dict[str, ApiChecks] = {c.namespace: c for c in (INBOXEDUP, MAILIN, MAILCHANNELS, PINGRAM)}


@dataclass
class AccountReport:
    api: str
    account: str | None
    rows: list[Row] = field(default_factory=list)
    error: str | None = None
    """Why the account could not be checked at all (a config error), or None."""
    exchanges: list[Exchange] = field(default_factory=list)
    redactor: Redactor = field(default_factory=Redactor)

    @property
    def label(self) -> str:
        return self.api if self.account is None else f"{self.api} {self.account}"

    @property
    def failed(self) -> bool:
        """Whether anything the programs need is ✗ (or the account could not be checked)."""
        return self.error is not None or any(r.outcome == FAILED and r.needed for r in self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "account": self.account,
            "ok": not self.failed,
            "error": self.error,
            "endpoints": [r.as_dict() for r in self.rows],
        }


def check_account(
    api: str,
    config: Config,
    account: str | None,
    transport: httpx.BaseTransport | None = None,
) -> AccountReport:
    """Checks one account: every read once, every write listed. `transport`: where requests go
    (default: the network)."""
    checks = APIS[api]
    report = AccountReport(api, account)
    recorder = Recorder(transport or httpx.HTTPTransport(), api, account)
    try:
        connection = checks.connect(config, account, recorder)
    except ConfigError as exc:
        report.error = str(exc)
        return report
    report.redactor = Redactor(connection.secrets)
    ids: Ids = {}
    halted: str | None = None
    try:
        for probe in checks.probes:
            row = _check(checks, probe, connection, recorder, ids, account, halted)
            report.rows.append(row)
            if row.outcome == FAILED and (probe.gate or row.status in (None, 401)):
                # no read goes on without credentials (no second login) or without an answer
                halted = f"{row.endpoint} failed"
    finally:
        connection.client.close()
        report.exchanges = list(recorder.exchanges)
    for row in report.rows:
        row.verdict = report.redactor.text(row.verdict)
    return report


def _check(
    checks: ApiChecks,
    probe: Probe,
    connection: Connection,
    recorder: Recorder,
    ids: Ids,
    account: str | None,
    halted: str | None = None,
) -> Row:
    table: EndpointTable = connection.client.endpoints
    name = table.name_of(probe.endpoint) or probe.endpoint.path
    resolved = table.resolve(probe.endpoint)
    row = Row(
        api=checks.namespace,
        account=account,
        endpoint=name,
        title=probe.endpoint.doc,
        method=resolved.method,
        path=resolved.path,
        overridden=resolved != probe.endpoint,
        confirmed=probe.endpoint.confirmed,
        key=table.key_of(name) or "",
        outcome=OK,
        verdict="✓",
        needed=not probe.optional,
    )
    page = "a public page shows it" if row.confirmed else "no public page shows it (our choice)"
    if probe.read is None and not probe.why_no_id:
        row.outcome = WRITE
        row.verdict = f"not tried (a write); {page}; override: `{row.key}`"
        return row
    missing = [n for n in probe.needs if ids.get(n) in (None, "")]
    if probe.read is None or missing:
        row.outcome = SKIPPED
        why = probe.why_no_id or (
            f"no {missing[0]} from the listings (none in the account, or its listing failed)"
        )
        row.verdict = f"not tried: {why}; {page}"
        return row
    if halted is not None:
        row.outcome, row.verdict = SKIPPED, f"not tried: {halted} (see above)"
        return row
    recorder.endpoint = name
    before = len(recorder.exchanges)
    try:
        found = probe.read(connection.client, ids)
        lacking = _lacking(found, probe.expect)
        if lacking:
            fields = ", ".join(f"`{f}`" for f in lacking)
            row.verdict = (
                f"✓, but the reply has no {fields}: what it holds cannot be read (adopt "
                f"declares none and says so; a refresh keeps the state's); see {checks.doc}"
            )
            row.notes = list(lacking)
    except NotTried as exc:
        row.outcome, row.verdict = SKIPPED, f"not tried: {exc}"
    except Exception as exc:  # every failure is a verdict: the run goes on to the next endpoint
        row.outcome = WARNING if probe.optional else FAILED
        row.verdict = verdict_of(
            exc, row.key, checks.doc, connection.credentials, connection.base_url
        )
    finally:
        recorder.endpoint = ""
    sent = recorder.exchanges[before:]
    if sent:
        row.status = sent[-1].status
    return row


def _lacking(found: object, expect: tuple[str, ...]) -> list[str]:
    """The `expect`ed fields the first model read lacks (none read: nothing to say)."""
    items = found if isinstance(found, list) else [found]
    first = next((item for item in items if isinstance(item, BaseModel)), None)
    if first is None:
        return []
    return [f for f in expect if f not in first.model_fields_set]


__all__ = ["APIS", "AccountReport", "check_account"]
