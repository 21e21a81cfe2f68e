"""Writes the project: `__main__.py` (grouped per API and account, collections where there are
many objects, a header saying how it was made and what to check), `Pulumi.yaml`, and
`adopt-config.sh` with the config commands to run (secrets as placeholders: the values stay in
the accounts and in the user's hands)."""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .estate import AccountEstate, ConfigNeed, Decl, Expr, Obj, Secret

TITLES = {
    "inboxedup": "InboxedUp",
    "mailin": "Mailin.ai",
    "mailchannels": "MailChannels Inbound",
    "pingram": "Pingram",
}
WIDTH = 88
"""ruff's (and black's) default line length: the program is written the way `ruff format` writes
it (double quotes; a call or a list that does not fit is split one item a line with a trailing
comma, which ruff keeps), so `ruff format --check` passes on it as written."""


def string(text: str) -> str:
    """`text` as a string literal in ruff's style: double quotes, unless the text holds one."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        return '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def _call(value: Any) -> tuple[str, list[tuple[str, Any]]] | None:
    """A value written as a call: its callee and its arguments (`""` for a positional one)."""
    if isinstance(value, Obj):
        items: list[tuple[str, Any]] = [("", a) for a in value.args]
        return f"{value.module}.{value.name}", items + list(value.kwargs)
    if isinstance(value, Secret):
        return "config.require_secret", [("", value.key)]
    return None


def _flat(value: Any) -> str:
    if isinstance(value, Expr):
        return value.source
    call = _call(value)
    if call is not None:
        callee, items = call
        return f"{callee}({', '.join(_item(k, v) for k, v in items)})"
    if isinstance(value, list):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{string(str(k))}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return string(value)
    if isinstance(value, int | float | bool) or value is None:
        return repr(value)
    raise TypeError(f"cannot write {type(value).__name__} into a program")


def _item(key: str, value: Any) -> str:
    return f"{key}={_flat(value)}" if key else _flat(value)


def render(value: Any, indent: int, column: int | None = None, tail: int = 0) -> str:
    """`value` as Python source starting at `column` of a line indented by `indent`, with `tail`
    characters after it on that line: on one line when it fits in WIDTH, else split one item a
    line (indent + 4) with a trailing comma."""
    column = indent if column is None else column
    flat = _flat(value)
    if column + len(flat) + tail <= WIDTH:
        return flat
    pad, inner = " " * indent, " " * (indent + 4)
    call = _call(value)
    if call is not None and call[1]:
        callee, items = call
        body = [
            f"{inner}{key + '=' if key else ''}"
            f"{render(v, indent + 4, indent + 4 + len(key) + bool(key), 1)},"
            for key, v in items
        ]
        return f"{callee}(\n" + "\n".join(body) + f"\n{pad})"
    if isinstance(value, list) and value:
        body = [f"{inner}{render(v, indent + 4, indent + 4, 1)}," for v in value]
        return "[\n" + "\n".join(body) + f"\n{pad}]"
    if isinstance(value, dict) and value:
        body = []
        for k, v in value.items():
            key = string(str(k)) + ": "
            body.append(f"{inner}{key}{render(v, indent + 4, indent + 4 + len(key), 1)},")
        return "{\n" + "\n".join(body) + f"\n{pad}}}"
    return flat


def secrets_of(value: Any) -> list[Secret]:
    if isinstance(value, Secret):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in secrets_of(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in secrets_of(v)]
    if isinstance(value, Obj):
        return secrets_of(list(value.args)) + secrets_of([v for _, v in value.kwargs])
    return []


def _decl(decl: Decl) -> str:
    lines = []
    if decl.comment:
        lines.append(f"# {decl.comment}")
    kwargs: list[tuple[str, Any]] = list(decl.args.items())
    options: list[tuple[str, Any]] = []
    if decl.protect:
        options.append(("protect", True))
    if decl.depends_on:
        options.append(("depends_on", [Expr(v) for v in decl.depends_on]))
    if options:
        kwargs.append(("opts", Obj("pulumi", "ResourceOptions", (), tuple(options))))
    call = Obj(decl.module, decl.kind, (decl.name,), tuple(kwargs))
    head = f"{decl.var} = "
    lines.append(head + render(call, 0, len(head)))
    return "\n".join(lines)


def program(estates: Sequence[AccountEstate], command: str, when: str | None = None) -> str:
    when = when or dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    modules = sorted({d.module for e in estates for d in e.decls})
    needs_config = any(secrets_of(d.args) for e in estates for d in e.decls)
    header = [
        '"""Generated by `inboxed adopt` (pulumi_inboxed) on ' + when + ".",
        "",
        "    " + command.replace("\\", "\\\\").replace('"""', '\\"\\"\\"'),
        "",
        "It declares what the accounts held when they were read: the first `pulumi up` adopts",
        "every object (nothing is bought, created or changed), and an object adopted is left in",
        "its account on `pulumi destroy` unless its resource says `destroy_adopted=True`.",
        "",
        "Before the first `pulumi up`:",
        "- set the config `adopt-config.sh` lists (credentials and keys: never in this file);",
        "- run `pulumi preview`: it should show only creates, and no error;",
        "- after `pulumi up`, `pulumi preview --expect-no-changes` should pass.",
        "Read:",
    ]
    for estate in estates:
        header.append(f"- {estate.summary()}")
    header.append('"""')
    lines = [*header, "", "import pulumi", ""]
    if modules:
        lines += ["from pulumi_inboxed import " + ", ".join(modules), ""]
    if needs_config:
        lines += ["config = pulumi.Config()", ""]
    for estate in estates:
        title = TITLES.get(estate.api, estate.api)
        who = "default account" if estate.account is None else f"account {estate.account!r}"
        lines += ["", f"# {'-' * 3} {title}, {who} {'-' * (WIDTH - 12 - len(title + who))}"]
        for note in estate.notes:
            lines.append(f"# Not declared: {note}")
        if not estate.decls:
            lines.append("# (nothing found)")
        for decl in estate.decls:
            lines += ["", _decl(decl)]
    return "\n".join(lines).rstrip() + "\n"


