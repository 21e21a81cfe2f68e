"""Every InboxedUp write is made once, whatever the network does, and a collection finishes what
it can.

A fake InboxedUp (`tests/unit/fake_api.FakeApi`, routed by InboxedUp's endpoint table) keeps
what each write made and can fail a write in three ways: after acting (the object is made, then
the connection drops or the API answers 502: the reply is lost), before acting (502, nothing
made), or three times before acting and then not. For the domain submit, the mailbox request of
`MailboxRequest` and the entries of `MailboxRequests`, each asserts exactly ONE object made,
recorded as made (not adopted). Then the collections: one entry (or chunk) that keeps failing
does not stop the others; the `PartialFailure` records the others, and the next update sends
exactly the failed one. Nothing of the providers is replaced: only the HTTP transport is.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import types
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pulumi
import pulumi.dynamic
import pytest
from google.rpc import status_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.core.errors import ConfigError
from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.core.packed_outputs import unpack
from pulumi_inboxed.core.partial_failure import PartialFailure
from pulumi_inboxed.core.safe_write import WritePolicy
from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.inboxedup import domain_batch as domain_batch_module
from pulumi_inboxed.inboxedup import endpoints as ep
from pulumi_inboxed.inboxedup import runtime as runtime_module
from pulumi_inboxed.inboxedup.domain_batch import DomainBatchProvider
from pulumi_inboxed.inboxedup.mailbox_request import MailboxRequestProvider
from pulumi_inboxed.inboxedup.mailbox_request_collection import MailboxRequestsProvider
from pulumi_inboxed.inboxedup.runtime import InboxedUpRuntime, runtime_for

from ..fake_api import Call, FakeApi, Handler

BASE = "https://inboxedup.test/v1"
_ids = itertools.count(1)

LOST_READ = "lost: made, then the connection dropped"
LOST_502 = "lost: made, then 502"
BEFORE = "502 before acting"
PARTLY = "the first name made, then 502"
OK = "ok"

FAILURES = {
    "reply-lost-connection-dropped": [LOST_READ],
    "reply-lost-502": [LOST_502],
    "failed-before-acting": [BEFORE],
    "failed-three-times-then-succeeded": [BEFORE, BEFORE, BEFORE],
}


class FakeInboxedUp(FakeApi):
    """Domains, batches and mailbox requests in memory, routed by InboxedUp's endpoint table.
    `plan[endpoint]` lists what the next writes to it do (LOST_READ, LOST_502, BEFORE, PARTLY or
    OK); `refuse` names the domains whose writes always answer 502 before acting."""

    def __init__(self) -> None:
        super().__init__(ep, base_path="/v1")
        self.domains: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, Any]] = []
        self.plan: dict[Endpoint, list[str]] = {}
        self.refuse: set[str] = set()
        self.domains_made: Counter[str] = Counter()
        self.on(ep.SUBMIT_DOMAINS, self._written(self._submit))
        self.on(ep.REQUEST_MAILBOXES, self._written(self._request))
        self.on(ep.LIST_DOMAINS, lambda c: self._page(c, list(self.domains.values()), "domain"))
        self.on(ep.LIST_MAILBOX_REQUESTS, lambda c: self._page(c, self.requests, "domain"))
        self.on(ep.BATCH_STATUS, self._batch)
        self.on(ep.GET_DOMAIN, self._domain)

    def add_active(self, name: str) -> None:
        domain_id = f"dom_{next(_ids)}"
        self.domains[domain_id] = {
            "id": domain_id,
            "domain": name,
            "status": "ACTIVE",
            "batchId": "batch_old",
            "ns1": "a.ns.test",
            "ns2": "b.ns.test",
        }

    def posts(self, endpoint: Endpoint) -> list[Any]:
        return self.bodies(endpoint)

    def _next(self, endpoint: Endpoint) -> str:
        steps = self.plan.get(endpoint) or []
        return steps.pop(0) if steps else OK

    def _written(self, write: Callable[[Any], httpx.Response]) -> Handler:
        """A write that follows `plan` and `refuse`."""

        def answer(call: Call) -> httpx.Response:
            body = call.body
            step = self._next(call.endpoint)
            if step == BEFORE or self._refused(body):
                return httpx.Response(502, json={"message": "bad gateway"})
            if step == PARTLY:
                write({**body, "domains": body["domains"][:1]})
                return httpx.Response(502, json={"message": "bad gateway"})
            reply = write(body)
            if step == LOST_READ:
                raise httpx.ReadError("connection reset by peer", request=call.request)
            if step == LOST_502:
                return httpx.Response(502, json={"message": "bad gateway"})
            return reply

        return answer

    def _batch(self, call: Call) -> httpx.Response:
        bid = call.params["batch_id"]
        mine = [d for d in self.domains.values() if d["batchId"] == bid]
        group = {"ns1": "a.ns.test", "ns2": "b.ns.test", "domains": mine}
        return httpx.Response(
            200, json={"data": {"batchId": bid, "status": "DONE", "groups": [group]}}
        )

    def _domain(self, call: Call) -> httpx.Response:
        found = self.domains.get(call.params["domain_id"])
        if found is None:
            return httpx.Response(404, json={"message": "not found"})
        return httpx.Response(200, json={"data": found})

    def _refused(self, body: Any) -> bool:
        if not isinstance(body, dict):
            return False
        names = body.get("domains") or [body.get("domain")]
        return any(n in self.refuse for n in names)

    def _submit(self, body: Any) -> httpx.Response:
        batch = f"batch_{next(_ids)}"
        made = []
        for name in body["domains"]:
            domain_id = f"dom_{next(_ids)}"
            self.domains[domain_id] = {
                "id": domain_id,
                "domain": name,
                "status": "PENDING_NS",
                "batchId": batch,
                "ns1": "a.ns.test",
                "ns2": "b.ns.test",
            }
            self.domains_made[name] += 1
            made.append(self.domains[domain_id])
        return httpx.Response(201, json={"data": {"batchId": batch, "domains": made}})

    def _request(self, body: Any) -> httpx.Response:
        request = {
            "id": f"req_{next(_ids)}",
            "type": body["type"],
            "domain": body["domain"],
            "status": "PENDING",
            "mailboxes": body["mailboxes"],
        }
        self.requests.append(request)
        return httpx.Response(
            201,
            json={
                "success": True,
                "requestId": request["id"],
                "type": body["type"],
                "domain": body["domain"],
                "status": "pending",
                "mailboxes": body["mailboxes"],
            },
        )

    @staticmethod
    def _page(call: Call, items: list[dict[str, Any]], by: str) -> httpx.Response:
        """One page of `items`, those whose `by` is the `?domain=` asked for when given."""
        name = call.query.get("domain")
        items = [i for i in items if name in (None, i[by])]
        page = int(call.query.get("page", "1"))
        limit = int(call.query.get("limit", "500"))
        chunk = items[(page - 1) * limit : page * limit]
        pagination = {"page": page, "limit": limit, "total": len(items)}
        return httpx.Response(200, json={"data": chunk, "pagination": pagination})

    def made_on(self, domain: str, type_: str) -> int:
        return sum(1 for r in self.requests if (r["domain"], r["type"]) == (domain, type_))


@pytest.fixture
def api() -> FakeInboxedUp:
    return FakeInboxedUp()


@pytest.fixture
def rt(api: FakeInboxedUp) -> Iterator[InboxedUpRuntime]:
    runtime = InboxedUpRuntime(BASE, "tok", poll_interval=0.02, verify_ns_interval=0.05)
    client = InboxedUpClient(
        BASE, "tok", retry=RetryPolicy(attempts=1), transport=httpx.MockTransport(api)
    )
    runtime.__dict__["client"] = client  # the cached client, over the fake transport
    waits: list[float] = []
    runtime.sleep = waits.append  # backoff computed, never slept
    runtime.write_policy = WritePolicy(attempts=5)
    yield runtime
    client.close()


def using(kind: type[Any], rt: InboxedUpRuntime, monkeypatch: pytest.MonkeyPatch) -> Any:
    provider = kind()
    monkeypatch.setattr(provider, "_runtime", lambda _account=None: rt)
    return provider


def people(*usernames: str) -> list[dict[str, str]]:
    return [{"first_name": "Ann", "last_name": "Lee", "username": u} for u in usernames]


def entry(domain: str, type_: str = "smtp", *usernames: str) -> dict[str, Any]:
    return {"domain": domain, "type": type_, "mailboxes": people(*(usernames or ("ann", "bo")))}


def collection(*entries: dict[str, Any]) -> dict[str, Any]:
    return {
        "requests": list(entries),
        "wait_timeout_seconds": 5,
        "parallel_requests": 4,
        "destroy_adopted": False,
        "allow_mixed_script": [],
        "domains_in_program": [],
    }


# each write kind, failed in each way: exactly one object made, recorded as made ---------------


@pytest.mark.parametrize("failures", FAILURES.values(), ids=FAILURES.keys())
def test_a_mailbox_request_is_made_once(
    failures: list[str],
    api: FakeInboxedUp,
    rt: InboxedUpRuntime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api.add_active("one.com")
    api.plan[ep.REQUEST_MAILBOXES] = list(failures)
    props = {"domain": "one.com", "type": "smtp", "mailboxes": people("ann", "bo")}
    props["wait_timeout_seconds"] = 5
    result = using(MailboxRequestProvider, rt, monkeypatch).create(props)
    assert len(api.requests) == 1, api.requests
    made = api.requests[0]
    assert result.id == made["id"] and result.outs["request_id"] == made["id"]
    assert result.outs["adopted"] is False  # this run's own, not adopted
    assert result.outs["emails"] == ["ann@one.com", "bo@one.com"]
    sends = len(api.posts(ep.REQUEST_MAILBOXES))
    assert sends == (len(failures) + 1 if failures[-1] == BEFORE else 1)


@pytest.mark.parametrize("failures", FAILURES.values(), ids=FAILURES.keys())
def test_a_collection_entry_is_requested_once(
    failures: list[str],
    api: FakeInboxedUp,
    rt: InboxedUpRuntime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api.add_active("one.com")
    api.plan[ep.REQUEST_MAILBOXES] = list(failures)
    props = collection(entry("one.com"))
    outs = using(MailboxRequestsProvider, rt, monkeypatch).create(props).outs
    assert len(api.requests) == 1, api.requests
    assert outs["request_ids"] == {"one.com/smtp": api.requests[0]["id"]}
    assert outs["adopted_requests"] == []  # this run's own, not adopted
    assert outs["statuses"] == {"one.com/smtp": "PENDING"}


SUBMIT_FAILURES = {**FAILURES, "partly-applied": [PARTLY]}


@pytest.mark.parametrize("failures", SUBMIT_FAILURES.values(), ids=SUBMIT_FAILURES.keys())
def test_a_domain_submit_is_made_once(
    failures: list[str],
    api: FakeInboxedUp,
    rt: InboxedUpRuntime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = ["sub-a.com", "sub-b.com", "sub-c.com"]
    provider = using(DomainBatchProvider, rt, monkeypatch)
    api.plan[ep.SUBMIT_DOMAINS] = list(failures)
    inputs = provider.check({}, {"domains": names}).inputs
    inputs["wait_timeout_seconds"] = 5
    outs = provider.create(inputs).outs
    assert api.domains_made == {name: 1 for name in names}, api.domains_made
    assert outs["adopted_domains"] == []  # this run's own, not adopted
    assert sorted(outs["records"]) == names
    assert outs["not_ready_domains"] == []
    if failures == [PARTLY]:  # the re-send carries only the names not found
        assert [body["domains"] for body in api.posts(ep.SUBMIT_DOMAINS)] == [names, names[1:]]


def test_a_refusal_is_not_sent_again(
    api: FakeInboxedUp, rt: InboxedUpRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 4xx says the API did not act: no look-up, no second send."""
    props = {"domain": "absent.com", "type": "smtp", "mailboxes": people("ann")}
    props["wait_timeout_seconds"] = 5
    provider = using(MailboxRequestProvider, rt, monkeypatch)
    api.add_active("absent.com")
    api.on(
        ep.REQUEST_MAILBOXES, lambda _call: httpx.Response(403, json={"message": "limit reached"})
    )
    with pytest.raises(Exception, match="limit reached"):
        provider.create(props)
    assert len(api.posts(ep.REQUEST_MAILBOXES)) == 1


