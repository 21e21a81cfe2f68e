"""The policy rules as pure functions over plain data (no engine)."""

from __future__ import annotations

from typing import Any

from pulumi_inboxed.inboxedup.endpoints import MAILBOX_LIMITS
from pulumi_inboxed.mailchannels.endpoints import MAX_DOMAINS_PER_BATCH
from pulumi_inboxed.mailin.endpoints import AZURE_MANUAL_MAILBOXES
from pulumi_inboxed.policy import hygiene, limits, money
from pulumi_inboxed.policy.model import DYNAMIC_PREFIX, UNKNOWN, Resource, SecretValue


def res(kind: str, rname: str, protect: bool = False, **props: Any) -> Resource:
    return Resource(f"{DYNAMIC_PREFIX}{kind}", rname, f"urn:x::{rname}", props, protect)


def request(name: str, domain: str, type_: str, n: int) -> Resource:
    boxes = [{"first_name": "A", "last_name": "B", "username": f"u{i}"} for i in range(n)]
    return res("inboxedup:MailboxRequest", name, domain=domain, type=type_, mailboxes=boxes)


def test_mailboxes_per_domain_sums_requests_per_domain_and_type() -> None:
    limit = MAILBOX_LIMITS["smtp"]
    ok = [request("a", "x.com", "smtp", limit - 1), request("b", "x.com", "smtp", 1)]
    assert limits.mailboxes_per_domain(ok) == []
    other_type = [*ok, request("c", "x.com", "google", 1)]
    assert limits.mailboxes_per_domain(other_type) == []
    over = [*ok, request("c", "X.COM", "smtp", 1)]
    found = limits.mailboxes_per_domain(over)
    assert [v.urn for v in found] == ["urn:x::a", "urn:x::b", "urn:x::c"]
    assert f"would have {limit + 1} smtp mailboxes" in found[0].message
    assert f"InboxedUp allows {limit} smtp" in found[0].message


def requests_of(name: str, *wanted: tuple[str, str, int]) -> Resource:
    """A `MailboxRequests` with one entry per (domain, type, number of mailboxes)."""
    requests = [
        {
            "domain": domain,
            "type": type_,
            "mailboxes": [
                {"first_name": "A", "last_name": "B", "username": f"{name}{i}"} for i in range(n)
            ],
        }
        for domain, type_, n in wanted
    ]
    return res("inboxedup:MailboxRequests", name, requests=requests)


def test_mailboxes_per_domain_counts_each_entry_of_mailbox_requests() -> None:
    """The collection form counts per entry, summed with MailboxRequest resources of the same
    account, domain and type (issue 22: the pack did not know `MailboxRequests` at all)."""
    limit = MAILBOX_LIMITS["microsoft"]
    fleet = requests_of("fleet", ("x.com", "microsoft", limit - 1), ("y.com", "microsoft", limit))
    assert limits.mailboxes_per_domain([fleet]) == []
    # One more on x.com in a MailboxRequest: over the limit, across the two forms.
    found = limits.mailboxes_per_domain([fleet, request("one", "X.com", "microsoft", 2)])
    assert [v.urn for v in found] == ["urn:x::fleet", "urn:x::one"]
    assert found[0].message.startswith("inboxedup:MailboxRequests 'fleet' requests[0]: ")
    assert f"would have {limit + 1} microsoft mailboxes" in found[0].message
    assert f"across 'fleet' requests[0] ({limit - 1}), 'one' (2)" in found[0].message
    # Alone, one entry over the limit (a program that bypasses the resource's own check).
    (alone,) = limits.mailboxes_per_domain([requests_of("big", ("z.com", "smtp", 6))])
    assert "would have 6 smtp mailboxes" in alone.message
    # Two collections in one account add up; another type or another account does not.
    other = requests_of("other", ("x.com", "microsoft", 2), ("x.com", "google", 3))
    assert len(limits.mailboxes_per_domain([fleet, other])) == 2
    assert limits.mailboxes_per_domain([fleet, in_account(other, "client-b")]) == []
    # Entries not known yet at preview are not counted.
    pending = Resource(fleet.type, "p", "urn:x::p", {"requests": [{"domain": UNKNOWN}]})
    assert limits.mailboxes_per_domain([pending, fleet]) == []


