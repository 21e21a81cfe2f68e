"""Every Mailin.ai endpoint path, in one table (client and sandbox both read it).

Source: Mailin.ai's API documentation, docs/api-sources.md ("All API endpoints are prefixed with
/api/v1/public/"; the paths below are relative to that prefix, which `DEFAULT_BASE_URL` ends with).
``confirmed=True``: the page's example request shows this method and path.
``confirmed=False``: the page names the endpoint (and its parameters) but shows no path, so the
path is **our choice**. If your Mailin.ai API differs, override that endpoint by stack config
(`mailin:endpoints.<name>`, see `core.endpoints_config`).
"""

from __future__ import annotations

from ..core.endpoint import Endpoint as Endpoint  # re-exported
from ..core.endpoint import endpoint_constants

DEFAULT_BASE_URL = "https://api.mailin.ai/api/v1/public"

# Authentication, user, servers
LOGIN = Endpoint("POST", "/auth/login", True, "Obtain an API token")
# Our choice: no page shows a way to revoke a token. This is the Laravel Sanctum convention
# (revokes the bearer token sent); an API without it answers 404 and the token is left to expire.
LOGOUT = Endpoint("POST", "/auth/logout", False, "Revoke the API token (not on the page)")
GET_USER = Endpoint("GET", "/users/{user_id}", False, "Get user details")
LIST_SERVERS = Endpoint("GET", "/servers", False, "List all servers")
GET_SERVER = Endpoint("GET", "/servers/{server_id}", False, "Get a single server")

# SMTP domains
TRANSFER_INBOXKIT_DOMAIN = Endpoint(
    "POST", "/domains/transfer/inboxkit", True, "Transfer Inboxkit domain"
)
LIST_INBOXKIT_DOMAINS = Endpoint(
    "GET", "/domains/get/inboxkit-domains", True, "List all Inboxkit domains"
)
LIST_DOMAINS = Endpoint("GET", "/domains", True, "List all domains")
GET_DOMAIN = Endpoint("GET", "/domains/{domain_id}", False, "Get a single domain")
CHECK_DOMAIN_AVAILABILITY = Endpoint(
    "GET", "/domains/check/domain-availability", True, "Check domain availability"
)
BUY_DOMAIN = Endpoint("POST", "/domains/buy", True, "Buy a domain")
ADD_SUBDOMAIN = Endpoint("POST", "/domains/add/subdomain", True, "Add sub domain")
BUY_DOMAINS = Endpoint("POST", "/domains/buy-multiple", True, "Buy multiple domains")
TRANSFER_DOMAIN = Endpoint("POST", "/domains/transfer", True, "Transfer a domain")
DOMAIN_JOB_STATUS = Endpoint("GET", "/domains/status/{job_id}", True, "Get domain job status")
DELETE_DOMAIN = Endpoint("DELETE", "/domains/{domain_id}", False, "Delete a domain")
DOMAIN_RATE_LIMIT = Endpoint(
    "GET", "/domains/{domain_id}/rate-limit", False, "Get domain rate limit"
)
FORWARD_DOMAIN = Endpoint("POST", "/domains/forward", True, "Forward a domain")
REMOVE_DOMAIN_FORWARDING = Endpoint(
    "POST", "/domains/remove/forward", True, "Remove domain forwarding"
)
FORWARD_EMAIL = Endpoint("POST", "/domains/email/forward", True, "Forward email")
# The page documents setting email forwarding only; removing it is our choice of path.
REMOVE_EMAIL_FORWARDING = Endpoint(
    "POST", "/domains/remove/email/forward", False, "Remove email forwarding"
)

# SMTP mailboxes
LIST_MAILBOXES = Endpoint("GET", "/mailboxes", True, "List all mailboxes")
GET_MAILBOX = Endpoint("GET", "/mailboxes/{mailbox_id}", False, "Get a single mailbox")
CREATE_MAILBOXES = Endpoint("POST", "/mailboxes", True, "Create mailboxes")
MAILBOX_JOB_STATUS = Endpoint("GET", "/mailboxes/status/{job_id}", True, "Get mailbox job status")
UPDATE_MAILBOX_NAME = Endpoint("POST", "/mailboxes/{mailbox_id}/name", True, "Update mailbox name")
UPDATE_MAILBOX_PASSWORD = Endpoint(
    "POST", "/mailboxes/{mailbox_id}/password", True, "Update mailbox password"
)
DELETE_MAILBOX = Endpoint("DELETE", "/mailboxes/{mailbox_id}", False, "Delete a mailbox")
MAILBOX_RATE_LIMIT = Endpoint(
    "GET", "/mailboxes/{mailbox_id}/rate-limit", False, "Get mailbox rate limit"
)

