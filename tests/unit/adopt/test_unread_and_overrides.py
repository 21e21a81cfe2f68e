"""`inboxed adopt`: a field the listing lacks is named as not read (never taken as "none"), and
`adopt-config.sh` carries the endpoint overrides adopt ran with."""

from __future__ import annotations

from typing import Any

from pulumi_inboxed.adopt.connect import connection
from pulumi_inboxed.adopt.estate import AccountEstate
from pulumi_inboxed.adopt.read_mailin import _forwarding, _mailboxes
from pulumi_inboxed.adopt.writer import config_needs, config_script, program
from pulumi_inboxed.mailin.models import MailinDomain, MailinMailbox


def domain(**fields: Any) -> MailinDomain:
    return MailinDomain.model_validate({"id": 1, "name": "a.com", **fields})


def test_a_listing_without_the_forwarding_field_is_named_not_read() -> None:
    estate = AccountEstate("mailin", None)
    _forwarding(estate, [domain(), domain(id=2, name="b.com")], {}, set())
    assert not estate.decls
    (domain_note, email_note) = estate.notes
    assert "domain forwarding of 2 domain(s) could not be read" in domain_note
    assert "no `forward_to` field" in domain_note and "a.com, b.com" in domain_note
    assert "not 'no forwarding'" in domain_note
    assert "no `email_forward_to` field" in email_note
    assert "# Not declared: the domain forwarding of 2 domain(s)" in program([estate], "x")


def test_a_listing_showing_no_forwarding_declares_none_and_says_nothing() -> None:
    estate = AccountEstate("mailin", None)
    _forwarding(estate, [domain(forward_to=None, email_forward_to=None)], {}, set())
    assert not estate.decls and not estate.notes
    _forwarding(estate, [domain(forward_to="main.com", email_forward_to=None)], {}, set())
    assert [d.kind for d in estate.decls] == ["DomainForwarding"] and not estate.notes


def test_google_mailboxes_without_forwarding_or_signature_fields_are_named() -> None:
    estate = AccountEstate("mailin", None)
    box = MailinMailbox.model_validate({"id": 1, "username": "a@a.com", "name": "A B"})
    _mailboxes(estate, [box], google=True, depends=[])
    assert any("forwarding of 1 Google mailbox(es)" in n and "a@a.com" in n for n in estate.notes)
    assert any("no `signature` field" in n for n in estate.notes)


def test_adopt_config_carries_the_endpoint_overrides() -> None:
    config = {
        "mailin:apiToken": "t",
        "mailin:endpoints": {"list_domains": "GET /v2/domains"},
        "mailin:accounts": {
            "client-a": {
                "apiToken": "a",
                "endpoints": {"get_domain": "GET /v2/domains/{domain_id}"},
            }
        },
    }
    default, named = AccountEstate("mailin", None), AccountEstate("mailin", "client-a")
    for estate in (default, named):
        connection(estate, config, [], [])
    script = config_script(config_needs([default, named]))
    assert "pulumi config set --path 'mailin:endpoints.list_domains' 'GET /v2/domains'" in script
    assert (
        "pulumi config set --path 'mailin:accounts.client-a.endpoints.get_domain' "
        "'GET /v2/domains/{domain_id}'" in script
    )
    assert script.count("mailin:endpoints.list_domains") == 1  # both accounts use it: set once
