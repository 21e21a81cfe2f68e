"""A Mailin.ai account behind `httpx.MockTransport`, with faults on its writes: what each write
made is counted, so a test can assert that a retried write made exactly one object (bought one
domain once), whatever the faults.

A fault is queued per route (`"POST /domains/buy"`) and taken by the next request to it:
- `LOST`: the write acts, then the connection drops (`httpx.ReadError`): the reply is lost;
- `LOST_502`: the write acts, then answers 502;
- `LOST_313`: the write acts, then answers Mailin.ai's 313 ("some parts may be incomplete");
- `BEFORE`: 502 before acting;
- `RESET`: the connection drops before the write acts.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from typing import Any

import httpx

from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.core.safe_write import WritePolicy
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin.runtime import MailinRuntime, runtime_for

from ..conftest import mailin_page

PREFIX = "/api/v1/public"
LOST, LOST_502, LOST_313, BEFORE, RESET = "lost", "lost-502", "lost-313", "before", "reset"
FAST = WritePolicy(attempts=5, initial_wait=0.0, max_wait=0.0)


class FakeMailin:
    """The account's domains and mailboxes, the writes that acted, and the faults to come."""

    def __init__(self) -> None:
        self.domains: dict[str, dict[str, Any]] = {}
        self.mailboxes: dict[str, dict[str, Any]] = {}
        self.faults: dict[str, list[str]] = defaultdict(list)
        self.purchases: Counter[str] = Counter()
        """domain -> how many times it was bought (charged)."""
        self.made: Counter[str] = Counter()
        """object made or setting set (`"subdomain x.a.com"`, `"forward 3"`) -> times."""
        self.requests: Counter[str] = Counter()
        """route -> requests (reads too)."""
        self.sent: list[tuple[str, Any]] = []
        """every write request that reached the account (faulty ones too): route, body."""
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

    # set-up ---------------------------------------------------------------------------------
    def fail(self, route: str, *modes: str) -> None:
        self.faults[route].extend(modes)

    def add_domain(self, name: str) -> int:
        domain_id = next(self._ids)
        self.domains[name] = {"id": domain_id, "name": name, "status": "1"}
        return domain_id

    def sends(self, route: str) -> list[Any]:
        return [body for r, body in self.sent if r == route]

    # the API --------------------------------------------------------------------------------
    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(PREFIX)
        route = f"{request.method} {_route(path)}"
        body = json.loads(request.content) if request.content else None
        self.requests[route] += 1
        if request.method != "GET":
            self.sent.append((route, body))
        mode = self.faults[route].pop(0) if self.faults[route] else None
        if mode == BEFORE:
            return httpx.Response(502, json={"message": "Bad Gateway"})
        if mode == RESET:
            raise httpx.ReadError("connection reset", request=request)
        response = self._answer(request.method, path, route, body, request)
        if mode == LOST:
            raise httpx.ReadError("connection reset after the write", request=request)
        if mode == LOST_502:
            return httpx.Response(502, json={"message": "Bad Gateway"})
        if mode == LOST_313:
            return httpx.Response(313, json={"message": "Some parts may be incomplete."})
        return response

    def _answer(
        self, method: str, path: str, route: str, body: Any, request: httpx.Request
    ) -> httpx.Response:
        params = request.url.params
        if method == "GET":
            return self._read(path, params.get("name", ""))
        if route in ("POST /domains/buy", "POST /domains/buy/google"):
            return self._buy([body["domain_name"]])
        if route in ("POST /domains/buy-multiple", "POST /domains/buy-multiple/google"):
            return self._buy(list(body["domain_names"]))
        if route in ("POST /domains/transfer", "POST /domains/transfer/google"):
            name = body["domain_name"]
            self.made[f"transfer {name}"] += 1
            domain_id = self.add_domain(name)
            ns = ["ns1.mailin.ai", "ns2.mailin.ai"]
            self.domains[name]["name_servers"] = ns
            return httpx.Response(200, json={"name_servers": ns, "domain_id": domain_id})
        if route == "POST /domains/add/subdomain":
            if body["domain"] not in self.domains:
                message = (
                    f"The specified domain '{body['domain']}' does not exist or is not active."
                )
                return httpx.Response(422, json={"message": message})
            name = f"{body['subdomain']}.{body['domain']}"
            self.made[f"subdomain {name}"] += 1
            self.add_domain(name)
            return httpx.Response(200, json={"message": "Subdomain added."})
        if route in ("POST /domains/forward", "POST /domains/email/forward"):
            field = "forward_to" if route == "POST /domains/forward" else "email_forward_to"
            domain = self._domain_by_id(int(body["domain_id"]))
            domain[field] = body["forward_to"]
            self.made[f"{field} {body['domain_id']}"] += 1
            return httpx.Response(200, json={"message": "Forwarding set."})
        if route in ("POST /domains/remove/forward", "POST /domains/remove/email/forward"):
            field = "forward_to" if route == "POST /domains/remove/forward" else "email_forward_to"
            self._domain_by_id(int(body["domain_id"]))[field] = None
            self.made[f"remove {field} {body['domain_id']}"] += 1
            return httpx.Response(200, json={"message": "Forwarding removed."})
        if route in ("POST /mailboxes", "POST /mailboxes/add/google"):
            return self._create_mailboxes(list(body["mailboxes"]), route.endswith("google"))
        if route.startswith("POST /mailboxes/{id}/"):
            mailbox = self._mailbox_by_id(int(path.split("/")[2]))
            what = route.rsplit("/", 1)[1]
            if what == "add-signature":
                mailbox["signature"] = body["signature"]
            elif what == "name":
                mailbox["name"] = body["name"]
            self.made[f"{what} {mailbox['username']}"] += 1
            return httpx.Response(200, json={"message": "Done."})
        return httpx.Response(404, json={"message": f"no route {route}"})

    def _read(self, path: str, needle: str) -> httpx.Response:
        if self.jobs_done:
            self.hidden.clear()
        if path in ("/domains", "/domains/list/google"):
            found = [d for n, d in self.domains.items() if needle in n and n not in self.hidden]
            return httpx.Response(200, json=mailin_page(found))
        if path in ("/mailboxes", "/mailboxes/list/google"):
            found = [m for u, m in self.mailboxes.items() if needle in u]
            return httpx.Response(200, json=mailin_page(found))
        if path.startswith(("/domains/status/", "/mailboxes/status/")):
            job_id = path.rsplit("/", 1)[1]
            status = "completed" if self.jobs_done else "pending"
            data = self.jobs.get(job_id, [])
            return httpx.Response(200, json={"id": job_id, "status": status, "data": data})
        parts = path.split("/")
        if path.startswith("/domains/") and parts[2].isdigit():
            ids = {d["id"] for d in self.domains.values()}
            if int(parts[2]) not in ids:
                return httpx.Response(404, json={"message": "Not Found"})
            return httpx.Response(200, json=self._domain_by_id(int(parts[2])))
        if path.startswith("/mailboxes/") and parts[2].isdigit():
            mailbox = self._mailbox_by_id(int(parts[2]))
            if path.endswith("/show-credentials"):
                return httpx.Response(200, json={"password": "generated-pw", "secret": "S"})
            return httpx.Response(200, json=mailbox)
        return httpx.Response(404, json={"message": "Not Found"})

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


def _route(path: str) -> str:
    """The route of a path: numeric ids as `{id}`."""
    return "/".join("{id}" if part.isdigit() else part for part in path.split("/"))


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
        transport=httpx.MockTransport(account),
        retry=RetryPolicy(attempts=1, initial_wait=0.0, max_wait=0.0),
    )
    runtime.write_policy = FAST
    waits: list[float] = []
    runtime.sleep = waits.append
    provider._config = config
    return provider, runtime
