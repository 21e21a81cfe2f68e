"""Every error caused by a path or a shape names the config key that overrides the path and the
docs page: a 404 on a path of our choice, a `ReplyShapeError`, an unconfirmed delete."""

from __future__ import annotations

import pytest

from pulumi_inboxed.core.accounts import AccountConfig
from pulumi_inboxed.core.endpoints_config import endpoint_table
from pulumi_inboxed.core.errors import NotFoundError
from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError, confirm_deleted
from pulumi_inboxed.core.replies import ReplyShapeError
from pulumi_inboxed.inboxedup import endpoints as iu_ep
from pulumi_inboxed.inboxedup.client import InboxedUpClient
from pulumi_inboxed.mailin import endpoints as mi_ep
from pulumi_inboxed.mailin.client import MailinClient

from .replies import transport


def inboxedup(answers: dict[str, tuple[int, object]], config: object = None) -> InboxedUpClient:
    view = AccountConfig("inboxedup", config, None)  # type: ignore[arg-type]
    table = endpoint_table("inboxedup", iu_ep, view)
    return InboxedUpClient("http://iu.test", "tok", transport=transport(answers), endpoints=table)


def test_a_404_on_a_path_of_our_choice_names_the_key_and_the_page() -> None:
    client = inboxedup({})
    with pytest.raises(NotFoundError) as caught:
        client.get_domain("dom_1")
    text = str(caught.value)
    assert "`inboxedup:endpoints.get_domain`" in text and "docs/inboxedup-api.md" in text
    assert caught.value.config_key == "inboxedup:endpoints.get_domain"
    with pytest.raises(NotFoundError) as confirmed:  # a documented path: a 404 is the object's
        client.get_mailbox_request("mr_1")
    assert "endpoints." not in str(confirmed.value)


def test_a_reply_of_the_wrong_shape_names_the_overridden_key() -> None:
    config = {"inboxedup:endpoints": {"list_domains": "GET /v2/domains"}}
    client = inboxedup({"GET /v2/domains": (200, {"data": {"domains": [{"id": "d"}]}})}, config)
    with pytest.raises(ReplyShapeError) as caught:
        client.list_domains_page()
    text = str(caught.value)
    assert "GET /v2/domains" in text and "`inboxedup:endpoints.list_domains`" in text
    assert "docs/inboxedup-api.md" in text
    assert caught.value.key == "inboxedup:endpoints.list_domains"


def test_a_named_accounts_reply_error_names_its_own_key() -> None:
    config = {"mailin:accounts": {"client-a": {"apiToken": "t"}}}
    table = endpoint_table("mailin", mi_ep, AccountConfig("mailin", config, "client-a"))
    answers = {"GET /api/domains": (200, {"data": [{"name": "no-id.com"}]})}
    client = MailinClient(
        "http://mi.test/api", token="t", transport=transport(answers), endpoints=table
    )
    with pytest.raises(ReplyShapeError) as caught:
        client.list_domains()
    assert "`mailin:accounts.client-a.endpoints.list_domains`" in str(caught.value)


def test_an_unconfirmed_delete_names_the_key_and_the_page() -> None:
    client = inboxedup({})
    with pytest.raises(DeleteNotConfirmedError) as caught:
        confirm_deleted(
            "InboxedUp domain 'a.com' (dom_1)",
            lambda: client.remove_domain("dom_1"),
            lambda: True,
            settle_seconds=0,
        )
    text = str(caught.value)
    assert "answered 404" in text and "`inboxedup:endpoints.remove_domain`" in text
    assert "docs/inboxedup-api.md" in text
    still = inboxedup({"DELETE /domains/dom_1": (200, {"success": True})})
    with pytest.raises(DeleteNotConfirmedError) as kept:
        confirm_deleted(
            "InboxedUp domain 'a.com' (dom_1)",
            lambda: still.remove_domain("dom_1"),
            lambda: True,
            settle_seconds=0,
        )
    assert "still there" in str(kept.value)
    assert "`inboxedup:endpoints.remove_domain`" in str(kept.value)
