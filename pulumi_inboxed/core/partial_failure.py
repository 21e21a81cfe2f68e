"""A collection that finishes what it can: a create or update that completed some entries and
not others records the completed ones in the state, and still fails naming the others.

Pulumi's engine has this built in for providers: a Create or Update that fails with an
`ErrorResourceInitFailed` detail is recorded with the outputs it carries and the reasons as
"initialization errors"; `pulumi up` fails showing the reasons, and the next `pulumi up` calls
Update on the resource even when nothing in the program changed, with those outputs as the olds.
A collection's update then finds the completed entries in its olds and touches only the others.

`pulumi.dynamic`'s servicer does not send that detail (every error is a plain UNKNOWN), so
`install()` wraps its Create and Update, inside the dynamic-provider process only: a handler that
raises `PartialFailure(outs, reasons)` is answered the way the engine expects. Any other error is
untouched. If the SDK's internals change, nothing is wrapped and a `PartialFailure` fails like any
error (the completed entries are then found again by the next run's adoption).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .errors import InboxedError

log = logging.getLogger("pulumi_inboxed.partial_failure")

PROVIDER_KEY = "__provider"


class PartialFailure(InboxedError):
    """Some entries of a collection were completed, others not.

    :param outs: the outputs to record: the completed entries only (the failed ones left out,
        so that the next update sends them again).
    :param reasons: one line per entry that failed, naming it and why.
    :param id_: the resource's id (a create's new id; an update keeps its own).
    """

    def __init__(
        self, message: str, outs: Mapping[str, Any], reasons: Sequence[str], id_: str = ""
    ) -> None:
        super().__init__(message)
        self.outs = dict(outs)
        self.reasons = list(reasons)
        self.id_ = id_


def _serialize(props: Mapping[str, Any]) -> Any:
    from pulumi.runtime import rpc

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(props), {}))
    finally:
        loop.close()


def _abort_with_init_failure(
    context: Any, failure: PartialFailure, id_: str, provider: Any
) -> None:
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
    code = grpc.StatusCode.UNKNOWN
    status = status_pb2.Status(code=code.value[0], message=str(failure), details=[packed])
    context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
    context.abort(code, str(failure))


def _wrap(handler: Callable[..., Any], kind: str) -> Callable[..., Any]:
    @functools.wraps(handler)
    def wrapper(self: Any, request: Any, context: Any) -> Any:
        from pulumi.runtime import rpc

        try:
            return handler(self, request, context)
        except Exception as exc:
            failure = _partial_of(exc)
            if failure is None:
                raise
            props = rpc.deserialize_properties(
                request.properties if kind == "Create" else request.news
            )
            id_ = failure.id_ if kind == "Create" else (request.id or failure.id_)
            _abort_with_init_failure(context, failure, id_, props.get(PROVIDER_KEY))
            raise  # abort() raised already; not reached

    wrapper.__inboxed_partial__ = True  # type: ignore[attr-defined]
    return wrapper


def _partial_of(exc: BaseException) -> PartialFailure | None:
    """The servicer's `_abort_with_traceback` turns our error into `context.abort(...)`, which
    raises a plain Exception: the PartialFailure is what was being handled then."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, PartialFailure):
            return seen
        seen = seen.__context__
    return None


def _wrap_registered(handler: Any, kind: str) -> bool:
    """Wraps the handler inside the servicer's `_abort_with_traceback` decorator, in place.

    The gRPC server took the servicer's bound methods when it started (before `configure()`
    runs): a new class attribute would never be called. The decorator's closure holds the
    undecorated handler; replacing that cell changes the function the server already calls."""
    for cell in getattr(handler, "__closure__", None) or ():
        inner = cell.cell_contents
        if getattr(inner, "__inboxed_partial__", False):
            return True
        if callable(inner) and getattr(inner, "__name__", "") == kind:
            cell.cell_contents = _wrap(inner, kind)
            return True
    return False


def install() -> bool:
    """Wraps the dynamic servicer's Create and Update (idempotent); True when in force."""
    done = False
    for name in ("__main__", "pulumi.dynamic.__main__"):
        module = sys.modules.get(name)
        servicer = getattr(module, "DynamicResourceProviderServicer", None)
        if servicer is None:
            continue
        for kind in ("Create", "Update"):
            handler = getattr(servicer, kind, None)
            if handler is None:
                continue
            if _wrap_registered(handler, kind):
                done = True
                continue
            if not getattr(handler, "__inboxed_partial__", False):
                setattr(servicer, kind, _wrap(handler, kind))
            done = True
    return done


__all__ = ["PartialFailure", "install"]
