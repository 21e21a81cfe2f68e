"""Reading replies whose shape no public page shows: tolerantly, and failing by name.

Several endpoints (most of InboxedUp's lists, some of Mailin.ai's) have no published reply shape;
the shape the sandbox serves is our guess. A real API may put a list directly in `data` or under
a named key, give page fields beside it or in a `pagination` object, and so on. These helpers read
every reasonable variant, and when a reply matches none they raise `ReplyShapeError` naming the
endpoint, the missing field and the page of `docs/` where the choice is written down. They never
put a reply's values into a message: a reply may hold passwords.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InboxedError
from .last_call import recent

M = TypeVar("M", bound=BaseModel)

ENVELOPE_KEYS = ("data", "result", "results")
LIST_KEYS = ("items", "data", "results", "records", "list")
PAGE_OBJECT_KEYS = ("pagination", "meta", "page_info", "pageInfo", "paging")


class ReplyShapeError(InboxedError):
    """A reply did not have the shape this package reads (names endpoint, field, doc)."""

    def __init__(
        self,
        provider: str,
        endpoint: str,
        missing: str,
        doc: str,
        *,
        key: str | None = None,
        fields: Sequence[str] = (),
        kinds: Sequence[str] = (),
    ) -> None:
        """`key`: the config key that overrides the endpoint's path; by default the key of the
        request this thread sent last, when `endpoint` ("METHOD /path ...") names it
        (`core.last_call`). `fields`/`kinds`: what a model found wrong (pydantic's locations
        and error types), for `inboxed doctor`."""
        self.provider = provider
        self.endpoint = endpoint
        self.missing = missing
        self.doc = doc
        self.fields = tuple(fields)
        self.kinds = tuple(kinds)
        if key is None:
            sent = recent()
            if sent is not None and sent.key and _same_call(endpoint, sent.where):
                key = sent.key
        self.key = key
        path_hint = (
            f' If your account\'s API serves this at another path, set `{key}` ("METHOD /path").'
            if key
            else ""
        )
        super().__init__(
            f"{provider}: the reply of {endpoint} has no {missing}; this reply shape is not "
            f"published, and the one we read is described in {doc}.{path_hint} If your "
            "account's API answers differently, report it with the reply's field names "
            "(`inboxed doctor --record DIR` saves them, secrets redacted)"
        )


def _same_call(endpoint: str, where: str) -> bool:
    """Whether `endpoint` ("GET /domains (domains[3])") names the call `where` ("GET /domains")."""
    return endpoint == where or endpoint.startswith(where + " ")


def unwrap(body: Any) -> Any:
    """`{"success": true, "data": X}` -> X; anything else as it is."""
    if isinstance(body, Mapping):
        for key in ENVELOPE_KEYS:
            if key in body and len(body) <= 4 and not _looks_like_page(body):
                return body[key]
    return body


def _looks_like_page(body: Mapping[str, Any]) -> bool:
    return any(k in body for k in PAGE_OBJECT_KEYS) or "total" in body


def list_in(
    body: Any,
    names: Sequence[str],
    *,
    provider: str,
    endpoint: str,
    doc: str,
) -> list[Any]:
    """The list of items in a list reply, wherever it is.

    Accepts the list itself, the list under one of `names` or a generic key (`items`, `data`,
    `results`, ...), at the top or inside an envelope's `data`.
    """
    seen: list[Any] = [body]
    for candidate in _nested(body):
        seen.append(candidate)
    for candidate in seen:
        if isinstance(candidate, list):
            return candidate
        if isinstance(candidate, Mapping):
            for key in (*names, *LIST_KEYS):
                value = candidate.get(key)
                if isinstance(value, list):
                    return value
    wanted = " or ".join(f"`{n}`" for n in (*names, *LIST_KEYS))
    raise ReplyShapeError(provider, endpoint, f"list of items (looked for {wanted})", doc)


def _nested(body: Any) -> Iterable[Any]:
    if isinstance(body, Mapping):
        for key in ENVELOPE_KEYS:
            inner = body.get(key)
            if isinstance(inner, Mapping | list):
                yield inner
                if isinstance(inner, Mapping):
                    yield from _nested(inner)


def page_numbers(body: Any) -> tuple[int | None, int | None, int | None]:
    """(page, page size, total items) wherever a reply gives them, or None for each unknown.

    Reads them beside the list, inside an envelope's `data`, or in a `pagination`/`meta` object;
    `last_page`/`totalPages` give the total as pages times the size.
    """
    holders: list[Mapping[str, Any]] = []
    for candidate in (body, *_nested(body)):
        if isinstance(candidate, Mapping):
            holders.append(candidate)
            for key in PAGE_OBJECT_KEYS:
                inner = candidate.get(key)
                if isinstance(inner, Mapping):
                    holders.append(inner)
    page = _first_int(holders, ("page", "current_page", "currentPage", "pageNumber"))
    size = _first_int(holders, ("limit", "per_page", "perPage", "page_size", "pageSize", "size"))
    total = _first_int(holders, ("total", "total_items", "totalItems", "count", "totalCount"))
    if total is None:
        pages = _first_int(holders, ("last_page", "lastPage", "total_pages", "totalPages"))
        if pages is not None and size is not None:
            total = pages * size
    return page, size, total


def _first_int(holders: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> int | None:
    for holder in holders:
        for key in keys:
            value = holder.get(key)
            if isinstance(value, bool):
                continue
            if isinstance(value, int):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, str) and value.isdigit():
                return int(value)
    return None


def first_field(obj: Any, names: Sequence[str]) -> Any:
    """The first of `names` present (not None) in a mapping, or None."""
    if not isinstance(obj, Mapping):
        return None
    for name in names:
        if obj.get(name) is not None:
            return obj[name]
    return None


def parse_model(
    model: type[M],
    data: Any,
    *,
    provider: str,
    endpoint: str,
    doc: str,
) -> M:
    """`model.model_validate(data)`, failing with a `ReplyShapeError` that names the fields.

    pydantic's own message quotes the input values (a mailbox password, say); this one never does.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = sorted(
            {
                ".".join(str(part) for part in err["loc"]) or "(the reply itself)"
                for err in exc.errors()
            }
        )
        kinds = sorted({str(err["type"]) for err in exc.errors()})
        missing = f"valid {', '.join(fields)} ({', '.join(kinds)})"
        raise ReplyShapeError(
            provider, endpoint, missing, doc, fields=fields, kinds=kinds
        ) from None
