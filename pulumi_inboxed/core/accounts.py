"""Several accounts of one API in one program: named accounts in stack config.

An agency runs one workspace per client. Every resource and function takes `account=` (a name);
`None` (the default) is the API's single account of the plain settings (`inboxedup:apiToken`,
`inboxedup:baseUrl`, ...). A named account's settings live in the structured config map
`<api>:accounts`, set with `--path` (and `--secret` for credentials):

    pulumi config set --path --secret 'inboxedup:accounts.client-a.apiToken' tok_...
    pulumi config set --path 'inboxedup:accounts.client-a.baseUrl' https://...

or in the `<API>_ACCOUNTS` environment variable holding the same map as JSON. Credentials
(`Setting.credential`) come only from the account's own entry: a named account never falls back
to the default account's token, so an object can never land in the wrong workspace. The other
settings (base URL, poll interval) fall back to the plain setting, then its variable, then its
default. `endpoints` overrides merge: the account's own entries over the plain map.

`AccountConfig` is the view the runtimes read through: `config.read(setting, AccountConfig(...))`
gives the account's value. Settings are read when the provider runs (`configure()`), never
pickled and never put in the state: the state holds only the account's name.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Hashable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .config import ConfigSource, Setting, json_map
from .errors import ConfigError, CredentialHint

if TYPE_CHECKING:
    from .endpoints_config import EndpointTable

ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ACCOUNT_NAME_RULE = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or a digit"
ACCOUNT_DOC = (
    "the account (a name under the `<api>:accounts` stack config map) that holds this object; "
    "unset: the API's default account (the plain `<api>:...` settings). Changing it replaces "
    "the object: it is made in the new account and deleted from the old one"
)


def accounts_setting(namespace: str) -> Setting:
    """The `<namespace>:accounts` map (env `<NAMESPACE>_ACCOUNTS`, JSON); it holds secrets."""
    return Setting(namespace, "accounts", f"{namespace.upper()}_ACCOUNTS", secret=True)


def _as_map(value: Any, source: str) -> Mapping[str, Any] | None:
    return json_map(value, source, "account name to settings")


def configured_accounts(
    namespace: str, config: ConfigSource | Mapping[str, Any] | None
) -> tuple[dict[str, Mapping[str, Any]], str]:
    """Every named account of `namespace` (name -> its settings map) and where they came from
    (the config key or the variable). Never includes the default account."""
    setting = accounts_setting(namespace)
    raw = _as_map(
        config.get(setting.config_key) if config is not None else None, setting.config_key
    )
    source = setting.config_key
    if raw is None:
        raw = _as_map(os.environ.get(setting.env), setting.env)
        source = setting.env
    accounts: dict[str, Mapping[str, Any]] = {}
    for name, entry in (raw or {}).items():
        where = f"{source}.{name}"
        if not ACCOUNT_NAME.match(str(name)):
            raise ConfigError(f"{where}: bad account name ({ACCOUNT_NAME_RULE})")
        entry = _as_map(entry, where)
        accounts[str(name)] = entry or {}
    return accounts, source


def check_account_name(account: str | None) -> str | None:
    """`account` when it is a valid name (or None); `ConfigError` naming the rule otherwise."""
    if account is None or account == "":
        return None
    if not isinstance(account, str) or not ACCOUNT_NAME.match(account):
        raise ConfigError(f"account {account!r}: bad account name ({ACCOUNT_NAME_RULE})")
    return account


def unknown_account_message(namespace: str, account: str, known: list[str]) -> str:
    listed = ", ".join(sorted(known)) or "none"
    return (
        f"account {account!r} is not configured for {namespace}: set its credentials with "
        f"`pulumi config set --path --secret '{namespace}:accounts.{account}.<setting>' ...` "
        f"or the {namespace.upper()}_ACCOUNTS variable (configured accounts: {listed})"
    )


class AccountConfig:
    """The settings of one account of one API, read through `core.config.read`.

    `account=None` is the default account: exactly the plain settings. A named account must be
    in `<namespace>:accounts` (a `ConfigError` naming the key otherwise)."""

    account: str | None
    base: ConfigSource | Mapping[str, Any] | None

    def __init__(
        self,
        namespace: str,
        config: ConfigSource | Mapping[str, Any] | None,
        account: str | None = None,
    ) -> None:
        if isinstance(config, AccountConfig):
            # A view given as the config: the same account's view again (never a second layer,
            # whose `get` would let a named account reach the default account's credentials).
            if account in (None, "", config.account):
                account = config.account
            config = config.base
        self.namespace = namespace
        self.base = config
        self.account = check_account_name(account)
        self._entry: Mapping[str, Any] | None = None
        self._source = ""
        if self.account is not None:
            accounts, source = configured_accounts(namespace, config)
            entry = accounts.get(self.account)
            if entry is None:
                raise ConfigError(unknown_account_message(namespace, self.account, list(accounts)))
            self._entry, self._source = entry, f"{source}.{self.account}"

    def __repr__(self) -> str:  # never the settings
        return f"AccountConfig({self.namespace!r}, account={self.account!r})"

    @property
    def label(self) -> str:
        """How messages name the account: `inboxedup account 'client-a'` or `inboxedup`."""
        if self.account is None:
            return self.namespace
        return f"{self.namespace} account {self.account!r}"

    def key_of(self, setting: Setting) -> str:
        """Where the setting is set for this account (for messages)."""
        if self.account is None:
            return setting.config_key
        return f"{self.namespace}:accounts.{self.account}.{setting.key}"

    def how_to_set(self, setting: Setting) -> str:
        if self.account is None:
            return setting.how_to_set()
        return credential_hint(self.namespace, self.account, setting).how_to_set

    def read_setting(self, setting: Setting) -> str | None:
        """The account's value of `setting` (credentials only from the account's own entry)."""
        from .config import read_plain

        if self._entry is None:
            return read_plain(setting, self.base)
        value = self._entry.get(setting.key)
        if value not in (None, ""):
            return value if isinstance(value, str) else json.dumps(value)
        if setting.credential:
            return None
        return read_plain(setting, self.base)

    def endpoint_source(self, name: str, plain: str) -> str:
        """Where the override of endpoint `name` was set: the account's own map or `plain`."""
        if self._entry is None:
            return plain
        own = _as_map(self._entry.get("endpoints"), f"{self._source}.endpoints") or {}
        return f"{self.namespace}:accounts.{self.account}.endpoints" if name in own else plain

    def get(self, key: str) -> Any:
        """`ConfigSource.get`: the account's view of a raw config key (the `endpoints` map of a
        named account is the plain one with the account's entries over it)."""
        base = self.base.get(key) if self.base is not None else None
        if self._entry is None:
            return base
        namespace, _, name = key.partition(":")
        if namespace != self.namespace:
            return base
        own = self._entry.get(name)
        if name == "endpoints":
            env = f"{self.namespace.upper()}_ENDPOINTS"
            merged = dict(_as_map(base, key) or _as_map(os.environ.get(env), env) or {})
            merged.update(_as_map(own, f"{self._source}.endpoints") or {})
            return merged or None
        return own if own not in (None, "") else base