# Google domains
LIST_GOOGLE_DOMAINS = Endpoint("GET", "/domains/list/google", True, "List all Google domains")
BUY_GOOGLE_DOMAIN = Endpoint("POST", "/domains/buy/google", True, "Buy a Google domain")
BUY_GOOGLE_DOMAINS = Endpoint(
    "POST", "/domains/buy-multiple/google", True, "Buy multiple Google domains"
)
TRANSFER_GOOGLE_DOMAIN = Endpoint(
    "POST", "/domains/transfer/google", True, "Transfer a Google domain"
)

# Google mailboxes (get, job status, rename and delete share the SMTP paths above)
LIST_GOOGLE_MAILBOXES = Endpoint("GET", "/mailboxes/list/google", True, "List all Google mailboxes")
CREATE_GOOGLE_MAILBOXES = Endpoint("POST", "/mailboxes/add/google", True, "Create Google mailboxes")
GENERATE_MAILBOX_TOTP = Endpoint(
    "POST", "/mailboxes/{mailbox_id}/generate-totp", True, "Generate mailbox TOTP"
)
SHOW_MAILBOX_CREDENTIALS = Endpoint(
    "GET", "/mailboxes/{mailbox_id}/show-credentials", True, "Show mailbox credentials"
)
ADD_MAILBOX_SIGNATURE = Endpoint(
    "POST", "/mailboxes/{mailbox_id}/add-signature", True, "Add mailbox signature"
)
DELETE_MAILBOX_SIGNATURE = Endpoint(
    "DELETE", "/mailboxes/{mailbox_id}/delete-signature", True, "Delete mailbox signature"
)
SETUP_MAILBOX_FORWARDING = Endpoint(
    "POST", "/mailboxes/{mailbox_id}/forwarding/setup", True, "Setup mailbox forwarding"
)
UPDATE_MAILBOX_FORWARDING = Endpoint(
    "POST", "/mailboxes/{mailbox_id}/forwarding/update", True, "Update mailbox forwarding"
)
REMOVE_MAILBOX_FORWARDING = Endpoint(
    "POST", "/mailboxes/{mailbox_id}/google/forwarding", True, "Remove mailbox forwarding"
)

# Microsoft: inbox providers and registrars
ADD_INBOX_PROVIDER = Endpoint("POST", "/inbox-providers/add", True, "Add inbox provider")
LIST_INBOX_PROVIDERS = Endpoint("GET", "/inbox-providers", True, "Inbox provider list")
UPDATE_INBOX_PROVIDER = Endpoint(
    "PUT", "/inbox-providers/update/{provider_id}", True, "Update inbox provider"
)
DELETE_INBOX_PROVIDER = Endpoint(
    "DELETE", "/inbox-providers/delete/{provider_id}", True, "Remove inbox provider"
)
ADD_DOMAIN_REGISTRAR = Endpoint("POST", "/domain-registrars/add", True, "Add domain registrar")
LIST_DOMAIN_REGISTRARS = Endpoint("GET", "/domain-registrars", True, "Domain registrar list")
UPDATE_DOMAIN_REGISTRAR = Endpoint(
    "PUT", "/domain-registrars/update/{registrar_id}", True, "Update domain registrar"
)
DELETE_DOMAIN_REGISTRAR = Endpoint(
    "DELETE", "/domain-registrars/{registrar_id}", True, "Remove domain registrar"
)

# Microsoft: Azure orders
ADD_AZURE_ORDER = Endpoint("POST", "/azure-orders/add", True, "Add Azure order")
LIST_AZURE_ORDERS = Endpoint("GET", "/azure-orders", True, "Azure orders list")
AZURE_ORDER_NAMESERVERS = Endpoint(
    "GET", "/azure-orders/nameservers/{order_id}", True, "Get nameservers"
)
AZURE_ORDER_STATUS = Endpoint("GET", "/azure-orders/status/{order_id}", True, "Get order status")
AZURE_ORDER_MAILBOXES = Endpoint(
    "GET", "/azure-orders/get-mailboxes/{order_id}", True, "Get mailboxes"
)
# The page's example really uses GET for a delete.
DELETE_AZURE_ORDER = Endpoint("GET", "/azure-orders/remove/{order_id}", True, "Delete Azure order")
SET_AZURE_MASTER_DOMAIN = Endpoint(
    "POST", "/azure-orders/set-redirect-domain/{order_id}", True, "Set master domain"
)
SET_AZURE_INBOX_PROVIDER = Endpoint(
    "POST", "/azure-orders/set-inbox-provider/{order_id}", True, "Set inbox provider"
)
REMOVE_AZURE_INBOX_PROVIDER = Endpoint(
    "POST", "/azure-orders/remove-inbox-provider/{order_id}", True, "Remove inbox provider"
)
TRIGGER_AZURE_REUPLOAD = Endpoint(
    "POST", "/azure-orders/trigger-re-upload/{order_id}", True, "Trigger reupload"
)
# The page's example lacks the /public segment every other path has; we keep the prefix.
AZURE_UPLOAD_STATUS = Endpoint(
    "GET",
    "/azure-orders/get-inbox-provider-status/{order_id}",
    False,
    "Get inbox provider upload status",
)

