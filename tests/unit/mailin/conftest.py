"""Fixtures of the Mailin.ai unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_inboxed.mailin.runtime import drop_shared_reads


@pytest.fixture(autouse=True)
def _fresh_shared_reads() -> Iterator[None]:
    """Each test starts as a new provider process does: no shared preview reads. (The runtimes
    live for the whole session; a snapshot kept from another test's preview would hide what that
    test changed in the sandbox outside the runtime.)"""
    drop_shared_reads()
    yield
    drop_shared_reads()
