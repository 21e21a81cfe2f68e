"""The base of every dynamic provider here: configured at run time, empty when pickled."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

import pulumi.dynamic as dyn

from .check_failures import named_for_engine
from .config import ConfigSource, read
from .provider_threads import PROVIDER_THREADS, widen_provider_thread_pool

if TYPE_CHECKING:
    from .schema import ResourceInputs

Props = dict[str, Any]
Failures = list[dyn.CheckFailure]
"""What `check()` finds wrong: one `CheckFailure(path, reason)` per problem."""


class ConfiguredProvider(dyn.ResourceProvider):
    """Keeps the stack config `configure()` gives it, and never pickles it; checks every kind's
    inputs the one way (`check`).

    `pulumi.dynamic` pickles the provider into the state; settings and secrets are read from the
    config when the provider runs, so the pickle holds nothing but the class.
    """

    inputs: ClassVar[type[ResourceInputs]]
    """The kind's typed inputs: set by the kind's `ResourceSpec` (`declare_kind`)."""
    api: ClassVar[str]
    """The API's namespace (`inboxedup`, `mailin`, ...): set by the kind's `ResourceSpec`."""

    @classmethod
    def declare_kind(cls, inputs: type[ResourceInputs], api: str) -> None:
        """Called by the kind's `ResourceSpec`: the inputs `check()` parses and the API whose
        accounts it checks. One provider class serves one kind."""
        own = cls.__dict__.get("inputs")
        if own is not None and own is not inputs:
            raise TypeError(
                f"{cls.__name__} serves {own.__name__} already: one provider class per kind"
            )
        cls.inputs, cls.api = inputs, api

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A `check()` of a subclass answers the engine as the base's does: a nested path's
        failure without `value {<nil>}` (`core.check_failures`); its `diff()` tells the engine
        the inputs that changed, and its `read()` the outputs a refresh moved
        (`core.engine_diff`)."""
        super().__init_subclass__(**kwargs)
        from .engine_diff import noted_read, reported_diff

        check = cls.__dict__.get("check")
        if check is not None:
            cls.check = named_for_engine(check)  # type: ignore[method-assign]
        diff = cls.__dict__.get("diff")  # tells the engine the inputs that changed
        if diff is not None:
            cls.diff = reported_diff(diff)  # type: ignore[method-assign,assignment]
        read = cls.__dict__.get("read")  # and the outputs a refresh moved (`core.engine_diff`)
        if read is not None:
            cls.read = noted_read(read)  # type: ignore[method-assign,assignment]
        if cls.packed_outputs:  # recorded as JSON texts, read back as values (`packed_outputs`)
            from .packed_outputs import packing_handler

            for kind in ("create", "update", "read", "diff", "delete"):
                handler = cls.__dict__.get(kind)
                if handler is not None:
                    setattr(cls, kind, packing_handler(handler, kind))

    @named_for_engine
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        """Preview's check of every kind, with no API call but the kind's own (`check_further`):

        1. the inputs parsed with the kind's typed model (`core.schema.check_inputs`): one
           failure per field, naming its path and the reason; values not known yet pass;
        2. the `account` input: a name configured under `<api>:accounts`, with its own
           credential where the API asks for one (`core.accounts.account_check_failure`);
        3. `check_further`: what a type cannot check (rules across inputs while some are not
           known yet, the account's listings at preview).
        """
        from .accounts import account_check_failure
        from .schema import check_inputs

        model: type[ResourceInputs] | None = getattr(self, "inputs", None)
        if model is None:  # a provider no `ResourceSpec` declares: `pulumi.dynamic`'s default
            return dyn.CheckResult(news, [])
        hints = self.program_hints
        inputs, failures = check_inputs(model, {k: v for k, v in news.items() if k not in hints})
        if not any(f.property == "account" for f in failures):
            problem = account_check_failure(self.api, self.config, inputs.get("account"))
            if problem is not None:
                failures.append(dyn.CheckFailure("account", problem))
        failures += self.check_further(olds, news, inputs, failures)
        return dyn.CheckResult(inputs, failures)

    packed_outputs: ClassVar[tuple[str, ...]] = ()
    """Per-entry outputs recorded as one JSON text each (`core.packed_outputs`): a large
    collection's state stays small in the CLI; handlers and programs see the values."""

    program_hints: tuple[str, ...] = ()
    """Values the program sends beside the inputs for `check_further` only (e.g. the domains it
    declares), never parsed as inputs nor kept in the state."""

    def check_further(self, olds: Props, news: Props, inputs: Props, so_far: Failures) -> Failures:
        """The kind's checks beyond its types, run after them: the failures to add.

        `olds`: the recorded inputs (empty before create); `news`: what the program gave;
        `inputs`: the parsed inputs, which the hook may complete in place (an output the program
        sets, defaults that depend on the failures); `so_far`: the failures found so far (the types'
        and the account's): a check that reads the account runs only when there are none.
        """
        return []

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass

    def configure(self, req: dyn.ConfigureRequest) -> None:
        from . import engine_diff, engine_watch, packed_outputs, partial_failure

        engine_watch.start_watch()  # exits this process once the engine is gone (`pulumi` killed)
        install_concise_errors()
        engine_diff.install()
        partial_failure.install()
        packed_outputs.install()
        self._config = req.config
        threads = read(PROVIDER_THREADS, req.config)
        if threads and threads.isdigit():
            widen_provider_thread_pool(int(threads))

    @property
    def config(self) -> ConfigSource | None:
        config: ConfigSource | None = getattr(self, "_config", None)
        return config


