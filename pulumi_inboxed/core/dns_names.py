"""The DNS name rules the resources and the sandbox share, each written once.

- One DNS label (`is_dns_label`): 1 to 63 characters of a-z, 0-9 and '-', not starting or ending
  with '-'. `mailin.Subdomain` checks its `subdomain` input with it (after lower-casing), and the
  sandbox's Mailin.ai `POST /domains/add/subdomain` and its domain names with it.
- A domain name in the form the APIs take (`a_label_problem`): what `core.domains.normalize_domain`
  makes of it (IDNA 2008 / UTS 46: lower-case A-labels, no final dot), that is, the name the
  resources send. The sandbox refuses any other name with this reason.
"""

from __future__ import annotations

import re

from .domains import MAX_DOMAIN_LENGTH, MAX_LABEL_LENGTH, DomainNameError, normalize_domain

LABEL_RE = re.compile(rf"^[a-z0-9](?:[a-z0-9-]{{0,{MAX_LABEL_LENGTH - 2}}}[a-z0-9])?$")
LABEL_RULE = (
    f"1 to {MAX_LABEL_LENGTH} characters of a-z, 0-9 and '-', not starting or ending with '-'"
)
"""What `is_dns_label` asks of a label, as the sandbox's messages say it."""


def is_dns_label(text: str) -> bool:
    """Whether `text` is one DNS label in lower case (`LABEL_RULE`)."""
    return LABEL_RE.fullmatch(text) is not None


def a_label_problem(name: str) -> str | None:
    """Why `name` is not a domain name in the normal form `normalize_domain` gives, or None
    (None exactly when `normalize_domain(name) == name`).

    The reasons a label-by-label reading gives come first (A-labels, lower case, lengths, each
    label's characters); what only IDNA sees (an A-label that decodes to nothing valid, '--' in
    the 3rd and 4th places, a numeric TLD) is `normalize_domain`'s reason.
    """
    if not name.isascii():
        return "internationalised names must be given as A-labels (xn--...)"
    if name != name.lower():
        return "domain names must be lower-case"
    if len(name) > MAX_DOMAIN_LENGTH:
        return f"domain names are at most {MAX_DOMAIN_LENGTH} characters"
    labels = name.split(".")
    if len(labels) < 2:
        return "a domain name needs at least two labels"
    for label in labels:
        if not is_dns_label(label):
            return f"label {label!r} must be {LABEL_RULE}"
    try:
        normal = normalize_domain(name)
    except DomainNameError as exc:
        return exc.reason
    if normal != name:
        return f"its normal form is {normal!r}"
    return None
