"""A database connection that one thread keeps across many short transactions.

Each checkout from the engine's pool costs PostgreSQL a round trip for its pre-ping (SELECT 1), and the
intake threads (PostgreSQL's read thread, the intake writer) check out hundreds of times a second. So each
keeps one connection, detached from the pool, for as long as the thread runs: set up once (autocommit, a
timeout), dropped after an error that broke it and opened afresh on the next use, closed when the thread
ends. No pre-ping is needed: a connection that broke fails its next statement, the caller's batch goes the
way of any failed batch, and the next use opens a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from warroom.db import Database

log = logging.getLogger("warroom.db")


class HeldConnection:
    """One thread's connection (not thread-safe: each thread holds its own)."""

    def __init__(self, db: Database, setup: Callable[[Any], None]) -> None:
        self.db = db
        self.setup = setup  # run once on each new connection, e.g. to set autocommit or a timeout
        self.connection: Any = None

    def get(self) -> Any:
        if self.connection is None:
            pooled = self.db.engine.raw_connection()
            pooled.detach()  # this thread's alone until `close`; the pool may open another in its place
            connection: Any = pooled.dbapi_connection
            try:
                self.setup(connection)
            except Exception:
                _close(connection)
                raise
            self.connection = connection
        return self.connection

    def close(self) -> None:
        """Close it (after an error, or when the thread ends); the next `get` opens a new one."""
        connection, self.connection = self.connection, None
        _close(connection)


def _close(connection: Any) -> None:
    if connection is not None:
        try:
            connection.close()
        except Exception:  # already gone
            log.debug("closing a held connection failed", exc_info=True)
