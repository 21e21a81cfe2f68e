"""How `MailboxRequests` requests its entries: adopt what is live, then request each entry as
soon as its domain is ACTIVE.

The live requests for exactly an entry's usernames are adopted (one listing, shared by the
provider process); the other entries wait on their domains through `core.wait_for_targets`, every
wait of the provider sharing one account listing per poll interval (the runtime's
`domain_listing_poller`), and each is requested (`mailbox_request.request_once`, made once) as
soon as its domain is ready, `parallel` at once.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ..core.errors import InboxedError, WaitTimeoutError
from ..core.polling import Deadline
from ..core.wait_for_targets import no_sleep, wait_for_targets
from .mailbox_request import COUNTED, claim_requests, request_key, request_once
from .models import Domain, DomainStatus, MailboxEntry, MailboxType
from .models import MailboxRequest as RequestInfo
from .runtime import ALL_DOMAINS, InboxedUpRuntime


def entry_usernames(mailboxes: Sequence[Any]) -> tuple[str, ...]:
    """An entry's (or a request's) usernames, lower-case and sorted: what a live request must
    match exactly to be adopted."""
    return tuple(
        sorted(
            (m.mailbox_username if isinstance(m, MailboxEntry) else str(m["username"])).lower()
            for m in mailboxes
        )
    )


def mailbox_entries(entry: Mapping[str, Any]) -> list[MailboxEntry]:
    return [
        MailboxEntry(
            firstName=m["first_name"], lastName=m["last_name"], mailboxUsername=m["username"]
        )
        for m in entry["mailboxes"]
    ]


def passwords(request: RequestInfo) -> dict[str, str]:
    """address -> password of the request's mailboxes that carry one."""
    return {
        f"{m.mailbox_username}@{request.domain}": m.password
        for m in request.mailboxes
        if m.password
    }


def _request_one(rt: InboxedUpRuntime, entry: Mapping[str, Any], domain: Domain) -> RequestInfo:
    entries = mailbox_entries(entry)
    return request_once(rt, domain.domain, MailboxType(entry["type"]), entries, domain)


def request_all(
    rt: InboxedUpRuntime,
    todo: Mapping[str, Mapping[str, Any]],
    deadline: Deadline,
    parallel: int,
    inputs: Mapping[str, Any],
) -> tuple[dict[str, RequestInfo], set[str], dict[str, str]]:
    """Adopts the live requests for exactly an entry's usernames (one listing), then waits
    for the other entries' domains on the runtime's shared listing poller and requests each
    as soon as its domain is ACTIVE. Returns (requests by key, adopted keys, errors by key).
    A live request this resource's interrupted run recorded it was about to make
    (`core.intents`) is its own, not adopted."""
    live: dict[tuple[str, str, tuple[str, ...]], RequestInfo] = {}
    for request in rt.account.requests():  # shared until this process writes
        if request.status in COUNTED:
            live.setdefault(
                (
                    request.domain.lower(),
                    request.mailbox_type.value,
                    entry_usernames(request.mailboxes),
                ),
                request,
            )
    done: dict[str, RequestInfo] = {}
    errors: dict[str, str] = {}
    pending: dict[str, Mapping[str, Any]] = {}
    for key, entry in todo.items():
        match = live.get(
            (str(entry["domain"]).lower(), str(entry["type"]), entry_usernames(entry["mailboxes"]))
        )
        if match is not None:
            done[key] = match
        else:
            pending[key] = entry
    by_intent = {
        request_key(
            str(todo[key]["domain"]), str(todo[key]["type"]), mailbox_entries(todo[key])
        ): key
        for key in done
    }
    ours = {by_intent[k] for k in claim_requests(rt, by_intent, inputs)}
    adopted = set(done) - ours
    futures: dict[str, Future[RequestInfo]] = {}

    def domain_of(key: str) -> str:
        return str(pending[key]["domain"]).lower()

    def settled(domain: Domain | None) -> bool:
        return domain is not None and domain.status in (DomainStatus.ACTIVE, DomainStatus.FAILED)

    listing: dict[str, Domain] = {}
    first = True

    def read(keys: list[str]) -> dict[str, Domain]:
        """One listing of the account's domains (the shared poller's, once one of the keys'
        domains has settled), as each key's domain."""
        nonlocal listing, first
        if first and deadline.remaining() <= 0:
            listing = rt.domains_by_name()
        else:
            listing = rt.domain_listing_poller.wait(
                ALL_DOMAINS,
                lambda ds: any(settled(ds.get(domain_of(k))) for k in keys),
                deadline.remaining(),
            )
        first = False
        return {k: listing[domain_of(k)] for k in keys if domain_of(k) in listing}

    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="mailbox-requests") as pool:

        def start(key: str, domain: Domain) -> None:
            entry = pending.pop(key)
            if domain.status is DomainStatus.FAILED:
                errors[key] = f"domain FAILED: {domain.failure_reason or 'no reason'}"
            else:
                # the worker sees the resource being handled (`core.intents`)
                context = contextvars.copy_context()
                futures[key] = pool.submit(context.run, _request_one, rt, entry, domain)

        wait_for_targets(
            list(pending),
            read,
            reached=lambda d: d.status is DomainStatus.ACTIVE,
            failed=lambda d: d.status is DomainStatus.FAILED,
            on_settled=start,
            until=deadline.at,
            interval=rt.poll_interval,
            stop_errors=(WaitTimeoutError,),
            sleep=no_sleep,  # the shared poller's wait is the pause
        )
        for key, future in futures.items():
            try:
                done[key] = future.result()
            except InboxedError as exc:
                errors[key] = str(exc)
    for key, entry in pending.items():
        domain = listing.get(str(entry["domain"]).lower())
        state = domain.status.value if domain is not None else "not in the account"
        errors[key] = f"domain is {state}; it did not become ACTIVE within wait_timeout_seconds"
    return done, adopted, errors
