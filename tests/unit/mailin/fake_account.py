"""A Mailin.ai account on `tests/unit/fake_api` (routed by Mailin.ai's endpoint table), with
faults on its writes: what each write made is counted, so a test can assert that a retried write
made exactly one object (bought one domain once), whatever the faults.

A fault is queued per endpoint (`ep.BUY_DOMAIN`) and taken by the next request to it:
- `LOST`: the write acts, then the connection drops (`httpx.ReadError`): the reply is lost;
- `LOST_502`: the write acts, then answers 502;
- `LOST_313`: the write acts, then answers Mailin.ai's 313 ("some parts may be incomplete");
- `BEFORE`: 502 before acting;
- `RESET`: the connection drops before the write acts.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from typing import Any

import httpx

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.core.safe_write import WritePolicy
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin.runtime import MailinRuntime, runtime_for

from ..conftest import mailin_page
from ..fake_api import Call, FakeApi

PREFIX = "/api/v1/public"
LOST, LOST_502, LOST_313, BEFORE, RESET = "lost", "lost-502", "lost-313", "before", "reset"
FAST = WritePolicy(attempts=5, initial_wait=0.0, max_wait=0.0)


class FakeMailin(FakeApi):
    """The account's domains and mailboxes, the writes that acted, and the faults to come;
    routed by Mailin.ai's endpoint table."""

    def __init__(self) -> None:
        super().__init__(ep, base_path=PREFIX)
        self.domains: dict[str, dict[str, Any]] = {}
        self.mailboxes: dict[str, dict[str, Any]] = {}
        self.faults: dict[Endpoint, list[str]] = defaultdict(list)
        self.purchases: Counter[str] = Counter()
        """domain -> how many times it was bought (charged)."""
        self.made: Counter[str] = Counter()
        """object made or setting set (`"subdomain x.a.com"`, `"forward 3"`) -> times."""
        self.requests: Counter[Endpoint] = Counter()
        """endpoint -> requests (reads too)."""
        self.sent: list[tuple[Endpoint, Any]] = []
        """every write request that reached the account (faulty ones too): endpoint, body."""
        self.unavailable: set[str] = set()
        self.jobs: dict[str, list[int]] = {}
        """job id -> the ids of the domains it bought."""
        self.jobs_done = True
        """False: purchase jobs are pending, and their domains not listed until done."""
        self.hidden: set[str] = set()
        self.buy_first_name_only_once = False
        """The next purchase buys its first name only, then answers 502 (done in part)."""
        self.refused_usernames: set[str] = set()
        self._ids = itertools.count(1)
        for endpoint in (ep.BUY_DOMAIN, ep.BUY_GOOGLE_DOMAIN):
            self.on(endpoint, lambda c: self._buy([c.body["domain_name"]]))
        for endpoint in (ep.BUY_DOMAINS, ep.BUY_GOOGLE_DOMAINS):
            self.on(endpoint, lambda c: self._buy(list(c.body["domain_names"])))
        for endpoint in (ep.TRANSFER_DOMAIN, ep.TRANSFER_GOOGLE_DOMAIN):
            self.on(endpoint, self._transfer)
        self.on(ep.ADD_SUBDOMAIN, self._add_subdomain)
        for endpoint in FORWARDINGS:
            self.on(endpoint, self._forwarding)
        self.on(ep.CREATE_MAILBOXES, lambda c: self._create_mailboxes(c.body["mailboxes"], False))
        self.on(
            ep.CREATE_GOOGLE_MAILBOXES, lambda c: self._create_mailboxes(c.body["mailboxes"], True)
        )
        for endpoint in (ep.ADD_MAILBOX_SIGNATURE, ep.UPDATE_MAILBOX_NAME):
            self.on(endpoint, self._mailbox_setting)
        for endpoint in (ep.LIST_DOMAINS, ep.LIST_GOOGLE_DOMAINS):
            self.on(endpoint, self._list_domains)
        for endpoint in (ep.LIST_MAILBOXES, ep.LIST_GOOGLE_MAILBOXES):
            self.on(endpoint, self._list_mailboxes)
        for endpoint in (ep.DOMAIN_JOB_STATUS, ep.MAILBOX_JOB_STATUS):
            self.on(endpoint, self._job)
        self.on(ep.GET_DOMAIN, self._get_domain)
        self.on(ep.GET_MAILBOX, lambda c: httpx.Response(200, json=self._mailbox_of(c)))
        self.on(
            ep.SHOW_MAILBOX_CREDENTIALS,
            lambda _c: httpx.Response(200, json={"password": "generated-pw", "secret": "S"}),
        )

    # set-up ---------------------------------------------------------------------------------
    def fail(self, endpoint: Endpoint, *modes: str) -> None:
        self.faults[endpoint].extend(modes)

    def add_domain(self, name: str) -> int:
        domain_id = next(self._ids)
        self.domains[name] = {"id": domain_id, "name": name, "status": "1"}
        return domain_id

    def sends(self, endpoint: Endpoint) -> list[Any]:
        return [body for e, body in self.sent if e == endpoint]

    # the API --------------------------------------------------------------------------------
    def serve(self, call: Call) -> httpx.Response:
        request = call.request
        self.calls.append(call)
        self.requests[call.endpoint] += 1
        if request.method != "GET":
            self.sent.append((call.endpoint, call.body))
        queued = self.faults[call.endpoint]
        mode = queued.pop(0) if queued else None
        if mode == BEFORE:
            return httpx.Response(502, json={"message": "Bad Gateway"})
        if mode == RESET:
            raise httpx.ReadError("connection reset", request=request)
        if request.method == "GET" and self.jobs_done:
            self.hidden.clear()
        response = self.answer(call)
        if mode == LOST:
            raise httpx.ReadError("connection reset after the write", request=request)
        if mode == LOST_502:
            return httpx.Response(502, json={"message": "Bad Gateway"})
        if mode == LOST_313:
            return httpx.Response(313, json={"message": "Some parts may be incomplete."})
        return response

    def _transfer(self, call: Call) -> httpx.Response:
        name = call.body["domain_name"]
        self.made[f"transfer {name}"] += 1
        domain_id = self.add_domain(name)
        ns = ["ns1.mailin.ai", "ns2.mailin.ai"]
        self.domains[name]["name_servers"] = ns
        return httpx.Response(200, json={"name_servers": ns, "domain_id": domain_id})

    def _add_subdomain(self, call: Call) -> httpx.Response:
        body = call.body
        if body["domain"] not in self.domains:
            message = f"The specified domain '{body['domain']}' does not exist or is not active."
            return httpx.Response(422, json={"message": message})
        name = f"{body['subdomain']}.{body['domain']}"
        self.made[f"subdomain {name}"] += 1
        self.add_domain(name)
        return httpx.Response(200, json={"message": "Subdomain added."})

    def _forwarding(self, call: Call) -> httpx.Response:
        body = call.body
        setting, field = FORWARDINGS[call.endpoint]
        domain = self._domain_by_id(int(body["domain_id"]))
        if setting:
            domain[field] = body["forward_to"]
            self.made[f"{field} {body['domain_id']}"] += 1
            return httpx.Response(200, json={"message": "Forwarding set."})
        domain[field] = None
        self.made[f"remove {field} {body['domain_id']}"] += 1
        return httpx.Response(200, json={"message": "Forwarding removed."})

    def _mailbox_setting(self, call: Call) -> httpx.Response:
        mailbox = self._mailbox_of(call)
        if call.endpoint == ep.ADD_MAILBOX_SIGNATURE:
            what = "add-signature"
            mailbox["signature"] = call.body["signature"]
        else:
            what = "name"
            mailbox["name"] = call.body["name"]
        self.made[f"{what} {mailbox['username']}"] += 1
        return httpx.Response(200, json={"message": "Done."})

    def _list_domains(self, call: Call) -> httpx.Response:
        needle = call.query.get("name", "")
        found = [d for n, d in self.domains.items() if needle in n and n not in self.hidden]
        return httpx.Response(200, json=mailin_page(found))

    def _list_mailboxes(self, call: Call) -> httpx.Response:
        needle = call.query.get("name", "")
        found = [m for u, m in self.mailboxes.items() if needle in u]
        return httpx.Response(200, json=mailin_page(found))

    def _job(self, call: Call) -> httpx.Response:
        job_id = call.params["job_id"]
        status = "completed" if self.jobs_done else "pending"
        data = self.jobs.get(job_id, [])
        return httpx.Response(200, json={"id": job_id, "status": status, "data": data})

    def _get_domain(self, call: Call) -> httpx.Response:
        domain_id = int(call.params["domain_id"])
        if domain_id not in {d["id"] for d in self.domains.values()}:
            return httpx.Response(404, json={"message": "Not Found"})
        return httpx.Response(200, json=self._domain_by_id(domain_id))

    def _mailbox_of(self, call: Call) -> dict[str, Any]:
        return self._mailbox_by_id(int(call.params["mailbox_id"]))

    def _buy(self, names: list[str]) -> httpx.Response:
        refused = [n for n in names if n in self.unavailable]
        if refused:
            body = {"message": "The requested domain(s) are unavailable.", "unavailable": refused}
            return httpx.Response(422, json=body)
        if self.buy_first_name_only_once:
            self.buy_first_name_only_once = False
            self.purchases[names[0]] += 1
            self.add_domain(names[0])
            return httpx.Response(502, json={"message": "Bad Gateway"})
        job_id = f"job-{names[0]}"
        for name in names:
            self.purchases[name] += 1
            self.jobs.setdefault(job_id, []).append(self.add_domain(name))
            if not self.jobs_done:
                self.hidden.add(name)
        return httpx.Response(210, json={"message": "Accepted", "uuid": job_id})

    def _create_mailboxes(self, entries: list[dict[str, Any]], google: bool) -> httpx.Response:
        errors = {
            f"mailboxes.{i}.username": [f"The mailboxes.{i}.username has already been taken."]
            for i, e in enumerate(entries)
            if e["username"] in self.refused_usernames
        }
        if errors:
            return httpx.Response(
                422, json={"message": "The given data was invalid.", "errors": errors}
            )
        for entry in entries:
            username = entry["username"]
            self.made[f"mailbox {username}"] += 1
            self.mailboxes[username] = {
                "id": next(self._ids),
                "username": username,
                "name": entry.get("name") or f"{entry.get('first_name')} {entry.get('last_name')}",
                "status": 1,
                **(
                    {"signature": None}
                    if google
                    else {"password": entry.get("password") or "gen-pw"}
                ),
            }
        return httpx.Response(210, json={"message": "Accepted", "uuid": "mailbox-job"})

    def _domain_by_id(self, domain_id: int) -> dict[str, Any]:
        return next(d for d in self.domains.values() if d["id"] == domain_id)

    def _mailbox_by_id(self, mailbox_id: int) -> dict[str, Any]:
        return next(m for m in self.mailboxes.values() if m["id"] == mailbox_id)


