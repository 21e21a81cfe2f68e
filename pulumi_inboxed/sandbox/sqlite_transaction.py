"""The one way a sandbox store section reaches SQLite: ``SandboxStore._transaction`` (``store.py``),
handed to each section, which opens a transaction on the shared connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager

Transaction = Callable[[], AbstractContextManager[sqlite3.Connection]]
