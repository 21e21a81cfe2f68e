"""Mailin.ai's checks: the one login a run needs (email and password only), every listing's
first page (one item), and each read by an id those pages gave; the token the login made is
revoked at the end (`logout`).

The listings are read as `MailinClient._pages` reads each page (the Laravel page model, then each
item's model), at page 1 with one item a page: the client's public listings read every page.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel

from ..core.accounts import AccountConfig
from ..core.config import read, require
from ..core.endpoints_config import endpoint_table
from ..core.errors import InboxedError
from ..mailin import endpoints as ep
from ..mailin import runtime as rt
from ..mailin.client import MailinClient
from ..mailin.microsoft_models import (
    AzureOrderInfo,
    CreditEntry,
    DomainRegistrarInfo,
    InboxProviderInfo,
)
from ..mailin.models import MailinDomain, MailinMailbox, Page
from .api import RETRY, ApiChecks, Config, Connection, NotTried
from .probe import Ids, Probe, by_id

NO_JOB = "a job id comes only from a purchase, transfer or mailbox creation (a write)"
FORWARDING = ("forward_to", "email_forward_to")
"""A domain's forwarding: no page shows these fields (docs/mailin-api.md)."""
NO_TASK = "a task id comes only from a verification request (a write that spends credits)"


def connect(config: Config, account: str | None, transport: httpx.BaseTransport) -> Connection:
    view = AccountConfig(rt.NAMESPACE, config, account)
    token, email, password = read(rt.API_TOKEN, view), read(rt.EMAIL, view), read(rt.PASSWORD, view)
    client = MailinClient(
        require(rt.BASE_URL, view),
        token=token,
        email=email,
        password=password,
        device_name=require(rt.DEVICE_NAME, view),
        retry=RETRY,
        transport=transport,
        endpoints=endpoint_table(rt.NAMESPACE, ep, view),
        account=view.account,
    )
    secrets = tuple(s for s in (token, password) if s)
    keys = f"{view.key_of(rt.API_TOKEN)}, or {view.key_of(rt.EMAIL)} and {view.key_of(rt.PASSWORD)}"
    return Connection(client, secrets, keys, view.key_of(rt.BASE_URL))


def replay(transport: httpx.BaseTransport) -> MailinClient:
    return MailinClient(
        "http://replay.invalid",
        token="replay",
        email="replay@example.com",
        password="replay-password",
        retry=RETRY,
        transport=transport,
    )


def first_page(c: MailinClient, endpoint: ep.Endpoint, model: type[BaseModel]) -> list[Any]:
    """Page 1 of a listing, one item a page, read as the client's `_pages` reads a page."""
    reply = c._call(endpoint, params={"page": 1, "per_page": 1})
    page = c._parse(endpoint, Page[dict[str, Any]], reply)
    return [c._parse(endpoint, model, item) for item in page.data]


def _login(c: MailinClient, ids: Ids) -> object:
    if not c._email or not c._password:
        raise NotTried("the account uses an API token: no login needed")
    c.login()
    ids["user_id"] = c.user_id
    return None


def _logout(c: MailinClient, ids: Ids) -> object:
    if "user_id" not in ids or c.user_id is None:
        raise NotTried("no login was made (a configured token is never revoked)")
    if c.revoke_created_tokens() != 1:
        raise InboxedError("the token this run's login made was not revoked: it is left to expire")
    return None


def _user(c: MailinClient, ids: Ids) -> object:
    return c.get_user(ids["user_id"])


def _servers(c: MailinClient, ids: Ids) -> object:
    servers = c.list_servers()
    if servers:
        ids["server_id"] = servers[0].id
    return servers


def _listing(endpoint: ep.Endpoint, model: type[BaseModel], *id_names: str) -> Any:
    """A probe's read of `endpoint`'s first page, keeping the first item's id (and name)."""

    def read_page(c: MailinClient, ids: Ids) -> object:
        items = first_page(c, endpoint, model)
        for item in items[:1]:
            for id_name in id_names:
                ids.setdefault(id_name, item.id if id_name.endswith("_id") else item.name)
        return items

    return read_page


def _availability(c: MailinClient, ids: Ids) -> object:
    return c.check_availability(ids.get("domain_name") or "example.com")


def _credits(c: MailinClient, ids: Ids) -> object:
    return c.get_credits()


