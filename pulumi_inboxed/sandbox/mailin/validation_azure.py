"""Validation of a Mailin.ai "Add Azure order" body, in Laravel's wording: the mode, purchase
flag, domain, accounts named, and the full names (auto mode) or the 100 mailboxes (manual mode).
Fields are checked in that order, so the first error of the 422 is always the same one."""

from __future__ import annotations

from dataclasses import dataclass

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.mailin.purchasable import purchase_problem
from pulumi_inboxed.sandbox.mailin.models_accounts import INBOX_PROVIDER, REGISTRAR
from pulumi_inboxed.sandbox.mailin.models_providers import MailinAccounts
from pulumi_inboxed.sandbox.mailin.validation import Checker

AUTO = "auto"
MANUAL = "manual"


@dataclass(frozen=True)
class AzureOrderRequest:
    """A valid body: ``full_names`` in auto mode, ``mailboxes`` (name, address) in manual."""

    mailbox_mode: str
    domain: str
    is_purchase: bool
    provider_id: int | None
    registrar_id: int | None
    full_names: tuple[str, ...]
    mailboxes: tuple[tuple[str, str], ...]


def check_azure_order(checker: Checker, accounts: MailinAccounts) -> AzureOrderRequest:
    """The body as an order, or a 422 naming every field that is wrong (the inbox provider and
    registrar it names must be the account's)."""
    data = checker.data
    mode = _mailbox_mode(checker)
    is_purchase = _is_purchase(checker)
    domain = _domain(checker, is_purchase)
    provider_id = accounts.check_id(checker, "provider_id", data.get("provider_id"), INBOX_PROVIDER)
    registrar_id = accounts.check_id(
        checker, "domain_registrar_id", data.get("domain_registrar_id"), REGISTRAR
    )
    full_names = _full_names(checker) if mode == AUTO else []
    mailboxes = _manual_mailboxes(checker, domain) if mode == MANUAL else []
    checker.done()
    assert mode is not None and domain is not None and is_purchase is not None
    return AzureOrderRequest(
        mailbox_mode=mode,
        domain=domain,
        is_purchase=is_purchase,
        provider_id=provider_id,
        registrar_id=registrar_id,
        full_names=tuple(full_names),
        mailboxes=tuple(mailboxes),
    )


def _mailbox_mode(checker: Checker) -> str | None:
    mode = checker.string("mailbox_mode", checker.data.get("mailbox_mode"))
    if mode is not None and mode not in (AUTO, MANUAL):
        checker.fail("mailbox_mode", "The selected mailbox mode is invalid.")
        return None
    return mode


def _is_purchase(checker: Checker) -> bool | None:
    """Laravel's ``boolean``-like check: 0, 1, "0", "1", true or false."""
    raw = checker.data.get("is_purchase")
    if not Checker.present(raw):
        checker.fail("is_purchase", "The is purchase field is required.")
        return None
    if raw in (0, 1, "0", "1", True, False):
        return str(int(raw) if isinstance(raw, bool) else raw) == "1"
    checker.fail("is_purchase", "The selected is purchase is invalid.")
    return None


def _domain(checker: Checker, is_purchase: bool | None) -> str | None:
    """A domain name; one to buy must be a second-level name under a purchasable TLD."""
    domain = checker.domain_name("domain", checker.data.get("domain"))
    if domain is not None and is_purchase and purchase_problem(domain) is not None:
        checker.fail("domain", "For purchase, the domain must end with .com, .co, .biz or .ca.")
        return None
    return domain


def _full_names(checker: Checker) -> list[str]:
    """Auto mode: the names the mailboxes are generated from."""
    raw_names = checker.data.get("full_name")
    if raw_names is None:
        checker.fail("full_name", "The full name field is required when mailbox mode is auto.")
        return []
    full_names: list[str] = []
    items = checker.array("full_name", raw_names)
    for index, item in enumerate(items or []):
        text = checker.string(f"full_name.{index}", item)
        if text is not None:
            full_names.append(text.strip())
    return full_names


def _manual_mailboxes(checker: Checker, domain: str | None) -> list[tuple[str, str]]:
    """Manual mode: exactly 100 distinct (name, address) pairs, each address on the domain."""
    raw = checker.data.get("mailboxes")
    if raw is None:
        checker.fail("mailboxes", "The mailboxes field is required when mailbox mode is manual.")
        return []
    if not isinstance(raw, list):
        checker.fail("mailboxes", "The mailboxes field must be an array.")
        return []
    if len(raw) != endpoints.AZURE_MANUAL_MAILBOXES:
        checker.fail(
            "mailboxes",
            f"The mailboxes field must contain {endpoints.AZURE_MANUAL_MAILBOXES} items.",
        )
        return []
    given: list[tuple[str, str]] = []
    seen: set[str] = set()
    for prefix, entry in checker.objects("mailboxes", raw):
        name = checker.string(f"{prefix}.name", entry.get("name"))
        email = checker.email(f"{prefix}.email", entry.get("email"))
        if email is None or name is None:
            continue
        if domain is not None and email.rpartition("@")[2] != domain:
            checker.fail(
                f"{prefix}.email", f"The {prefix}.email must belong to the domain {domain}."
            )
        elif email in seen:
            checker.fail(f"{prefix}.email", f"The {prefix}.email field has a duplicate value.")
        else:
            seen.add(email)
            given.append((name.strip(), email))
    return given
