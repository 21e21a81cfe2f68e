"""The base of every dynamic provider here: configured at run time, empty when pickled."""

from __future__ import annotations

from typing import Any

import pulumi.dynamic as dyn

from .config import ConfigSource, read
from .provider_threads import PROVIDER_THREADS, widen_provider_thread_pool


class ConfiguredProvider(dyn.ResourceProvider):
    """Keeps the stack config `configure()` gives it, and never pickles it.

    `pulumi.dynamic` pickles the provider into the state; settings and secrets are read from the
    config when the provider runs, so the pickle holds nothing but the class.
    """

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass

    def configure(self, req: dyn.ConfigureRequest) -> None:
        self._config = req.config
        threads = read(PROVIDER_THREADS, req.config)
        if threads and threads.isdigit():
            widen_provider_thread_pool(int(threads))

    @property
    def config(self) -> ConfigSource | None:
        config: ConfigSource | None = getattr(self, "_config", None)
        return config


def is_unknown(value: Any) -> bool:
    """True for a value Pulumi does not know yet (preview of a dependent input)."""
    from pulumi.runtime import rpc

    return bool(value == rpc.UNKNOWN)


def has_unknowns(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, dict):
        return any(has_unknowns(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(has_unknowns(v) for v in value)
    return False


def as_whole_number(value: Any) -> int | None:
    """An id given as 12, 12.0 (Pulumi sends numbers as floats) or "12"; None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else None
