"""Modules renamed in 0.2.0 stay importable by their old paths, as the very same module, so a
stack whose state names a provider class by the old module (the pickled `__provider`) still
loads it (tests/e2e/test_upgrade_e2e.py does this with a stack the previous release made)."""

from __future__ import annotations

import importlib
import pickle

import pytest

RENAMED = [
    (
        "pulumi_inboxed.inboxedup.mailbox_requests",
        "pulumi_inboxed.inboxedup.mailbox_request_collection",
        "MailboxRequestsProvider",
    ),
    ("pulumi_inboxed.mailin.accounts", "pulumi_inboxed.mailin.delegated_credentials", None),
    ("pulumi_inboxed.sandbox.accounts", "pulumi_inboxed.sandbox.tenants", "SandboxAccount"),
]


@pytest.mark.parametrize(("old", "new", "name"), RENAMED, ids=[r[0] for r in RENAMED])
def test_the_old_path_is_the_new_module(old: str, new: str, name: str | None) -> None:
    assert importlib.import_module(old) is importlib.import_module(new)


@pytest.mark.parametrize(
    ("old", "name"),
    [
        ("pulumi_inboxed.inboxedup.mailbox_requests", "MailboxRequestsProvider"),
        ("pulumi_inboxed.mailin.accounts", "InboxProviderProvider"),
        ("pulumi_inboxed.mailin.accounts", "DomainRegistrarProvider"),
    ],
)
def test_a_provider_pickled_under_the_old_path_loads(old: str, name: str) -> None:
    # what a stack made before the rename holds: a reference to the class by module and name
    pickled = f"c{old}\n{name}\n.".encode()
    loaded = pickle.loads(pickled)  # our own bytes
    assert loaded.__name__ == name
    assert loaded.__module__ != old  # the class now lives in the new module
    assert getattr(importlib.import_module(loaded.__module__), name) is loaded
