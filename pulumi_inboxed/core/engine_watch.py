"""Stops every API call of this process once the Pulumi engine that started it is gone.

When `pulumi up` is killed with SIGKILL (the OOM killer, a CI timeout, `kill -9`), the provider
process and the language host live on. Without this they would go on calling the APIs, and race
the user's next `up` through the same check-then-create. `ENGINE_GONE` is set the moment the
engine is found gone: `core.http.HttpClient` refuses to start any request after that
(`EngineGoneError`), and the process exits within seconds.
"""

from __future__ import annotations

import threading

from .errors import InboxedError

ENGINE_GONE = threading.Event()
"""Set once the engine that started this process is gone: no request may start after it."""


class EngineGoneError(InboxedError):
    """A request was not sent because the Pulumi engine that asked for it is gone."""


def check_engine() -> None:
    """Raises `EngineGoneError` once the engine is gone (called before every request)."""
    if ENGINE_GONE.is_set():
        raise EngineGoneError(
            "the Pulumi engine that started this provider is gone (the `pulumi` command was "
            "killed): no request is sent; run `pulumi up` again to finish"
        )
