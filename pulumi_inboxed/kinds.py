"""The registry of resource kinds, derived from the declarations (`codegen.SPEC_MODULES`).

Every resource kind of the package, with what other parts need to know of it without a list of
their own: its `api:Name`, the Pulumi type token its resources are registered as, its inputs, and
whether it is a collection (one resource holding many entries, each created, adopted and
reported on its own). The policy pack, its tests and the reference docs' test read it, so a new
kind is known to them the moment its declaration is listed in `codegen.SPEC_MODULES`.

This module is not in `core`: building the registry imports every API package's resource
modules, and `core` imports no API package.

- Type token: `pulumi.dynamic` resources are registered as `pulumi-python:dynamic/<module>:<Name>`
  (the generated class passes `module=` and `name=` to `pulumi.dynamic.Resource`); every kind
  shares the one `pulumi-python` provider, and the `<module>:<Name>` part tells them apart.
- Collection: a kind whose outputs record adoption per entry (`adopted_<entries>`, a list, where a
  single-object kind records one `adopted` flag); `<entries>` is the input holding the entries.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final, Union, get_args, get_origin

from .codegen import SPEC_MODULES, specs_of
from .core.packed_outputs import unpack
from .core.resource_spec import ResourceSpec
from .core.schema import InputObject

DYNAMIC_TYPE_PREFIX: Final = "pulumi-python:dynamic/"
"""Type tokens of `pulumi.dynamic` resources: this prefix, then `<module>:<Name>`."""

ADOPTED_ENTRIES_PREFIX: Final = "adopted_"


@dataclass(frozen=True)
class Kind:
    """One resource kind.

    :param api: the API's namespace (`inboxedup`, `mailin`, `mailchannels`, `pingram`), which is
        the resource's package and its type token's module.
    :param name: the resource class's name (`MailboxRequests`).
    :param module: the module declaring it
        (`pulumi_inboxed.inboxedup.mailbox_request_collection`).
    :param inputs: its input names, in declaration order.
    :param list_inputs: the inputs that take a list.
    :param entries: for a collection, the input holding its entries (`requests`); else None.
    :param entry_fields: the field names of one entry, when the entries are objects.
    :param packed_outputs: the outputs its state records as one JSON text each
        (`core.packed_outputs`; `unpacked_outputs` reads them back).
    """

    api: str
    name: str
    module: str
    inputs: tuple[str, ...]
    list_inputs: tuple[str, ...]
    entries: str | None
    entry_fields: tuple[str, ...]
    packed_outputs: tuple[str, ...] = ()

    @property
    def token(self) -> str:
        """`api:Name` (`inboxedup:MailboxRequests`): how the policy pack and messages name it."""
        return f"{self.api}:{self.name}"

    @property
    def type_token(self) -> str:
        """The Pulumi type its resources are registered as."""
        return f"{DYNAMIC_TYPE_PREFIX}{self.token}"

    @property
    def is_collection(self) -> bool:
        return self.entries is not None


def _is_list(annotation: object) -> bool:
    """`list[...]`, also inside `X | None` and `Annotated[...]`."""
    origin = get_origin(annotation)
    if origin is list:
        return True
    if origin in (Union, types.UnionType, Annotated):
        return any(
            _is_list(a) for a in get_args(annotation)[: None if origin is not Annotated else 1]
        )
    return False


def _entry_fields(spec: ResourceSpec, entries: str) -> tuple[str, ...]:
    field = spec.inputs.model_fields[entries]
    for tp in _walk(field.annotation):
        if isinstance(tp, type) and issubclass(tp, InputObject):
            return tuple(tp.model_fields)
    return ()


def _walk(annotation: object) -> list[object]:
    found = [annotation]
    for arg in get_args(annotation):
        found += _walk(arg)
    return found


def kind_of_spec(spec: ResourceSpec) -> Kind:
    """The registry's entry for one declaration."""
    inputs = tuple(spec.inputs.input_names())
    fields = spec.inputs.model_fields
    list_inputs = tuple(n for n in inputs if n in fields and _is_list(fields[n].annotation))
    entries = None
    for output in spec.outputs.output_names():
        if output.startswith(ADOPTED_ENTRIES_PREFIX):
            candidate = output.removeprefix(ADOPTED_ENTRIES_PREFIX)
            if candidate in list_inputs:
                entries = candidate
    return Kind(
        api=spec.module,
        name=spec.name,
        module=spec.provider.__module__,
        inputs=inputs,
        list_inputs=list_inputs,
        entries=entries,
        entry_fields=_entry_fields(spec, entries) if entries else (),
        packed_outputs=tuple(getattr(spec.provider, "packed_outputs", ())),
    )


@functools.cache
def all_kinds() -> tuple[Kind, ...]:
    """Every kind, per API in `SPEC_MODULES` order, each API's in declaration order."""
    return tuple(kind_of_spec(spec) for api in SPEC_MODULES for _, spec in specs_of(api))


@functools.cache
def by_token() -> Mapping[str, Kind]:
    """`api:Name` -> kind."""
    return {k.token: k for k in all_kinds()}


def kind(token: str) -> Kind:
    """The kind named `api:Name`; a `KeyError` naming the known ones when there is none."""
    found = by_token().get(token)
    if found is None:
        known = ", ".join(sorted(by_token()))
        raise KeyError(f"no resource kind {token!r} (known: {known})")
    return found


def from_type(type_token: str) -> Kind | None:
    """The kind a resource of this Pulumi type is, or None for a type not of this package."""
    if not type_token.startswith(DYNAMIC_TYPE_PREFIX):
        return None
    return by_token().get(type_token.removeprefix(DYNAMIC_TYPE_PREFIX))


def unpacked_outputs(type_token: str, outputs: Mapping[str, Any]) -> dict[str, Any]:
    """A resource's recorded outputs (`pulumi stack export`) with the ones its kind records as
    JSON texts read back as values (`core.packed_outputs`); other types' as they are."""
    found = from_type(type_token)
    return unpack(outputs, found.packed_outputs) if found is not None else dict(outputs)


__all__ = [
    "DYNAMIC_TYPE_PREFIX",
    "Kind",
    "all_kinds",
    "by_token",
    "from_type",
    "kind",
    "unpacked_outputs",
]
