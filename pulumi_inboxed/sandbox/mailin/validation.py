"""Mailin.ai errors and request validation, in Laravel's shapes.

Every Mailin.ai error body is ``{"message": ...}``; a validation error (422) adds
``"errors": {"field": ["...", ...]}`` with Laravel's wording, and its ``message`` is the first
error, followed by ``(and N more error[s])`` when there are more.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from fastapi import Request

from pulumi_inboxed.core.dns_names import LABEL_RULE, a_label_problem, is_dns_label
from pulumi_inboxed.mailin.purchasable import ALLOWED, purchasable_tld, registrable, tld_of
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.mailin.errors import mailin_error

EMAIL_LOCAL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$"
)
MAX_STRING_LENGTH = 255


def message_error(status: int, message: str) -> SandboxApiError:
    return mailin_error(status, {"message": message})


def not_found(kind: str) -> SandboxApiError:
    """``404 {"message": "Domain not found."}``: also for ids that exist for no one."""
    return message_error(404, f"{kind} not found.")


def validation_error(errors: dict[str, list[str]]) -> SandboxApiError:
    """A Laravel 422: the first message, ``(and N more errors)``, and every error by field."""
    messages = [message for field_messages in errors.values() for message in field_messages]
    message = messages[0] if messages else "The given data was invalid."
    more = len(messages) - 1
    if more > 0:
        message += f" (and {more} more error{'s' if more > 1 else ''})"
    return mailin_error(422, {"message": message, "errors": errors})


def invalid(field: str, message: str) -> SandboxApiError:
    return validation_error({field: [message]})


def label(field: str) -> str:
    """Laravel's attribute name: ``domain_name`` -> ``domain name`` (nested keys stay as they
    are)."""
    return field if "." in field else field.replace("_", " ")


async def json_object(request: Request) -> dict[str, object]:
    """The body as a JSON object; like Laravel, a missing or non-JSON body is an empty input (each
    required field then fails as missing)."""
    raw = await request.body()
    try:
        parsed: object = json.loads(raw) if raw.strip() else {}
    except ValueError:
        parsed = {}
    return parsed if isinstance(parsed, dict) else {}


class Checker:
    """Collects Laravel-style errors over one input; ``done()`` raises them all as one 422."""

    def __init__(self, data: dict[str, object]) -> None:
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def failed(self, field: str) -> bool:
        return field in self.errors

    def objects(self, field: str, items: list[object]) -> Iterator[tuple[str, dict[str, object]]]:
        """``(field.index, item)`` for each item of the array ``field`` that is an object; each
        other item fails (PHP calls an object an array)."""
        for index, item in enumerate(items):
            where = f"{field}.{index}"
            if isinstance(item, dict):
                yield where, item
            else:
                self.fail(where, f"The {where} field must be an array.")

    def done(self) -> None:
        if self.errors:
            raise validation_error(self.errors)

    @staticmethod
    def present(value: object) -> bool:
        """Laravel's ``required``: not null and not a blank string."""
        return value is not None and not (isinstance(value, str) and not value.strip())

    def string(
        self,
        field: str,
        value: object,
        *,
        required: bool = True,
        min_length: int | None = None,
        max_length: int | None = MAX_STRING_LENGTH,
    ) -> str | None:
        """A string field (``value`` read by the caller, so nested fields work too)."""
        if not self.present(value):
            if required:
                self.fail(field, f"The {label(field)} field is required.")
            return None
        if not isinstance(value, str):
            self.fail(field, f"The {label(field)} field must be a string.")
            return None
        if min_length is not None and max_length is not None:
            if not min_length <= len(value) <= max_length:
                self.fail(
                    field,
                    f"The {label(field)} field must be between {min_length} and {max_length} "
                    "characters.",
                )
                return None
        elif min_length is not None and len(value) < min_length:
            self.fail(field, f"The {label(field)} field must be at least {min_length} characters.")
            return None
        elif max_length is not None and len(value) > max_length:
            self.fail(
                field, f"The {label(field)} field must not be greater than {max_length} characters."
            )
            return None
        return value

    def email(self, field: str, value: object, *, required: bool = True) -> str | None:
        text = self.string(field, value, required=required)
        if text is None:
            return None
        text = text.strip()
        if email_problem(text) is not None:
            self.fail(field, f"The {label(field)} field must be a valid email address.")
            return None
        return text.lower()

    def integer(self, field: str, value: object) -> int | None:
        """Laravel's ``integer``: an int or a string of digits."""
        if not self.present(value):
            self.fail(field, f"The {label(field)} field is required.")
            return None
        if isinstance(value, bool):
            self.fail(field, f"The {label(field)} field must be an integer.")
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        self.fail(field, f"The {label(field)} field must be an integer.")
        return None

    def array(self, field: str, value: object, *, min_items: int = 1) -> list[object] | None:
        if value is None:
            self.fail(field, f"The {label(field)} field is required.")
            return None
        if not isinstance(value, list):
            self.fail(field, f"The {label(field)} field must be an array.")
            return None
        if len(value) < min_items:
            message = (
                f"The {label(field)} field is required."
                if not value
                else f"The {label(field)} field must have at least {min_items} items."
            )
            self.fail(field, message)
            return None
        return value

    def domain_name(self, field: str, value: object) -> str | None:
        """A valid domain name of at least two labels (lower-cased, as domains are stored)."""
        text = self.string(field, value)
        if text is None:
            return None
        name = text.strip().lower().rstrip(".")
        problem = a_label_problem(name)
        if problem is not None:
            self.fail(field, f"The {label(field)} field must be a valid domain name: {problem}.")
            return None
        return name

    def purchasable(self, field: str, value: object) -> str | None:
        """A name that can be bought: ``<label>.<tld>`` with an allowed TLD (422 naming it)."""
        name = self.domain_name(field, value)
        if name is None:
            return None
        if not purchasable_tld(name):  # the resources' rule (`mailin.purchasable`)
            self.fail(
                field,
                f"The TLD .{tld_of(name)} of {name} cannot be purchased. Allowed TLDs: {ALLOWED}.",
            )
            return None
        if not registrable(name):
            self.fail(
                field,
                f"{name} is not a registrable name: give one label before the TLD "
                "(add subdomains with /domains/add/subdomain).",
            )
            return None
        return name

    def subdomain_label(self, field: str, value: object) -> str | None:
        text = self.string(field, value)
        if text is None:
            return None
        prefix = text.strip().lower()
        if not is_dns_label(prefix):
            self.fail(field, f"The {label(field)} field must be one DNS label: {LABEL_RULE}.")
            return None
        return prefix


def email_problem(address: str) -> str | None:
    """Why ``address`` is not an e-mail address we accept, or None."""
    local, at, domain = address.rpartition("@")
    if not at or not local or len(local) > 64 or not EMAIL_LOCAL_RE.fullmatch(local):
        return "not an e-mail address"
    return a_label_problem(domain.lower())
