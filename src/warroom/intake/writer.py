"""The intake writer: one thread per process applies deliveries in shared transactions (group commit).

Each request's parsed delivery is queued here; the writer applies whatever is queued in one transaction, in
arrival order: re-deliveries by the fast path (intake/fastpath.py), everything else in its own SAVEPOINT so a
refused delivery rolls back alone. Callers are answered only after that transaction commits.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from warroom.context import Ctx
from warroom.db import Database
from warroom.errors import AppError
from warroom.intake import batchread, fastpath, rowcache, service, statements
from warroom.intake.formats import Incoming
from warroom.intake.models import Integration
from warroom.lib.clock import Clock
from warroom.lib.groupcommit import GroupCommitter
from warroom.lib.heldconn import HeldConnection
from warroom.settings import Settings

LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED = "55P03", "40P01"


class UnknownKey(Exception):
    pass


Work = Callable[[Ctx, Integration], Response]


@dataclass(slots=True)
class Plan:
    """What a route's parser makes of a body: the key, the work, and for alert formats the alerts and answer."""

    key: str
    work: Work
    alerts: tuple[Incoming, ...] | None = None
    respond: Callable[[list[int]], Response] | None = None


@dataclass(slots=True)
class Delivery:
    """One parsed request waiting for the intake writer.

    Deliveries of alerts also carry them and `respond` (the answer from the stored alert ids), so a batch can
    take the re-delivery fast path (intake/fastpath.py) instead of `work`.
    """

    key: str
    work: Work
    clock: Clock
    settings: Settings
    alerts: tuple[Incoming, ...] | None = None
    respond: Callable[[list[int]], Response] | None = None

    @classmethod
    def of(cls, plan: Plan, clock: Clock, settings: Settings) -> Delivery:
        return cls(plan.key, plan.work, clock, settings, plan.alerts, plan.respond)


def apply_batch(db: Database, deliveries: Sequence[Delivery]) -> list[Response | Exception]:
    """The writer's batch, in arrival order, in two transactions.

    First re-deliveries, by the fast path on a bare connection (`_fast`). Then, after that commit, every
    delivery that needs the full path, in one Session transaction (`apply_full`). Once a delivery of a
    service needs the full path, every later delivery of that service goes there too, so the order of each
    service's deliveries is kept.
    """
    now = deliveries[0].clock.now()
    sql = statements.driver(db.engine.dialect)
    try:
        if sql.postgres:
            held = _held_for(db)
            raw = held.get()
            try:
                sorted_ = _fast(db, raw, sql, deliveries, now)
            except BaseException:
                if raw.broken:
                    held.close()
                raise
            finally:
                if not raw.closed:
                    raw.rollback()  # a batch with nothing to write leaves its read's transaction open
        else:
            with db.raw_connection() as raw:
                sorted_ = _fast(db, raw, sql, deliveries, now)
    except db.engine.dialect.loaded_dbapi.Error as error:  # the driver's own error, as SQLAlchemy raises it
        raise DBAPIError.instance(None, None, error, db.engine.dialect.loaded_dbapi.Error) from error
    results = sorted_.results
    if sorted_.full:
        with db.transaction() as session:
            full = sorted_.full
            for index, result in zip(full, apply_full(session, [deliveries[i] for i in full]), strict=True):
                results[index] = result
    return [result if result is not None else RuntimeError("no result") for result in results]


