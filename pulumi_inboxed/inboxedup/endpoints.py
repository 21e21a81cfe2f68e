"""Every InboxedUp endpoint path, in one table.

The client and the sandbox both read this table, so they cannot drift apart.

Sources: InboxedUp's public pages "Get account overview", "Request mailboxes", "Get mailbox
request" and "Get batch status", and the sidebar they share (docs/api-sources.md).
``confirmed=True`` means a public documentation page shows the method and the path.
``confirmed=False`` means the sidebar shows only the method: the path is **our choice**.
If your real InboxedUp API uses another path, override it by stack config, e.g.
`pulumi config set --path 'inboxedup:endpoints.verify_domain_ns' 'POST /domains/{domain_id}/verify'`
(see `core.endpoints_config`).
"""

from __future__ import annotations

from ..core.endpoint import Endpoint as Endpoint  # re-exported
from ..core.endpoint import endpoint_constants
from .mailbox_limit import MAILBOX_LIMITS as MAILBOX_LIMITS  # re-exported: the rule is there

ACCOUNT = Endpoint("GET", "/account", True, "Get account overview")
LIST_SUBSCRIPTIONS = Endpoint("GET", "/subscriptions", False, "List active subscriptions")
UPDATE_SUBSCRIPTION_NOTES = Endpoint(
    "PATCH", "/subscriptions/{subscription_id}", False, "Update subscription notes"
)
SUBMIT_DOMAINS = Endpoint("POST", "/domains", False, "Submit domains")
LIST_DOMAINS = Endpoint("GET", "/domains", False, "List domains")
GET_DOMAIN = Endpoint("GET", "/domains/{domain_id}", False, "Get domain")
REMOVE_DOMAIN = Endpoint("DELETE", "/domains/{domain_id}", False, "Remove domain")
VERIFY_DOMAIN_NS = Endpoint(
    "POST", "/domains/{domain_id}/verify-ns", False, "Verify domain NS propagation"
)
BATCH_STATUS = Endpoint("GET", "/domains/batch/{batch_id}", True, "Get batch status")
REQUEST_MAILBOXES = Endpoint("POST", "/mailboxes", True, "Request mailboxes")
LIST_MAILBOX_REQUESTS = Endpoint("GET", "/mailboxes", False, "List mailbox requests")
GET_MAILBOX_REQUEST = Endpoint("GET", "/mailboxes/{request_id}", True, "Get mailbox request")

ALL: tuple[Endpoint, ...] = tuple(endpoint_constants(globals()).values())

MAX_NOTES_LENGTH = 2000
"""The most characters of a subscription's notes (our bound: no page gives one); the
`SubscriptionNotes` resource and the sandbox both read it."""

# No public page gives InboxedUp's host: this default is our choice. Set `inboxedup:baseUrl`
# (or INBOXEDUP_BASE_URL) to your account's API URL, or to a sandbox's URL.
DEFAULT_BASE_URL = "https://api.inboxedup.co/v1"
