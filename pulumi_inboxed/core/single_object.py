"""The base of the providers whose resource is one object of an API: what they share, once.

A kind subclasses `SingleObjectProvider` and declares, in a line each:

- `what`: how messages name its kind ("Mailin.ai subdomain");
- `object_name(id_, props)`: how messages name one object ("'sales.acme.com' (12)");
- `remove_object(id_, props)`: the API call that deletes it;
- `object_exists(id_, props)`: whether a fresh read still shows it.

The base gives, written once for every such kind:

- `check()` (`ConfiguredProvider`) and `diff()`: the kind's typed inputs; a changed input updates
  in place, unless it is declared `replace=True`.
- `delete()`: an object the create adopted stays in the account unless `destroy_adopted`
  (`core.lifecycle.keep_if_adopted`); any other is deleted and read back until it is gone,
  within `settle_seconds` (`core.lifecycle.confirm_deleted`: a 404 on the delete is not success
  unless the read agrees).
- `set_once(what, send, done)`: a write that sets a value, sent once: after a transient failure,
  `done()` reads whether the value is set, and the write is sent again only when it is not
  (`core.safe_write.write_once`, bounded by `write_policy`).

The provider class stays in its kind's module, under its name: stacks' state names it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pulumi.dynamic as dyn

from .lifecycle import confirm_deleted, keep_if_adopted
from .provider_base import ConfiguredProvider, Props
from .safe_write import DEFAULT_WRITE_POLICY, WritePolicy, write_once
from .schema import diff_result


class SingleObjectProvider(ConfiguredProvider):
    """One API object per resource (see the module's doc)."""

    what: ClassVar[str] = "object"
    """How messages name the kind: "Mailin.ai subdomain"."""
    settle_seconds: ClassVar[float] = 10.0
    """How long a deleted object may still be listed before its delete counts as failed."""
    write_policy: ClassVar[WritePolicy] = DEFAULT_WRITE_POLICY
    """How often a write that failed transiently is sent (after reading back what it did)."""

    def object_name(self, id_: str, props: Props) -> str:
        """How messages name the object (the kind's name comes first)."""
        return repr(id_)

    def remove_object(self, id_: str, props: Props) -> None:
        raise NotImplementedError

    def object_exists(self, id_: str, props: Props) -> bool:
        raise NotImplementedError

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        return diff_result(self.inputs, olds, news)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        name = self.object_name(id_, props)
        if keep_if_adopted(props, self.what, name):
            return
        confirm_deleted(
            f"{self.what} {name}",
            lambda: self.remove_object(id_, props),
            lambda: self.object_exists(id_, props),
            settle_seconds=self.settle_seconds,
        )

    def set_once(self, what: str, send: Callable[[], object], done: Callable[[], bool]) -> None:
        """Sends a write that sets a value, once: after a transient failure, sent again only when
        `done()` (a fresh read) does not show the value set. Where a read cannot tell, `done()`
        answers False: sending the same value again is harmless."""

        def sent() -> bool:
            send()
            return True

        write_once(what, sent, lambda: True if done() else None, policy=self.write_policy)


__all__ = ["SingleObjectProvider"]
