"""The re-delivery fast path: a batch's deliveries that only repeat alerts already stored in the same state.

Alertmanager re-sends every firing alert each `repeat_interval`/`group_interval`, and Prometheus pushes every
firing alert on each evaluation, so most intake traffic is re-deliveries. For those the full pipeline
(pipeline.ingest) would only set last_seen, the latest annotations and the expiry; here that is one query per
service for the batch's fingerprints and one executemany UPDATE, on a bare DBAPI connection
(`Database.raw_connection`), instead of ORM loads per delivery. On SQLite the batch is read and planned
before the single writer's lock is taken; each update then holds only while its row keeps the planned status.

Order is kept: deliveries are taken in arrival order, and once one delivery of a service needs the full path,
every later delivery of that service in the batch takes it too, in the full path's transaction, which begins
after this one commits; so a re-delivery never overtakes an earlier state change. On PostgreSQL the batch's
services are locked first (in id order), as the full path does per delivery.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import Table
from sqlalchemy.engine import Dialect

from warroom.intake.formats import Incoming
from warroom.intake.models import Alert
from warroom.intake.pipeline import LAST_USED_EVERY, RESOLVE_TIMEOUT
from warroom.lib.tokens import hash_token

ALERTS = cast(Table, Alert.__table__)
IN_CHUNK = 500  # keys per SELECT: well under SQLite's and PostgreSQL's bound-parameter limits


class Driver:
    """The fast path's statements as driver SQL, with the columns' own value conversions for the dialect.

    The values pass through the same type processors the ORM uses (UTCDateTime, JSON/JSONB), so rows written
    here look exactly as the ORM's do. Only the driver's placeholder is formatted into the statements; every
    value is a bound parameter.
    """

    def __init__(self, dialect: Dialect) -> None:
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        time_type = ALERTS.c.ends_at.type.dialect_impl(dialect)
        json_type = ALERTS.c.annotations.type.dialect_impl(dialect)
        self.postgres = dialect.name == "postgresql"
        self.bind_time = time_type.bind_processor(dialect) or _same
        self.load_time = time_type.result_processor(dialect, None) or _same
        self.bind_json = json_type.bind_processor(dialect) or _same
        self.mark = mark
        # Each update holds only while the row keeps the status it was planned from; a NULL ends_at keeps it.
        keep = f"ends_at=COALESCE({mark}, ends_at)"
        self.update_plain = f"UPDATE intake_alerts SET last_seen={mark}, {keep} WHERE id={mark} AND status={mark}"  # noqa: S608
        self.update_annotated = (
            f"UPDATE intake_alerts SET last_seen={mark}, {keep}, annotations={mark} WHERE id={mark} AND status={mark}"  # noqa: S608
        )
        self.touch_integration = f"UPDATE intake_integrations SET last_used_at={mark} WHERE id={mark}"  # noqa: S608

    def marks(self, count: int) -> str:
        return ", ".join([self.mark] * count)

    def select_alerts(self, count: int) -> str:
        return (
            "SELECT id, fingerprint, status, annotations, ends_at FROM intake_alerts"  # noqa: S608 (placeholders only)
            f" WHERE service_id={self.mark} AND fingerprint IN ({self.marks(count)})"
        )

    def select_integrations(self, count: int) -> str:
        return (
            "SELECT id, service_id, key_hash, revoked_at, last_used_at FROM intake_integrations"  # noqa: S608 (placeholders only)
            f" WHERE key_hash IN ({self.marks(count)})"
        )

    def lock_services(self, count: int) -> str:
        # FOR NO KEY UPDATE, as db.NO_KEY_UPDATE: it serialises intake per service without blocking inserts
        # of rows that reference the service.
        return f"SELECT id FROM services WHERE id IN ({self.marks(count)}) ORDER BY id FOR NO KEY UPDATE"  # noqa: S608


def _same(value: Any) -> Any:
    return value


_drivers: dict[str, Driver] = {}


def driver(dialect: Dialect) -> Driver:
    found = _drivers.get(dialect.name)
    if found is None:
        found = _drivers[dialect.name] = Driver(dialect)
    return found


def _rows(raw: Any, statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    cursor = raw.cursor()
    try:
        cursor.execute(statement, tuple(params))
        return list(cursor.fetchall())
    finally:
        cursor.close()


@dataclass
class Live:
    """What the fast path needs of a live integration (the full path loads the ORM row itself)."""

    id: int
    service_id: int
    last_used_at: datetime | None


def live_integrations(raw: Any, sql: Driver, keys: set[str]) -> dict[str, Live | None]:
    """Each key's live integration, None for unknown or revoked keys alike (as integrations.by_key)."""
    out: dict[str, Live | None] = dict.fromkeys(keys)
    hashes = {hash_token(key): key for key in keys if key and len(key) <= 200}
    if hashes:
        for row_id, service_id, key_hash, revoked_at, last_used_at in _rows(
            raw, sql.select_integrations(len(hashes)), list(hashes)
        ):
            if revoked_at is None:
                out[hashes[key_hash]] = Live(row_id, service_id, sql.load_time(last_used_at))
    return out


