"""Per-entry outputs of a collection recorded as one JSON text each, so that a large stack's
state stays small in the `pulumi` CLI (issue 19: at 10,000 domains and 30,000 mailboxes the CLI's
memory followed the number of values in the state, not its bytes).

A collection's outputs hold a few values per entry (a `DomainBatch`: a record, a status and two
nameservers per domain; `MailboxRequests`: a request id, a status and the emails per entry). The
engine keeps every value of the state as its own object and copies them several times per step,
so 10,000 entries cost hundreds of MB in the CLI. A text is one value however long, and Go shares
its bytes between copies.

- In the dynamic-provider process (`install()`, from `ConfiguredProvider.configure`), the
  provider records each name of its class's `packed_outputs` as one JSON text (`pack`) and reads
  the recorded outputs back as values (`unpack`) before any handler sees them, so the handlers
  never know; state written before (values, not texts) reads the same. Called directly (unit
  tests), handlers take and give values.
- The program's attribute of the same name is the value again (`unpacked_output`), so
  `batch.statuses["a.com"]` and `pulumi.export("statuses", batch.statuses)` work as before.
- Tools that read the state (`pulumi stack export`, `stack.resources()` in tests) see the text:
  `unpack` reads it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

import pulumi
import pulumi.dynamic as dyn

F = TypeVar("F", bound=Callable[..., Any])

_installed = False


def install() -> None:
    """Packs and unpacks in this process from now on (the dynamic-provider process)."""
    global _installed
    _installed = True


def uninstall() -> None:
    """Handlers take and give values again (for tests)."""
    global _installed
    _installed = False


def _encode(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def pack(outs: Mapping[str, Any], names: Collection[str]) -> dict[str, Any]:
    """`outs` with each of `names` (a dict or a list) as one JSON text."""
    packed = dict(outs)
    for name in names:
        value = packed.get(name)
        if isinstance(value, (dict, list)):
            packed[name] = _encode(value)
    return packed


def unpack_value(value: Any) -> Any:
    """A recorded output as its value: a packed JSON text decoded, anything else as it is
    (state written before outputs were packed, a value not known yet at preview)."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def unpack(props: Mapping[str, Any], names: Collection[str]) -> dict[str, Any]:
    """`props` (recorded outputs) with each of `names` read back as its value."""
    unpacked = dict(props)
    for name in names:
        if name in unpacked:
            unpacked[name] = unpack_value(unpacked[name])
    return unpacked


def _packed_result(result: Any, names: Collection[str]) -> Any:
    if isinstance(result, (dyn.CreateResult, dyn.ReadResult, dyn.UpdateResult)) and result.outs:
        result.outs = pack(result.outs, names)
    return result


def packing_handler(handler: F, kind: str) -> F:
    """`handler` (a provider's create, update, read, diff or delete) seeing the recorded
    outputs unpacked and answering with its outputs packed (`cls.packed_outputs`)."""
    from .partial_failure import PartialFailure

    @functools.wraps(handler)
    def wrapped(self: Any, *args: Any) -> Any:
        if not _installed:
            return handler(self, *args)
        names = type(self).packed_outputs
        args_ = list(args)
        if kind in ("diff", "update", "read", "delete"):  # (id, olds, ...) / (id, props)
            args_[1] = unpack(args_[1], names)
        try:
            result = handler(self, *args_)
        except PartialFailure as failure:
            failure.outs = pack(failure.outs, names)
            raise
        return _packed_result(result, names)

    return wrapped  # type: ignore[return-value]


def unpacked_output(output: pulumi.Output[Any]) -> pulumi.Output[Any]:
    """A resource's output attribute read back as its value (`unpack_value`)."""
    return output.apply(unpack_value)


__all__ = [
    "install",
    "pack",
    "packing_handler",
    "uninstall",
    "unpack",
    "unpack_value",
    "unpacked_output",
]
