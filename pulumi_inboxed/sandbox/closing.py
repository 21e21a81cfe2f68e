"""``Closing``: an object a ``with`` block closes on the way out (``SandboxControl``,
``SandboxProcess``)."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Closing:
    """``with it:`` gives ``it`` (``__enter__`` may do more) and calls ``close()`` at the end."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
