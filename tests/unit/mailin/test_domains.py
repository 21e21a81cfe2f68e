"""`mailin.Domains`: its declaration checked at preview (bad inputs, unknowns, read-only
availability calls), and its handlers against the sandbox (held names of both kinds, transfers,
adoption and `destroy_adopted`, waits after an interrupted purchase) and a mock transport
(verified deletes)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pulumi.output import UNKNOWN, Unknown

from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.mailin import Domains, DomainsArgs, MailinClient
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin.domains import DomainsProvider
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import (
    BadInput,
    MailinProvider,
    PreviewCheck,
    assert_rejected_at_preview,
    fake_mailin_api,
    mailin_page,
)
from ..fake_api import Call, FakeApi
from .fake_account import PREFIX

TOKEN = "mailin-sandbox-token"
UID = "11c236de-c2e5-4797-bb73-73d861dc40fb"
LOOKALIKE = "\u0430pple-pay.com"  # Cyrillic a
_serial = itertools.count()


def unique(stem: str) -> str:
    return f"{stem}-{next(_serial)}-{id(_serial) % 9973}"


def failures(result: Any) -> list[str]:
    return [f"{f.property}: {f.reason}" for f in result.failures]


def availability_calls(sandbox: SandboxProcess) -> int:
    stats = sandbox.control.stats()
    return sum(n for key, n in stats.items() if "domain-availability" in key)


def client_for(sandbox: SandboxProcess) -> MailinClient:
    return MailinClient(sandbox.mailin_url, token=TOKEN)


# preview: the declaration ---------------------------------------------------------------------
GOOD = {"domains": ["good-buy-name.com", "good-buy-name.co"]}
MOVED = {"domains": ["moved.io"], "acquisition": "transfer"}
KIT = {"domains": ["kit.net"], "acquisition": "inboxkit", "inboxkit_uids": {"kit.net": UID}}

BAD_INPUTS = [
    BadInput("domains-missing", {"google": False}, "domains", "is required"),
    BadInput("domains-empty", {"domains": []}, "domains", "at least 1"),
    BadInput("domains-a-string", {"domains": "a.com"}, "domains", "valid list"),
    BadInput("domains-a-number", {"domains": 5}, "domains", "valid list"),
    BadInput("domains-number-entry", {"domains": ["a.com", 123]}, "domains[1]", "valid string"),
    BadInput("domains-bool-entry", {"domains": [True]}, "domains[0]", "valid string"),
    BadInput(
        "domains-object-entry", {"domains": [{"name": "x.com"}]}, "domains[0]", "valid string"
    ),
    BadInput("domains-nested-list", {"domains": [["x.com"]]}, "domains[0]", "valid string"),
    BadInput("domains-blank-entry", {"domains": ["a.com", " "]}, "domains[1]"),
    BadInput("domains-underscore", {"domains": ["bad_name.com"]}, "domains[0]"),
    BadInput("domains-no-tld", {"domains": ["localhost"]}, "domains[0]"),
    BadInput("domains-label-too-long", {"domains": ["a" * 64 + ".com"]}, "domains[0]"),
    BadInput("domains-mixed-script", {"domains": [LOOKALIKE]}, "domains[0]", "mixes"),
    BadInput(
        "domains-mixed-script-other-name-allowed",
        {"domains": [LOOKALIKE], "allow_mixed_script": ["apple-pay.com"]},
        "domains[0]",
        "allow_mixed_script",
    ),
    BadInput("domains-duplicate", {"domains": ["a.com", "A.com."]}, "domains[1]", "duplicate"),
    BadInput(
        "domains-too-many",
        {"domains": [f"n{i}.com" for i in range(501)]},
        "domains",
        "at most 500",
    ),
    BadInput("domains-tld-not-sold", {"domains": ["a.com", "x.io"]}, "domains[1]", "cannot be"),
    BadInput("acquisition-unknown", {**GOOD, "acquisition": "steal"}, "acquisition", "'buy'"),
    BadInput("acquisition-list", {**GOOD, "acquisition": ["buy"]}, "acquisition", "'buy'"),
    BadInput("acquisition-number", {**GOOD, "acquisition": 1}, "acquisition", "'buy'"),
    BadInput("google-string", {**GOOD, "google": "false"}, "google", "valid boolean"),
    BadInput("google-number", {**GOOD, "google": 1}, "google", "valid boolean"),
    BadInput("inboxkit-google", {**KIT, "google": True}, "google", "Inboxkit transfers are SMTP"),
    BadInput(
        "inboxkit-uid-missing",
        {**KIT, "inboxkit_uids": {}},
        "domains[0]",
        "needs its uid in inboxkit_uids",
    ),
    BadInput(
        "inboxkit-uids-a-list", {**KIT, "inboxkit_uids": [UID]}, "inboxkit_uids", "dictionary"
    ),
    BadInput(
        "inboxkit-uid-number",
        {**KIT, "inboxkit_uids": {"kit.net": 5}},
        "inboxkit_uids.kit.net",
        "valid string",
    ),
    BadInput(
        "inboxkit-uid-blank",
        {**KIT, "inboxkit_uids": {"kit.net": "  "}},
        "inboxkit_uids.kit.net",
        "at least 1",
    ),
    BadInput(
        "wait-negative",
        {**GOOD, "wait_timeout_seconds": -1},
        "wait_timeout_seconds",
        "greater than or equal to 0",
    ),
    BadInput(
        "wait-huge",
        {**GOOD, "wait_timeout_seconds": 1e12},
        "wait_timeout_seconds",
        "less than or equal to 86400",
    ),
    BadInput(
        "wait-string",
        {**GOOD, "wait_timeout_seconds": "abc"},
        "wait_timeout_seconds",
        "valid integer",
    ),
    BadInput(
        "wait-fraction",
        {**GOOD, "wait_timeout_seconds": 5.5},
        "wait_timeout_seconds",
        "valid integer",
    ),
    BadInput(
        "wait-bool", {**GOOD, "wait_timeout_seconds": True}, "wait_timeout_seconds", "integer"
    ),
    BadInput("destroy-adopted-string", {**GOOD, "destroy_adopted": "yes"}, "destroy_adopted"),
    BadInput(
        "allow-mixed-a-string",
        {**GOOD, "allow_mixed_script": LOOKALIKE},
        "allow_mixed_script",
        "valid list",
    ),
    BadInput(
        "allow-mixed-number-entry",
        {**GOOD, "allow_mixed_script": [5]},
        "allow_mixed_script[0]",
        "valid string",
    ),
]


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda b: b.case)
def test_bad_input_is_rejected_at_preview(preview_check: PreviewCheck, bad: BadInput) -> None:
    assert_rejected_at_preview(preview_check(DomainsProvider, bad.inputs), bad)


def test_a_good_purchase_makes_only_its_read_only_availability_calls(
    preview_check: PreviewCheck,
) -> None:
    """Buying is checked against the account at preview, on purpose (read-only): the SMTP
    list, the Google list (the names are not held as SMTP domains) and one availability call
    per name."""
    outcome = preview_check(DomainsProvider, GOOD)
    assert outcome.failures == {} and outcome.aborted is None
    assert outcome.requests == 2 + len(GOOD["domains"])


@pytest.mark.parametrize("inputs", [MOVED, KIT], ids=["transfer", "inboxkit"])
def test_a_good_transfer_makes_no_api_call(
    preview_check: PreviewCheck, inputs: dict[str, Any]
) -> None:
    outcome = preview_check(DomainsProvider, inputs)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_a_mixed_script_name_passes_when_the_program_lists_it(
    preview_check: PreviewCheck,
) -> None:
    inputs = {**MOVED, "domains": [LOOKALIKE], "allow_mixed_script": [LOOKALIKE]}
    outcome = preview_check(DomainsProvider, inputs)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


@pytest.mark.parametrize(
    "inputs",
    [
        {"domains": UNKNOWN},
        {"domains": ["a.com", UNKNOWN]},
        {**GOOD, "acquisition": UNKNOWN, "google": UNKNOWN},
        {**GOOD, "wait_timeout_seconds": UNKNOWN, "destroy_adopted": UNKNOWN},
        {**KIT, "inboxkit_uids": UNKNOWN},
        {**KIT, "inboxkit_uids": {"kit.net": UNKNOWN}},
    ],
    ids=["domains", "one-name", "kind", "wait-and-flag", "uids", "one-uid"],
)
def test_unknown_values_pass_preview_with_no_api_call(
    preview_check: PreviewCheck, inputs: dict[str, Any]
) -> None:
    outcome = preview_check(DomainsProvider, inputs)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_a_bad_value_beside_an_unknown_one_is_still_named(preview_check: PreviewCheck) -> None:
    outcome = preview_check(
        DomainsProvider, {"domains": UNKNOWN, "google": "false", "wait_timeout_seconds": -1}
    )
    assert set(outcome.failures) == {"google", "wait_timeout_seconds"}
    assert outcome.requests == 0


def test_check_records_normalized_inputs_with_their_defaults() -> None:
    result = DomainsProvider().check({}, {"domains": ["Bücher-Acme.de"], "acquisition": "transfer"})
    assert failures(result) == []
    assert result.inputs == {
        "domains": ["xn--bcher-acme-9db.de"],
        "acquisition": "transfer",
        "google": False,
        "inboxkit_uids": None,
        "wait_timeout_seconds": 900,
        "destroy_adopted": False,
        "allow_mixed_script": [],
    }


def test_both_constructor_forms_take_the_same_inputs() -> None:
    args = DomainsArgs(domains=["a.com"], google=True)
    assert vars(args)["google"] is True and vars(args)["wait_timeout_seconds"] is None
    with pytest.raises(TypeError):
        Domains("positional", ["a.com"])  # type: ignore[call-overload]
    assert not hasattr(Domains, "get")  # a collection: one id cannot bring back the others


# preview against the account ------------------------------------------------------------------
@pytest.fixture(params=[True, False], ids=["separate-lists", "one-list"])
def lists(request: pytest.FixtureRequest, mailin_sandbox: SandboxProcess) -> Iterator[bool]:
    """Both readings of "List all domains": Google and Inboxkit domains in it, or only in their
    own lists (the stricter one is where the old code failed)."""
    separate = bool(request.param)
    mailin_sandbox.control.update_settings(mailin_separate_domain_lists=separate)
    yield separate
    mailin_sandbox.control.update_settings(mailin_separate_domain_lists=False)


def test_preview_names_tld_and_unavailable_domains(mailin_provider: MailinProvider) -> None:
    provider = mailin_provider(DomainsProvider)
    result = provider.check({}, {"domains": ["fine-one.com", "nope.io", "taken-x.com"]})
    assert failures(result) == [
        "domains[1]: .io cannot be bought; allowed: .com, .co, .ca, .biz (got 'nope.io')"
    ]
    result = provider.check({}, {"domains": ["fine-one.com", "taken-x.com"]})
    assert failures(result) == ["domains[1]: 'taken-x.com' is not available for purchase"]


def test_google_domains_preview_again_after_up_without_availability_calls(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider, lists: bool
) -> None:
    """Defect 6: after the purchase, a second preview passed only when the held Google name
    showed in the SMTP list, and every preview asked about every name again."""
    sandbox = mailin_sandbox
    provider = mailin_provider(DomainsProvider)
    names = [f"{unique('gw')}.biz", f"{unique('gw')}.com"]
    news: dict[str, Any] = {"domains": names, "google": True, "wait_timeout_seconds": 30}
    checked = provider.check({}, news)
    assert failures(checked) == []
    created = provider.create(checked.inputs)
    assert created.outs["pending_domains"] == []
    state_inputs = checked.inputs  # what the engine keeps as the resource's inputs

    before, requests = availability_calls(sandbox), sandbox.control.total_requests()
    again = provider.check(state_inputs, dict(news))
    assert failures(again) == []
    # names the stack holds are not asked about: the second preview makes no call at all
    assert sandbox.control.total_requests() == requests

    # A fresh resource declaring the held Google names adopts them: no failure either.
    fresh = provider.check({}, dict(news))
    assert failures(fresh) == []
    assert availability_calls(sandbox) == before

    # An SMTP resource cannot adopt a Google domain: named, not "not available".
    smtp = provider.check({}, {"domains": [names[0]]})
    assert failures(smtp) == [
        f"domains[0]: '{names[0]}' is already in the account as a Google domain; this "
        "resource declares SMTP domains"
    ]
    provider.delete(created.id, created.outs)


def test_a_new_name_in_an_update_is_the_only_one_checked(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider
) -> None:
    provider = mailin_provider(DomainsProvider)
    first, added = f"{unique('upd')}.com", f"{unique('upd')}.co"
    checked = provider.check({}, {"domains": [first]})
    created = provider.create(checked.inputs)
    before = availability_calls(mailin_sandbox)
    result = provider.check(checked.inputs, {"domains": [first, added]})
    assert failures(result) == []
    assert availability_calls(mailin_sandbox) == before + 1
    provider.delete(created.id, created.outs)


# create, update, refresh, delete against the sandbox -------------------------------------------
def test_a_domain_already_held_passes_preview_and_is_adopted(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider
) -> None:
    held, new = f"{unique('held-one')}.com", f"{unique('new-one')}.com"
    client_for(mailin_sandbox).buy_domains([held])
    provider = mailin_provider(DomainsProvider)
    checked = provider.check({}, {"domains": [held, new]})
    assert failures(checked) == []
    before = mailin_sandbox.control.mailin_purchases()
    created = provider.create(checked.inputs)
    after = mailin_sandbox.control.mailin_purchases()
    assert after[held] == before[held] == 1  # adopted, not bought again
    assert after[new] == 1
    assert set(created.outs["domain_ids"]) == {held, new}
    assert created.outs["pending_domains"] == []
    assert created.outs["adopted_domains"] == [held]
    read = provider.read(created.id, created.outs)
    assert read.outs["domain_ids"] == created.outs["domain_ids"]
    assert read.outs["allow_mixed_script"] == [] and read.outs["acquisition"] == "buy"
    provider.delete(created.id, {**created.outs, "destroy_adopted": True})


@pytest.mark.parametrize("acquisition", ["transfer", "inboxkit"])
def test_transfers_report_the_nameservers_to_set(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider, acquisition: str
) -> None:
    provider = mailin_provider(DomainsProvider)
    name = f"{unique('moved-' + acquisition)}.io"  # any TLD can be transferred
    news: dict[str, Any] = {"domains": [name], "acquisition": acquisition}
    if acquisition == "inboxkit":
        assert failures(provider.check({}, news)) == [
            f"domains[0]: needs its uid in inboxkit_uids (got '{name}')"
        ]
        news["inboxkit_uids"] = {name: UID}
    checked = provider.check({}, news)
    assert failures(checked) == []
    created = provider.create(checked.inputs)
    # the page's transfer answer lists the nameservers to set; its Inboxkit answer has none
    expected = ["ns1.mailin.ai", "ns2.mailin.ai"] if acquisition == "transfer" else []
    assert created.outs["transfer_name_servers"][name] == expected
    assert name in created.outs["domain_ids"]
    assert mailin_sandbox.control.mailin_purchases().get(name) is None  # no purchase
    provider.delete(created.id, created.outs)


def test_inboxkit_transfer_is_found_in_the_inboxkit_list(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider, lists: bool
) -> None:
    """Defect 7: the transfer was looked up in `GET /domains` only: records stayed empty, the
    next `up` transferred again ("Domain already exists") and destroy left the domain."""
    provider = mailin_provider(DomainsProvider)
    name = f"{unique('kit')}.io"
    news = {"domains": [name], "acquisition": "inboxkit", "inboxkit_uids": {name: UID}}
    checked = provider.check({}, news)
    assert failures(checked) == []
    created = provider.create(checked.inputs)
    assert name in created.outs["domain_ids"]
    assert created.outs["adopted_domains"] == []

    # the next `up`: the state's records match, and an update (any reason) transfers nothing
    assert not provider.diff(created.id, created.outs, checked.inputs).changes
    updated = provider.update(
        created.id, created.outs, {**checked.inputs, "destroy_adopted": False}
    )
    assert updated.outs["domain_ids"] == created.outs["domain_ids"]
    # a create run again (after an interrupted one) adopts it instead of failing
    again = provider.create(checked.inputs)
    assert again.outs["adopted_domains"] == [name]

    provider.delete(created.id, created.outs)
    client = client_for(mailin_sandbox)
    assert all(d.name != name for d in client.list_inboxkit_domains(name))
    assert client.find_domain(name) is None


def test_every_name_adopted_from_an_interrupted_purchase_is_still_waited_for(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider
) -> None:
    """Defect 12: a create that found every name in the account (bought by the interrupted run,
    not active yet) returned at once with them pending; a second `up` was needed."""
    sandbox = mailin_sandbox
    client = client_for(sandbox)
    names = [f"{unique('resume')}.com", f"{unique('resume')}.co"]
    sandbox.control.update_settings(mailin_job_seconds=1.5)
    try:
        client.buy_domains(names)  # the interrupted run's purchase request
    finally:
        sandbox.control.update_settings(mailin_job_seconds=0.2)
    provider = mailin_provider(DomainsProvider)
    checked = provider.check({}, {"domains": names, "wait_timeout_seconds": 30})
    assert failures(checked) == []
    created = provider.create(checked.inputs)
    assert created.outs["pending_domains"] == []
    assert all(created.outs["active"].values())
    assert sandbox.control.mailin_purchases()[names[0]] == 1
    provider.delete(created.id, {**created.outs, "destroy_adopted": True})


def test_destroy_keeps_adopted_domains_unless_told(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider
) -> None:
    """Defect 15: destroy deleted domains the account held before the stack asked for them."""
    client = client_for(mailin_sandbox)
    held, held2 = f"{unique('held')}.com", f"{unique('held')}.com"
    client.buy_domains([held, held2])
    provider = mailin_provider(DomainsProvider)
    made, made2 = f"{unique('made')}.com", f"{unique('made')}.co"
    checked = provider.check({}, {"domains": [held, made]})
    created = provider.create(checked.inputs)
    assert created.outs["adopted_domains"] == [held]
    assert created.outs["destroy_adopted"] is False

    provider.delete(created.id, created.outs)
    assert client.find_domain(made) is None
    kept = client.find_domain(held)
    assert kept is not None and kept.id == created.outs["domain_ids"][held]

    # removed from the list by an update: the adopted one stays, the made one goes
    checked = provider.check({}, {"domains": [held2, made2]})
    created = provider.create(checked.inputs)
    assert created.outs["adopted_domains"] == [held2]
    updated = provider.update(created.id, created.outs, {**checked.inputs, "domains": [made]})
    assert client.find_domain(held2) is not None
    assert updated.outs["adopted_domains"] == []
    updated2 = provider.update(created.id, updated.outs, {**checked.inputs, "domains": [held2]})
    assert client.find_domain(made) is None and client.find_domain(made2) is None
    assert updated2.outs["adopted_domains"] == [held2]

    # destroy_adopted=True: the adopted ones go too
    opted = {**updated2.outs, "destroy_adopted": True}
    provider.delete(created.id, opted)
    assert client.find_domain(held2) is None
    provider.delete(created.id, {"records": {held: {"id": kept.id}}, "destroy_adopted": True})
    assert client.find_domain(held) is None


# diff -----------------------------------------------------------------------------------------
STATE: dict[str, Any] = {
    "domains": ["a.com"],
    "acquisition": "buy",
    "google": False,
    "wait_timeout_seconds": 900,
    "destroy_adopted": False,
    "records": {"a.com": {"id": 1, "active": True}},
}


def test_destroy_adopted_change_is_an_update() -> None:
    provider = DomainsProvider()
    news = {**STATE, "records": None}
    assert not provider.diff("1", STATE, news).changes
    assert provider.diff("1", STATE, {**news, "destroy_adopted": True}).changes
    assert provider.diff("1", STATE, {**news, "destroy_adopted": Unknown()}).changes
    assert provider.diff("1", STATE, {**news, "wait_timeout_seconds": 60}).replaces == []


def test_kind_changes_replace_and_name_changes_update() -> None:
    provider = DomainsProvider()
    news = {**STATE, "records": None}
    assert provider.diff("1", STATE, {**news, "google": True}).replaces == ["google"]
    assert provider.diff("1", STATE, {**news, "acquisition": "transfer"}).replaces == [
        "acquisition"
    ]
    added = provider.diff("1", STATE, {**news, "domains": ["a.com", "b.com"]})
    assert added.changes and added.replaces == []
    assert provider.diff("1", STATE, {**news, "domains": Unknown()}).changes
    # a name removed outside Pulumi (refresh dropped its record): the next `up` acquires it
    assert provider.diff("1", {**STATE, "records": {}}, news).changes


def test_a_pending_transfer_is_no_change_but_a_pending_purchase_is() -> None:
    provider = DomainsProvider()
    outs: dict[str, Any] = {
        **STATE,
        "domains": ["a.io"],
        "acquisition": "transfer",
        "records": {"a.io": {"id": 1, "active": False}},
    }
    assert not provider.diff("1", outs, dict(outs)).changes  # waits on the user's NS change
    bought = {**outs, "acquisition": "buy", "domains": ["a.com"], "records": {"a.com": {"id": 1}}}
    assert provider.diff("1", bought, dict(bought)).changes  # the next `up` waits for it


# verified deletes against a mock transport ----------------------------------------------------
class FakeAccount(FakeApi):
    """The account's domains, and how the (possibly wrong) delete path answers."""

    def __init__(self, names: dict[str, int], delete_status: int, removes: bool) -> None:
        super().__init__(ep, base_path=PREFIX)
        self.domains = dict(names)
        self.delete_status = delete_status
        self.removes = removes
        self.on(ep.DELETE_DOMAIN, self._delete)
        for listing in (ep.LIST_DOMAINS, ep.LIST_GOOGLE_DOMAINS):
            self.on(listing, self._list)

    @property
    def deletes(self) -> list[int]:
        return [int(c.params["domain_id"]) for c in self.calls_to(ep.DELETE_DOMAIN)]

    def _delete(self, call: Call) -> httpx.Response:
        domain_id = int(call.params["domain_id"])
        if self.removes:
            self.domains = {n: i for n, i in self.domains.items() if i != domain_id}
        if self.delete_status == 404:
            return httpx.Response(404, json={"message": "Not Found"})
        return httpx.Response(200, json={"message": "Domain and related mailboxes removed."})

    def _list(self, call: Call) -> httpx.Response:
        needle = call.query.get("name", "")
        data = [{"id": i, "name": n, "status": "1"} for n, i in self.domains.items() if needle in n]
        return httpx.Response(200, json=mailin_page(data))


