"""An API endpoint: method, path template, and whether a public page shows that path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    confirmed: bool
    """True when a public documentation page shows this method and path; False: our choice."""
    doc: str

    def format(self, **params: object) -> str:
        return self.path.format(**{k: str(v) for k, v in params.items()})


def endpoint_constants(names: Mapping[str, object]) -> dict[str, Endpoint]:
    """The `Endpoint` constants of an `endpoints.py` table (its `globals()`, or `vars()` of the
    module) by name, in the order the table defines them: its `ALL`, which an endpoint joins by
    being defined, and the names `core.endpoints_config` overrides by."""
    return {name: v for name, v in names.items() if name.isupper() and isinstance(v, Endpoint)}
