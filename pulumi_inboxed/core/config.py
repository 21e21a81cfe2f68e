"""Provider settings: stack config first, then an environment variable, then a default.

Inside a dynamic provider the stack config arrives in `configure()` (secrets already
decrypted); in a plain Python script there is no stack, so the environment is read. Settings
are read when the provider runs, never captured in the pickled provider.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import ConfigError


class ConfigSource(Protocol):
    def get(self, key: str) -> Any: ...


@dataclass(frozen=True)
class Setting:
    namespace: str
    key: str
    env: str
    secret: bool = False
    default: str | None = None

    @property
    def config_key(self) -> str:
        return f"{self.namespace}:{self.key}"

    def how_to_set(self) -> str:
        secret = " --secret" if self.secret else ""
        return f"`pulumi config set{secret} {self.config_key} ...` or the {self.env} variable"


def read(setting: Setting, config: ConfigSource | Mapping[str, Any] | None) -> str | None:
    value: Any = None
    if config is not None:
        value = config.get(setting.config_key)
    if value in (None, ""):
        value = os.environ.get(setting.env)
    if value in (None, ""):
        value = setting.default
    return None if value is None else str(value)


def require(setting: Setting, config: ConfigSource | Mapping[str, Any] | None) -> str:
    value = read(setting, config)
    if value is None:
        raise ConfigError(f"{setting.config_key} is not set: use {setting.how_to_set()}")
    return value


def read_float(
    setting: Setting, config: ConfigSource | Mapping[str, Any] | None, *, minimum: float
) -> float:
    raw = require(setting, config)
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{setting.config_key} must be a number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{setting.config_key} must be at least {minimum:g}, got {value:g}")
    return value
