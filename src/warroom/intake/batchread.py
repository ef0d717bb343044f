"""PostgreSQL: what a batch of deliveries names, read in one statement (one round trip).

Read first and the writer's fast path both need, for a batch, each key's live integration and the stored
alerts among the batch's fingerprints of each such integration's service. On SQLite that is one query for
the integrations and one per service (`writer.named`, then `fastpath.prefetch`), each a page-cache lookup.
On PostgreSQL each query is a round trip, and the thread that makes it waits again for the GIL when the
answer comes (up to the interpreter's switch interval, while the event loop parses requests). So there the
two are one statement: the integrations by key hash, joined to their services' alerts by fingerprint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from warroom.intake import statements
from warroom.intake.fastpath import Live, Stored
from warroom.lib.tokens import hash_token

LOCK_TIMEOUT_MS = 200  # how long an unlocked fast-path update waits for a row lock (then: the locked path)

STATEMENT = (
    "SELECT i.key_hash, i.id, i.service_id, i.last_used_at,"
    " a.id, a.fingerprint, a.status, a.annotations, a.ends_at, a.last_seen"
    " FROM intake_integrations i LEFT JOIN unnest(%s::text[]) AS f(fingerprint) ON true"
    " LEFT JOIN intake_alerts a ON a.service_id = i.service_id AND a.fingerprint = f.fingerprint"
    " WHERE i.key_hash = ANY(%s::text[]) AND i.revoked_at IS NULL"
)
# The fingerprints as a row source, so each is one lookup in the (service_id, fingerprint) index whatever the
# table's statistics say. Written as `a.fingerprint = ANY(...)` in the join, a table without statistics yet (a
# new install's first minute) was planned as a scan of the service's every alert, filtered: 0.4-0.7 ms a batch
# with 1,000 alerts, growing with the service.


def read(
    raw: Any, sql: statements.Driver, deliveries: Sequence[Any]
) -> tuple[dict[str, Live | None], dict[int, dict[str, Stored]]]:
    """Each key's live integration (None: unknown or revoked, alike), and by service the stored alerts the
    batch's deliveries name, as `writer.named` and `fastpath.prefetch(..., fresh=True)` would return them."""
    query = Query(deliveries)
    if not query.hashes:
        return query.collect(sql, [])
    cursor = raw.cursor()
    try:
        cursor.execute(STATEMENT, query.params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return query.collect(sql, rows)


class Query:
    """The statement's parameters for a batch, and what its rows say (the I/O is the caller's: a blocking
    cursor in the writer, an asyncio one in read first)."""

    def __init__(self, deliveries: Sequence[Any]) -> None:
        self.keys = {delivery.key for delivery in deliveries}
        self.hashes = {hash_token(key): key for key in self.keys if key and len(key) <= 200}
        prints = sorted({alert.fingerprint for delivery in deliveries for alert in delivery.alerts or ()})
        self.params = (prints, list(self.hashes))

    def collect(
        self, sql: statements.Driver, rows: Sequence[Any]
    ) -> tuple[dict[str, Live | None], dict[int, dict[str, Stored]]]:
        """Every fingerprint of the batch was looked up in every named service: a service may so return an
        alert that only another service's delivery named, which no plan asks for. A fingerprint a service
        does not store comes back as a row without an alert, and so does a key whose deliveries name none."""
        integrations: dict[str, Live | None] = dict.fromkeys(self.keys)
        stored: dict[int, dict[str, Stored]] = {}
        for (
            key_hash,
            integration_id,
            service_id,
            last_used_at,
            alert_id,
            fingerprint,
            status,
            notes,
            ends,
            seen,
        ) in rows:
            key = self.hashes[key_hash]
            if integrations[key] is None:
                integrations[key] = Live(integration_id, service_id, sql.load_time(last_used_at))
            found = stored.setdefault(service_id, {})
            if alert_id is not None:
                # JSONB comes back parsed; its bound form (for an update's condition) is made when one is planned.
                found[fingerprint] = Stored(alert_id, service_id, fingerprint, status, None, ends, seen, notes)
        return integrations, stored
