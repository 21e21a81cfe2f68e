"""Endpoints a user corrects by config, without touching the installed package.

Each API's `endpoints.py` holds its table of `Endpoint` constants; an endpoint's name is its
constant's name lower-cased (`VERIFY_DOMAIN_NS` -> `verify_domain_ns`). A structured stack config
map `<api>:endpoints` (name -> "METHOD /path"), or the `<API>_ENDPOINTS` variable holding the same
map as JSON, replaces any of them:

    pulumi config set --path 'inboxedup:endpoints.verify_domain_ns' \
        'POST /domains/{domain_id}/verify'

An unknown name, a method that is not an HTTP method, a path not starting with `/`, or a path whose
`{...}` placeholders differ from the original's is a `ConfigError` naming the key. The clients take
their table (an `EndpointTable`) from the runtime, so the dynamic providers and the functions see
the same overrides; the sandbox keeps serving the defaults.
"""

from __future__ import annotations

import functools
import importlib
import os
import string
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

from .config import ConfigSource, Setting, json_map
from .endpoint import Endpoint, endpoint_constants
from .errors import ConfigError

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ENDPOINT_MODULES = {
    "inboxedup": "pulumi_inboxed.inboxedup.endpoints",
    "mailin": "pulumi_inboxed.mailin.endpoints",
    "mailchannels": "pulumi_inboxed.mailchannels.endpoints",
    "pingram": "pulumi_inboxed.pingram.endpoints",
}
"""Each API's table of endpoints, by namespace (what an endpoint's name is looked up in)."""


def endpoint_setting(namespace: str) -> Setting:
    """The `<namespace>:endpoints` setting (env `<NAMESPACE>_ENDPOINTS`, JSON)."""
    return Setting(namespace, "endpoints", f"{namespace.upper()}_ENDPOINTS")


def endpoint_names(module: ModuleType) -> dict[str, Endpoint]:
    """Every endpoint of an `endpoints.py` module by name (its constant's name lower-cased)."""
    return {name.lower(): value for name, value in endpoint_constants(vars(module)).items()}


def placeholders(path: str) -> set[str]:
    """The `{...}` names of a path template."""
    return {field for _, field, _, _ in string.Formatter().parse(path) if field is not None}


def endpoint_key(namespace: str, name: str, account: str | None = None) -> str:
    """The config key that overrides endpoint `name`: `<api>:endpoints.<name>`, or for a named
    account `<api>:accounts.<account>.endpoints.<name>`."""
    if account is None:
        return f"{namespace}:endpoints.{name}"
    return f"{namespace}:accounts.{account}.endpoints.{name}"


@dataclass(frozen=True)
class EndpointTable:
    """An API's endpoints after the overrides: `resolve(default)` is the one to call.

    Hashable (runtimes are cached by it); holds no secrets. `account` is the named account whose
    table this is (None: the default account), so that `key_of` names the key to set."""

    namespace: str
    overrides: tuple[tuple[Endpoint, Endpoint], ...] = ()
    account: str | None = None

    def resolve(self, endpoint: Endpoint) -> Endpoint:
        for default, override in self.overrides:
            if default == endpoint:
                return override
        return endpoint

    def name_of(self, endpoint: Endpoint) -> str | None:
        """The endpoint's name (`list_domains`): `endpoint` is a default of the API's table or
        the override this account calls instead; None when it is neither."""
        for default, override in self.overrides:
            if endpoint == override:
                endpoint = default
                break
        for name, value in self.names().items():
            if value == endpoint:
                return name
        return None

    def name_at(self, method: str, path: str) -> str | None:
        """The name of the endpoint this account calls as `method path`, or None."""
        for name, value in self.names().items():
            resolved = self.resolve(value)
            if resolved.method == method.upper() and resolved.path == path:
                return name
        return None

    def names(self) -> dict[str, Endpoint]:
        """Every endpoint of the API by name (the defaults)."""
        return _names_of(self.namespace)

    def key_of(self, endpoint: Endpoint | str) -> str | None:
        """The config key that overrides `endpoint` (an endpoint or its name) for this account."""
        name = endpoint if isinstance(endpoint, str) else self.name_of(endpoint)
        return endpoint_key(self.namespace, name, self.account) if name else None


@functools.cache
def _names_of(namespace: str) -> dict[str, Endpoint]:
    module = ENDPOINT_MODULES.get(namespace)
    return endpoint_names(importlib.import_module(module)) if module else {}


def _raw(setting: Setting, config: ConfigSource | Mapping[str, Any] | None) -> Any:
    value: Any = None
    source = setting.config_key
    if config is not None:
        value = config.get(setting.config_key)
    if value in (None, ""):
        value = os.environ.get(setting.env)
        source = setting.env
    return json_map(value, source, 'endpoint name to "METHOD /path"'), source


def parse_override(key: str, value: Any, default: Endpoint) -> Endpoint:
    """`value` ("METHOD /path") as an endpoint replacing `default`; `key` names it in errors."""
    if not isinstance(value, str) or len(value.split()) != 2:
        raise ConfigError(f'{key} must be "METHOD /path" (e.g. "{default.method} {default.path}")')
    method, path = value.split()
    method = method.upper()
    if method not in METHODS:
        raise ConfigError(f"{key}: {method!r} is not an HTTP method (one of {', '.join(METHODS)})")
    if not path.startswith("/"):
        raise ConfigError(f"{key}: the path must start with '/', got {path!r}")
    try:
        wanted, got = placeholders(default.path), placeholders(path)
    except ValueError as exc:
        raise ConfigError(f"{key}: bad path template {path!r} ({exc})") from None
    if got != wanted:
        expected = ", ".join(f"{{{n}}}" for n in sorted(wanted)) or "none"
        found = ", ".join(f"{{{n}}}" for n in sorted(got)) or "none"
        raise ConfigError(
            f"{key}: the path's placeholders must be the original's "
            f"({default.path}: {expected}), got {found}"
        )
    return replace(default, method=method, path=path, confirmed=False)


def endpoint_table(
    namespace: str, module: ModuleType, config: ConfigSource | Mapping[str, Any] | None
) -> EndpointTable:
    """The endpoints of the API whose table is `module`, overridden by `<namespace>:endpoints`
    (or `<NAMESPACE>_ENDPOINTS`); raises `ConfigError` naming a bad key."""
    setting = endpoint_setting(namespace)
    raw, source = _raw(setting, config)
    account = getattr(config, "account", None)
    account = account if isinstance(account, str) and account else None
    if not raw:
        return EndpointTable(namespace, account=account)
    known = endpoint_names(module)
    overrides: list[tuple[Endpoint, Endpoint]] = []
    for name in sorted(raw):
        where = getattr(config, "endpoint_source", None)
        key = f"{where(str(name), source) if where else source}.{name}"
        default = known.get(str(name).lower())
        if default is None:
            raise ConfigError(
                f"{key}: no such {namespace} endpoint (the names are: {', '.join(sorted(known))})"
            )
        overrides.append((default, parse_override(key, raw[name], default)))
    return EndpointTable(namespace, tuple(overrides), account)
