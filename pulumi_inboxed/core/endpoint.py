"""An API endpoint: method, path template, and whether a public page shows that path."""

from __future__ import annotations

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