# a collection finishes what it can; the next update sends only what failed -------------------


def test_mailbox_requests_record_the_others_and_the_next_update_sends_only_the_failed_entry(
    api: FakeInboxedUp, rt: InboxedUpRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.com", "b.com", "c.com", "d.com"):
        api.add_active(name)
    api.refuse = {"c.com"}  # every POST for c.com answers 502, before acting
    props = collection(entry("a.com"), entry("b.com", "microsoft", "cy"), entry("c.com"))
    props["requests"].append(entry("d.com", "google", "dee"))
    provider = using(MailboxRequestsProvider, rt, monkeypatch)
    with pytest.raises(PartialFailure) as raised:
        provider.create(props)
    failure = raised.value
    assert len(failure.reasons) == 1 and failure.reasons[0].startswith("c.com/smtp: ")
    assert "failed 5 times and did not take effect" in failure.reasons[0]
    assert "c.com/smtp" in str(failure) and failure.id_.startswith("mailbox-requests-")
    outs = failure.outs
    assert sorted(outs["request_ids"]) == ["a.com/smtp", "b.com/microsoft", "d.com/google"]
    assert "c.com/smtp" not in outs["statuses"] and "c.com/smtp" not in outs["emails"]
    assert [e["domain"] for e in outs["requests"]] == ["a.com", "b.com", "d.com"]
    assert outs["adopted_requests"] == []
    assert len(api.posts(ep.REQUEST_MAILBOXES)) == 3 + 5  # c.com was tried five times, never made

    # the next `pulumi up`: update(olds=the recorded outputs, news=the same inputs)
    api.refuse = set()
    before = len(api.posts(ep.REQUEST_MAILBOXES))
    assert provider.diff(failure.id_, outs, props).changes is True
    updated = provider.update(failure.id_, outs, props).outs
    sent = api.posts(ep.REQUEST_MAILBOXES)[before:]
    assert [(b["domain"], b["type"]) for b in sent] == [("c.com", "smtp")]
    assert sorted(updated["request_ids"]) == [
        "a.com/smtp",
        "b.com/microsoft",
        "c.com/smtp",
        "d.com/google",
    ]
    assert {k: v for k, v in updated["request_ids"].items() if k != "c.com/smtp"} == dict(
        outs["request_ids"]
    )
    for key in updated["request_ids"]:
        domain, type_ = key.split("/")
        assert api.made_on(domain, type_) == 1, key  # no entry requested twice
    assert updated["requests"] == props["requests"]
    assert provider.diff(failure.id_, updated, props).changes is False


def test_domain_batch_records_the_other_chunks_and_the_next_update_submits_only_the_failed(
    api: FakeInboxedUp, rt: InboxedUpRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(domain_batch_module, "MAX_DOMAINS_PER_SUBMIT", 2)
    names = ["ch-a.com", "ch-b.com", "ch-c.com", "ch-d.com", "ch-e.com"]
    api.refuse = {"ch-c.com"}  # its chunk (ch-c, ch-d) answers 502 every time
    provider = using(DomainBatchProvider, rt, monkeypatch)
    inputs = provider.check({}, {"domains": names}).inputs
    inputs["wait_timeout_seconds"] = 5
    with pytest.raises(PartialFailure) as raised:
        provider.create(inputs)
    failure = raised.value
    assert [r.split(":")[0] for r in failure.reasons] == ["ch-c.com", "ch-d.com"]
    assert "failed 5 times and did not take effect" in failure.reasons[0]
    assert "2 of 5 domains were not submitted" in str(failure)
    outs = failure.outs
    assert sorted(outs["records"]) == ["ch-a.com", "ch-b.com", "ch-e.com"]
    assert outs["domains"] == ["ch-a.com", "ch-b.com", "ch-e.com"]
    assert outs["not_ready_domains"] == [] and outs["adopted_domains"] == []
    assert failure.id_ == outs["batch_id"] and failure.id_.startswith("batch_")

    api.refuse = set()
    before = len(api.posts(ep.SUBMIT_DOMAINS))
    assert provider.diff(failure.id_, outs, inputs).changes is True
    updated = provider.update(failure.id_, outs, inputs).outs
    assert [b["domains"] for b in api.posts(ep.SUBMIT_DOMAINS)[before:]] == [
        ["ch-c.com", "ch-d.com"]
    ]
    assert api.domains_made == {name: 1 for name in names}  # none submitted twice
    assert sorted(updated["records"]) == sorted(names)
    assert updated["adopted_domains"] == [] and updated["not_ready_domains"] == []
    assert provider.diff(failure.id_, updated, inputs).changes is False


# the account's pace ---------------------------------------------------------------------------


def test_the_runtime_paces_its_client_with_the_accounts_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key in ("MAX_CONCURRENT_REQUESTS", "REQUESTS_PER_SECOND", "REQUEST_TIMEOUT_SECONDS"):
        monkeypatch.delenv(f"INBOXEDUP_{key}", raising=False)
    runtime_module._runtimes.clear()
    config = {
        "inboxedup:baseUrl": BASE,
        "inboxedup:apiToken": "tok",
        "inboxedup:requestsPerSecond": "4",
        "inboxedup:requestTimeoutSeconds": "7",
        "inboxedup:accounts": json.dumps(
            {"fast": {"apiToken": "tok-f", "maxConcurrentRequests": "3"}}
        ),
    }
    default, fast = runtime_for(config), runtime_for(config, "fast")
    assert (default.limits.concurrent, default.limits.per_second) == (16, 4.0)
    assert (fast.limits.concurrent, fast.limits.per_second) == (3, 4.0)
    assert default.client.http.limiter is default.limiter
    assert fast.client.http.limiter is fast.limiter is not default.limiter
    assert default.client.http.retry.request_timeout == 7.0
    assert runtime_for(config, "fast").limiter is fast.limiter  # one limiter per account
    runtime_module._runtimes.clear()


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"inboxedup:maxConcurrentRequests": "0"}, "inboxedup:maxConcurrentRequests"),
        ({"inboxedup:maxConcurrentRequests": "2.5"}, "inboxedup:maxConcurrentRequests"),
        ({"inboxedup:requestsPerSecond": "fast"}, "inboxedup:requestsPerSecond"),
        ({"inboxedup:requestTimeoutSeconds": "-1"}, "inboxedup:requestTimeoutSeconds"),
        (
            {"inboxedup:accounts": json.dumps({"a": {"apiToken": "t", "requestsPerSecond": "x"}})},
            "inboxedup:accounts.a.requestsPerSecond",
        ),
    ],
)
def test_a_bad_limit_fails_naming_the_key(config: dict[str, str], key: str) -> None:
    account = "a" if "inboxedup:accounts" in config else None
    full = {"inboxedup:baseUrl": BASE, "inboxedup:apiToken": "tok", **config}
    with pytest.raises(ConfigError) as raised:
        runtime_for(full, account)
    assert str(raised.value).startswith(key), str(raised.value)


