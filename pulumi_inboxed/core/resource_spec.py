"""What a generated Resource class needs at run time: its spec, the two constructor forms, `get`.

Each resource module declares `SPEC = ResourceSpec(...)`: its typed inputs and outputs
(`core.schema`), its dynamic provider, and optional hooks for what the resource does in the
program beyond registering (adding a dependency, reporting an incomplete batch). The Args and
Resource classes users see are generated from it (`python -m pulumi_inboxed.codegen`).
"""

from __future__ import annotations

import contextlib
import inspect
import os
import pickle
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

import pulumi
import pulumi.dynamic as dyn

from .provider_base import ConfiguredProvider
from .schema import ResourceInputs, ResourceOutputs, did_you_mean, register_outputs

Props = dict[str, Any]
Opts = pulumi.ResourceOptions | None
BeforeRegister = Callable[[str, Props, Opts], Opts]
"""(resource name, props, opts) -> opts: may change the props in place and return new opts."""
AfterRegister = Callable[[Any, str, Props], None]
"""(resource, resource name, props): what the resource does in the program once registered."""


@dataclass(frozen=True)
class ResourceSpec:
    """One resource kind: its declaration and its provider.

    :param module: the API's package (`inboxedup`, `mailin`, ...): the type token's module.
    :param name: the resource's class name and type token name.
    :param inputs: the inputs model.
    :param outputs: the outputs model (inputs are outputs too; this lists the others).
    :param provider: the dynamic provider class (instantiated empty; pickled by reference).
    :param id_doc: what the resource's id is, for `get`'s docs ("the batch id").
    :param gettable: whether `get(name, id)` can read the object by id alone.
    """

    module: str
    name: str
    inputs: type[ResourceInputs]
    outputs: type[ResourceOutputs]
    provider: type[dyn.ResourceProvider]
    id_doc: str = "the resource's id"
    gettable: bool = True
    before_register: BeforeRegister | None = None
    after_register: AfterRegister | None = None

    def __post_init__(self) -> None:
        from .engine_diff import declare

        register_outputs(self.inputs, self.outputs)
        if issubclass(self.provider, ConfiguredProvider):  # its `check()` parses these inputs
            self.provider.declare_kind(self.inputs, self.module)
        declare(self.provider, self.name, self.inputs, self.outputs)


A = TypeVar("A")

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class UnknownInputError(pulumi.RunError, TypeError):
    """A resource was given an input it does not have (a typo, most often).

    A `pulumi.RunError`: the Pulumi CLI shows its message alone, with no traceback through this
    package's internals; a `TypeError` for plain Python callers."""


def input_names_of(args_type: type[Any]) -> list[str]:
    """The keyword inputs an Args class takes (its constructor's parameters)."""
    parameters = inspect.signature(args_type.__init__).parameters
    return [n for n, p in parameters.items() if n != "self" and p.kind is p.KEYWORD_ONLY]


def _caller() -> str:
    """`file:line` of the program's line that made the resource (the first frame outside this
    package), for an error raised without a traceback."""
    for frame in reversed(traceback.extract_stack()):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR + os.sep):
            return f" (at {os.path.basename(frame.filename)}:{frame.lineno})"
    return ""


def check_input_names(args_type: type[Any], given: Mapping[str, Any]) -> None:
    """`UnknownInputError` naming each input `args_type` does not take, with the closest one."""
    known = input_names_of(args_type)
    unknown = [name for name in given if name not in known]
    if not unknown:
        return
    kind = args_type.__name__.removesuffix("Args")
    hints = {n: did_you_mean(n, known) for n in unknown}
    problems = "; ".join(f"unknown input {n!r}{hint}" for n, hint in hints.items())
    listed = "" if all(hints.values()) else f" (its inputs: {', '.join(sorted(known))})"
    raise UnknownInputError(f"{kind}{_caller()}: {problems}{listed}")


class PositionalInputsError(pulumi.RunError, TypeError):
    """A resource was given its inputs positionally, as version 0.1.0's classes took them.

    A `pulumi.RunError` (the CLI shows its message alone) and a `TypeError`; the message names the
    keyword form of the same call."""


ADDED_AS_KEYWORDS: tuple[str, ...] = ("account", "allow_mixed_script")
"""Inputs that came after 0.1.0 and were never positional."""


def positional_order(args_type: type[Any]) -> list[str]:
    """The inputs in the order 0.1.0's constructors took them positionally (the resource's own
    inputs, required first, then `destroy_adopted`): the generated order without the inputs
    added since, which were keywords from the start."""
    return [n for n in input_names_of(args_type) if n not in ADDED_AS_KEYWORDS]


def _sketch(value: Any) -> str:
    """A short stand-in for a value in an example call: short scalars as written, the rest
    elided (a value may be long, or a secret)."""
    if isinstance(value, bool | int | float) or value is None:
        return repr(value)
    if isinstance(value, str) and len(value) <= 40:
        return repr(value)
    if isinstance(value, list | tuple):
        return "[...]"
    if isinstance(value, Mapping):
        return "{...}"
    return "..."


