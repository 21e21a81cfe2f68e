"""Every MailChannels Inbound endpoint path, in one table (client and sandbox both read it).

Sources: MailChannels' "Bulk provision domains" reference page, its "Provisioning API" guide and
the other Inbound API reference pages (docs/api-sources.md: base URL, `X-API-Key`, single-domain,
list, remove, subscriptions, 503 rate limit). ``confirmed=False`` marks our choices; if your API
differs, override the endpoint by stack config (`mailchannels:endpoints.<name>`, see
`core.endpoints_config`).
"""

from __future__ import annotations

from ..core.endpoint import Endpoint as Endpoint  # re-exported
from ..core.endpoint import endpoint_constants

DEFAULT_BASE_URL = "https://api.mailchannels.net/inbound/v1"
API_KEY_HEADER = "X-API-Key"

LIST_SUBSCRIPTIONS = Endpoint("GET", "/subscriptions", True, "List subscriptions")
PROVISION_DOMAIN = Endpoint("POST", "/domains", True, "Provision a domain")
PROVISION_DOMAINS = Endpoint("POST", "/domains/batch", True, "Bulk provision domains")
LIST_DOMAINS = Endpoint("GET", "/domains", True, "List domains")
REMOVE_DOMAIN = Endpoint("DELETE", "/domains/{domain}", True, "Remove (de-provision) a domain")

ALL: tuple[Endpoint, ...] = tuple(endpoint_constants(globals()).values())

# Query parameter names. The batch call's are on its page; the list call's names were stripped
# from the captured page (only their meaning is known), so these three are OUR CHOICE.
Q_SUBSCRIPTION = "subscriptionHandle"
Q_ASSOCIATE_KEY = "associate-key"
Q_OVERWRITE = "overwrite"
Q_LIST_DOMAINS = "domains"  # ours: "A list of domains to fetch" (<= 5000)
Q_LIMIT = "limit"  # ours: "The maximum number of domains included in the response" (default 10)
Q_OFFSET = "offset"  # ours: "Offset into the list of domains" (default 0)

MAX_DOMAINS_PER_BATCH = 1000  # "Provision up to 1000 domains"
MAX_LIST_FILTER = 5000
MAX_TARGET_LENGTH = 255
ABUSE_POLICIES = ("block", "flag", "quarantine")
RATE_LIMIT_STATUS = 503  # "Requests that exceed this limit receive a 503"
