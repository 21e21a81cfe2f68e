"""Progress on stderr: one counter line per API account, rewritten as pages arrive."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = ""

    def show(self, label: str, counts: dict[str, int]) -> None:
        """`inboxedup client-a: 200 domains, 600 mailboxes` (in place on a terminal)."""
        line = f"{label}: " + ", ".join(f"{n} {what}" for what, n in counts.items())
        if line == self._last:
            return
        self._last = line
        if self._tty:
            self.stream.write("\r\033[K" + line)
        self.stream.flush()

    def done(self, label: str, counts: dict[str, int]) -> None:
        line = f"{label}: " + ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stream.write(("\r\033[K" if self._tty else "") + line + "\n")
        self.stream.flush()
        self._last = ""


__all__ = ["Progress"]