def _fast(db: Database, raw: Any, sql: statements.Driver, deliveries: Sequence[Delivery], now: datetime) -> _Sorted:
    """The fast path's transaction. The batch is read and planned first, without a lock, and each row's
    update holds only if the row is still the alert, in the status and with the annotations, it was planned
    from; if any moved meanwhile, the batch is read and planned again under the lock, as the full path takes
    it (SQLite: the single writer's lock; PostgreSQL: the batch's services' row locks, in id order).

    SQLite: the plan may come from the row cache, so a row with nothing to write is read back instead
    (`Pending.verify`). PostgreSQL: the batch is read in one statement (`batchread`), and the updates take
    their rows' locks in id order without the services' locks, so two processes' writers no longer take
    turns through each other's commits. A full-path transaction in another process takes the service lock
    and then its alerts' rows in its own order, so the updates wait at most batchread.LOCK_TIMEOUT_MS for a row
    (a deadlock would otherwise wait for PostgreSQL's deadlock_timeout, a second) and then take the locked
    path."""
    if sql.postgres:
        sorted_ = _sort(raw, sql, deliveries, now, locked=False)
        if sorted_.pending.empty():
            return sorted_  # only repeats of what is stored (or nothing for the fast path): nothing to write
        try:
            with db.write_on(raw):
                sorted_.pending.write(raw, sql, checked=True)  # the held connection's lock_timeout applies
            sorted_.pending.applied()
            return sorted_
        except fastpath.Moved:
            pass  # rolled back: plan again under the services' locks
        except db.engine.dialect.loaded_dbapi.Error as error:
            if getattr(error, "sqlstate", None) not in (LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED):
                raise
    else:
        sorted_ = _sort(raw, sql, deliveries, now, rowcache.cache_for(db))
        try:
            sorted_.pending.verify(raw, sql)  # the rows it plans to leave as they are: still so?
            if sorted_.pending.empty():
                return sorted_  # nothing for the fast path to write: no need to wait for the writer's lock
            with db.write_on(raw):
                sorted_.pending.write(raw, sql, checked=True)
            sorted_.pending.applied()
            return sorted_
        except fastpath.Moved:
            pass  # rolled back (or nothing written yet): plan again under the lock
    with db.write_on(raw):
        if sql.postgres:
            raw.execute("SET LOCAL lock_timeout = 0")  # the locked path waits, as the full path does
        cache = None if sql.postgres else rowcache.cache_for(db)
        sorted_ = _sort(raw, sql, deliveries, now, cache, fresh=True)
        sorted_.pending.write(raw, sql, checked=False)
    sorted_.pending.applied()
    return sorted_


@dataclass
class _Sorted:
    """A batch sorted for the fast path: the answers of the deliveries it takes (and of unknown keys), the
    indexes of those for the full path, and the fast path's pending writes."""

    results: list[Response | Exception | None]
    full: list[int]
    pending: fastpath.Pending


def named(
    raw: Any, sql: statements.Driver, deliveries: Sequence[Delivery]
) -> tuple[dict[str, fastpath.Live | None], dict[int, set[str]]]:
    """What a batch names: each key's live integration (None: unknown or revoked), and the fingerprints of
    its alerts by service."""
    integrations = fastpath.live_integrations(raw, sql, {delivery.key for delivery in deliveries})
    wanted: dict[int, set[str]] = {}
    for delivery in deliveries:
        found = integrations[delivery.key]
        if found is not None and delivery.alerts is not None:
            wanted.setdefault(found.service_id, set()).update(a.fingerprint for a in delivery.alerts)
    return integrations, wanted


def _sort(
    raw: Any,
    sql: statements.Driver,
    deliveries: Sequence[Delivery],
    now: datetime,
    cache: rowcache.RowCache | None = None,
    *,
    fresh: bool = False,
    locked: bool = True,
) -> _Sorted:
    if sql.postgres and not locked:
        integrations, stored = batchread.read(raw, sql, deliveries)
    else:
        integrations, wanted = named(raw, sql, deliveries)
        fastpath.lock_services(raw, sql, set(wanted))
        stored = fastpath.prefetch(raw, sql, wanted, cache, fresh=fresh)
    out = _Sorted([None] * len(deliveries), [], fastpath.Pending())
    stamp = fastpath.Stamp(sql, now)
    slow: set[int] = set()  # services with a delivery for the full path: later ones follow it
    for index, delivery in enumerate(deliveries):
        found = integrations[delivery.key]
        if found is None:
            out.results[index] = UnknownKey()
            continue
        if delivery.alerts is not None and delivery.respond is not None and found.service_id not in slow:
            planned = fastpath.plan(delivery.alerts, stored[found.service_id], now)
            if planned is not None:
                out.pending.queue(stamp, planned)
                out.pending.touch(stamp, found)
                out.results[index] = delivery.respond([row.id for row, _item in planned])
                continue
        slow.add(found.service_id)
        out.full.append(index)
        if cache is not None and delivery.alerts is not None:
            cache.forget(found.service_id, delivery.alerts)  # the full path may change them: read them afresh
    return out


def apply_full(session: Session, deliveries: Sequence[Delivery]) -> list[Response | Exception]:
    """Deliveries by the full path, in order: back-to-back alert deliveries to one integration share one
    ingest (`_apply_merged`); anything else is applied alone in its SAVEPOINT (`_apply_one`)."""
    results: list[Response | Exception] = []
    index = 0
    while index < len(deliveries):
        run = _mergeable_run(deliveries, index)
        if len(run) > 1:
            results.extend(_apply_merged(session, run))
        else:
            results.append(_apply_one(session, run[0]))
        index += len(run)
    return results


