"""The base of every API's sandbox backend: its account's store, the settings and the clock.

A backend holds an API's rules over one account's store; routes parse a request, call one
backend method and render the reply, and tests drive backends without HTTP. Settings and the
clock are read per call: the control API may change the settings at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from pulumi_inboxed.sandbox.settings import SandboxSettings

S = TypeVar("S")


class Backend(Generic[S]):
    def __init__(
        self,
        store: S,
        settings: Callable[[], SandboxSettings],
        clock: Callable[[], float],
    ) -> None:
        self.store = store
        self._settings = settings
        self.clock = clock

    @property
    def settings(self) -> SandboxSettings:
        return self._settings()