def pulumi_yaml(project: str) -> str:
    return (
        f"name: {project}\n"
        "description: Generated by inboxed adopt (what the accounts already held)\n"
        "runtime: python\n"
    )


def config_needs(estates: Sequence[AccountEstate]) -> list[ConfigNeed]:
    needs: dict[str, ConfigNeed] = {}
    for estate in estates:
        for need in estate.config:
            needs.setdefault(need.key, need)
        for decl in estate.decls:
            for secret in secrets_of(decl.args):
                needs.setdefault(secret.key, ConfigNeed(secret.key, True, secret.description))
    return list(needs.values())


def config_script(needs: Sequence[ConfigNeed]) -> str:
    lines = [
        "#!/bin/sh",
        "# Config for the generated program (`inboxed adopt`). Fill in each <...>: secrets are",
        "# never written here; `pulumi config set --secret` encrypts them in the stack's config.",
        "set -e",
    ]
    lines += [need.command() for need in needs]
    return "\n".join(lines) + "\n"


def write_project(
    out: Path, project: str, estates: Sequence[AccountEstate], argv: Sequence[str]
) -> list[ConfigNeed]:
    """Writes the project into `out`; returns the config the user must set."""
    out.mkdir(parents=True, exist_ok=True)
    command = "inboxed adopt " + " ".join(shlex.quote(a) for a in argv)
    (out / "__main__.py").write_text(program(estates, command), encoding="utf-8")
    (out / "Pulumi.yaml").write_text(pulumi_yaml(project), encoding="utf-8")
    needs = config_needs(estates)
    (out / "adopt-config.sh").write_text(config_script(needs), encoding="utf-8")
    return needs


__all__ = ["config_needs", "config_script", "program", "pulumi_yaml", "render", "write_project"]