def test_mailbox_requests_entries_have_names_and_usernames_on_their_domain() -> None:
    fleet = res(
        "inboxedup:MailboxRequests",
        "fleet",
        requests=[
            {"domain": "x.com", "type": "smtp", "mailboxes": [{"username": "a@x.com"}]},
            {
                "domain": "y.com",
                "type": "smtp",
                "mailboxes": [{"first_name": "A", "last_name": " ", "username": "b@x.com"}],
            },
        ],
    )
    (v,) = hygiene.mailbox_usernames(fleet)
    assert "requests[1].mailboxes[0].username 'b@x.com' is not on the request's domain" in (
        v.message
    )
    blank = [v.message.split(": ", 1)[1] for v in hygiene.names_present(fleet)]
    assert blank == [
        "requests[0].mailboxes[0].first_name is missing or blank",
        "requests[0].mailboxes[0].last_name is missing or blank",
        "requests[1].mailboxes[0].last_name is missing or blank",
    ]


def test_mailboxes_per_domain_skips_unknown_domains() -> None:
    r = request("a", "x.com", "microsoft", 9)
    unknown = Resource(r.type, r.name, r.urn, {**r.props, "domain": UNKNOWN})
    assert limits.mailboxes_per_domain([unknown]) == []


def test_mailchannels_request_size_is_about_each_resource() -> None:
    def inbound(n: int) -> Resource:
        return res(
            "mailchannels:InboundDomains",
            f"in{n}",
            domains=[{"domain": f"d{i}.com"} for i in range(n)],
        )

    assert limits.mailchannels_request_size([inbound(MAX_DOMAINS_PER_BATCH)]) == []
    (v,) = limits.mailchannels_request_size([inbound(MAX_DOMAINS_PER_BATCH * 2 + 1)])
    assert "sends them as 3 requests" in v.message


def test_azure_manual_order_size() -> None:
    def order(n: int, mode: str = "manual") -> Resource:
        boxes = [{"name": "N", "email": f"u{i}@a.com"} for i in range(n)]
        return res("mailin:AzureOrder", "o", domain="a.com", mailbox_mode=mode, mailboxes=boxes)

    assert limits.azure_manual_order_size(order(AZURE_MANUAL_MAILBOXES)) == []
    assert limits.azure_manual_order_size(order(3, mode="auto")) == []
    (v,) = limits.azure_manual_order_size(order(99))
    assert "this one has 99" in v.message


def test_purchasable_tlds_only_for_purchases() -> None:
    buy = res("mailin:Domains", "d", domains=["a.com", "b.xyz", "c.biz"])
    (v,) = limits.purchasable_tlds(buy)
    assert "domains[1] 'b.xyz': .xyz cannot be bought" in v.message
    transfer = res("mailin:Domains", "t", domains=["b.xyz"], acquisition="transfer")
    assert limits.purchasable_tlds(transfer) == []
    order = res("mailin:AzureOrder", "o", domain="a.org", is_purchase=True)
    assert "domain 'a.org'" in limits.purchasable_tlds(order)[0].message
    transferred = res("mailin:AzureOrder", "o", domain="a.org", is_purchase=False)
    assert limits.purchasable_tlds(transferred) == []


def test_purchased_domains_protected() -> None:
    buy = res("mailin:Domains", "d", domains=["a.com"])
    (v,) = money.purchased_domains_protected(buy)
    assert "'a.com'" in v.message and "protect=True" in v.message
    protected = res("mailin:Domains", "d", True, domains=["a.com"])
    assert money.purchased_domains_protected(protected) == []
    assert money.purchased_domains_protected(buy, retained={"d"}) == []
    batch = res("inboxedup:DomainBatch", "b", domains=["a.com"])
    assert money.purchased_domains_protected(batch) == []


def test_domains_bought_counts_only_what_is_not_held() -> None:
    held = res("mailin:Domains", "held", domains=["a.com", "b.com"], records={"a.com": {}})
    new = res("mailin:Domains", "new", domains=["c.com", "d.com"])
    transfer = res("mailin:Domains", "t", domains=["e.com", "f.com"], acquisition="transfer")
    order = res("mailin:AzureOrder", "o", domain="g.com")
    resources = [held, new, transfer, order]
    assert money.domains_bought(resources, 4) == []  # b, c, d, g
    found = money.domains_bought(resources, 3)
    assert [v.urn for v in found] == ["urn:x::held", "urn:x::new", "urn:x::o"]
    assert "this update would buy 4 in all" in found[0].message
    assert "more than the 3 allowed" in found[0].message
    placed = res("mailin:AzureOrder", "o", domain="g.com", order_id=7)
    assert money.domains_bought([held, new, transfer, placed], 3) == []


