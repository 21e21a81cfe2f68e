"""What the engine is told a diff changed: the inputs the program wrote, and, in a refresh, the
outputs that moved.

- **Diffs list only inputs.** `pulumi.dynamic`'s host sends the engine a diff's `changes` and
  `replaces` and drops the rest (`Diff`, pulumi/dynamic/__main__.py, SDK 3.272): with no changed
  keys from the provider, the CLI lists every property of the resource's recorded inputs that
  differs (`getDiffInfo`, pkg/backend/display/rows.go, Pulumi 3.274), among them values the
  program sets that are not inputs (`domains_in_program`: `[diff: ~domains_in_program,requests]`).
  Each provider's `diff()` is wrapped (`ConfiguredProvider.__init_subclass__`): its result is kept
  as it is, and the declared inputs that changed (`schema.changed_inputs`, the keys it replaces
  among them) go to the engine as the response's `diffs` and detailed diff, through `proto` of the
  host's servicer (`install()`), which is looked up when each response is built.
- **Refresh shows what moved.** In Pulumi 3.274 a refresh calls `Diff` after `Read`, with the
  refreshed state as the olds and the recorded inputs as the news, and reports the resource
  `updated` only when that diff finds changes (`RefreshStep.Apply`/`ResultOp`,
  pkg/resource/deploy/step.go); outputs are not compared (unless
  `PULUMI_ENABLE_LEGACY_REFRESH_DIFF` is set). A status that moved (InboxedUp's PENDING_NS to
  ACTIVE) is an output, so refresh said `unchanged`. The wrapped `read()`, called by the host's
  `Read`, notes the declared outputs whose value moved; the refresh's diff of that resource,
  which follows at once in the same provider process, takes the note (when its olds are the
  values read): it reports a change with those outputs as its keys (an
  output diff: the CLI shows `[diff: ~statuses]`, and `--diff` shows the values before and
  after), and one line per resource names the statuses that moved. The note is taken once: the
  diff of a later `pulumi up` in the same process compares inputs only, so `pulumi preview
  --expect-no-changes` after a refresh still passes when the program did not change.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any

import pulumi.dynamic as dyn

from .schema import ResourceInputs, ResourceOutputs, changed_inputs
from .schema import _normal as normal_value

WRAPPED = "_inboxed_diff_keys"
Diff = Callable[[Any, str, dict[str, Any], dict[str, Any]], dyn.DiffResult]
Read = Callable[[Any, str, dict[str, Any]], dyn.ReadResult]

LEGACY_REFRESH_DIFF = "PULUMI_ENABLE_LEGACY_REFRESH_DIFF"
"""Set: refresh compares outputs itself and calls no diff (no note is kept)."""
LISTED = 5
"""How many moved values a refresh line names before `and N more`."""

_DECLARED: dict[type[Any], tuple[str, type[ResourceInputs], type[ResourceOutputs]]] = {}
"""Provider class -> its kind's name, inputs and outputs models (`ResourceSpec` records them)."""
_MOVED: dict[tuple[type[Any], str], dict[str, Any]] = {}
"""(provider class, id) -> the outputs the host's last `Read` of it found moved, with the values
read (normalized), until the host's next `Diff` of it."""
_MOVED_LOCK = threading.Lock()
_STDERR = threading.Lock()


class _Keys(threading.local):
    """What the current handler's diff changed, for the response the host builds next."""

    keys: tuple[tuple[str, bool, bool], ...] | None = None
    """(property, replaces, an input diff) per changed property; None: nothing to add."""


_PENDING = _Keys()


def declare(
    provider: type[Any], name: str, inputs: type[ResourceInputs], outputs: type[ResourceOutputs]
) -> None:
    """Records a kind's name and models for its provider class (one kind per provider class)."""
    known = _DECLARED.get(provider)
    if known is not None and known != (name, inputs, outputs):
        raise TypeError(f"{provider.__name__} is the provider of two kinds; give each its own")
    _DECLARED[provider] = (name, inputs, outputs)


def models_of(
    provider: type[Any],
) -> tuple[str, type[ResourceInputs], type[ResourceOutputs]] | None:
    for cls in provider.__mro__:
        found = _DECLARED.get(cls)
        if found is not None:
            return found
    return None


