"""Per-endpoint request counters and the queue of injected faults (in memory, not persisted)."""

from __future__ import annotations

import threading
from collections import Counter

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Mailin.ai's own statuses (310 API Communication Error, 311 Request Refused, 312 Subscription
# Required, 313 Incomplete Action): a rule with one of them only matches Mailin.ai requests.
MAILIN_FAULT_STATUSES = (310, 311, 312, 313)


class FaultRule(BaseModel):
    """Answer the next ``count`` matching API requests with ``status`` and the error envelope
    (on Mailin.ai routes: ``{"message": ...}``). ``path_prefix`` is matched against the full path,
    e.g. ``/api/v1/public/domains`` for Mailin.ai."""

    model_config = ConfigDict(extra="forbid")

    status: int
    count: int = Field(default=1, ge=1)
    retry_after: float | None = Field(default=None, ge=0.0)
    method: str | None = None
    path_prefix: str | None = None
    # Only requests of this account (None: any account; a Mailin.ai login, whose account is
    # known only once its body is read, is matched by rules without an account only).
    account: str | None = None

    @field_validator("status")
    @classmethod
    def _fault_status(cls, value: int) -> int:
        if value != 429 and not 500 <= value <= 599 and value not in MAILIN_FAULT_STATUSES:
            raise ValueError("status must be 429, 5xx, or (Mailin.ai only) 310 to 313")
        return value

    @field_validator("method")
    @classmethod
    def _upper_method(cls, value: str | None) -> str | None:
        return value.upper() if value is not None else None

    def matches(
        self, method: str, path: str, mailin: bool = False, account: str | None = None
    ) -> bool:
        if self.status in MAILIN_FAULT_STATUSES and not mailin:
            return False
        if self.account is not None and self.account != account:
            return False
        if self.method is not None and self.method != method.upper():
            return False
        return self.path_prefix is None or path.startswith(self.path_prefix)


class FaultQueue:
    """Rules in the order they were added; a request consumes one use of the first that matches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self, account: str | None = None) -> None:
        """Drop every rule (``account``: only the rules limited to that account)."""
        with self._lock:
            if account is None:
                self._rules.clear()
            else:
                self._rules = [rule for rule in self._rules if rule.account != account]

    def pending(self, account: str | None = None) -> list[FaultRule]:
        """The rules waiting (``account``: those that may fault that account's requests)."""
        with self._lock:
            return [
                rule.model_copy()
                for rule in self._rules
                if account is None or rule.account in (None, account)
            ]

    def take(
        self, method: str, path: str, mailin: bool = False, account: str | None = None
    ) -> FaultRule | None:
        """The rule that faults this request (``mailin``: a Mailin.ai route; ``account``: the
        account its credential names), with one use consumed, or None."""
        with self._lock:
            for index, rule in enumerate(self._rules):
                if rule.matches(method, path, mailin, account):
                    remaining = rule.count - 1
                    if remaining > 0:
                        self._rules[index] = rule.model_copy(update={"count": remaining})
                    else:
                        del self._rules[index]
                    return rule
        return None


class RequestCounter:
    """API requests seen, keyed by ``"METHOD /route/template"``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def hit(self, key: str) -> None:
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._counts.items()))

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


def retry_after_header(seconds: float) -> str:
    """Whole seconds print as an integer (``"2"``); fractions stay (``"0.25"``) for fast tests."""
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"