def test_duplicate_domains_per_role() -> None:
    a = res("inboxedup:DomainBatch", "a", domains=["x.com", "y.com"])
    b = res("mailin:Domains", "b", domains=["X.com."])
    inbound = res("mailchannels:InboundDomains", "i", domains=[{"domain": "x.com"}])
    sender = res("pingram:SenderDomain", "s", domain="x.com")
    found = money.duplicate_domains([a, b, inbound, sender])
    assert [v.urn for v in found] == ["urn:x::a", "urn:x::b"]
    assert "declared 2 times for hosting" in found[0].message
    assert "mailin:Domains 'b' domains[0]" in found[0].message
    assert money.duplicate_domains([a, inbound, sender]) == []
    second_sender = res("pingram:SenderDomain", "s2", domain="x.com")
    assert len(money.duplicate_domains([sender, second_sender])) == 2


def test_an_inbound_domain_given_as_a_plain_name_is_declared_too() -> None:
    """`InboundDomains` takes an entry or a plain name: both declare the domain (the duplicate
    rule and the domains per account count them alike)."""
    entry = res("mailchannels:InboundDomains", "e", domains=[{"domain": "x.com"}])
    plain = res("mailchannels:InboundDomains", "p", domains=["X.com", "y.com"])
    found = money.duplicate_domains([entry, plain])
    assert [v.urn for v in found] == ["urn:x::e", "urn:x::p"]
    assert "declared 2 times for MailChannels Inbound" in found[0].message
    assert "mailchannels:InboundDomains 'p' domains[0]" in found[0].message
    assert limits.domains_per_account([plain], {"mailchannels": 1}) != []
    assert limits.domains_per_account([plain], {"mailchannels": 2}) == []


def test_plaintext_secrets_and_their_remediation() -> None:
    props = {
        "name": "p",
        "api_key": "k-plain",
        "password": SecretValue("already"),
        "associate_key": True,
        "mailboxes": [{"username": "a@x.com", "password": "pw-plain"}, {"password": None}],
        "token": UNKNOWN,
        "__provider": "pickled",
    }
    r = res("mailin:InboxProvider", "p", **props)
    found = hygiene.plaintext_secrets(r)
    assert [v.message.split(": input ")[1].split(" ")[0] for v in found] == [
        "api_key",
        "mailboxes[0].password",
    ]
    assert all("k-plain" not in v.message and "pw-plain" not in v.message for v in found)
    marked = hygiene.mark_secrets(props)
    assert marked["api_key"] == SecretValue("k-plain")
    assert marked["mailboxes"][0]["password"] == SecretValue("pw-plain")
    assert marked["password"] == SecretValue("already")
    assert marked["__provider"] == "pickled" and marked["associate_key"] is True
    assert hygiene.plaintext_secret_paths(marked) == []
    other = Resource("aws:s3/bucket:Bucket", "b", "urn:b", {"password": "x"})
    assert hygiene.plaintext_secrets(other) == []


def test_mailbox_usernames_on_domain() -> None:
    req = res(
        "inboxedup:MailboxRequest",
        "r",
        domain="x.com",
        mailboxes=[{"username": "a"}, {"username": "b@X.com"}, {"username": "c@y.com"}],
    )
    (v,) = hygiene.mailbox_usernames(req)
    assert "mailboxes[2].username 'c@y.com'" in v.message
    smtp = res("mailin:SmtpMailboxes", "s", mailboxes=[{"username": "a@x.com"}, {"username": "b"}])
    (v,) = hygiene.mailbox_usernames(smtp)
    assert "mailboxes[1].username 'b' is not a full address" in v.message
    order = res("mailin:AzureOrder", "o", domain="x.com", mailboxes=[{"email": "a@y.com"}])
    assert "not an address on the order's domain" in hygiene.mailbox_usernames(order)[0].message


def test_names_present() -> None:
    req = res(
        "inboxedup:MailboxRequest",
        "r",
        mailboxes=[{"first_name": " ", "last_name": "B", "username": "a"}],
    )
    (v,) = hygiene.names_present(req)
    assert "mailboxes[0].first_name is missing or blank" in v.message
    assert "name is missing" in hygiene.names_present(res("mailin:DomainRegistrar", "g"))[0].message
    auto = res("mailin:AzureOrder", "o", mailbox_mode="auto", full_names=[])
    assert "full_names" in hygiene.names_present(auto)[0].message
    unknown = res("mailin:InboxProvider", "p", name=UNKNOWN)
    assert hygiene.names_present(unknown) == []


# Limits of one account count per (API, account)


def in_account(r: Resource, account: str | None) -> Resource:
    props = dict(r.props) if account is None else {**r.props, "account": account}
    return Resource(r.type, r.name, r.urn, props, r.protect)


