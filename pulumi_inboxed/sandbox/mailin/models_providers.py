"""Mailin.ai's rules of inbox providers and domain registrars ("accounts"): add, list, update
(a partial change of the stored fields), delete, and the ``The selected ... is invalid.`` check of
an id another object names, over the account's store (``models_accounts.py``). Raises
``SandboxApiError`` in Mailin.ai's terms (``validation.py``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pulumi_inboxed.sandbox.mailin.models_accounts import (
    INBOX_PROVIDER,
    REGISTRAR,
    AccountRow,
    AccountStore,
)
from pulumi_inboxed.sandbox.mailin.validation import Checker, label, not_found

# The name of each kind in its 404 ("Provider not found.").
KIND_LABELS = {INBOX_PROVIDER: "Provider", REGISTRAR: "Registrar"}


class MailinAccounts:
    """The account's inbox providers and registrars (``kind``: INBOX_PROVIDER or REGISTRAR)."""

    def __init__(self, store: AccountStore, clock: Callable[[], float]) -> None:
        self.store = store
        self.clock = clock

    def add(
        self, kind: str, name: str, provider: str, fields: Mapping[str, str | None]
    ) -> AccountRow:
        now = self.clock()
        row = AccountRow(
            kind=kind,
            name=name.strip(),
            provider=provider,
            fields=dict(fields),
            created_at=now,
            updated_at=now,
        )
        return self.get(kind, self.store.add_account(row))

    def get(self, kind: str, account_id: int) -> AccountRow:
        row = self.store.get_account(kind, account_id)
        if row is None:
            raise not_found(KIND_LABELS[kind])
        return row

    def listed(self, kind: str) -> list[AccountRow]:
        return self.store.list_accounts(kind)

    def by_id(self) -> dict[int, AccountRow]:
        """Every inbox provider and registrar by id (ids are shared by both kinds)."""
        rows = self.store.list_accounts(INBOX_PROVIDER) + self.store.list_accounts(REGISTRAR)
        return {row.id: row for row in rows}

    def update(
        self, kind: str, account_id: int, provider: str | None, fields: Mapping[str, str | None]
    ) -> AccountRow:
        """A new provider (None: the stored one) and fields (every field, as merged over the
        stored ones by the caller's validation)."""
        row = self.get(kind, account_id)
        self.store.update_account(
            kind, row.id, provider or row.provider, dict(fields), self.clock()
        )
        return self.get(kind, row.id)

    def delete(self, kind: str, account_id: int) -> None:
        if not self.store.delete_account(kind, account_id):
            raise not_found(KIND_LABELS[kind])

    def check_id(self, checker: Checker, field: str, value: object, kind: str) -> int | None:
        """An optional id (in ``field``) of an existing account of ``kind``; else an error on
        ``checker`` (``The selected ... is invalid.``)."""
        if value is None:
            return None
        number = checker.integer(field, value)
        if number is None:
            return None
        if self.store.get_account(kind, number) is None:
            checker.fail(field, f"The selected {label(field)} is invalid.")
            return None
        return number