def concise_error(exc: BaseException) -> str:
    """What the CLI shows for a handler's error: the error's own message, never a traceback.

    Our errors (`InboxedError`) name the provider, method, path, status and message already. Any
    other exception is a defect of this package: its type and message, without frames or values.
    """
    from pydantic import ValidationError

    from .errors import InboxedError

    if isinstance(exc, InboxedError):
        return f"{type(exc).__name__}: {exc}"
    if isinstance(exc, ValidationError):
        # pydantic's own text quotes the values it was given (a reply may hold a password): the
        # fields and the reasons only.
        reasons = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(the object)'}: {error['msg']}"
            for error in exc.errors(include_input=False, include_url=False)[:5]
        )
        return (
            f"internal error in pulumi_inboxed (a reply did not have the shape read as "
            f"{exc.title}: {reasons}); please report it. Run with PULUMI_INBOXED_TRACEBACKS=1 "
            "to see where it happened"
        )
    return (
        f"internal error in pulumi_inboxed ({type(exc).__name__}: {exc}); please report it. "
        "Run with PULUMI_INBOXED_TRACEBACKS=1 to see where it happened"
    )


class _ConciseTraceback(ModuleType):
    """Stands in for `traceback` inside `pulumi.dynamic`'s servicer, whose every error reaches
    the CLI as `traceback.format_exc()`: our handlers' errors reach it as their message alone."""

    def __init__(self) -> None:
        super().__init__("traceback")

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)

    @staticmethod
    def format_exc(limit: int | None = None, chain: bool = True) -> str:
        import os

        from .partial_failure import answer_in_abort

        exc = sys.exception()
        partial = answer_in_abort(exc)  # a collection's partial failure: outputs recorded
        if partial is not None:
            return partial
        if exc is None or os.environ.get("PULUMI_INBOXED_TRACEBACKS") == "1":
            return traceback.format_exc(limit, chain)
        return concise_error(exc)


def install_concise_errors() -> None:
    """Makes the dynamic provider host report our errors without a traceback (idempotent).

    The host runs as `python -m pulumi.dynamic`, so its servicer module is `__main__` (or
    `pulumi.dynamic.__main__` when imported); both are patched where present.
    """
    for name in ("__main__", "pulumi.dynamic.__main__"):
        module = sys.modules.get(name)
        if (
            module is not None
            and hasattr(module, "_abort_with_traceback")
            and not isinstance(getattr(module, "traceback", None), _ConciseTraceback)
        ):
            module.traceback = _ConciseTraceback()  # type: ignore[attr-defined]


def is_unknown(value: Any) -> bool:
    """True for a value Pulumi does not know yet (preview of a dependent input).

    The SDK hands `check()` and `diff()` `pulumi.output.Unknown` objects; older SDKs gave the
    `rpc.UNKNOWN` sentinel string. Both count.
    """
    from pulumi.output import Unknown
    from pulumi.runtime import rpc

    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


def has_unknowns(value: Any) -> bool:
    return holds_any(value, is_unknown)


def holds_any(value: Any, leaf: Callable[[Any], bool]) -> bool:
    """Whether `value`, or anything in its maps, lists and tuples at any depth, is a `leaf`."""
    if leaf(value):
        return True
    if isinstance(value, Mapping):
        return any(holds_any(v, leaf) for v in value.values())
    if isinstance(value, list | tuple):
        return any(holds_any(v, leaf) for v in value)
    return False


def as_whole_number(value: Any) -> int | None:
    """An id given as 12, 12.0 (Pulumi sends numbers as floats) or "12"; None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else None
