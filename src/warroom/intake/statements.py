"""The intake fast path's statements as driver SQL, for SQLite and PostgreSQL (intake/fastpath.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.engine import Dialect

from warroom.intake.models import Alert

ALERTS = cast(Table, Alert.__table__)


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
        # An update holds only while its row is still the alert it was planned from (the id, service and
        # fingerprint a cached row named), in the same status, and for a plain update with the same
        # annotations; `Pending.write` counts the rows updated. A NULL ends_at keeps the stored one.
        keep = f"ends_at=COALESCE({mark}, ends_at)"
        same = f"id={mark} AND service_id={mark} AND fingerprint={mark} AND status={mark}"
        self.update_plain = f"UPDATE intake_alerts SET last_seen={mark}, {keep} WHERE {same} AND annotations={mark}"  # noqa: S608
        self.update_annotated = f"UPDATE intake_alerts SET last_seen={mark}, {keep}, annotations={mark} WHERE {same}"  # noqa: S608
        self.touch_integration = f"UPDATE intake_integrations SET last_used_at={mark} WHERE id={mark}"  # noqa: S608
        # PostgreSQL writes a batch's updates and touches in one statement (`Pending.batch`): an executemany
        # there is a pipeline of one statement per row, whose client side cost several times the server's.
        # It writes nothing unless every integration the batch came through is still live, and it returns
        # that, and how many alert rows were still as planned.
        self.update_batch = (
            "WITH live AS (SELECT count(*) = %s::int AS ok FROM intake_integrations"
            " WHERE id = ANY(%s::int[]) AND revoked_at IS NULL),"
            " touched AS (UPDATE intake_integrations i SET last_used_at = t.used"
            " FROM unnest(%s::timestamptz[], %s::int[]) AS t(used, id), live WHERE live.ok AND i.id = t.id),"
            " updated AS (UPDATE intake_alerts a SET last_seen = %s::timestamptz,"
            " ends_at = COALESCE(v.ends, a.ends_at), annotations = COALESCE(v.notes, a.annotations)"
            " FROM unnest(%s::int[], %s::int[], %s::text[], %s::text[], %s::text[]::jsonb[], %s::timestamptz[],"
            " %s::text[]::jsonb[]) AS v(id, service_id, fingerprint, status, was, ends, notes), live"
            " WHERE live.ok AND a.id = v.id AND a.service_id = v.service_id AND a.fingerprint = v.fingerprint"
            " AND a.status = v.status AND (v.notes IS NOT NULL OR a.annotations = v.was) RETURNING 1)"
            " SELECT (SELECT ok FROM live), (SELECT count(*) FROM updated)"
        )

    def marks(self, count: int) -> str:
        return ", ".join([self.mark] * count)

    def select_alerts(self, count: int) -> str:
        return (
            "SELECT id, fingerprint, status, annotations, ends_at, last_seen FROM intake_alerts"  # noqa: S608 (placeholders only)
            f" WHERE service_id={self.mark} AND fingerprint IN ({self.marks(count)})"
        )

    def select_rows(self, count: int) -> str:
        return (
            "SELECT id, service_id, fingerprint, status, annotations, ends_at, last_seen FROM intake_alerts"  # noqa: S608 (placeholders only)
            f" WHERE id IN ({self.marks(count)})"
        )

    @staticmethod
    def second(value: Any) -> Any:
        """A time in the database's form cut to the second (text on SQLite, a datetime on PostgreSQL)."""
        if isinstance(value, str):
            return value[:19]  # "YYYY-MM-DD HH:MM:SS", as the column's bind processor writes it
        if isinstance(value, datetime):
            return value.replace(microsecond=0)
        return value

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
