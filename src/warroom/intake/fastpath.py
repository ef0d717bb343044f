"""The re-delivery fast path: a batch's deliveries that only repeat alerts already stored in the same state.

Alertmanager re-sends every firing alert each `repeat_interval`/`group_interval`, and Prometheus pushes every
firing alert on each evaluation, so most intake traffic is re-deliveries. For those the full pipeline
(pipeline.ingest) would only set last_seen, the latest annotations and the expiry; here that is a read of the
batch's rows and one executemany UPDATE, on a bare DBAPI connection, instead of ORM loads per delivery. The
batch is read and planned before any lock is taken; each update then holds only while its row is still as
planned (intake/writer.py `_fast`; PostgreSQL's reads: intake/batchread.py).

last_seen and the push API's expiry are kept to the second. A re-delivery that would only move them within
the second they already name (an HA pair's duplicate, a burst from one sender) writes nothing and takes no
lock; on SQLite its row is read back first (`Pending.verify`), because its plan may come from the row cache.

Order is kept: deliveries are taken in arrival order, and once one delivery of a service needs the full path,
every later delivery of that service in the batch takes it too, in the full path's transaction, which begins
after this one commits; so a re-delivery never overtakes an earlier state change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson

from warroom.intake.formats import Incoming
from warroom.intake.pipeline import LAST_USED_EVERY, RESOLVE_TIMEOUT
from warroom.intake.rowcache import RowCache
from warroom.intake.statements import Driver
from warroom.lib.tokens import hash_token

IN_CHUNK = 500  # keys per SELECT: well under SQLite's and PostgreSQL's bound-parameter limits


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
    service_id: int
    fingerprint: str
    status: str
    notes: Any  # annotations as bound for the driver: the stored JSON text on SQLite
    ends: Any  # ends_at: text on SQLite, a datetime on PostgreSQL
    seen: Any  # last_seen, in the same form
    parsed: Any = None  # the annotations as a dict, once compared

    def same_notes(self, annotations: dict[str, Any]) -> bool:
        if self.parsed is None:
            self.parsed = _parsed(self.notes)
        return bool(self.parsed == annotations)


def prefetch(
    raw: Any, sql: Driver, wanted: dict[int, set[str]], cache: RowCache | None = None, *, fresh: bool = False
) -> dict[int, dict[str, Stored]]:
    """Stored alerts for every (service, fingerprints) the batch mentions: one query per service, for the
    fingerprints `cache` does not hold (all of them when `fresh`); what is read goes into `cache`."""
    out: dict[int, dict[str, Stored]] = {}
    for service_id, prints in wanted.items():
        found = out[service_id] = {}
        keys = list(prints)
        if cache is not None and not fresh:
            keys = []
            for fingerprint in prints:
                cached = cache.rows.get((service_id, fingerprint))
                if cached is None:
                    keys.append(fingerprint)
                else:
                    found[fingerprint] = cached
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            for row_id, fingerprint, status, notes, ends, seen in _rows(
                raw, sql.select_alerts(len(chunk)), [service_id, *chunk]
            ):
                parsed = None
                if sql.postgres:  # JSONB comes back parsed; the update compares it as bound
                    parsed, notes = notes, sql.bind_json(notes)
                elif cache is not None:
                    cached = cache.rows.get((service_id, fingerprint))
                    if cached is not None and cached.id == row_id and cached.notes == notes:
                        # Still the same annotations: refresh the cached row in place and keep its parsed
                        # annotations (parsing them again cost more than the read). Another thread may
                        # plan from it meanwhile; every plan from the cache is checked against the row.
                        cached.status, cached.ends, cached.seen = status, ends, seen
                        found[fingerprint] = cached
                        continue
                row = found[fingerprint] = Stored(row_id, service_id, fingerprint, status, notes, ends, seen, parsed)
                if cache is not None:
                    cache.put(row)
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
        self.second = Second(sql, self.seen)
        self.expiry = sql.bind_time(now + RESOLVE_TIMEOUT)
        self.expiry_second = Second(sql, self.expiry)


class Second:
    """The second a bound time falls in, to test stored times against cheaply: on PostgreSQL two datetime
    comparisons, where cutting each stored time to its second (datetime.replace) cost a microsecond a call,
    a fifth of a 100-alert re-delivery's time on the loop."""

    __slots__ = ("cut", "end", "sql")

    def __init__(self, sql: Driver, bound: Any) -> None:
        self.sql = sql
        self.cut = sql.second(bound)
        self.end = self.cut + timedelta(seconds=1) if isinstance(self.cut, datetime) else None

    def __contains__(self, value: Any) -> bool:
        if self.end is not None and isinstance(value, datetime):
            return bool(self.cut <= value < self.end)
        return bool(self.sql.second(value) == self.cut)