def _positional_error(
    args_type: type[Any],
    resource_name: str | None,
    values: tuple[Any, ...],
    kwargs: Mapping[str, Any],
) -> PositionalInputsError:
    kind = args_type.__name__.removesuffix("Args")
    names = positional_order(args_type)
    parts = [repr(resource_name) if resource_name is not None else "name"]
    position = 0  # 0.1.0 took opts positionally too, between inputs: it takes no input's place
    for value in values:
        if isinstance(value, pulumi.ResourceOptions):
            parts.append("opts=...")
            continue
        parts.append(f"{names[position]}={_sketch(value)}" if position < len(names) else "...")
        position += 1
    parts += [f"{name}={_sketch(value)}" for name, value in kwargs.items() if name != "opts"]
    if "opts" in kwargs:
        parts.append("opts=...")
    return PositionalInputsError(
        f"{kind}{_caller()} takes its inputs as keywords or a {args_type.__name__}: "
        f"{kind}({', '.join(parts)})"
    )


def resource_args_opts(
    args_type: type[A],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    resource_name: str | None = None,
) -> tuple[A, pulumi.ResourceOptions | None]:
    """Both constructor forms: `Kind(name, KindArgs(...), opts)` or `Kind(name, opts, **inputs)`
    (opts by keyword in either). Inputs given positionally (0.1.0's form) fail with a
    `PositionalInputsError` naming the keyword form of the call."""
    given = dict(kwargs)
    if args and isinstance(args[0], args_type):
        resource_args = args[0]
        opts = args[1] if len(args) > 1 else given.pop("opts", None)
    elif isinstance(given.get("args"), args_type):
        resource_args = given.pop("args")
        opts = args[0] if args else given.pop("opts", None)
    else:
        if len(args) > 1 or (args and not isinstance(args[0], pulumi.ResourceOptions | None)):
            raise _positional_error(args_type, resource_name, args, kwargs)
        opts = args[0] if args else given.pop("opts", None)
        check_input_names(args_type, given)
        resource_args = args_type(**given)
        given = {}
    if given:
        raise TypeError(f"unexpected arguments beside {args_type.__name__}: {sorted(given)}")
    if opts is not None and not isinstance(opts, pulumi.ResourceOptions):
        raise TypeError(f"opts must be pulumi.ResourceOptions, got {type(opts).__name__}")
    return resource_args, opts


def register(
    resource: dyn.Resource,
    spec: ResourceSpec,
    resource_name: str,
    inputs: Mapping[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> None:
    """Registers the resource: its inputs (secret ones made secret), every output as unknown
    until the provider sets it, and the secret outputs marked so the state encrypts them."""
    props: Props = {}
    secret = set(spec.inputs.secret_inputs())
    for name in spec.inputs.input_names():
        value = inputs.get(name)
        if isinstance(value, Enum):  # `WaitFor.ACTIVE` is recorded as "active"
            value = value.value
        props[name] = pulumi.Output.secret(value) if name in secret and value is not None else value
    for name in spec.outputs.output_names():
        props.setdefault(name, None)
    if spec.before_register is not None:
        opts = spec.before_register(resource_name, props, opts)
    secrets = [*spec.outputs.secret_outputs(), *secret]
    opts = pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(additional_secret_outputs=secrets)
    )
    with _pickler_restored():
        dyn.Resource.__init__(resource, spec.provider(), resource_name, props, opts)
    unpack_attributes(resource, getattr(spec.provider, "packed_outputs", ()))
    if spec.after_register is not None:
        spec.after_register(resource, resource_name, props)


def unpack_attributes(resource: dyn.Resource, names: Iterable[str]) -> None:
    """The program reads each output the provider records packed (`core.packed_outputs`) as
    its value, as it did before outputs were packed."""
    from .packed_outputs import unpacked_output

    for name in names:
        output = getattr(resource, name, None)
        if isinstance(output, pulumi.Output):
            setattr(resource, name, unpacked_output(output))


R = TypeVar("R", bound=dyn.Resource)


@contextlib.contextmanager
def _pickler_restored() -> Iterator[None]:
    """Undoes what `pulumi.dynamic` leaves behind when it pickles a provider.

    `serialize_provider` (pulumi/dynamic/dynamic.py) replaces `pickle._Pickler._batch_setitems`
    and `save_dict` with sorting wrappers of the current ones at every dynamic resource it
    registers, and never puts them back: each registration nests one level deeper, and near 1000
    dynamic resources in one program Python raises `RecursionError`. Restoring both after each
    registration keeps every registration at one level, whatever the number of resources.
    """
    pickler: Any = pickle._Pickler
    saved = (pickler._batch_setitems, pickler.save_dict)
    try:
        yield
    finally:
        pickler._batch_setitems, pickler.save_dict = saved


def get_resource(
    cls: type[R],
    spec: ResourceSpec,
    resource_name: str,
    id: pulumi.Input[str],
    opts: pulumi.ResourceOptions | None,
    account: pulumi.Input[str] | None = None,
) -> R:
    """`Kind.get(name, id)`: reads an existing object by id into the program (not managed by it:
    Pulumi never updates or deletes what `get` reads), from `account` (unset: the default one);
    the provider's `read()` finds the account among the props it is given."""
    props: Props = dict.fromkeys((*spec.inputs.input_names(), *spec.outputs.output_names()))
    props["account"] = account
    merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
    resource = cls.__new__(cls)
    with _pickler_restored():
        dyn.Resource.__init__(resource, spec.provider(), resource_name, props, merged)
    unpack_attributes(resource, getattr(spec.provider, "packed_outputs", ()))
    return resource