def test_mailboxes_per_domain_count_per_account() -> None:
    limit = MAILBOX_LIMITS["microsoft"]
    a = request("a", "x.com", "microsoft", limit)
    b = request("b", "x.com", "microsoft", 1)
    # One account: over the limit, and the message names the account.
    found = limits.mailboxes_per_domain([in_account(a, "client-a"), in_account(b, "client-a")])
    assert [v.urn for v in found] == ["urn:x::a", "urn:x::b"]
    assert "(in InboxedUp account 'client-a')" in found[0].message
    # The same requests split over two accounts (or one named, one default) pass.
    assert limits.mailboxes_per_domain([in_account(a, "client-a"), in_account(b, "client-b")]) == []
    assert limits.mailboxes_per_domain([in_account(a, "client-a"), b]) == []
    # Both in the default account: over, named as such.
    (first, _) = limits.mailboxes_per_domain([a, b])
    assert "(in the default InboxedUp account)" in first.message
    # An account not known yet (preview) is not counted with any other.
    pending = Resource(b.type, b.name, b.urn, {**b.props, "account": UNKNOWN})
    assert limits.mailboxes_per_domain([a, pending]) == []


def test_mailchannels_request_size_names_the_account() -> None:
    domains = [{"domain": f"d{i}.com"} for i in range(MAX_DOMAINS_PER_BATCH + 1)]
    inbound = res("mailchannels:InboundDomains", "in", domains=domains, account="client-a")
    (v,) = limits.mailchannels_request_size([inbound])
    assert "MailChannels account 'client-a'" in v.message


def sender(name: str, domain: str, account: str | None = None) -> Resource:
    r = res("pingram:SenderDomain", name, domain=domain)
    return in_account(r, account)


def test_domains_per_account_caps_each_account() -> None:
    a1, a2 = sender("a1", "one.com", "client-a"), sender("a2", "two.com", "client-a")
    b1 = sender("b1", "three.com", "client-b")
    # Two in client-a, one in client-b: within a cap of 2 per account.
    assert limits.domains_per_account([a1, a2, b1], {"pingram": 2}) == []
    # The same three in one account: over, each holder named with the account.
    b_in_a = sender("b1", "three.com", "client-a")
    found = limits.domains_per_account([a1, a2, b_in_a], {"pingram": 2})
    assert [v.urn for v in found] == ["urn:x::a1", "urn:x::a2", "urn:x::b1"]
    assert "Pingram account 'client-a' would hold 3 domains" in found[0].message
    assert "the policy allows 2 per Pingram account (policy config `maxDomains.pingram`)" in (
        found[0].message
    )
    # An API without a cap is not counted; other APIs' resources do not add up with Pingram's.
    assert limits.domains_per_account([a1, a2, b_in_a], {"mailchannels": 1}) == []
    inbound = res(
        "mailchannels:InboundDomains",
        "in",
        domains=[{"domain": "one.com"}, {"domain": "two.com"}],
        account="client-a",
    )
    assert limits.domains_per_account([a1, inbound], {"pingram": 1, "mailchannels": 2}) == []
    (over,) = limits.domains_per_account([inbound], {"mailchannels": 1})
    assert "MailChannels account 'client-a' would hold 2 domains" in over.message
    # The default account is one account too; a name spelt twice counts once.
    d1, d2 = sender("d1", "x.com"), sender("d2", "X.com")
    assert limits.domains_per_account([d1, d2], {"pingram": 1}) == []
    d3 = sender("d3", "y.com")
    assert "the default Pingram account would hold 2 domains" in (
        limits.domains_per_account([d1, d3], {"pingram": 1})[0].message
    )
    batch = res("inboxedup:DomainBatch", "batch", domains=["p.com", "q.com"])
    assert len(limits.domains_per_account([batch], {"inboxedup": 1})) == 1


def test_domains_bought_per_account_is_an_optional_cap() -> None:
    a = in_account(res("mailin:Domains", "a", domains=["a1.com", "a2.com"]), "client-a")
    b = in_account(res("mailin:Domains", "b", domains=["b1.com"]), "client-b")
    assert money.domains_bought([a, b], 20) == []
    assert money.domains_bought([a, b], 20, max_per_account=2) == []
    found = money.domains_bought([a, b], 20, max_per_account=1)
    assert [v.urn for v in found] == ["urn:x::a"]
    assert "in Mailin.ai account 'client-a'; that account would buy 2" in found[0].message
    assert "more than the 1 allowed per account" in found[0].message
    # The stack-wide budget still counts every account together.
    assert [v.urn for v in money.domains_bought([a, b], 2)] == ["urn:x::a", "urn:x::b"]