FORWARDINGS: dict[Endpoint, tuple[bool, str]] = {
    ep.FORWARD_DOMAIN: (True, "forward_to"),
    ep.FORWARD_EMAIL: (True, "email_forward_to"),
    ep.REMOVE_DOMAIN_FORWARDING: (False, "forward_to"),
    ep.REMOVE_EMAIL_FORWARDING: (False, "email_forward_to"),
}
"""Each forwarding endpoint: whether it sets (or removes) a target, and the listing's field."""


def configured(provider: Any, account: FakeMailin) -> tuple[Any, MailinRuntime]:
    """`provider` configured for the fake account (no HTTP retries: every fault reaches the
    provider), its runtime's writes retried without waiting."""
    import uuid

    base = f"http://mailin-{uuid.uuid4().hex[:8]}.test{PREFIX}"
    config = {"mailin:baseUrl": base, "mailin:apiToken": "t", "mailin:pollIntervalSeconds": "0.05"}
    runtime = runtime_for(config)
    runtime.client = MailinClient(
        base,
        token="t",
        transport=account.transport(),
        retry=RetryPolicy(attempts=1, initial_wait=0.0, max_wait=0.0),
    )
    runtime.write_policy = FAST
    waits: list[float] = []
    runtime.sleep = waits.append
    provider._config = config
    return provider, runtime
