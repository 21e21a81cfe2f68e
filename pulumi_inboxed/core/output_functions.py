"""Running a plain lookup inside a Pulumi program, as an `Output`, with stack-config settings.

Shared by every provider's `*_output` functions: secret settings come from
`Config.get_secret`, the others from `Config.get` (each falling back to its environment
variable when the provider's runtime reads it), and the HTTP call runs in a worker thread so it
does not block the program's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import pulumi

from .config import Setting
from .engine_watch import start_watch
from .errors import InboxedError
from .provider_base import concise_error

C = TypeVar("C")
T = TypeVar("T")


def call_with_stack_config(
    settings: Sequence[Setting],
    client_from: Callable[[Mapping[str, Any]], C],
    fn: Callable[[C, list[Any]], T],
    *args: pulumi.Input[Any],
) -> pulumi.Output[T]:
    """Runs `fn(client, resolved args)` once the settings and `args` are known.

    The result is secret when a secret setting came from the stack config; callers unsecret what
    holds no credentials (`unsecret_unless_args_were`) and mark secret what may.
    """
    start_watch()  # no API call from this program once its engine is gone (`pulumi` killed)
    values: list[pulumi.Input[Any]] = []
    for setting in settings:
        config = pulumi.Config(setting.namespace)
        values.append(config.get_secret(setting.key) if setting.secret else config.get(setting.key))

    def run(resolved: list[Any]) -> Awaitable[T]:
        mapping = {
            s.config_key: v for s, v in zip(settings, resolved[: len(settings)], strict=True)
        }
        with _as_program_error():
            client = client_from(mapping)  # raises ConfigError naming a missing setting
        return asyncio.to_thread(_call, fn, client, resolved[len(settings) :])

    return pulumi.Output.all(*values, *args).apply(run)


@contextlib.contextmanager
def _as_program_error() -> Iterator[None]:
    """Our errors end the program as `pulumi.RunError`: the CLI prints their message (provider,
    method and path, status, the API's message) without a Python traceback."""
    from pydantic import ValidationError

    try:
        yield
    except (InboxedError, ValidationError) as exc:
        # A reply of the wrong shape is reported without the values pydantic would quote.
        raise pulumi.RunError(concise_error(exc)) from (
            None if isinstance(exc, ValidationError) else exc
        )


def _call(fn: Callable[[C, list[Any]], T], client: C, args: list[Any]) -> T:
    with _as_program_error():
        return fn(client, args)


def unsecret_unless_args_were(
    result: pulumi.Output[T], *args: pulumi.Input[Any]
) -> pulumi.Output[T]:
    """Drops the secrecy a secret setting gave `result`, but stays secret if an argument was."""
    plain = pulumi.Output.unsecret(result)
    if not args:
        return plain
    return pulumi.Output.all(plain, *args).apply(lambda values: values[0])