class Moved(Exception):
    """A row changed state between the read that planned its update and the write (see `Pending.write`)."""


@dataclass
class _Update:
    """One row's update in a batch; later deliveries of the same alert in the batch fold into it."""

    row: Stored
    was: Any  # the annotations the row was planned from (the condition of a plain update)
    ends: Any = None  # a new expiry, or None to keep the stored one
    notes: Any = None  # new annotations (bound), or None to keep them
    parsed: Any = None  # the new annotations as a dict


@dataclass
class Pending:
    """Row updates waiting to be written in one executemany each, the integrations' last use, and the rows
    whose stored state already says what their deliveries say (`confirm`: nothing to write)."""

    updates: dict[int, _Update] = field(default_factory=dict)  # by row id, in the order first queued
    touched: list[tuple[Any, ...]] = field(default_factory=list)  # (last_used_at, integration id)
    seen: Any = None  # the batch's last_seen, bound
    confirm: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # SQLite: row id -> the state planned from
    waiting: list[tuple[int, list[int]]] = field(default_factory=list)  # read first's: (delivery, its row ids)
    live: set[int] = field(default_factory=set)  # read first's: the integrations that must still be live

    def queue(self, stamp: Stamp, planned: list[tuple[Stored, Incoming]]) -> None:
        """The same changes as pipeline._update makes for a re-delivery: last_seen, the expiry, new annotations.

        last_seen and the expiry are kept to the second: a re-delivery whose only change would be to move them
        within the second they already name (an HA pair's duplicate, a sender's burst) writes nothing. Its
        row goes to `confirm` instead: the plan may come from the row cache, so `verify` reads it back.
        """
        self.seen = stamp.seen
        sql = stamp.sql
        for row, item in planned:
            ends = None
            if row.status == "firing" and item.expires:
                # The push API's expiry moves with each receipt: its endsAt, or resolve_timeout from now.
                ends = stamp.expiry if item.ends_at is None else sql.bind_time(item.ends_at)
            update = self.updates.get(row.id)
            notes = None
            if item.annotations:
                if update is not None and update.notes is not None:
                    changed = update.parsed != item.annotations  # against what this batch already plans
                else:
                    changed = not row.same_notes(item.annotations)
                if changed:
                    notes = sql.bind_json(item.annotations)
            if (
                update is None
                and notes is None
                and row.seen in stamp.second
                and (ends is None or row.ends in (stamp.expiry_second if ends is stamp.expiry else Second(sql, ends)))
            ):
                if not sql.postgres:  # PostgreSQL plans from a fresh read only: nothing to verify
                    self.confirm[row.id] = (row.service_id, row.fingerprint, row.status, row.notes)
                    self.confirm[row.id] += (sql.second(row.ends), sql.second(row.seen))
                continue
            if update is None:
                was = row.notes if row.notes is not None else sql.bind_json(row.parsed)  # batchread leaves it
                update = self.updates[row.id] = _Update(row, was)
            if ends is not None:
                update.ends = ends
            if notes is not None:
                update.notes, update.parsed = notes, item.annotations

    def applied(self) -> None:
        """After the commit: the rows (the writer's cache holds them) now say what was written."""
        for update in self.updates.values():
            row = update.row
            row.seen = self.seen
            if update.ends is not None:
                row.ends = update.ends
            if update.notes is not None:
                row.notes, row.parsed = update.notes, update.parsed

    def verify(self, raw: Any, sql: Driver) -> None:
        """Raise Moved unless every row in `confirm` is still stored as it was planned from, to the second
        (SQLite, before the lock: a plan from the row cache may be stale; a read without a write is enough)."""
        ids = list(self.confirm)
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            rows = _rows(raw, sql.select_rows(len(chunk)), chunk)
            if len(rows) != len(chunk):
                raise Moved
            for row_id, service_id, fingerprint, status, notes, ends, seen in rows:
                stored = (service_id, fingerprint, status, notes, sql.second(ends), sql.second(seen))
                if stored != self.confirm[row_id]:
                    raise Moved

    def touch(self, stamp: Stamp, integration: Live) -> None:
        """Record the integration's last use, at most once a minute (as pipeline.touch_integration)."""
        if integration.last_used_at is None or stamp.now - integration.last_used_at >= LAST_USED_EVERY:
            integration.last_used_at = stamp.now
            self.touched.append((stamp.seen, integration.id))

    def empty(self) -> bool:
        return not (self.updates or self.touched)

    def write(self, raw: Any, sql: Driver, *, checked: bool) -> None:
        """Write what is queued, row locks in id order. `checked`: raise Moved unless every row was still as
        planned (the plan was read before its lock was taken, so another writer may have changed a row)."""
        cursor = raw.cursor()
        try:
            if sql.postgres:
                params, expected = self.batch()
                cursor.execute(sql.update_batch, params)
                live, updated = cursor.fetchone()
                if checked and (not live or updated != expected):
                    raise Moved
                return
            for statement, rows, counted in self.statements(sql):
                cursor.executemany(statement, rows)
                if checked and counted and cursor.rowcount != len(rows):
                    raise Moved
        finally:
            cursor.close()

    def batch(self) -> tuple[tuple[Any, ...], int]:
        """PostgreSQL: `Driver.update_batch`'s parameters, every update and touch of `statements` as arrays, and
        how many alert rows must match (each update's condition is the one its executemany form has)."""
        columns: tuple[list[Any], ...] = ([], [], [], [], [], [], [])
        ids, services, prints, statuses, was, ends, notes = columns
        for _id, update in sorted(self.updates.items()):
            row = update.row
            ids.append(row.id)
            services.append(row.service_id)
            prints.append(row.fingerprint)
            statuses.append(row.status)
            was.append(_json_text(update.was) if update.notes is None else None)
            ends.append(update.ends)
            notes.append(None if update.notes is None else _json_text(update.notes))
        touched = sorted(self.touched, key=lambda touch: touch[1])
        used = [touch[0] for touch in touched]
        live = sorted(self.live)
        return (len(live), live, used, [touch[1] for touch in touched], self.seen, *columns), len(ids)

    def statements(self, sql: Driver) -> list[tuple[str, list[tuple[Any, ...]], bool]]:
        """(statement, rows, whether each row must match) for each executemany of `write`, rows in id order."""
        seen = self.seen
        plain: list[tuple[Any, ...]] = []
        annotated: list[tuple[Any, ...]] = []
        for _id, update in sorted(self.updates.items()):
            row = update.row
            if update.notes is None:
                plain.append((seen, update.ends, row.id, row.service_id, row.fingerprint, row.status, update.was))
            else:
                annotated.append((seen, update.ends, update.notes, row.id, row.service_id, row.fingerprint, row.status))
        touched = sorted(self.touched, key=lambda touch: touch[1])
        out = [(sql.update_plain, plain, True), (sql.update_annotated, annotated, True)]
        return [item for item in [*out, (sql.touch_integration, touched, False)] if item[1]]


def _json_text(bound: Any) -> str:
    """Annotations as JSON text, from their bound form (psycopg's Jsonb wrapper on PostgreSQL), for a driver that
    takes them as text (`Pending.batch`: the statement casts them to jsonb, whose equality ignores key order)."""
    if isinstance(bound, str):
        return bound
    return orjson.dumps(getattr(bound, "obj", bound)).decode()


def _parsed(notes: Any) -> Any:
    """Stored annotations as a dict, to compare; any doubt reads as "changed", which only costs a write."""
    try:
        return orjson.loads(notes)  # the JSON text the ORM's serializer wrote
    except (orjson.JSONDecodeError, TypeError):
        return None
