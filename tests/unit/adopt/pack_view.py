"""The resources a generated program declares, as the policy pack sees them at its first preview,
and the pack's mandatory rules run over them (the pure rules of `pulumi_inboxed.policy`, no
engine).

The program's text is parsed; each `var = <api>.<Kind>("name", ..., opts=...)` becomes a
`policy.model.Resource`: its keyword arguments evaluated with the package's own classes (the
`...Args` are dicts, as the engine receives them), another resource's output as `UNKNOWN` (not
known during a first preview), `config.require_secret(...)` as a secret, and `protect` read from
the `pulumi.ResourceOptions(...)` the program writes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

from pulumi_inboxed import inboxedup, kinds, mailchannels, mailin, pingram
from pulumi_inboxed.policy import hygiene, limits, money
from pulumi_inboxed.policy.model import DYNAMIC_PREFIX, UNKNOWN, Resource, SecretValue, Violation

APIS = {"inboxedup": inboxedup, "mailin": mailin, "mailchannels": mailchannels, "pingram": pingram}


class _Output:
    """Another resource: every output is unknown during the first preview."""

    def __getattr__(self, name: str) -> Any:
        return UNKNOWN


class _Config:
    def require_secret(self, key: str) -> SecretValue:
        return SecretValue(f"<{key}>")


class _Names(dict[str, Any]):
    def __missing__(self, key: str) -> Any:
        return _Output()


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _protect(options: ast.expr) -> bool:
    """`protect` of `opts=pulumi.ResourceOptions(...)` as written (`depends_on` names resources,
    which exist only under the engine)."""
    assert isinstance(options, ast.Call) and ast.unparse(options.func) == "pulumi.ResourceOptions"
    given = [k.value for k in options.keywords if k.arg == "protect"]
    return bool(ast.literal_eval(given[0])) if given else False


def declared_resources(program: str) -> list[Resource]:
    names = _Names({**APIS, "config": _Config()})
    found: list[Resource] = []
    for node in ast.parse(program).body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        callee = node.value.func
        if not (isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name)):
            continue
        api, kind = callee.value.id, callee.attr
        if api not in APIS:
            continue
        token = f"{DYNAMIC_PREFIX}{api}:{kind}"
        assert kinds.from_type(token) is not None, f"{api}.{kind} is no kind of the package"
        name = ast.literal_eval(node.value.args[0])
        props: dict[str, Any] = {}
        protect = False
        for keyword in node.value.keywords:
            if keyword.arg == "opts":
                protect = _protect(keyword.value)
                continue
            value = eval(compile(ast.Expression(keyword.value), "<program>", "eval"), {}, names)
            assert keyword.arg is not None
            props[keyword.arg] = _plain(value)
        found.append(
            Resource(token, name, f"urn:pulumi:adopted::p::{token}::{name}", props, protect)
        )
    return found


ResourceRule = Callable[[Resource], list[Violation]]
StackRule = Callable[[list[Resource]], list[Violation]]

RESOURCE_RULES: dict[str, ResourceRule] = {
    "mailin-azure-manual-order-size": limits.azure_manual_order_size,
    "mailin-purchasable-tlds": limits.purchasable_tlds,
    "purchased-domains-protected": money.purchased_domains_protected,
    "mailbox-usernames-on-domain": hygiene.mailbox_usernames,
    "names-present": hygiene.names_present,
}
"""Each mandatory resource policy of the pack (`policy/pack.py`), with its default config."""

STACK_RULES: dict[str, StackRule] = {
    "inboxedup-mailboxes-per-domain": limits.mailboxes_per_domain,
    "domains-per-account": lambda rs: limits.domains_per_account(rs, {}),
    "max-domains-bought-per-update": lambda rs: money.domains_bought(
        rs, money.DEFAULT_MAX_DOMAINS_PER_UPDATE
    ),
    "no-duplicate-domains": money.duplicate_domains,
}


def mandatory_violations(resources: list[Resource]) -> dict[str, list[Violation]]:
    """Policy name -> its violations, for each mandatory policy of the pack that finds any."""
    found = {name: [v for r in resources for v in rule(r)] for name, rule in RESOURCE_RULES.items()}
    found |= {name: rule(resources) for name, rule in STACK_RULES.items()}
    return {name: violations for name, violations in found.items() if violations}