def state(names: dict[str, int], **extra: Any) -> dict[str, Any]:
    return {
        "domains": list(names),
        "acquisition": "buy",
        "google": False,
        "records": {n: {"id": i, "active": True} for n, i in names.items()},
        "adopted_domains": [],
        **extra,
    }


def test_a_404_on_delete_with_the_domain_still_listed_fails_naming_it() -> None:
    """Defect (issue 11, delete verification): a 404 on the delete path was suppressed and the
    domain stayed in the account while destroy reported success."""
    account = FakeAccount({"kept.com": 41}, delete_status=404, removes=False)
    with pytest.raises(DeleteNotConfirmedError) as caught:
        fake_mailin_api(DomainsProvider(), account).delete("41", state({"kept.com": 41}))
    message = str(caught.value)
    assert "Mailin.ai domain 'kept.com' (41)" in message
    assert "404" in message and "DELETE" in message
    assert account.deletes == [41]


def test_a_delete_that_answers_200_but_leaves_the_domain_fails() -> None:
    account = FakeAccount({"stays.com": 7}, delete_status=200, removes=False)
    with pytest.raises(DeleteNotConfirmedError, match=r"'stays\.com' \(7\) is still there"):
        fake_mailin_api(DomainsProvider(), account).delete("7", state({"stays.com": 7}))


def test_a_404_on_delete_is_gone_when_the_lists_agree() -> None:
    account = FakeAccount({"gone.com": 5, "other.com": 6}, delete_status=404, removes=True)
    fake_mailin_api(DomainsProvider(), account).delete("5", state({"gone.com": 5}))
    assert account.domains == {"other.com": 6}


def test_adopted_domains_are_not_deleted_and_the_log_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logged: list[str] = []
    monkeypatch.setattr("pulumi_inboxed.core.lifecycle.note", logged.append)
    account = FakeAccount({"mine.com": 1, "theirs.com": 2}, delete_status=200, removes=True)
    fake_mailin_api(DomainsProvider(), account).delete(
        "1", state({"mine.com": 1, "theirs.com": 2}, adopted_domains=["theirs.com"])
    )
    assert account.deletes == [1]
    assert account.domains == {"theirs.com": 2}
    assert len(logged) == 1 and "theirs.com" in logged[0] and "destroy_adopted=True" in logged[0]