# diff ---------------------------------------------------------------------------------------


def changed_keys(
    provider: type[Any], olds: Mapping[str, Any], news: Mapping[str, Any], result: dyn.DiffResult
) -> list[str]:
    """The declared inputs a diff with `result` changed: what the engine is told. Empty when
    the diff found no change or the provider's kind is not known."""
    models = models_of(provider)
    if not result.changes or models is None:
        return []
    inputs = models[1]
    declared = set(inputs.input_names())
    keys = changed_inputs(inputs, olds, news)
    keys += [k for k in result.replaces or [] if k in declared and k not in keys]
    return keys


def reported_diff(diff: Diff) -> Diff:
    """Wraps a provider's `diff()`: its result decides, and the inputs it changed are kept for
    the engine's response (see the module's doc); the host's diff that follows a refresh's
    `Read` which found outputs moved is a change, those outputs its keys."""
    if getattr(diff, WRAPPED, False):
        return diff

    @functools.wraps(diff)
    def wrapped(self: Any, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        _PENDING.keys = None
        moved = take_moved(type(self), id_, olds) if _called_by_host("Diff", 1) else ()
        result = diff(self, id_, olds, news)
        replaces = set(result.replaces or [])
        keys = [(k, k in replaces, True) for k in changed_keys(type(self), olds, news, result)]
        if moved:
            result.changes = True
            keys += [(k, False, False) for k in moved]
        if result.changes:
            _PENDING.keys = tuple(keys)
        return result

    setattr(wrapped, WRAPPED, True)
    return wrapped


def take_pending() -> tuple[tuple[str, bool, bool], ...] | None:
    """What this thread's last diff changed (once)."""
    keys, _PENDING.keys = _PENDING.keys, None
    return keys


class _DiffResponse:
    """`proto.DiffResponse` as the host's servicer uses it (its constants, and a call that builds
    a response), the response carrying the changed properties of the diff the same handler just
    ran."""

    def __init__(self, proto: ModuleType) -> None:
        self._proto = proto

    def __getattr__(self, name: str) -> Any:
        return getattr(self._proto.DiffResponse, name)

    def __call__(self, **fields: Any) -> Any:
        keys = take_pending()
        proto = self._proto
        if keys is not None and fields.get("changes") == proto.DiffResponse.DIFF_SOME:
            kind = proto.PropertyDiff
            fields["diffs"] = [k for k, _, _ in keys]
            fields["hasDetailedDiff"] = True
            fields["detailedDiff"] = {
                k: kind(kind=kind.UPDATE_REPLACE if replaces else kind.UPDATE, inputDiff=input_)
                for k, replaces, input_ in keys
            }
        return proto.DiffResponse(**fields)


class _Proto(ModuleType):
    """Stands in for `pulumi.runtime.proto` inside the host's servicer, but for its
    `DiffResponse` (`_DiffResponse`)."""

    def __init__(self, proto: ModuleType) -> None:
        super().__init__(proto.__name__)
        self._proto = proto
        self.DiffResponse = _DiffResponse(proto)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._proto, name)


def install() -> None:
    """Makes the dynamic provider host send each diff's changed properties (idempotent)."""
    for name in ("__main__", "pulumi.dynamic.__main__"):
        module = sys.modules.get(name)
        proto = getattr(module, "proto", None)
        if (
            module is not None
            and hasattr(module, "DynamicResourceProviderServicer")
            and isinstance(proto, ModuleType)
            and not isinstance(proto, _Proto)
        ):
            module.proto = _Proto(proto)  # type: ignore[attr-defined]


# refresh ------------------------------------------------------------------------------------


