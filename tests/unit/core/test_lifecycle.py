"""core: unknowns from preview, tolerant replies, verified deletes, concise handler errors."""

from __future__ import annotations

import sys
import types

import httpx
import pytest
from pulumi.output import UNKNOWN, Unknown
from pulumi.runtime import rpc
from pydantic import BaseModel

from pulumi_inboxed.core import errors
from pulumi_inboxed.core.http import HttpClient, RetryPolicy
from pulumi_inboxed.core.lifecycle import (
    DeleteNotConfirmedError,
    confirm_deleted,
    destroy_adopted,
)
from pulumi_inboxed.core.provider_base import (
    concise_error,
    has_unknowns,
    install_concise_errors,
    is_unknown,
)
from pulumi_inboxed.core.replies import (
    ReplyShapeError,
    list_in,
    page_numbers,
    parse_model,
)


def test_unknown_objects_and_the_old_sentinel_are_unknown() -> None:
    assert is_unknown(UNKNOWN)
    assert is_unknown(Unknown())
    assert is_unknown(rpc.UNKNOWN)
    assert not is_unknown("x.com")
    assert not is_unknown(None)
    assert has_unknowns({"mailboxes": [{"username": "a"}, {"domain": UNKNOWN}]})
    assert not has_unknowns({"mailboxes": [{"username": "a"}]})


LIST_SHAPES = [
    {"success": True, "data": {"domains": [{"id": 1}], "page": 1, "limit": 2, "total": 3}},
    {"success": True, "data": [{"id": 1}], "pagination": {"page": 1, "per_page": 2, "total": 3}},
    {"data": {"items": [{"id": 1}], "meta": {"current_page": 1, "limit": 2, "total": 3}}},
    {"domains": [{"id": 1}], "page": 1, "limit": 2, "total": 3},
    {"data": [{"id": 1}], "meta": {"currentPage": 1, "pageSize": 2, "totalPages": 2}},
]


@pytest.mark.parametrize("body", LIST_SHAPES)
def test_list_replies_are_read_in_every_reasonable_shape(body: object) -> None:
    items = list_in(body, ("domains",), provider="P", endpoint="GET /domains", doc="docs/x.md")
    assert items == [{"id": 1}]
    page, size, total = page_numbers(body)
    assert (page, size) == (1, 2)
    assert total in (3, 4)


def test_a_list_reply_of_no_known_shape_names_the_endpoint_and_the_doc() -> None:
    with pytest.raises(ReplyShapeError) as caught:
        list_in({"data": {"rows": 3}}, ("domains",), provider="P", endpoint="GET /d", doc="d.md")
    message = str(caught.value)
    assert "GET /d" in message and "`domains`" in message and "d.md" in message


class _Mailbox(BaseModel):
    email: str
    count: int


def test_a_bad_reply_names_the_fields_and_never_quotes_a_value() -> None:
    with pytest.raises(ReplyShapeError) as caught:
        parse_model(
            _Mailbox,
            {"email": "a@x.com", "count": "Secret-Pa55word"},
            provider="P",
            endpoint="GET /mailboxes",
            doc="docs/x.md",
        )
    message = str(caught.value)
    assert "count" in message and "GET /mailboxes" in message
    assert "Secret-Pa55word" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_delete_is_confirmed_by_a_read() -> None:
    present = {"a"}
    confirm_deleted("thing 'a'", lambda: present.discard("a"), lambda: "a" in present)
    assert not present


def test_a_delete_that_leaves_the_object_fails_naming_it() -> None:
    with pytest.raises(DeleteNotConfirmedError, match="thing 'a' is still there"):
        confirm_deleted("thing 'a'", lambda: None, lambda: True, settle_seconds=0.05)


def test_a_404_on_delete_is_gone_only_when_the_read_agrees() -> None:
    def delete() -> None:
        raise errors.NotFoundError("P", 404, "no route", method="DELETE", path="/x/1")

    confirm_deleted("thing 'gone'", delete, lambda: False)
    with pytest.raises(DeleteNotConfirmedError, match=r"answered 404 \(DELETE /x/1"):
        confirm_deleted("thing 'a'", delete, lambda: True, settle_seconds=0.05)


def test_adopted_objects_stay_unless_the_program_opts_in() -> None:
    assert destroy_adopted({}) is False
    assert destroy_adopted({"destroy_adopted": None}) is False
    assert destroy_adopted({"destroy_adopted": "true"}) is False
    assert destroy_adopted({"destroy_adopted": True}) is True