PROBES = (
    Probe(ep.LOGIN, _login, gate=True),
    Probe(ep.GET_USER, _user, ("user_id",), "the user id is known only after a login"),
    Probe(ep.LIST_SERVERS, _servers),
    by_id(ep.GET_SERVER, MailinClient.get_server, "server_id"),
    Probe(ep.TRANSFER_INBOXKIT_DOMAIN),
    Probe(ep.LIST_INBOXKIT_DOMAINS, _listing(ep.LIST_INBOXKIT_DOMAINS, MailinDomain)),
    Probe(
        ep.LIST_DOMAINS,
        _listing(ep.LIST_DOMAINS, MailinDomain, "domain_id", "domain_name"),
        expect=FORWARDING,
    ),
    by_id(ep.GET_DOMAIN, MailinClient.get_domain, "domain_id", expect=FORWARDING),
    Probe(ep.CHECK_DOMAIN_AVAILABILITY, _availability),
    Probe(ep.BUY_DOMAIN),
    Probe(ep.ADD_SUBDOMAIN),
    Probe(ep.BUY_DOMAINS),
    Probe(ep.TRANSFER_DOMAIN),
    Probe(ep.DOMAIN_JOB_STATUS, None, ("job_id",), NO_JOB),
    Probe(ep.DELETE_DOMAIN),
    by_id(ep.DOMAIN_RATE_LIMIT, MailinClient.get_domain_rate_limit, "domain_id"),
    Probe(ep.FORWARD_DOMAIN),
    Probe(ep.REMOVE_DOMAIN_FORWARDING),
    Probe(ep.FORWARD_EMAIL),
    Probe(ep.REMOVE_EMAIL_FORWARDING),
    Probe(ep.LIST_MAILBOXES, _listing(ep.LIST_MAILBOXES, MailinMailbox, "mailbox_id")),
    by_id(ep.GET_MAILBOX, MailinClient.get_mailbox, "mailbox_id"),
    Probe(ep.CREATE_MAILBOXES),
    Probe(ep.MAILBOX_JOB_STATUS, None, ("job_id",), NO_JOB),
    Probe(ep.UPDATE_MAILBOX_NAME),
    Probe(ep.UPDATE_MAILBOX_PASSWORD),
    Probe(ep.DELETE_MAILBOX),
    by_id(ep.MAILBOX_RATE_LIMIT, MailinClient.get_mailbox_rate_limit, "mailbox_id"),
    Probe(ep.LIST_GOOGLE_DOMAINS, _listing(ep.LIST_GOOGLE_DOMAINS, MailinDomain)),
    Probe(ep.BUY_GOOGLE_DOMAIN),
    Probe(ep.BUY_GOOGLE_DOMAINS),
    Probe(ep.TRANSFER_GOOGLE_DOMAIN),
    Probe(
        ep.LIST_GOOGLE_MAILBOXES,
        _listing(ep.LIST_GOOGLE_MAILBOXES, MailinMailbox, "google_mailbox_id"),
        expect=("redirect_email", "signature"),
    ),
    Probe(ep.CREATE_GOOGLE_MAILBOXES),
    Probe(ep.GENERATE_MAILBOX_TOTP),
    by_id(ep.SHOW_MAILBOX_CREDENTIALS, MailinClient.show_credentials, "google_mailbox_id"),
    Probe(ep.ADD_MAILBOX_SIGNATURE),
    Probe(ep.DELETE_MAILBOX_SIGNATURE),
    Probe(ep.SETUP_MAILBOX_FORWARDING),
    Probe(ep.UPDATE_MAILBOX_FORWARDING),
    Probe(ep.REMOVE_MAILBOX_FORWARDING),
    Probe(ep.ADD_INBOX_PROVIDER),
    Probe(ep.LIST_INBOX_PROVIDERS, _listing(ep.LIST_INBOX_PROVIDERS, InboxProviderInfo)),
    Probe(ep.UPDATE_INBOX_PROVIDER),
    Probe(ep.DELETE_INBOX_PROVIDER),
    Probe(ep.ADD_DOMAIN_REGISTRAR),
    Probe(ep.LIST_DOMAIN_REGISTRARS, _listing(ep.LIST_DOMAIN_REGISTRARS, DomainRegistrarInfo)),
    Probe(ep.UPDATE_DOMAIN_REGISTRAR),
    Probe(ep.DELETE_DOMAIN_REGISTRAR),
    Probe(ep.ADD_AZURE_ORDER),
    Probe(ep.LIST_AZURE_ORDERS, _listing(ep.LIST_AZURE_ORDERS, AzureOrderInfo, "order_id")),
    by_id(ep.AZURE_ORDER_NAMESERVERS, MailinClient.get_azure_nameservers, "order_id"),
    by_id(ep.AZURE_ORDER_STATUS, MailinClient.get_azure_order_status, "order_id"),
    by_id(ep.AZURE_ORDER_MAILBOXES, MailinClient.get_azure_mailboxes, "order_id"),
    Probe(ep.DELETE_AZURE_ORDER),  # a GET, but it deletes the order: never sent
    Probe(ep.SET_AZURE_MASTER_DOMAIN),
    Probe(ep.SET_AZURE_INBOX_PROVIDER),
    Probe(ep.REMOVE_AZURE_INBOX_PROVIDER),
    Probe(ep.TRIGGER_AZURE_REUPLOAD),
    by_id(ep.AZURE_UPLOAD_STATUS, MailinClient.get_azure_upload_status, "order_id"),
    Probe(ep.VERIFY_SINGLE_EMAIL),
    Probe(ep.GET_SINGLE_EMAIL, None, ("task_id",), NO_TASK),
    Probe(ep.VERIFY_BULK_FILE),
    Probe(ep.VERIFY_BULK_EMAILS),
    Probe(ep.GET_BULK_TASK, None, ("task_id",), NO_TASK),
    Probe(ep.CREDIT_HISTORY, _listing(ep.CREDIT_HISTORY, CreditEntry)),
    Probe(ep.GET_CREDITS, _credits),
    Probe(ep.DOWNLOAD_VERIFIED_EMAILS),
    Probe(ep.LOGOUT, _logout, optional=True),  # last: revokes the token this run's login made
)

CHECKS = ApiChecks(
    rt.NAMESPACE,
    "Mailin.ai",
    ep,
    PROBES,
    connect,
    replay,
    {
        "user_id": 1,
        "server_id": 1,
        "domain_id": 1,
        "domain_name": "example.com",
        "mailbox_id": 1,
        "google_mailbox_id": 1,
        "order_id": 1,
    },
    "docs/mailin-api.md",
)