def moved_outputs(
    outputs: type[ResourceOutputs], before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[str]:
    """The declared outputs recorded `before` whose value is not the same `after` a read."""
    return [
        name
        for name in outputs.output_names()
        if before.get(name) is not None
        and normal_value(before.get(name)) != normal_value(after.get(name))
    ]


def take_moved(provider: type[Any], id_: str, olds: Mapping[str, Any]) -> tuple[str, ...]:
    """The outputs a refresh's `Read` of this resource found moved, when `olds` is the state it
    read (the refresh's diff); taken once."""
    with _MOVED_LOCK:
        noted = _MOVED.pop((provider, id_), None)
    if not noted or any(normal_value(olds.get(k)) != v for k, v in noted.items()):
        return ()
    return tuple(noted)


HOST_FRAMES_ABOVE = 4
"""How many frames up from a wrapped handler the host's own handler may be."""


def _host_request(handler: str, depth: int) -> Any:
    """The request of the provider host's `handler` (`Read`, `Diff` of `pulumi.dynamic.__main__`)
    when it called the provider: the frame `depth` levels up or, past the handler wrappers of
    `ConfiguredProvider` (`core.packed_outputs`), one of the few above it; else None: what tests
    and other callers of a provider's methods do leaves no note and takes none."""
    frame: Any = sys._getframe(depth + 1)
    for _ in range(HOST_FRAMES_ABOVE):
        if frame is None:
            return None
        if frame.f_code.co_name == handler and "DynamicResourceProviderServicer" in frame.f_globals:
            return frame.f_locals.get("request", False)
        frame = frame.f_back
    return None


def _called_by_host(handler: str, depth: int) -> bool:
    return _host_request(handler, depth + 1) is not None


def resource_name(urn: Any) -> str | None:
    """The resource's name in the program, the last part of its URN."""
    return urn.rsplit("::", 1)[-1] if isinstance(urn, str) and "::" in urn else None


def noted_read(read: Read) -> Read:
    """Wraps a provider's `read()`: the result is unchanged; the outputs that moved are noted
    for the refresh's diff, and the statuses among them are named on one line."""
    if getattr(read, WRAPPED, False):
        return read

    @functools.wraps(read)
    def wrapped(self: Any, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        result = read(self, id_, props)
        models = models_of(type(self))
        if models is None or not result.id or result.outs is None:
            return result
        kind, _, outputs = models
        moved = moved_outputs(outputs, props, result.outs)
        request = _host_request("Read", 1)
        if not moved or request is None:
            return result
        if os.environ.get(LEGACY_REFRESH_DIFF, "").lower() not in ("1", "true"):
            with _MOVED_LOCK:
                _MOVED[(type(self), str(result.id))] = {
                    k: normal_value(result.outs.get(k)) for k in moved
                }
        name = resource_name(getattr(request, "urn", None))
        line = statuses_line(kind, repr(name) if name else id_, props, result.outs)
        if line:
            _info(line)
        return result

    setattr(wrapped, WRAPPED, True)
    return wrapped


def status_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """`what OLD -> NEW` for each status that moved: the `status` output (a string), and each
    key of a `..._statuses`/`statuses` output (a map)."""
    changes: list[str] = []
    for name in sorted(set(before) & set(after)):
        old, new = before[name], after[name]
        if name == "status" and isinstance(old, str) and isinstance(new, str) and old != new:
            changes.append(f"{old} -> {new}")
        elif name.endswith("statuses") and isinstance(old, Mapping) and isinstance(new, Mapping):
            changes += [
                f"{key} {old[key]} -> {new[key]}"
                for key in sorted(set(old) & set(new))
                if old[key] != new[key]
            ]
    return changes


def statuses_line(kind: str, what: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """`MailboxRequests 'fleet': 2 statuses moved: a.com/smtp PENDING -> COMPLETED, ...`
    (`and N more` beyond `LISTED`); empty when none moved. `what`: the resource's name, quoted,
    or its id."""
    changes = status_changes(before, after)
    if not changes:
        return ""
    count = "status moved" if len(changes) == 1 else f"{len(changes)} statuses moved"
    return f"{kind} {what}: {count}: {_listed(changes)}"


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:LISTED])
    return shown + (f" and {len(items) - LISTED} more" if len(items) > LISTED else "")


def _info(message: str) -> None:
    """One line on the provider host's stderr (the CLI shows it), written whole."""
    with _STDERR:
        sys.stderr.write(f"{' '.join(message.splitlines())}\n")
        sys.stderr.flush()


__all__ = [
    "changed_keys",
    "declare",
    "install",
    "moved_outputs",
    "noted_read",
    "reported_diff",
    "status_changes",
    "statuses_line",
]
