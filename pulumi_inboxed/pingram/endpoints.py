"""Every Pingram sender-domain endpoint path, in one table (client and sandbox both read it).

Sources: Pingram's page "Get all sender domains configured for the account" (`GET /domains` and the
error shape) and docs/api-sources.md: add, start-verification and delete appear in Pingram's
official SDK source, not on a documentation page (``confirmed=False`` below means exactly that).
"""

from __future__ import annotations

from ..core.endpoint import Endpoint as Endpoint  # re-exported
from ..core.endpoint import endpoint_constants

DEFAULT_BASE_URL = (
    "https://api.pingram.io"  # EU: https://api.eu.pingram.io, CA: https://api.ca.pingram.io
)

LIST_DOMAINS = Endpoint("GET", "/domains", True, "Get all sender domains")
ADD_DOMAIN = Endpoint("POST", "/domains", False, "Add a sender domain (SDK source)")
START_VERIFICATION = Endpoint(
    "POST", "/domains/{sender}/start-verification", False, "Start verification (SDK source)"
)
DELETE_DOMAIN = Endpoint(
    "DELETE", "/domains/{sender}", False, "Remove a sender domain (SDK source)"
)

ALL: tuple[Endpoint, ...] = tuple(endpoint_constants(globals()).values())

STATUSES = ("SUCCESS", "PENDING", "FAILED", "TEMPORARY_FAILURE", "NOT_STARTED")
MAIL_FROM_STATUSES = ("PENDING", "SUCCESS", "FAILED", "TEMPORARY_FAILURE")
