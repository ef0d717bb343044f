"""Row caches: SQLite's for the intake writer's fast path (intake/fastpath.py), PostgreSQL's for read first's
writes on the event loop (intake/readfirst.py). Each holds the rows last read or written, and only ever plans
conditional updates from them: an update holds only while its row is still as planned."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING

from warroom.db import Database
from warroom.intake.formats import Incoming

if TYPE_CHECKING:
    from warroom.intake.fastpath import Live, Second, Stored
    from warroom.intake.writer import Delivery


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


class LoopCache(RowCache):
    """PostgreSQL's read first: each key's live integration and the alert rows as last read or written on the
    loop, so a batch whose every delivery has something to write skips the read that would plan it.

    What it plans is written with conditions only (`Driver.update_batch`): each row still the alert, in the
    status and with the annotations it was planned from, and each integration still live, or the statement
    reports Moved and the writer plans the batch afresh. So a stale entry costs a fallback, never a wrong
    write. A delivery its rows say nothing new to (the same second) is never answered from here: that needs
    a read of what is stored now, which no write checks.
    """

    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, Live] = {}

    def known(
        self, deliveries: Sequence[Delivery], second: Second
    ) -> tuple[dict[str, Live | None], dict[int, dict[str, Stored]]] | None:
        """The batch's integrations and stored alerts as `batchread.Query.collect` returns them, or None when any
        delivery names a key or an alert not held (or is not alerts), or an alert last seen in `second` (this
        one: most likely a repeat with nothing to write, which needs the read anyway)."""
        integrations: dict[str, Live | None] = {}
        stored: dict[int, dict[str, Stored]] = {}
        for delivery in deliveries:
            live = self.keys.get(delivery.key)
            if live is None or delivery.alerts is None:
                return None
            integrations[delivery.key] = live
            rows = stored.setdefault(live.service_id, {})
            for alert in delivery.alerts:
                row = self.rows.get((live.service_id, alert.fingerprint))
                if row is None or row.seen in second:
                    return None
                rows[alert.fingerprint] = row
        return integrations, stored

    def learn(self, integrations: dict[str, Live | None], stored: dict[int, dict[str, Stored]]) -> None:
        """What a read found (a key it did not find is forgotten)."""
        if len(self.keys) >= self.LIMIT:
            self.keys.clear()
        for key, live in integrations.items():
            if live is None:
                self.keys.pop(key, None)
            else:
                self.keys[key] = live
        for rows in stored.values():
            for row in rows.values():
                self.put(row)

    def drop(self, rows: Sequence[Stored], keys: Sequence[str]) -> None:
        for row in rows:
            self.rows.pop((row.service_id, row.fingerprint), None)
        for key in keys:
            self.keys.pop(key, None)


_caches: weakref.WeakKeyDictionary[Database, RowCache] = weakref.WeakKeyDictionary()


def cache_for(db: Database) -> RowCache:
    """The database's row cache in this process (one per Database: a test's fresh database starts empty)."""
    found = _caches.get(db)
    if found is None:
        found = _caches[db] = RowCache()
    return found