# writes that are harmless to repeat: retried like a read -------------------------------------


def test_notes_and_verify_ns_are_retried_like_reads_and_count_as_writes() -> None:
    def first_try_502(answer: dict[str, Any]) -> Handler:
        """Each write's first try: 502; then `answer`."""

        def handler(call: Call) -> httpx.Response:
            if len(api.calls_to(call.endpoint)) == 1:
                return httpx.Response(502, json={"message": "bad gateway"})
            return httpx.Response(200, json={"data": answer})

        return handler

    sub = {"id": "sub_1", "type": "smtp", "status": "active", "notes": "managed"}
    api = FakeApi(ep, base_path="/v1")
    api.on(ep.UPDATE_SUBSCRIPTION_NOTES, first_try_502(sub))
    api.on(ep.VERIFY_DOMAIN_NS, first_try_502({"verified": True, "status": "ACTIVE"}))
    client = InboxedUpClient(
        BASE,
        "tok",
        retry=RetryPolicy(attempts=3, initial_wait=0.001, max_wait=0.001),
        transport=api.transport(),
    )
    assert client.update_subscription_notes("sub_1", "managed").notes == "managed"
    assert client.verify_domain_ns("dom_1").verified is True
    assert [c.endpoint for c in api.calls] == [ep.UPDATE_SUBSCRIPTION_NOTES] * 2 + [
        ep.VERIFY_DOMAIN_NS
    ] * 2
    assert client.writes == 4  # each counted (begun and finished): shared reads are dropped
    client.close()


