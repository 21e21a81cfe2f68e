"""Provider settings: stack config first, then an environment variable, then a default.

Inside a dynamic provider the stack config arrives in `configure()` (secrets already
decrypted); in a plain Python script there is no stack, so the environment is read. Settings
are read when the provider runs, never captured in the pickled provider.
"""

from __future__ import annotations

import json
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
    is_credential: bool | None = None
    """Set to True for a credential that is not secret (a login email); secrets are credentials.
    A named account never takes a credential from the default account (`core.accounts`)."""

    @property
    def credential(self) -> bool:
        return self.secret if self.is_credential is None else self.is_credential

    @property
    def config_key(self) -> str:
        return f"{self.namespace}:{self.key}"

    def how_to_set(self) -> str:
        secret = " --secret" if self.secret else ""
        return f"`pulumi config set{secret} {self.config_key} ...` or the {self.env} variable"


class ScopedConfig(Protocol):
    """A view of the config that reads settings itself (one account's, `core.accounts`)."""

    def get(self, key: str) -> Any: ...

    def read_setting(self, setting: Setting) -> str | None: ...

    def how_to_set(self, setting: Setting) -> str: ...

    def key_of(self, setting: Setting) -> str: ...


def json_map(value: Any, source: str, of: str) -> Mapping[str, Any] | None:
    """A map setting's `value` (a map, or its JSON text), None when unset; `source` (the config
    key or the variable) and `of` (what it maps: "account name to settings") name it in the
    error when it is not a map."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ConfigError(
                f"{source} must be a map of {of} (JSON); got something else"
            ) from None
    if not isinstance(value, Mapping):
        raise ConfigError(f"{source} must be a map of {of}")
    return value


def _scoped(config: object) -> ScopedConfig | None:
    return config if hasattr(config, "read_setting") else None  # type: ignore[return-value]


def read(setting: Setting, config: ConfigSource | Mapping[str, Any] | None) -> str | None:
    """The setting's value: stack config, then its variable, then its default (an account's
    view, `core.accounts.AccountConfig`, reads the account's own value first)."""
    scoped = _scoped(config)
    if scoped is not None:
        return scoped.read_setting(setting)
    return read_plain(setting, config)


def read_plain(setting: Setting, config: ConfigSource | Mapping[str, Any] | None) -> str | None:
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
        scoped = _scoped(config)
        if scoped is not None:
            raise ConfigError(
                f"{scoped.key_of(setting)} is not set: use {scoped.how_to_set(setting)}"
            )
        raise ConfigError(f"{setting.config_key} is not set: use {setting.how_to_set()}")
    return value


def read_float(
    setting: Setting, config: ConfigSource | Mapping[str, Any] | None, *, minimum: float
) -> float:
    raw = require(setting, config)
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{_key(setting, config)} must be a number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{_key(setting, config)} must be at least {minimum:g}, got {value:g}")
    return value


def _key(setting: Setting, config: object) -> str:
    scoped = _scoped(config)
    return scoped.key_of(setting) if scoped is not None else setting.config_key
