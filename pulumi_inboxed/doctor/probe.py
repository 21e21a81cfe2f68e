"""What one check is (`Probe`), what it found (`Row`), and how an error becomes a verdict."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..core.endpoint import Endpoint
from ..core.errors import ApiError, AuthenticationError, InboxedError, NotFoundError, TransportError
from ..core.replies import ReplyShapeError

Ids = dict[str, Any]
"""Ids taken from the listings (`domain_id`, `order_id`, ...) for the reads that need one."""

Read = Callable[[Any, Ids], object]
"""Calls one read endpoint through the client's own reader; stores the ids it found in `Ids`."""

OK, FAILED, SKIPPED, WRITE, WARNING = "ok", "failed", "skipped", "write", "warning"
MARKS = {OK: "✓", FAILED: "✗", SKIPPED: "-", WRITE: "·", WARNING: "!"}


@dataclass(frozen=True)
class Probe:
    """One endpoint of an API's table, and how the doctor checks it."""

    endpoint: Endpoint
    read: Read | None = None
    """None: the endpoint writes (listed as "not tried (a write)", never sent)."""
    needs: tuple[str, ...] = ()
    """Ids the read needs (taken from earlier listings); absent: "not tried"."""
    why_no_id: str = ""
    """Why no listing gives the id this read needs (a job id comes only from a write)."""
    optional: bool = False
    """A failure here does not fail the run (a best-effort call the programs do not need)."""
    gate: bool = False
    """The reads after it cannot be made when it fails (a login)."""
    expect: tuple[str, ...] = ()
    """Optional fields of the reply's model the package reads when they are there (a domain's
    forwarding): a reply without them is read, but what they hold cannot be (a note)."""


def by_id(
    endpoint: Endpoint,
    read: Callable[[Any, Any], object],
    id_name: str,
    expect: tuple[str, ...] = (),
) -> Probe:
    """A read of one object by the id an earlier listing kept in `ids[id_name]` ("not tried"
    without one), e.g. `by_id(ep.GET_DOMAIN, MailinClient.get_domain, "domain_id")`."""
    return Probe(endpoint, lambda c, ids: read(c, ids[id_name]), (id_name,), expect=expect)


@dataclass
class Row:
    """One line of the report."""

    api: str
    account: str | None
    endpoint: str
    title: str
    method: str
    path: str
    overridden: bool
    confirmed: bool
    key: str
    outcome: str
    verdict: str
    status: int | None = None
    needed: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def mark(self) -> str:
        return MARKS[self.outcome]

    def called(self) -> str:
        return f"{self.method} {self.path}" + (" (override)" if self.overridden else "")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["mark"] = self.mark
        return data


def verdict_of(
    exc: BaseException, key: str, doc: str, credentials: str, base_url: str = "the base URL"
) -> str:
    """What differs, in words, naming the key or the page that fixes it; never a reply's value."""
    if isinstance(exc, NotFoundError):
        return f"the path answered 404 ({exc.method} {exc.path}); set `{key}` or see {doc}"
    if isinstance(exc, ReplyShapeError):
        return f"{shape_words(exc)}; see {doc} (path: `{key}`)"
    if isinstance(exc, AuthenticationError):
        return f"401: the credentials were refused; check {credentials}"
    if isinstance(exc, ApiError):
        return f"{exc.status}: {exc.message[:200]} ({exc.method} {exc.path}); path: `{key}`"
    if isinstance(exc, TransportError):
        return f"unreachable ({exc.reason}); check {base_url}"
    if isinstance(exc, InboxedError):
        return f"{type(exc).__name__}: {exc}"
    return f"internal error ({type(exc).__name__}); please report it"


def shape_words(exc: ReplyShapeError) -> str:
    """`a field is missing: data.0.name` / `a type is wrong: id (int_parsing)` / the list is
    missing, from the error's fields and pydantic's error kinds."""
    if not exc.fields:
        return f"the reply has no {exc.missing}"
    missing = "missing" in exc.kinds
    wrong = [k for k in exc.kinds if k != "missing"]
    fields = ", ".join(exc.fields[:6]) + (" ..." if len(exc.fields) > 6 else "")
    if missing and not wrong:
        return f"a field is missing: {fields}"
    if wrong and not missing:
        return f"a type is wrong: {fields} ({', '.join(wrong)})"
    return f"fields missing or of the wrong type: {fields} ({', '.join(exc.kinds)})"


__all__ = ["FAILED", "OK", "SKIPPED", "WARNING", "WRITE", "Ids", "Probe", "Read", "Row", "by_id"]
