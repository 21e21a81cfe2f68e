"""The endpoint this thread sent last, so that an error about its path or its reply can name the
config key that overrides it (`<api>:endpoints.<name>`) without every caller passing it.

`ApiClient.send` records each request here (`remember`); `ReplyShapeError` (raised by a client's
reader just after the call) and `confirm_deleted` (after its delete call) read it back with
`recent()`. It is per thread: the calls of one provider handler run on one thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class SentCall:
    """One request as the account sent it: `where` is `"METHOD /path-template"`."""

    where: str
    key: str | None
    """The config key that overrides the endpoint's path for this account (None: unknown)."""
    doc: str
    confirmed: bool
    """Whether a public page shows this path (an override never is)."""

    def hint(self) -> str:
        """`set <key> ("METHOD /path") if your API has it elsewhere; see <doc>`."""
        origin = (
            "shown by a public page" if self.confirmed else "our choice (no public page shows it)"
        )
        key = (
            f'set `{self.key}` ("METHOD /path") if your account\'s API has it elsewhere; '
            if self.key
            else ""
        )
        return f"the path {self.where} is {origin}: {key}see {self.doc}"


_local = threading.local()


def remember(call: SentCall) -> None:
    _local.call = call


def recent() -> SentCall | None:
    """The last request this thread sent, or None."""
    call: SentCall | None = getattr(_local, "call", None)
    return call


def forget() -> None:
    _local.call = None


__all__ = ["SentCall", "forget", "recent", "remember"]
