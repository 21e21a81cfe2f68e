"""A collection that finishes what it can: a create or update that completed some entries and
not others records the completed ones in the state, and still fails naming the others.

Pulumi's engine has this built in for providers: a Create or Update that fails with an
`ErrorResourceInitFailed` detail is recorded with the outputs it carries and the reasons as
"initialization errors"; `pulumi up` fails showing the reasons, and the next `pulumi up` calls
Update on the resource even when nothing in the program changed, with those outputs as the olds.
A collection's update then finds the completed entries in its olds and touches only the others.

`pulumi.dynamic`'s servicer does not send that detail (every error is a plain UNKNOWN), so
`install()` wraps its Create and Update, inside the dynamic-provider process only: a handler that
raises `PartialFailure(outs, reasons)` is answered the way the engine expects (status UNKNOWN,
with the `google.rpc.Status` carrying the detail in the `grpc-status-details-bin` trailing
metadata). Any other error is untouched. If the SDK's internals change, nothing is wrapped and a
`PartialFailure` fails like any error (the completed entries are then found again by the next
run's adoption).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import intents
from .errors import InboxedError

log = logging.getLogger("pulumi_inboxed.partial_failure")

PROVIDER_KEY = "__provider"
STATUS_DETAILS_KEY = "grpc-status-details-bin"


class PartialFailure(InboxedError):
    """Some entries of a collection were completed, others not.

    :param outs: the outputs to record: the completed entries only (the failed ones left out,
        so that the next update sends them again).
    :param reasons: one line per entry that failed, naming it and why.
    :param id_: the resource's id: required from a create (the engine records nothing without
        one; the failure is then a plain error), an update keeps its own.
    """

    def __init__(
        self, message: str, outs: Mapping[str, Any], reasons: Sequence[str], id_: str = ""
    ) -> None:
        super().__init__(message)
        self.outs = dict(outs)
        self.reasons = list(reasons)
        self.id_ = id_


def raise_if_unfinished(
    kind: str,
    failures: Mapping[str, str],
    asked: int,
    outs: Mapping[str, Any],
    id_: str,
    *,
    noun: str,
    done: str,
    does: str,
) -> None:
    """`PartialFailure` naming each entry (key -> why) that was not `done` (sorted by key), with
    the outputs of the others: "DomainBatch: 2 of 5 domains were not submitted: ... The 3 others
    are submitted and recorded; the next `pulumi up` submits only the ones above." No failures:
    nothing."""
    if not failures:
        return
    reasons = [f"{key}: {why}" for key, why in sorted(failures.items())]
    lines = "\n".join(f"  {line}" for line in reasons)
    raise PartialFailure(
        f"{kind}: {len(failures)} of {asked} {noun} were not {done}:\n{lines}\n"
        f"The {asked - len(failures)} others are {done} and recorded; the next `pulumi up` "
        f"{does} only the ones above.",
        outs,
        reasons,
        id_=id_,
    )


def _serialize(props: Mapping[str, Any]) -> Any:
    from pulumi.runtime import rpc

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(props), {}))
    finally:
        loop.close()


def init_failure_status(failure: PartialFailure, id_: str, provider: Any) -> bytes:
    """The `google.rpc.Status` (serialized) that tells the engine to record `failure.outs`
    (with the `__provider` the servicer adds to every answer) and report the reasons."""
    import grpc
    from google.protobuf import any_pb2
    from google.rpc import status_pb2
    from pulumi.runtime.proto import provider_pb2

    outs = dict(failure.outs)
    outs[PROVIDER_KEY] = provider
    detail = provider_pb2.ErrorResourceInitFailed(
        id=id_, properties=_serialize(outs), reasons=[str(failure), *failure.reasons]
    )
    packed = any_pb2.Any()
    packed.Pack(detail)
    code = grpc.StatusCode.UNKNOWN.value[0]
    status = status_pb2.Status(code=code, message=str(failure), details=[packed])
    return bytes(status.SerializeToString())


def _answer_partial_failure(context: Any, request: Any, kind: str, failure: PartialFailure) -> bool:
    """Sets the trailing metadata that carries `failure` to the engine. The servicer's own
    `_abort_with_traceback` then aborts the call (UNKNOWN, the error's message): grpc sends the
    trailing metadata with that status. False when the engine records nothing (no id)."""
    from pulumi.runtime import rpc

    props = rpc.deserialize_properties(request.properties if kind == "Create" else request.news)
    id_ = failure.id_ if kind == "Create" else (request.id or failure.id_)
    if not id_:
        # the engine refuses a create without an id: this stays a plain error
        log.error("%s: a PartialFailure of a create carries no id; it is a plain error", kind)
        return False
    details = init_failure_status(failure, id_, props.get(PROVIDER_KEY))
    context.set_trailing_metadata(((STATUS_DETAILS_KEY, details),))
    return True


def _wrap(handler: Callable[..., Any], kind: str) -> Callable[..., Any]:
    """`handler` (the servicer's undecorated Create or Update), answering a PartialFailure."""

    @functools.wraps(handler)
    def wrapper(self: Any, request: Any, context: Any) -> Any:
        # the resource's URN, for the intents its writes record (`core.intents`)
        with intents.handling(str(getattr(request, "urn", "") or "")) as handled:
            try:
                result = handler(self, request, context)
            except PartialFailure as failure:
                try:
                    if _answer_partial_failure(context, request, kind, failure):
                        handled.settled()  # the engine records the completed entries
                except Exception:
                    log.exception("%s: could not record the completed entries", kind)
                raise
            handled.settled()
            return result

    wrapper.__inboxed_partial__ = True  # type: ignore[attr-defined]
    return wrapper


def _wrap_urn(handler: Callable[..., Any]) -> Callable[..., Any]:
    """`handler` (the servicer's undecorated Delete or Read) with the resource's URN known
    (`core.intents.current_urn()`: the row its messages land on, `core.engine_log`). Nothing is
    settled: a delete or a read writes no intents and removes none."""

    @functools.wraps(handler)
    def wrapper(self: Any, request: Any, context: Any) -> Any:
        with intents.handling(str(getattr(request, "urn", "") or "")):
            return handler(self, request, context)

    wrapper.__inboxed_partial__ = True  # type: ignore[attr-defined]
    return wrapper


def answer_in_abort(exc: BaseException | None) -> str | None:
    """The message the servicer's abort sends for a handler's error (it formats the error inside
    its `except`, through `provider_base._ConciseTraceback`): for a `PartialFailure`, its own
    message (the same as the `google.rpc.Status` it carries), None for anything else. The
    detail itself was set by the wrapped handler (`install()`)."""
    seen = exc
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, PartialFailure):
            return str(seen)
        seen = seen.__context__
    return None


def _handler_cell(decorated: Any) -> Any:
    """The closure cell of `_abort_with_traceback`'s wrapper that holds the undecorated handler
    (`fn`), or None when the SDK is not shaped that way."""
    code = getattr(decorated, "__code__", None)
    closure = getattr(decorated, "__closure__", None)
    if code is None or not closure or tuple(code.co_freevars) != ("fn",):
        return None
    cell = closure[0]
    try:
        return cell if callable(cell.cell_contents) else None
    except ValueError:  # an empty cell
        return None


def install() -> bool:
    """Makes the dynamic servicer's Create and Update answer a `PartialFailure` as the engine's
    `ErrorResourceInitFailed` (idempotent); True when in force. Delete and Read are wrapped to
    know their resource's URN only (`_wrap_urn`).

    The servicer's handlers were registered with the grpc server (bound methods) before any
    provider was loaded, so replacing them on the class would change nothing for the running
    server. Each is `_abort_with_traceback(fn)`, whose wrapper reads `fn` from its closure at
    every call: the undecorated handler in that cell is wrapped instead, which the registered
    handler then calls. It is installed from `ConfiguredProvider.configure`, which the engine's
    first Check (or Diff, Read, Delete) of the process runs, so it is in force before any Create
    or Update (the engine checks every resource before creating or updating it).
    """
    done = False
    for name in ("__main__", "pulumi.dynamic.__main__"):
        module = sys.modules.get(name)
        servicer = getattr(module, "DynamicResourceProviderServicer", None)
        if servicer is None:
            continue
        for kind in ("Create", "Update", "Delete", "Read"):
            cell = _handler_cell(vars(servicer).get(kind))
            if cell is None:
                log.warning(
                    "pulumi.dynamic's %s is not shaped as expected: a partial failure is "
                    "reported as a plain error",
                    kind,
                )
                continue
            if not getattr(cell.cell_contents, "__inboxed_partial__", False):
                partial = kind in ("Create", "Update")
                handler = cell.cell_contents
                cell.cell_contents = _wrap(handler, kind) if partial else _wrap_urn(handler)
            done = done or kind in ("Create", "Update")
    return done


__all__ = ["PartialFailure", "answer_in_abort", "init_failure_status", "install"]
