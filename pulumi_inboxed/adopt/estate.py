"""The estate: what `inboxed adopt` found, as declarations of this package's resources.

Each reader turns one account of one API into an `AccountEstate`: resource declarations
(`Decl`) whose arguments are plain values, `Obj` (an args object such as `MailboxArgs(...)`),
`Expr` (Python source, such as another resource's output) or `Secret` (a value the program reads
from stack config, never one the API returned), plus the config the user must set.

A `Decl` names its kind and inputs as the registry of kinds (`pulumi_inboxed.kinds`) does: the
readers take their kinds from it (`Decl.of(kind, ...)`), and a declaration of a kind, an input or
(for a collection) an entry field the registry does not know fails when it is made, naming it,
rather than writing a program that fails later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import kinds


@dataclass(frozen=True)
class Expr:
    """Python source written as it is (`domains_a.domain_ids`)."""

    source: str


@dataclass(frozen=True)
class Secret:
    """A secret input read from the program's config (`config.require_secret(key)`); the value
    stays in the account and in the user's stack config, never in the generated files."""

    key: str
    description: str


@dataclass(frozen=True)
class Obj:
    """An args object: `module.Name(*args, **kwargs)`."""

    module: str
    name: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


@dataclass
class Decl:
    """One resource of the program: `var = module.Kind("name", **args, opts=...)`."""

    module: str
    kind: str
    var: str
    name: str
    args: dict[str, Any]
    comment: str = ""
    depends_on: list[str] = field(default_factory=list)
    """Variables of the resources this one waits for (`ResourceOptions(depends_on=...)`)."""
    protect: bool = False
    """Written as `ResourceOptions(protect=True)`: a resource whose delete would delete what was
    bought (the policy pack's `purchased-domains-protected` asks for it)."""

    def __post_init__(self) -> None:
        problems = registry_problems(self)
        if problems:
            raise ValueError(f"adopt would write {self.module}.{self.kind}: " + "; ".join(problems))

    @classmethod
    def of(
        cls, kind: kinds.Kind, var: str, name: str, args: dict[str, Any], **options: Any
    ) -> Decl:
        """A declaration of the registry's `kind` (`kinds.kind("inboxedup:DomainBatch")`)."""
        return cls(kind.api, kind.name, var, name, args, **options)


def registry_problems(decl: Decl) -> list[str]:
    """What in `decl` the registry of kinds does not know: its kind, an input, or (for a
    collection's entries written as args objects) an entry field; empty when all is known."""
    try:
        kind = kinds.kind(f"{decl.module}:{decl.kind}")
    except KeyError as exc:
        return [str(exc.args[0])]
    problems = [
        f"{name!r} is not an input of {kind.token}" for name in decl.args if name not in kind.inputs
    ]
    entries = decl.args.get(kind.entries) if kind.entries else None
    if kind.entry_fields and isinstance(entries, list):
        for index, entry in enumerate(entries):
            if not isinstance(entry, Obj):
                continue
            where = f"{kind.entries}[{index}]"
            if len(entry.args) > len(kind.entry_fields):
                problems.append(
                    f"{where} gives {len(entry.args)} fields by position; an entry of "
                    f"{kind.token} has {len(kind.entry_fields)}"
                )
            problems += [
                f"{where}: {name!r} is not a field of an entry of {kind.token}"
                for name, _ in entry.kwargs
                if name not in kind.entry_fields
            ]
    return problems


@dataclass(frozen=True)
class ConfigNeed:
    """A stack config setting the user must set before `pulumi up`."""

    key: str
    secret: bool
    description: str
    value: str | None = None
    """The value to set, when it is not a secret (a base URL); None: the user fills it in."""
    path: bool = False

    def command(self) -> str:
        flags = " --path" if self.path else ""
        flags += " --secret" if self.secret else ""
        shown = self.value if self.value is not None else f"<{self.description}>"
        return f"pulumi config set{flags} '{self.key}' {_quote(shown)}"


def _quote(value: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_./:@-]+", value):
        return value
    return "'" + value.replace("'", "'\"'\"'") + "'"


@dataclass
class AccountEstate:
    """One account of one API: its declarations, counts and the config it needs."""

    api: str
    account: str | None
    decls: list[Decl] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    config: list[ConfigNeed] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What was found but not declared, and why (shown in the program's comments)."""
    requests: int = 0
    """API requests the reader made."""

    @property
    def label(self) -> str:
        return self.api if self.account is None else f"{self.api} {self.account}"

    @property
    def owner(self) -> str:
        """How a config placeholder names the account (`client-a`, `the default account`)."""
        return "the default account" if self.account is None else self.account

    @property
    def prefix(self) -> str:
        """The start of every name of this account's resources (`inboxedup-client-a`)."""
        return self.api if self.account is None else f"{self.api}-{self.account}"

    def var(self, *parts: str) -> str:
        return identifier(self.prefix, *parts)

    def resource_name(self, *parts: str) -> str:
        return "-".join(slug(p) for p in (self.prefix, *parts) if p)

    def account_args(self) -> dict[str, Any]:
        return {} if self.account is None else {"account": self.account}

    def summary(self) -> str:
        counted = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        return f"{self.label}: {counted or 'nothing'}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def identifier(*parts: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", "_".join(p for p in parts if p).lower()).strip("_")
    return name if name and not name[0].isdigit() else f"r_{name}"


def config_key(*parts: str) -> str:
    """A camelCase project config key (`inboxedupClientAKey`)."""
    words = [w for p in parts for w in re.split(r"[^A-Za-z0-9]+", p) if w]
    if not words:
        return "secret"
    head, *rest = words
    return head.lower() + "".join(w[:1].upper() + w[1:].lower() for w in rest)


__all__ = [
    "AccountEstate",
    "ConfigNeed",
    "Decl",
    "Expr",
    "Obj",
    "Secret",
    "config_key",
    "identifier",
    "registry_problems",
    "slug",
]