# the engine is told: the partial failure's outputs travel as ErrorResourceInitFailed ---------


class _Aborted(Exception):
    pass


class _Context:
    """What a gRPC servicer context gives a handler: trailing metadata, and abort."""

    def __init__(self) -> None:
        self.trailing: tuple[tuple[str, bytes], ...] = ()
        self.aborted: tuple[Any, str] | None = None

    def set_trailing_metadata(self, metadata: tuple[tuple[str, bytes], ...]) -> None:
        self.trailing = metadata

    def abort(self, code: Any, details: str) -> None:
        self.aborted = (code, details)
        raise _Aborted(details)


def _servicer_module(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """The SDK's own dynamic-provider servicer module, loaded without starting its server."""
    path = Path(pulumi.dynamic.__file__).parent / "__main__.py"
    source = path.read_text().rsplit("\nmain()", 1)[0]
    module = types.ModuleType("pulumi.dynamic.__main__")
    exec(compile(source, str(path), "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, "pulumi.dynamic.__main__", module)
    return module


def test_the_servicer_answers_a_partial_failure_with_the_outputs_to_record(
    api: FakeInboxedUp, rt: InboxedUpRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The servicer's handlers are bound when its server starts: the outputs reach the engine
    through the error path they share (`_abort_with_traceback`), not by wrapping the class."""
    module = _servicer_module(monkeypatch)
    servicer = module.DynamicResourceProviderServicer()  # bound before configure, as in main()
    create_handler = servicer.Create
    for name in ("a.com", "b.com"):
        api.add_active(name)
    api.refuse = {"b.com"}
    provider = using(MailboxRequestsProvider, rt, monkeypatch)
    provider.configure(pulumi.dynamic.ConfigureRequest(pulumi.Config("inboxedup")))
    monkeypatch.setattr(module, "get_provider", lambda _props, _config: provider)
    props = {**collection(entry("a.com"), entry("b.com")), "__provider": "pickled"}
    request = provider_pb2.CreateRequest(
        urn="urn:pulumi:s::p::pulumi-python:dynamic:Resource::fleet",
        properties=_serialized(props),
    )
    context = _Context()
    with pytest.raises(_Aborted):
        create_handler(request, context)
    assert context.aborted is not None and "b.com/smtp" in context.aborted[1]
    assert "Traceback" not in context.aborted[1]
    (key, value), *_ = context.trailing
    assert key == "grpc-status-details-bin"
    status = status_pb2.Status.FromString(value)
    assert status.code == 2 and status.message == context.aborted[1]  # UNKNOWN, as aborted
    detail = provider_pb2.ErrorResourceInitFailed()
    assert status.details[0].Unpack(detail)
    outs = rpc.deserialize_properties(detail.properties)
    assert detail.id.startswith("mailbox-requests-")
    # recorded as the state holds it: the per-entry outputs as one JSON text each
    assert isinstance(outs["request_ids"], str)
    assert list(unpack(outs, ["request_ids"])["request_ids"]) == ["a.com/smtp"]
    assert outs["__provider"] == "pickled"
    assert any(reason.startswith("b.com/smtp: ") for reason in detail.reasons)


def _serialized(props: dict[str, Any]) -> Any:
    """The properties as the engine sends them. On a loop of its own: `asyncio.run` would leave
    this thread with no event loop, which Pulumi's SDK asks for in later tests of the process."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()