def lock_services(raw: Any, sql: Driver, service_ids: set[int]) -> None:
    """PostgreSQL: take the batch's service row locks in id order (no deadlock between two writers)."""
    if service_ids and sql.postgres:
        _rows(raw, sql.lock_services(len(service_ids)), sorted(service_ids))


@dataclass
class Stored:
    """A stored alert as the driver returned it: annotations and ends_at stay in the database's form."""

    id: int
    status: str
    notes: Any  # annotations: JSON text on SQLite, a dict on PostgreSQL
    ends: Any  # ends_at: text on SQLite, a datetime on PostgreSQL


def prefetch(raw: Any, sql: Driver, wanted: dict[int, set[str]]) -> dict[int, dict[str, Stored]]:
    """Stored alerts for every (service, fingerprints) the batch mentions: one query per service."""
    out: dict[int, dict[str, Stored]] = {}
    for service_id, prints in wanted.items():
        found = out[service_id] = {}
        keys = list(prints)
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            for row_id, fingerprint, status, notes, ends in _rows(
                raw, sql.select_alerts(len(chunk)), [service_id, *chunk]
            ):
                found[fingerprint] = Stored(row_id, status, notes, ends)
    return out


def plan(items: Sequence[Incoming], stored: dict[str, Stored], now: datetime) -> list[tuple[Stored, Incoming]] | None:
    """(row, item) for each item when every item repeats its stored state; None when any is new or changes."""
    planned = []
    for item in items:
        status = item.status
        if item.explicit_end and item.ends_at is not None and item.ends_at <= now:
            status = "resolved"  # as pipeline.ingest decides it
        row = stored.get(item.fingerprint)
        if row is None or row.status != status:
            return None
        planned.append((row, item))
    return planned


class Stamp:
    """One batch's instant in the database's form: last_seen, and the expiry resolve_timeout from now."""

    def __init__(self, sql: Driver, now: datetime) -> None:
        self.sql = sql
        self.now = now
        self.seen = sql.bind_time(now)
        self.expiry = sql.bind_time(now + RESOLVE_TIMEOUT)


class Moved(Exception):
    """A row changed state between the read that planned its update and the write (see `Pending.write`)."""


@dataclass
class Pending:
    """Row updates waiting to be written in one executemany each, and the integrations' last use."""

    plain: list[tuple[Any, ...]] = field(default_factory=list)  # (last_seen, ends_at, id, status)
    annotated: list[tuple[Any, ...]] = field(default_factory=list)  # (last_seen, ends_at, annotations, id, status)
    touched: list[tuple[Any, ...]] = field(default_factory=list)  # (last_used_at, integration id)

    def queue(self, stamp: Stamp, planned: list[tuple[Stored, Incoming]]) -> None:
        """The same changes as pipeline._update makes for a re-delivery: last_seen, the expiry, new annotations."""
        for row, item in planned:
            ends = None  # keep the stored expiry
            if row.status == "firing" and item.expires:
                # The push API's expiry moves with each receipt: its endsAt, or resolve_timeout from now.
                ends = row.ends = stamp.expiry if item.ends_at is None else stamp.sql.bind_time(item.ends_at)
            if item.annotations and _parsed(row.notes) != item.annotations:
                row.notes = stamp.sql.bind_json(item.annotations)
                self.annotated.append((stamp.seen, ends, row.notes, row.id, row.status))
            else:
                self.plain.append((stamp.seen, ends, row.id, row.status))

    def touch(self, stamp: Stamp, integration: Live) -> None:
        """Record the integration's last use, at most once a minute (as pipeline.touch_integration)."""
        if integration.last_used_at is None or stamp.now - integration.last_used_at >= LAST_USED_EVERY:
            integration.last_used_at = stamp.now
            self.touched.append((stamp.seen, integration.id))

    def empty(self) -> bool:
        return not (self.plain or self.annotated or self.touched)

    def write(self, raw: Any, sql: Driver, *, checked: bool) -> None:
        """Write what is queued. `checked`: raise Moved unless every row still had its planned status (the
        plan was read before this transaction began, so another writer may have changed a row meanwhile)."""
        cursor = raw.cursor()
        try:
            for statement, rows in ((sql.update_plain, self.plain), (sql.update_annotated, self.annotated)):
                if rows:
                    cursor.executemany(statement, rows)
                    if checked and cursor.rowcount != len(rows):
                        raise Moved
            if self.touched:
                cursor.executemany(sql.touch_integration, self.touched)
        finally:
            cursor.close()


def _parsed(notes: Any) -> Any:
    """Stored annotations as a dict, to compare; any doubt reads as "changed", which only costs a write."""
    if isinstance(notes, dict):
        return notes  # PostgreSQL hands JSONB back parsed
    try:
        return orjson.loads(notes)  # SQLite: the JSON text the ORM's serializer wrote
    except (orjson.JSONDecodeError, TypeError):
        return None
