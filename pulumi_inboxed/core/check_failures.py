"""How a `check()` failure reaches the Pulumi CLI: the path and the value the program gave.

The engine prints a failure on property `p` as
`<type> resource '<name>': property p value <value> has a problem: <reason>`, where `<value>`
is `inputs[p]`: a lookup of the whole string among the program's top-level inputs
(`issueCheckFailures`, pkg/resource/deploy/step_generator.go, Pulumi 3.274). A nested path
(`requests[5].domain`, `mailboxes[0].password`) is never such a key, nor is an input the
program did not give, so the CLI showed `value {<nil>}` beside a value the program did give.

Providers keep reporting the exact path (`CheckFailure("requests[5].domain", ...)`: what
unit tests and `check()`'s callers read). Only the answer to the engine changes: a failure on a
top-level input the program gave stays on it (the CLI shows its value, `[secret]` for a secret);
any other goes on the resource, its path leading the reason:
`<type> resource '<name>' has a problem: requests[5].domain: 'b.com' is not in the account`.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Collection, Mapping
from typing import Any

import pulumi.dynamic as dyn

WRAPPED = "_inboxed_failures_named"
Check = Callable[[Any, dict[str, Any], dict[str, Any]], dyn.CheckResult]


def engine_failure(path: str, reason: str, given: Collection[str]) -> tuple[str, str]:
    """(property, reason) to send the engine for a failure on `path`; `given`: the names of the
    top-level inputs the program set (not null)."""
    if path and path.isidentifier() and path in given:
        return path, reason
    return "", f"{path}: {reason}" if path else reason


def for_engine(failures: list[dyn.CheckFailure], news: Mapping[str, Any]) -> list[dyn.CheckFailure]:
    """`failures` as the engine is told them (see the module's doc)."""
    given = {name for name, value in news.items() if value is not None}
    return [dyn.CheckFailure(*engine_failure(f.property, f.reason, given)) for f in failures]


def _called_by_host(depth: int) -> bool:
    """True when the frame `depth` levels up is the provider host's `Check` handler
    (`pulumi.dynamic.__main__`, run as `python -m pulumi.dynamic`)."""
    frame = sys._getframe(depth + 1)
    return frame.f_code.co_name == "Check" and "DynamicResourceProviderServicer" in frame.f_globals


def named_for_engine(check: Check) -> Check:
    """Wraps a provider's `check()`: called by the provider host, its failures are answered as
    `for_engine` says; called by anything else (a test, another provider), it is unchanged."""
    if getattr(check, WRAPPED, False):
        return check

    @functools.wraps(check)
    def wrapped(self: Any, olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        result = check(self, olds, news)
        if result.failures and _called_by_host(1):
            result.failures = for_engine(list(result.failures), news)
        return result

    setattr(wrapped, WRAPPED, True)
    return wrapped


__all__ = ["engine_failure", "for_engine", "named_for_engine"]
