"""Building an account's client the way the resources do, and the config a program needs.

Settings come from the environment or from a stack's config (`pulumi config --json
--show-secrets`), through `core.accounts.AccountConfig`: the same settings, the same account
names, as the resources read.
"""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from ..core.accounts import AccountConfig, configured_accounts
from ..core.config import Setting, read
from ..core.endpoints_config import ENDPOINT_MODULES, endpoint_table
from ..core.errors import ConfigError
from .estate import AccountEstate, ConfigNeed

T = TypeVar("T")
Config = Mapping[str, Any] | None


def build(make: Callable[..., T], namespace: str, config: Config, account: str | None) -> T:
    """`make` (a `runtime_for` or `client_for`) for the account: with `account=` where it takes
    one, else through the account's `AccountConfig` view."""
    if "account" in inspect.signature(make).parameters:
        return make(config, account=account)
    return make(AccountConfig(namespace, config, account))


def stack_config(stack: str, cwd: Path, pulumi: str = "pulumi") -> dict[str, Any]:
    """A stack's config, secrets decrypted (`pulumi config --json --show-secrets`), as key ->
    value (structured values as maps). The values stay in this process."""
    proc = subprocess.run(
        [pulumi, "config", "--json", "--show-secrets", "--stack", stack],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise ConfigError(
            f"could not read the config of stack {stack!r} in {cwd}: "
            f"pulumi config exited {proc.returncode}: {proc.stderr.strip()[-500:]}"
        )
    raw = json.loads(proc.stdout or "{}")
    values: dict[str, Any] = {}
    for key, entry in raw.items():
        if isinstance(entry, Mapping):
            values[key] = entry.get("objectValue", entry.get("value"))
        else:
            values[key] = entry
    return values


def has_credentials(namespace: str, config: Config, account: str | None) -> bool:
    """Whether the account has the credentials its runtime needs, read through the same
    `AccountConfig` view and the runtime's own settings (`mailin`: an API token, or an email
    and a password: a password alone is no credential). A named account not configured is a
    `ConfigError`, as it is for the runtime."""
    from ..inboxedup import runtime as iu_runtime
    from ..mailchannels import runtime as mc_runtime
    from ..mailin import runtime as mi_runtime
    from ..pingram import runtime as pg_runtime

    view = AccountConfig(namespace, config, account)
    if namespace == "mailin":
        token = read(mi_runtime.API_TOKEN, view)
        email, password = read(mi_runtime.EMAIL, view), read(mi_runtime.PASSWORD, view)
        return bool(token or (email and password))
    setting = {
        "inboxedup": iu_runtime.API_TOKEN,
        "mailchannels": mc_runtime.API_KEY,
        "pingram": pg_runtime.API_KEY,
    }[namespace]
    return bool(read(setting, view))


def named_accounts(namespace: str, config: Config) -> list[str]:
    return sorted(configured_accounts(namespace, config)[0])


def connection(
    estate: AccountEstate,
    config: Config,
    credentials: list[tuple[Setting, str]],
    plain: list[Setting],
) -> None:
    """Adds to `estate.config` the settings its program's stack needs: each credential the
    account has set (secret: the user fills it in) and each plain setting (base URL, poll
    interval) with the value it has here."""
    view = AccountConfig(estate.api, config, estate.account)
    for setting, description in credentials:
        if view.read_setting(setting) in (None, ""):
            continue
        estate.config.append(
            ConfigNeed(
                view.key_of(setting),
                setting.secret,
                description,
                path=estate.account is not None,
                value=None if setting.secret else view.read_setting(setting),
            )
        )
    for setting in plain:
        value = read(setting, view)
        if value in (None, "") or value == setting.default:
            continue
        estate.config.append(
            ConfigNeed(view.key_of(setting), False, setting.key, value, estate.account is not None)
        )
    estate.config.extend(endpoint_overrides(estate.api, config, estate.account))


def key_connection(
    estate: AccountEstate, config: Config, api_key: Setting, base_url: Setting, title: str
) -> None:
    """`connection` for an API keyed by one API key (MailChannels Inbound, Pingram): the key
    (a secret the user fills in) and the base URL where it is not the default."""
    connection(estate, config, [(api_key, f"{title} API key of {estate.owner}")], [base_url])


def endpoint_overrides(namespace: str, config: Config, account: str | None) -> list[ConfigNeed]:
    """The endpoint overrides the account was read with (`<api>:endpoints.<name>`, or the named
    account's own `<api>:accounts.<name>.endpoints.<name>`), as config the program needs: its
    resources must call the same paths."""
    view = AccountConfig(namespace, config, account)
    table = endpoint_table(namespace, importlib.import_module(ENDPOINT_MODULES[namespace]), view)
    needs: list[ConfigNeed] = []
    for default, override in table.overrides:
        name = table.name_of(default)
        if name is None:
            continue
        source = view.endpoint_source(name, f"{namespace}:endpoints")
        needs.append(
            ConfigNeed(
                f"{source}.{name}",
                False,
                f"the path of {name}",
                f"{override.method} {override.path}",
                path=True,
            )
        )
    return needs


__all__ = [
    "build",
    "connection",
    "endpoint_overrides",
    "has_credentials",
    "key_connection",
    "named_accounts",
    "stack_config",
]
