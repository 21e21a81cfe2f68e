"""Safe retry of a write that may or may not have acted: check what it did, then re-send only
what did not happen.

`HttpClient` retries what cannot have acted (a 429, a connection refused) and what is idempotent
(GET, PUT, DELETE). A purchase, a submit or a create (a POST) that fails half-way (a 5xx, a read
timeout, a dropped connection) may have bought something, so it is never simply sent again.
`write_once` does it the safe way:

1. send the write;
2. on a transient failure (`is_transient`), wait (exponential backoff with jitter, or the API's
   `Retry-After`), then read back what the write would have made (`find`, a fresh read: the
   write moved the client's write count, so no shared listing from before it is reused);
3. found: the write took effect, and what it made is returned (it is this run's own: the caller
   looked for it before writing, and it was not there);
4. not found: send it again, and so on, `WritePolicy.attempts` sends at the most.

A refusal that is not transient (400, 401, 403, 404, 422 ...) ends at once. A 409/422 on a
re-send means an earlier send took effect after all: `find` is asked once more before failing.
A purchase is never made twice, and the run does not give up on the first hiccup.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .engine_watch import EngineGoneError
from .errors import (
    ApiError,
    ConflictError,
    RateLimitedError,
    ServerError,
    TransportError,
    UnprocessableError,
)

log = logging.getLogger("pulumi_inboxed.safe_write")

T = TypeVar("T")


@dataclass(frozen=True)
class WritePolicy:
    attempts: int = 5
    """How many times the write may be sent (the first included)."""
    initial_wait: float = 0.5
    max_wait: float = 30.0


DEFAULT_WRITE_POLICY = WritePolicy()


def is_transient(exc: BaseException) -> bool:
    """A failure worth another try: the API was unreachable, timed out, dropped the connection,
    answered 5xx or asked us to slow down (429, or MailChannels' 503). A refusal of the request
    itself (4xx) is not, nor is a stopped engine."""
    if isinstance(exc, EngineGoneError):
        return False
    if isinstance(exc, TransportError | ServerError | RateLimitedError):
        return True
    return isinstance(exc, ApiError) and exc.status in (429, 500, 502, 503, 504)


def backoff_seconds(attempt: int, exc: BaseException | None, policy: WritePolicy) -> float:
    """The wait before try `attempt + 1` (1-based `attempt` just failed): the API's Retry-After
    when it gave one, else exponential backoff with jitter; both capped by `max_wait`."""
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int | float):
        return float(min(max(retry_after, 0.0), policy.max_wait))
    base = min(policy.max_wait, policy.initial_wait * 2 ** (attempt - 1))
    return float(base * (0.5 + random.random() / 2))


class WriteNotConfirmedError(TransportError):
    """A write failed transiently every time it was sent, and never showed up when looked for."""


def write_once(
    what: str,
    send: Callable[[], T],
    find: Callable[[], T | None],
    *,
    policy: WritePolicy = DEFAULT_WRITE_POLICY,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Sends a non-idempotent write until it took effect, never twice.

    :param what: names the write in logs and errors ("InboxedUp POST /mailboxes for a.com/smtp").
    :param send: sends the write once; returns what the API answered.
    :param find: reads back what the write would have made; None when it is not there. It is
        asked only after a transient failure (and after a 409/422 on a re-send).
    """
    last: BaseException | None = None
    for attempt in range(1, policy.attempts + 1):
        if attempt > 1:
            found = find()
            if found is not None:
                log.info("%s: took effect although its reply was lost; found it", what)
                return found
        try:
            return send()
        except (ConflictError, UnprocessableError):
            if attempt == 1:
                raise
            # an earlier send of ours may have taken effect after all and now blocks this one
            found = find()
            if found is not None:
                log.info("%s: an earlier try took effect; found it", what)
                return found
            raise
        except Exception as exc:
            if not is_transient(exc):
                raise
            last = exc
            log.info("%s: try %d of %d failed (%s)", what, attempt, policy.attempts, exc)
            if attempt < policy.attempts:
                sleep(backoff_seconds(attempt, exc, policy))
    found = find()
    if found is not None:
        log.info("%s: the last try took effect although its reply was lost; found it", what)
        return found
    assert last is not None
    raise WriteNotConfirmedError(
        getattr(last, "provider", "API"),
        getattr(last, "method", "") or "",
        getattr(last, "path", "") or "",
        f"{what}: failed {policy.attempts} times and did not take effect ({last})",
    ) from None


__all__ = [
    "DEFAULT_WRITE_POLICY",
    "WriteNotConfirmedError",
    "WritePolicy",
    "backoff_seconds",
    "is_transient",
    "write_once",
]
