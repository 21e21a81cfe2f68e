"""Every reply the doctor read, kept for the report and for `--record DIR`, with secrets redacted.

`Recorder` is the httpx transport of the doctor's clients: it passes each request on and keeps the
reply (status and JSON body) under the endpoint being checked. `redact` takes out, by field name,
passwords, tokens, keys, secrets, DKIM records and email addresses, and, by pattern, anything
looking like one (PEM blocks, bearer tokens, JWTs, long base64 runs, addresses) and the account's
own credentials wherever they appear. A redacted value keeps its type and form (an address stays
an address), so a recorded reply can be read back by the package's readers
(`tests/fixtures/replies`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

SECRET_FIELD = re.compile(
    r"pass(word)?|passwd|secret|token|api[_-]?key|apikey|private|dkim|totp|credential|"
    r"authori[sz]ation|cookie|session|signature_key|otp|mfa|recovery",
    re.IGNORECASE,
)
EMAIL_FIELD = re.compile(r"e-?mail|username|login|forward|redirect|admins?$", re.IGNORECASE)
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PATTERNS = (
    re.compile(r"-----BEGIN [A-Z ]+-----.*?-----END [A-Z ]+-----", re.DOTALL),
    re.compile(r"(?i)bearer\s+\S+"),
    re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),  # JWT
    re.compile(r"\b\d+\|[A-Za-z0-9]{20,}\b"),  # Laravel Sanctum token
    re.compile(r"\b(?:sk|pk|pingram_sk|mc|key|tok)[_-][A-Za-z0-9_-]{8,}\b"),
    # base64 of 40 characters or more, mixing upper and lower case and digits (DKIM keys,
    # secrets; not a URL's path)
    re.compile(
        r"(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[a-z])"
        r"(?=[A-Za-z0-9+/]*[0-9])[A-Za-z0-9+/]{40,}={0,2}"
    ),
    re.compile(r"\b[A-Z2-7]{16,}\b"),  # base32 (TOTP secrets)
)
REDACTED = "REDACTED"
REDACTED_EMAIL = "redacted@example.com"


class Redactor:
    """Redacts by field name and by pattern, and the account's own `secrets` anywhere."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def text(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        for pattern in PATTERNS:
            text = pattern.sub(REDACTED, text)
        return EMAIL.sub(REDACTED_EMAIL, text)

    def value(self, value: Any, field: str = "") -> Any:
        if isinstance(value, Mapping):
            return {str(k): self.value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, field) for v in value]
        if isinstance(value, str):
            if field and SECRET_FIELD.search(field) and value:
                return REDACTED
            if field and EMAIL_FIELD.search(field) and "@" in value:
                return EMAIL.sub(REDACTED_EMAIL, value)
            return self.text(value)
        return value


@dataclass
class Exchange:
    """One request the doctor sent and what came back."""

    api: str
    account: str | None
    endpoint: str
    method: str
    path: str
    status: int
    reply: Any
    """The JSON body (None when empty), or the text when it is not JSON."""


class Recorder(httpx.BaseTransport):
    """The doctor's transport: sends through `inner`, keeps every reply under `endpoint`."""

    def __init__(self, inner: httpx.BaseTransport, api: str, account: str | None) -> None:
        self.inner = inner
        self.api = api
        self.account = account
        self.endpoint = ""
        """The endpoint being checked (set by the runner before each check)."""
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        content = response.read()
        try:
            reply: Any = json.loads(content) if content else None
        except ValueError:
            reply = content.decode("utf-8", "replace")[:2000]
        self.exchanges.append(
            Exchange(
                self.api,
                self.account,
                self.endpoint,
                request.method,
                request.url.path,
                response.status_code,
                reply,
            )
        )
        return response

    def close(self) -> None:
        self.inner.close()


def save(exchanges: Iterable[Exchange], folder: Path, redactor: Redactor) -> list[Path]:
    """Writes each exchange, redacted, as `folder/<api>[-<account>]/<nn>-<endpoint>.json`."""
    written: list[Path] = []
    counters: dict[Path, int] = {}
    for exchange in exchanges:
        where = folder / (exchange.api + (f"-{exchange.account}" if exchange.account else ""))
        where.mkdir(parents=True, exist_ok=True)
        number = counters[where] = counters.get(where, 0) + 1
        path = where / f"{number:02d}-{exchange.endpoint or 'request'}.json"
        data = {
            "api": exchange.api,
            "endpoint": exchange.endpoint,
            "method": exchange.method,
            "path": redactor.text(exchange.path),
            "status": exchange.status,
            "reply": redactor.value(exchange.reply),
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


__all__ = ["REDACTED", "REDACTED_EMAIL", "Exchange", "Recorder", "Redactor", "save"]