# Email verification and credits
VERIFY_SINGLE_EMAIL = Endpoint("POST", "/verify-single-email", True, "Verify single email")
GET_SINGLE_EMAIL = Endpoint("GET", "/get-single-email", True, "Get single email detail")
VERIFY_BULK_FILE = Endpoint("POST", "/verify-bulk-file", True, "Verify bulk email file")
VERIFY_BULK_EMAILS = Endpoint("POST", "/verify-bulk-emails", True, "Verify bulk emails")
GET_BULK_TASK = Endpoint("GET", "/get-task-detail", True, "Get bulk verification task detail")
CREDIT_HISTORY = Endpoint("GET", "/credit-history", True, "Credit history")
GET_CREDITS = Endpoint("GET", "/get-credits", True, "Get credits")
# The captured page ends before the download request's example: the path is our choice.
DOWNLOAD_VERIFIED_EMAILS = Endpoint(
    "POST", "/download-verified-emails", False, "Download verified emails"
)

ALL: tuple[Endpoint, ...] = tuple(endpoint_constants(globals()).values())

INBOX_PROVIDERS = ("reachinbox", "plusvibe", "instantly", "manyreach", "smartlead")
REGISTRARS = ("porkbun", "namecheap", "godaddy", "spaceship")
AZURE_MANUAL_MAILBOXES = 100  # "Manual: User must send exactly 100 mailboxes"
MAX_BULK_EMAILS = 500  # "Maximum 500 emails per request"
MAX_BULK_FILE_BYTES = 25 * 1024 * 1024  # "Maximum size: 25 MB"
NAMECHEAP_WHITELIST_IPS = ("65.109.237.170", "44.206.212.194")  # from the registrar page
# Which fields each inbox provider and registrar needs. The page says "(if required)" without
# saying when; this is our reading of its notes and examples, one line per provider to correct.
# Client (preview checks) and sandbox (422s) both read it.
# The credential fields of an inbox provider and of a registrar (besides name and provider).
INBOX_PROVIDER_FIELDS = ("api_key", "oauth_url", "username", "password", "workspace_id")
REGISTRAR_FIELDS = (
    "api_key",
    "secret_api_key",
    "api_user",
    "username",
    "whitelisted_ip",
    "customer_id",
)
PROVIDER_REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "reachinbox": ("api_key",),
    "plusvibe": ("api_key", "workspace_id"),  # "Workspace ID (for providers like PlusVibe)"
    "instantly": ("api_key",),
    "manyreach": ("api_key",),
    "smartlead": ("api_key", "oauth_url"),  # the page's example
    "porkbun": ("api_key", "secret_api_key"),
    "namecheap": ("api_key", "api_user", "username", "whitelisted_ip"),  # "for Namecheap"
    "godaddy": ("api_key", "secret_api_key"),  # customer_id only for reseller accounts
    "spaceship": ("api_key", "secret_api_key"),
}
VERIFICATION_TYPES = ("standard", "catch_all")  # the page's list of values was not captured: ours

# From the "Buy a Domain" pages: "Allowed TLDs: .com, .co, .ca, .biz."
PURCHASABLE_TLDS = ("com", "co", "ca", "biz")
# From "Create Mailboxes": "A password for the mailbox. Must be 8-24 characters."
MAILBOX_PASSWORD_LENGTH = (8, 24)
# No page gives a bound on a Google mailbox's signature: ours (resource and sandbox alike).
MAX_SIGNATURE_LENGTH = 10_000

# Status codes the page defines beyond the standard ones.
ACCEPTED = 210
API_COMMUNICATION_ERROR = 310  # "You may try again."
REQUEST_REFUSED = 311  # "the data was not prepared"
SUBSCRIPTION_REQUIRED = 312
INCOMPLETE_ACTION = 313  # "some parts may be incomplete"