def credential_hint(api: str, account: str | None, setting: Setting) -> CredentialHint:
    """What a refusal of `account`'s credential `setting` names (None: the default account):
    the API, the account and the key to set (`inboxedup:accounts.client-b.apiToken`, or
    `inboxedup:apiToken` and its variable for the default account). Never the value."""
    namespace = setting.namespace
    if account is None:
        key, how = setting.config_key, setting.how_to_set()
    else:
        key = f"{namespace}:accounts.{account}.{setting.key}"
        secret = " --secret" if setting.secret else ""
        how = (
            f"`pulumi config set --path{secret} '{key}' ...` or the {namespace.upper()}_ACCOUNTS "
            "variable"
        )
    lowered = setting.key.lower()
    what = "token" if "token" in lowered else "API key" if "key" in lowered else "credentials"
    return CredentialHint(api, account, key, how, what)


_OWN_CREDENTIALS: dict[str, Setting] = {}


def require_own_credential(setting: Setting) -> None:
    """Preview refuses a named account of `setting.namespace` that lacks its own `setting`
    (`inboxedup:accounts.<name>.apiToken`): declared once by the API's runtime module."""
    _OWN_CREDENTIALS[setting.namespace] = setting


def account_check_failure(
    namespace: str, config: ConfigSource | Mapping[str, Any] | None, account: Any
) -> str | None:
    """Why `account` cannot be used at preview, or None: not a valid name, not configured, or
    without its own credential where the API declared one (`require_own_credential`).

    Preview reports it against the `account` input, with no API call. The default account and a
    value not known yet pass (the default's settings are checked when it is used)."""
    from .config import require
    from .provider_base import is_unknown

    if account is None or account == "" or is_unknown(account):
        return None
    try:
        view = AccountConfig(namespace, config, account)
        credential = _OWN_CREDENTIALS.get(namespace)
        if credential is not None:
            require(credential, view)
    except ConfigError as exc:
        return str(exc)
    return None


R = TypeVar("R")

KeyedAccount = tuple[str | None, str, str, "EndpointTable"]
"""An API-key account's name, base URL, key and endpoint table (MailChannels, Pingram)."""


def keyed_account(
    namespace: str,
    key: Setting,
    base_url: Setting,
    endpoints: ModuleType,
    config: ConfigSource | Mapping[str, Any] | None,
    account: str | None = None,
) -> KeyedAccount:
    """The settings of an account of an API that one key authenticates, as the key of its client
    in a `Registry` (`ConfigError` naming a missing or bad setting)."""
    from .config import require
    from .endpoints_config import endpoint_table

    view = AccountConfig(namespace, config, account)
    return (
        view.account,
        require(base_url, view),
        require(key, view),
        endpoint_table(namespace, endpoints, view),
    )


class Registry(Generic[R]):
    """One object (runtime, client, login) per key in a process, made once under a lock.

    Keys include the account's name and its settings, so each account has its own client,
    login and pollers, and two accounts never share one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[Hashable, R] = {}

    def get(self, key: Hashable, make: Callable[[], R]) -> R:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                item = self._items[key] = make()
            return item

    def values(self) -> list[R]:
        with self._lock:
            return list(self._items.values())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


__all__ = [
    "ACCOUNT_DOC",
    "ACCOUNT_NAME",
    "AccountConfig",
    "Registry",
    "account_check_failure",
    "accounts_setting",
    "check_account_name",
    "configured_accounts",
    "credential_hint",
    "keyed_account",
    "require_own_credential",
]
