"""SQLite's row cache for the intake writer's fast path (intake/fastpath.py): the rows it last read or wrote."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING

from warroom.db import Database
from warroom.intake.formats import Incoming

if TYPE_CHECKING:
    from warroom.intake.fastpath import Stored


class RowCache:
    """The rows the writer last read or wrote, so a steady stream of re-deliveries skips their SELECT.

    Only the read-before-lock attempt on SQLite trusts it, and only as a plan: its updates name each row's
    id, service, fingerprint, status and annotations, and `Pending.write` raises Moved unless every one
    still matched, whereupon the batch is read afresh under the lock (`prefetch(..., fresh=True)`), which
    also refreshes the cache. So a row another process changed, deleted or whose id was reused costs one
    re-read, never a wrong write. Bounded: emptied when full.
    """

    LIMIT = 50_000

    def __init__(self) -> None:
        self.rows: dict[tuple[int, str], Stored] = {}

    def put(self, row: Stored) -> None:
        if len(self.rows) >= self.LIMIT:
            self.rows.clear()
        self.rows[(row.service_id, row.fingerprint)] = row

    def forget(self, service_id: int, items: Sequence[Incoming]) -> None:
        for item in items:
            self.rows.pop((service_id, item.fingerprint), None)


_caches: weakref.WeakKeyDictionary[Database, RowCache] = weakref.WeakKeyDictionary()


def cache_for(db: Database) -> RowCache:
    """The database's row cache in this process (one per Database: a test's fresh database starts empty)."""
    found = _caches.get(db)
    if found is None:
        found = _caches[db] = RowCache()
    return found