MAX_MERGED_ALERTS = 1_000


def _mergeable_run(deliveries: Sequence[Delivery], start: int) -> list[Delivery]:
    """The deliveries from `start` on that may share one ingest: alerts for the same key, back to back."""
    first = deliveries[start]
    run = [first]
    if first.alerts is None or first.respond is None:
        return run
    count = len(first.alerts)
    for delivery in deliveries[start + 1 :]:
        if delivery.key != first.key or delivery.alerts is None or delivery.respond is None:
            break
        count += len(delivery.alerts)
        if count > MAX_MERGED_ALERTS:
            break
        run.append(delivery)
    return run


def _apply_merged(session: Session, run: list[Delivery]) -> list[Response | Exception]:
    """Back-to-back alert deliveries to one integration as one ingest, as if one request had carried them all.

    The pipeline's per-delivery work (the key and service lookups, the silences and windows in force, the
    rules, a SAVEPOINT) then happens once for the run. Each caller still gets its own answer from its own
    alerts' rows. If the run fails as a whole, it is rolled back and each delivery is applied alone, so one
    refused delivery fails only itself.
    """
    first = run[0]
    items = [alert for delivery in run for alert in delivery.alerts or ()]
    try:
        with session.begin_nested():
            ctx, integration = _acting_as(session, first)
            rows = service.ingest(ctx, integration, items)
            session.flush()
            answers: list[Response | Exception] = []
            offset = 0
            for delivery in run:
                count = len(delivery.alerts or ())
                assert delivery.respond is not None
                answers.append(delivery.respond([row.id for row in rows[offset : offset + count]]))
                offset += count
            return answers
    except OperationalError:
        raise
    except (UnknownKey, AppError, ValueError, DBAPIError):
        return [_apply_one(session, delivery) for delivery in run]


def _acting_as(session: Session, delivery: Delivery) -> tuple[Ctx, Integration]:
    """The unit of work acting for the delivery's integration; UnknownKey for an unknown or revoked key."""
    integration = service.by_key(session, delivery.key)
    if integration is None:
        raise UnknownKey
    ctx = Ctx(session=session, clock=delivery.clock, settings=delivery.settings)
    ctx.source = "integration"
    return ctx, integration


def _apply_one(session: Session, delivery: Delivery) -> Response | Exception:
    try:
        with session.begin_nested():
            return delivery.work(*_acting_as(session, delivery))
    except OperationalError:
        raise  # busy or gone: the whole batch fails and each item is retried alone, then answered 503
    except (UnknownKey, AppError, ValueError, DBAPIError) as error:
        return error


_held = threading.local()


def _held_for(db: Database) -> HeldConnection:
    """PostgreSQL: this thread's connection for the fast path, kept across batches (lib/heldconn.py)."""
    by_db: weakref.WeakKeyDictionary[Database, HeldConnection] | None = getattr(_held, "by_db", None)
    if by_db is None:
        by_db = _held.by_db = weakref.WeakKeyDictionary()
    found = by_db.get(db)
    if found is None:
        found = by_db[db] = HeldConnection(db, _setup_held)
    return found


def _setup_held(connection: Any) -> None:
    from psycopg.types.json import set_json_loads

    connection.execute(f"SET lock_timeout = {batchread.LOCK_TIMEOUT_MS}")
    connection.commit()
    set_json_loads(orjson.loads, connection)


def _release_held() -> None:
    """When the writer thread ends: close its held connections."""
    for held in list(getattr(_held, "by_db", {}).values()):
        held.close()


def writer_for(app_state: Any) -> GroupCommitter[Delivery, Response | Exception]:
    """The app's intake writer (one per process): concurrent deliveries share one commit."""
    writer = getattr(app_state, "intake_writer", None)
    if writer is None:
        with _writer_lock:
            writer = getattr(app_state, "intake_writer", None)
            if writer is None:
                writer = GroupCommitter(
                    app_state.db,
                    apply_batch,
                    name="intake-writer",
                    max_batch=64,
                    max_pending=2_000,
                    own_transactions=True,
                    on_exit=_release_held,
                )
                app_state.intake_writer = writer
    return writer


_writer_lock = threading.Lock()
log = logging.getLogger("warroom.intake")
Outcome = Response | Exception
