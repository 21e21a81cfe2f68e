"""`inboxed adopt` writes only what the registry of kinds (`pulumi_inboxed.kinds`) knows: every
kind a reader declares, every input it passes and every entry field of a collection. A name the
registry does not know fails when the declaration is made, naming it."""

from __future__ import annotations

import dataclasses
from types import ModuleType

import pytest

from pulumi_inboxed import kinds
from pulumi_inboxed.adopt import read_inboxedup, read_mailchannels, read_mailin, read_pingram
from pulumi_inboxed.adopt.estate import AccountEstate, Decl, Obj, registry_problems
from pulumi_inboxed.inboxedup.models import Domain, MailboxRequest
from pulumi_inboxed.mailchannels.models import InboundDomain

READERS: tuple[ModuleType, ...] = (read_inboxedup, read_mailin, read_mailchannels, read_pingram)


def test_every_kind_a_reader_declares_is_the_registrys() -> None:
    declared = {
        value.token
        for reader in READERS
        for value in vars(reader).values()
        if isinstance(value, kinds.Kind)
    }
    assert declared  # the readers hold their kinds as the registry's, not as strings
    assert declared <= set(kinds.by_token())
    # each reader declares only its own API's kinds
    for reader in READERS:
        apis = {v.api for v in vars(reader).values() if isinstance(v, kinds.Kind)}
        assert apis == {reader.API}, reader.__name__


def test_a_kind_an_input_or_an_entry_field_the_registry_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match="no resource kind 'pingram:SenderDomains'"):
        Decl("pingram", "SenderDomains", "x", "x", {"domain": "a.com"})
    with pytest.raises(ValueError, match="'domains' is not an input of pingram:SenderDomain"):
        Decl("pingram", "SenderDomain", "x", "x", {"domains": ["a.com"]})
    entry = Obj("inboxedup", "MailboxRequestEntryArgs", ("a.com", "smtp", []), (("wait", 1),))
    with pytest.raises(ValueError, match=r"requests\[0\]: 'wait' is not a field of an entry"):
        Decl("inboxedup", "MailboxRequests", "x", "x", {"requests": [entry]})
    four = Obj("inboxedup", "MailboxRequestEntryArgs", ("a.com", "smtp", [], True))
    with pytest.raises(ValueError, match=r"requests\[0\] gives 4 fields by position; an entry"):
        Decl.of(kinds.kind("inboxedup:MailboxRequests"), "x", "x", {"requests": [four]})


def _declared() -> list[Decl]:
    """What the InboxedUp and MailChannels readers declare for a small estate."""
    iu = AccountEstate("inboxedup", "client-a")
    domains = [Domain(id="d1", domain="a.com", status="ACTIVE")]
    box = {"firstName": "Sam", "lastName": "Lee", "mailboxUsername": "sam"}
    requests = [
        MailboxRequest(id=f"r{i}", type="SMTP", domain="a.com", status="PENDING", mailboxes=[box])
        for i in (1, 2)
    ]
    read_inboxedup.declare(iu, domains, requests)
    mc = AccountEstate("mailchannels", None)
    read_mailchannels.declare(
        mc,
        [
            InboundDomain(domain="a.com", subscriptionHandle="h", admins=["x@a.com"]),
            InboundDomain(domain="b.com", subscriptionHandle="h", aliases=["c.com"]),
        ],
    )
    return iu.decls + mc.decls


def test_the_readers_declarations_are_all_known() -> None:
    decls = _declared()
    assert [d.kind for d in decls] == [
        "DomainBatch",
        "MailboxRequests",
        "MailboxRequest",
        "InboundDomains",
    ]
    assert all(registry_problems(d) == [] for d in decls)


def test_a_reader_fails_when_the_registry_no_longer_has_what_it_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Drop an input (or an entry field) from the registry, as a renamed input would: the
    readers that write it fail naming it instead of writing a program that fails later."""
    table = dict(kinds.by_token())
    batch = table["inboxedup:DomainBatch"]
    table[batch.token] = dataclasses.replace(
        batch, inputs=tuple(n for n in batch.inputs if n != "domains")
    )
    inbound = table["mailchannels:InboundDomains"]
    table[inbound.token] = dataclasses.replace(
        inbound, entry_fields=tuple(n for n in inbound.entry_fields if n != "aliases")
    )
    monkeypatch.setattr(kinds, "by_token", lambda: table)
    with pytest.raises(ValueError, match="'domains' is not an input of inboxedup:DomainBatch"):
        read_inboxedup.declare(
            AccountEstate("inboxedup", None),
            [Domain(id="d1", domain="a.com", status="ACTIVE")],
            [],
        )
    with pytest.raises(ValueError, match=r"domains\[1\]: 'aliases' is not a field of an entry"):
        read_mailchannels.declare(
            AccountEstate("mailchannels", None),
            [
                InboundDomain(domain="a.com", subscriptionHandle="h"),
                InboundDomain(domain="b.com", subscriptionHandle="h", aliases=["c.com"]),
            ],
        )
