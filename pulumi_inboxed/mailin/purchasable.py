"""Which names Mailin.ai can buy, the one rule: `<name>.<tld>`, the TLD one of `PURCHASABLE_TLDS`.

The "Buy a Domain" pages allow .com, .co, .ca and .biz; a name of more labels is not registrable
(a subdomain is added to a domain the account holds: `mailin.Subdomain`). `mailin.Domains`
(acquisition "buy") and `mailin.AzureOrder` (`is_purchase`) refuse at preview what it refuses,
the policy pack's `purchasable-tlds` rule asks it about the TLD, and the sandbox answers 422 with
it. It imports nothing of Pulumi or HTTP; names are given normalized (`core.domains`).
"""

from __future__ import annotations

from .endpoints import PURCHASABLE_TLDS

ALLOWED = ", ".join(f".{tld}" for tld in PURCHASABLE_TLDS)
"""The TLDs as the messages list them: `.com, .co, .ca, .biz`."""


def tld_of(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def purchasable_tld(name: str) -> bool:
    """Whether Mailin.ai sells names of `name`'s TLD."""
    return tld_of(name) in PURCHASABLE_TLDS


def registrable(name: str) -> bool:
    """Whether `name` is one label before its TLD (what a registrar sells)."""
    return name.count(".") == 1


def purchase_problem(name: str) -> str | None:
    """Why Mailin.ai cannot buy `name`, or None."""
    if not purchasable_tld(name):
        return f".{tld_of(name)} cannot be bought; allowed: {ALLOWED}"
    if not registrable(name):
        return (
            "cannot be bought: it is not a registrable name (give one label before the TLD; "
            "add a subdomain with mailin.Subdomain)"
        )
    return None