def test_a_post_marked_safe_is_retried_after_a_5xx() -> None:
    calls: list[str] = []
    answers = [httpx.Response(502), httpx.Response(200, json={"token": "t"})]

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return answers.pop(0)

    client = HttpClient(
        provider="P",
        base_url="https://api.test",
        headers={},
        retry=RetryPolicy(attempts=3, initial_wait=0.0),
        transport=httpx.MockTransport(handler),
        sleep=lambda _s: None,
    )
    with pytest.raises(errors.ServerError):
        client.request("POST", "/login")
    assert calls == ["POST"]
    answers[:] = [httpx.Response(502), httpx.Response(200, json={"token": "t"})]
    assert client.request("POST", "/login", safe_to_retry=True).status_code == 200
    assert calls == ["POST", "POST", "POST"]


def test_handler_errors_reach_the_cli_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import traceback

    servicer = types.ModuleType("pulumi.dynamic.__main__")
    servicer.traceback = traceback  # type: ignore[attr-defined]
    servicer._abort_with_traceback = lambda fn: fn  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pulumi.dynamic.__main__", servicer)
    install_concise_errors()
    patched = servicer.traceback  # type: ignore[attr-defined]
    try:
        raise errors.ConflictError("InboxedUp", 409, "taken", method="POST", path="/domains")
    except errors.ConflictError:
        text = patched.format_exc()
    assert text.startswith("ConflictError: InboxedUp API error 409 (POST /domains): taken")
    assert "Traceback" not in text
    try:
        raise KeyError("type")
    except KeyError:
        text = patched.format_exc()
    assert "internal error in pulumi_inboxed (KeyError" in text and "Traceback" not in text
    assert concise_error(ValueError("x")).startswith("internal error")


def test_a_reply_model_error_reaches_the_cli_without_the_values_it_was_given() -> None:
    """pydantic's own message quotes its input (a reply with a mailbox password): the CLI gets
    the model, the fields and the reasons only."""
    from pulumi_inboxed.mailin.models import MailboxCredentials, Totp

    for model, reply in (
        (MailboxCredentials, {"password": ["Pw-SECRET-1"]}),
        (Totp, {"secret": "TOTP-SECRET-2"}),
    ):
        try:
            model.model_validate(reply)
        except ValueError as exc:
            text = concise_error(exc)
        assert "SECRET" not in text
        assert model.__name__ in text and "internal error" in text
    assert "password: Input should be a valid string" in concise_error(_validation_error())


def _validation_error() -> Exception:
    from pulumi_inboxed.mailin.models import MailboxCredentials

    try:
        MailboxCredentials.model_validate({"password": ["Pw-SECRET-1"]})
    except ValueError as exc:
        return exc
    raise AssertionError("the reply was accepted")


def test_a_function_reply_of_the_wrong_shape_ends_the_program_without_its_values() -> None:
    import pulumi

    from pulumi_inboxed.core.output_functions import _as_program_error

    with pytest.raises(pulumi.RunError) as raised, _as_program_error():
        raise _validation_error()
    assert "SECRET" not in str(raised.value) and raised.value.__cause__ is None
    assert "MailboxCredentials" in str(raised.value)


def _no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in the provider host: no engine connection (a test with mocks sets one)."""
    import pulumi.runtime.settings

    monkeypatch.setattr(pulumi.runtime.settings, "get_engine", lambda: None)


def test_many_objects_left_make_one_warning_line_with_their_count(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: destroy printed 15 near-identical warnings, two run together on one line."""
    _no_engine(monkeypatch)
    from pulumi_inboxed.core import repeated_warnings
    from pulumi_inboxed.inboxedup.mailbox_request_collection import MailboxRequestsProvider

    repeated_warnings.reset()  # the first of the run: a warning (later ones: info lines)
    ids = {f"d{i:02}.com/smtp": f"req_{i:02}" for i in range(25)}
    MailboxRequestsProvider().delete("id", {"request_ids": ids})
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("warning: InboxedUp has no endpoint to cancel or delete a mailbox")
    assert "a mailbox request of the default InboxedUp account: 25 requests stay" in line
    assert ": 25 requests stay in the account: req_00 (d00.com/smtp), " in line
    assert "req_19 (d19.com/smtp) and 5 more; the resource is destroyed" in line


def test_a_warning_is_one_whole_line_whatever_other_threads_print(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    _no_engine(monkeypatch)
    from pulumi_inboxed.core.lifecycle import warn

    threads = [threading.Thread(target=warn, args=(f"message {i}\nsecond line",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = sorted(capsys.readouterr().err.splitlines())
    assert lines == sorted(f"warning: message {i} second line" for i in range(8))
