"""Per-endpoint request counters and the queue of injected faults (in memory, not persisted).

A fault is either an HTTP status (429, 5xx, Mailin.ai's 310-313) answered in the API's error
shape, or a connection fault (``connection_faults.py``):

- ``reset_before``: the connection is reset before the request is processed (the API did
  nothing; the client sees ``ReadError``, a reset by peer);
- ``reset_after``: the request is processed (its write took effect), then the connection is
  reset instead of the reply;
- ``timeout_before`` / ``timeout_after``: the sandbox holds the request (before processing it, or
  after, reply ready) for ``hold_seconds``, longer than the client waits (``ReadTimeout``), then
  resets the connection.

A rule faults the next ``count`` matching requests (default 1), or, with ``rate``, each matching
request with that probability (``seed``: a repeatable sequence), until ``count`` faults if given.
``kinds`` spreads a rule's faults over several kinds, chosen at random per faulted request.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Mailin.ai's own statuses (310 API Communication Error, 311 Request Refused, 312 Subscription
# Required, 313 Incomplete Action): a rule with one of them only matches Mailin.ai requests.
MAILIN_FAULT_STATUSES = (310, 311, 312, 313)

ConnectionFaultKind = Literal["reset_before", "reset_after", "timeout_before", "timeout_after"]
CONNECTION_FAULT_KINDS: tuple[ConnectionFaultKind, ...] = get_args(ConnectionFaultKind)
# How long a timeout fault holds the request: longer than the client's request timeout (set it
# low in tests: `<api>:requestTimeoutSeconds` 1), short enough for tests to stay fast.
DEFAULT_HOLD_SECONDS = 2.0
MAX_HOLD_SECONDS = 600.0


def check_fault_status(value: int) -> int:
    if value != 429 and not 500 <= value <= 599 and value not in MAILIN_FAULT_STATUSES:
        raise ValueError("status must be 429, 5xx, or (Mailin.ai only) 310 to 313")
    return value


@dataclass(frozen=True)
class InjectedFault:
    """What one faulted request gets: ``status`` (an error reply) or ``kind`` (a connection
    fault, ``hold_seconds`` long for a timeout)."""

    status: int | None = None
    kind: ConnectionFaultKind | None = None
    retry_after: float | None = None
    hold_seconds: float = DEFAULT_HOLD_SECONDS

    @property
    def label(self) -> str:
        """``"503"`` or ``"reset_before"``: the key the fault counters use."""
        return str(self.status) if self.kind is None else self.kind


class FaultRule(BaseModel):
    """Fault matching API requests with ``status`` (an error reply with the API's error envelope;
    on Mailin.ai routes: ``{"message": ...}``), a connection fault ``kind``, or one of ``kinds``
    (statuses and connection kinds, e.g. ``[429, 503, "reset_before", "timeout_after"]``): exactly
    one of the three.

    How many: the next ``count`` matching requests (default 1); or, with ``rate`` (0 < rate <= 1),
    each matching request with that probability (``seed``: the same sequence of decisions every
    run), without end unless ``count`` bounds the faults. ``path_prefix`` is matched against the
    full path, e.g. ``/api/v1/public/domains`` for Mailin.ai."""

    model_config = ConfigDict(extra="forbid")

    status: int | None = None
    kind: ConnectionFaultKind | None = None
    kinds: list[int | ConnectionFaultKind] | None = Field(default=None, min_length=1)
    count: int | None = Field(default=None, ge=1)
    rate: float | None = Field(default=None, gt=0.0, le=1.0)
    seed: int | None = None
    hold_seconds: float = Field(default=DEFAULT_HOLD_SECONDS, gt=0.0, le=MAX_HOLD_SECONDS)
    retry_after: float | None = Field(default=None, ge=0.0)
    method: str | None = None
    path_prefix: str | None = None
    # Only requests of this account (None: any account; a Mailin.ai login, whose account is
    # known only once its body is read, is matched by rules without an account only).
    account: str | None = None

    @field_validator("status")
    @classmethod
    def _fault_status(cls, value: int | None) -> int | None:
        return check_fault_status(value) if value is not None else None

    @field_validator("kinds")
    @classmethod
    def _fault_kinds(
        cls, value: list[int | ConnectionFaultKind] | None
    ) -> list[int | ConnectionFaultKind] | None:
        for kind in value or ():
            if isinstance(kind, int):
                check_fault_status(kind)
        return value

    @field_validator("method")
    @classmethod
    def _upper_method(cls, value: str | None) -> str | None:
        return value.upper() if value is not None else None

    @model_validator(mode="after")
    def _one_fault_and_a_bound(self) -> Self:
        given = [name for name in ("status", "kind", "kinds") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of status, kind or kinds")
        if self.rate is None and self.count is None:
            self.count = 1
        return self

    def choices(self, mailin: bool) -> list[int | ConnectionFaultKind]:
        """The faults this rule may give a request (Mailin.ai's statuses on Mailin.ai only)."""
        if self.kinds is not None:
            every = list(self.kinds)
        else:
            every = [self.status if self.status is not None else self.kind]  # type: ignore[list-item]
        return [k for k in every if mailin or k not in MAILIN_FAULT_STATUSES]

    def matches(
        self, method: str, path: str, mailin: bool = False, account: str | None = None
    ) -> bool:
        if not self.choices(mailin):
            return False
        if self.account is not None and self.account != account:
            return False
        if self.method is not None and self.method != method.upper():
            return False
        return self.path_prefix is None or path.startswith(self.path_prefix)

    def fault(self, choice: int | ConnectionFaultKind) -> InjectedFault:
        if isinstance(choice, int):
            return InjectedFault(status=choice, retry_after=self.retry_after)
        return InjectedFault(kind=choice, hold_seconds=self.hold_seconds)


@dataclass
class _ArmedRule:
    rule: FaultRule
    remaining: int | None  # None: no bound (a rate rule without a count)
    dice: random.Random


class FaultQueue:
    """Rules in the order they were added. A request is faulted by the first rule that matches
    and fires (a count rule always fires; a rate rule with its probability, else the next rule is
    tried), which consumes one of its uses."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_ArmedRule] = []

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(_ArmedRule(rule, rule.count, random.Random(rule.seed)))

    def clear(self, account: str | None = None) -> None:
        """Drop every rule (``account``: only the rules limited to that account)."""
        with self._lock:
            if account is None:
                self._rules.clear()
            else:
                self._rules = [armed for armed in self._rules if armed.rule.account != account]

    def pending(self, account: str | None = None) -> list[FaultRule]:
        """The rules waiting, ``count`` being the uses left (``account``: those that may fault
        that account's requests)."""
        with self._lock:
            return [
                armed.rule.model_copy(update={"count": armed.remaining})
                for armed in self._rules
                if account is None or armed.rule.account in (None, account)
            ]

    def take(
        self, method: str, path: str, mailin: bool = False, account: str | None = None
    ) -> InjectedFault | None:
        """The fault this request gets (``mailin``: a Mailin.ai route; ``account``: the account
        its credential names), with one use of its rule consumed, or None."""
        with self._lock:
            for index, armed in enumerate(self._rules):
                rule = armed.rule
                if not rule.matches(method, path, mailin, account):
                    continue
                if rule.rate is not None and armed.dice.random() >= rule.rate:
                    continue
                choices = rule.choices(mailin)
                choice = choices[0] if len(choices) == 1 else armed.dice.choice(choices)
                if armed.remaining is not None:
                    armed.remaining -= 1
                    if armed.remaining == 0:
                        del self._rules[index]
                return rule.fault(choice)
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
