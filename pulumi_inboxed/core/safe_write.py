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
4. not found: send it again, and so on, `WritePolicy.attempts` tries at the most; nothing is
   sent again before `find` has answered (a transient failure of `find` counts as a try);
5. every try failed: `find` is asked a last time, then `WriteNotConfirmedError`.

A refusal that is not transient (400, 401, 403, 404, 422 ...) ends at once. A 409/422 on a
re-send means an earlier send took effect after all: `find` is asked once more before failing.
A purchase is never made twice, and the run does not give up on the first hiccup.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from . import intents
from .engine_watch import EngineGoneError, check_engine
from .errors import (
    ApiError,
    ConflictError,
    RateLimitedError,
    ServerError,
    TransportError,
    UnprocessableError,
)
from .intents import Intent
from .request_limits import sleep_unless_engine_gone

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
    answered 5xx or asked us to slow down (429, or MailChannels' 503), or Mailin.ai's 310 ("error
    communicating with another API. You may try again") and 313 (done in part). A refusal of the
    request itself (4xx) is not, nor is a stopped engine."""
    if isinstance(exc, EngineGoneError):
        return False
    if isinstance(exc, TransportError | ServerError | RateLimitedError):
        return True
    return isinstance(exc, ApiError) and exc.status in TRANSIENT_STATUSES


TRANSIENT_STATUSES = frozenset({310, 313, 429, 500, 502, 503, 504})
"""Statuses a write may be tried again after (once `find` says it did not take effect): 310 is
Mailin.ai's own "you may try again", 313 its "done in part" (the write may have acted)."""


def backoff_seconds(attempt: int, exc: BaseException | None, policy: WritePolicy) -> float:
    """The wait before try `attempt + 1` (1-based `attempt` just failed): the API's Retry-After
    when it gave one, else exponential backoff with jitter; both capped by `max_wait`."""
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int | float):
        return float(min(max(retry_after, 0.0), policy.max_wait))
    base = min(policy.max_wait, policy.initial_wait * 2 ** (attempt - 1))
    return float(base * (0.5 + random.random() / 2))


def _reason(exc: BaseException) -> str:
    """The last failure without the API, method and path the message names already: the status,
    the API's code and its own text for an API error (as every error here shows it, cut at 300
    characters), the transport failure's kind otherwise."""
    if isinstance(exc, ApiError):
        text = str(exc)
        prefix = f"{exc.provider} API error "
        text = text.removeprefix(prefix) if text.startswith(prefix) else f"{exc.status}"
        if exc.method:
            text = text.replace(f" ({exc.method} {exc.path})", "", 1)
        text = text if len(text) <= 300 else text[:300] + "..."
        return f"HTTP {text}"
    if isinstance(exc, TransportError):
        return exc.reason
    return type(exc).__name__


def _message(what: str, provider: str, method: str, path: str, reason: str, sent: int) -> str:
    """Names the API, the method and path, and the write once each, whichever of them the
    caller's `what` holds already ("MailChannels POST /domains for a.com", "Mailin.ai Azure order
    for a.com", "mailbox smtp@a.com")."""
    head = what.strip() or "the write"
    if provider and not head.startswith(provider):
        head = f"{provider} {head}"
    request = f"{method} {path}".strip()
    where = f"{request}, " if request and request not in head else ""
    tries = "1 time" if sent == 1 else f"{sent} times"
    return (
        f"{head}: failed {tries} and did not take effect ({where}last: {reason}; not found when "
        "looked for afterwards). Run `pulumi up` again to retry it: it looks for the object "
        "first, so nothing is made twice"
    )


class WriteNotConfirmedError(TransportError):
    """A write failed transiently every time it was sent, and never showed up when looked for.

    Its message names the API, the method and path, and the write, once each, with the number
    of sends and the last failure (the status, the API's code and message, or the transport
    failure's kind; never a credential: requests' headers are never in an error)."""

    def __init__(
        self,
        provider: str,
        method: str,
        path: str,
        reason: str,
        *,
        what: str = "",
        attempts: int = 0,
    ) -> None:
        super().__init__(provider, method, path, reason)
        self.what = what
        self.attempts = attempts
        self.args = (_message(what, provider, method, path, reason, attempts),)


def write_once(
    what: str,
    send: Callable[[], T],
    find: Callable[[], T | None],
    *,
    policy: WritePolicy = DEFAULT_WRITE_POLICY,
    sleep: Callable[[float], None] = sleep_unless_engine_gone,
    intent: Intent | None = None,
) -> T:
    """Sends a non-idempotent write until it took effect, never twice.

    :param what: names the write in logs and errors: the object it makes ("mailbox smtp@a.com"
        or "InboxedUp POST /mailboxes for smtp@a.com"); the error adds the API, the method and
        the path when `what` does not hold them.
    :param send: sends the write once; returns what the API answered.
    :param find: reads back (fresh) what the write would have made; None when it is not there.
        It is asked only after a transient failure (and after a 409/422 on a re-send), and
        nothing is sent again until it has answered None. A transient failure of `find` itself
        counts as a failed try: the write is not sent again before `find` could look.
    :param intent: what the write makes (API, account, natural keys): recorded on disk before
        the first send (`core.intents`), so that the run after a crash manages what it finds
        as made by this stack rather than adopting it.
    """
    if intent is not None:
        intents.record(intent)
    last: BaseException | None = None
    sent = 0
    for attempt in range(1, policy.attempts + 1):
        if attempt > 1:
            sleep(backoff_seconds(attempt - 1, last, policy))
            check_engine()
            try:
                found = find()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                last = exc
                log.info("%s: look-up %d failed (%s)", what, attempt, _reason(exc))
                continue
            if found is not None:
                log.info("%s: took effect although its reply was lost; found it", what)
                return found
        try:
            sent += 1
            return send()
        except (ConflictError, UnprocessableError):
            if sent == 1:
                _refused(intent)
                raise
            # an earlier send of ours may have taken effect after all and now blocks this one
            found = find()
            if found is not None:
                log.info("%s: an earlier try took effect; found it", what)
                return found
            raise
        except Exception as exc:
            if not is_transient(exc):
                if sent == 1 and isinstance(exc, ApiError) and 400 <= exc.status < 500:
                    _refused(intent)
                raise
            last = exc
            log.info("%s: try %d of %d failed (%s)", what, attempt, policy.attempts, _reason(exc))
    assert last is not None
    sleep(backoff_seconds(policy.attempts, last, policy))
    check_engine()
    found = find()
    if found is not None:
        log.info("%s: the last try took effect although its reply was lost; found it", what)
        return found
    raise WriteNotConfirmedError(
        str(getattr(last, "provider", "") or "API"),
        str(getattr(last, "method", "") or ""),
        str(getattr(last, "path", "") or ""),
        _reason(last),
        what=what,
        attempts=sent,
    ) from None


class WritesOnce:
    """A client or runtime whose non-idempotent writes go through `write_once` with its own
    policy and wait (the one place that joins them; tests shorten both)."""

    write_policy: WritePolicy = DEFAULT_WRITE_POLICY
    """How often a write that failed transiently is checked and sent again."""
    sleep: Callable[[float], None]
    """The wait between the tries of a write (tests pass one that does not wait)."""

    def write_label(self, what: str) -> str:
        """How errors and logs name the write `what` (a runtime adds its account)."""
        return what

    def write_once(
        self,
        what: str,
        send: Callable[[], T],
        find: Callable[[], T | None],
        *,
        intent: Intent | None = None,
    ) -> T:
        """`write_once` with this object's policy and wait: a write that failed transiently is
        looked for (`find`, a fresh read) and sent again only if not found; `intent` is
        recorded before the first send (`core.intents`)."""
        return write_once(
            self.write_label(what),
            send,
            find,
            policy=self.write_policy,
            sleep=self.sleep,
            intent=intent,
        )


def _refused(intent: Intent | None) -> None:
    """The API refused the first send (a 4xx answer: nothing was made): its record goes."""
    if intent is not None:
        intents.narrow(intent, ())


__all__ = [
    "DEFAULT_WRITE_POLICY",
    "WriteNotConfirmedError",
    "WritePolicy",
    "WritesOnce",
    "backoff_seconds",
    "is_transient",
    "write_once",
]
