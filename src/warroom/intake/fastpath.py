"""The re-delivery fast path: a batch's deliveries that only repeat alerts already stored in the same state.

Alertmanager re-sends every firing alert each `repeat_interval`/`group_interval`, and Prometheus pushes every
firing alert on each evaluation, so most intake traffic is re-deliveries. For those the full pipeline
(pipeline.ingest) would only set last_seen, the latest annotations and the expiry; here that is one query per
service for the batch's fingerprints and one executemany UPDATE, instead of ORM loads per delivery.

Order is kept: deliveries are taken in arrival order, and once one delivery of a service needs the full path,
every later delivery of that service in the batch takes it too (after the pending updates are written), so a
re-delivery never overtakes an earlier state change. On PostgreSQL the batch's services are locked first (in
id order), as the full path does per delivery.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from warroom.catalog.models import Service
from warroom.intake.formats import Incoming
from warroom.intake.models import Alert, Integration
from warroom.intake.pipeline import LAST_USED_EVERY, RESOLVE_TIMEOUT

ALERTS = cast(Table, Alert.__table__)


@dataclass
class Stored:
    id: int
    status: str
    annotations: dict[str, Any]
    ends_at: datetime | None


@dataclass
class Pending:
    """Row updates waiting to be written in one executemany."""

    plain: list[dict[str, Any]] = field(default_factory=list)  # last_seen and ends_at
    annotated: list[dict[str, Any]] = field(default_factory=list)  # ... and new annotations

    def write(self, session: Session) -> None:
        if self.plain:
            statement = (
                update(ALERTS)
                .where(ALERTS.c.id == bindparam("row_id"))
                .values(last_seen=bindparam("seen"), ends_at=bindparam("ends"))
            )
            session.connection().execute(statement, self.plain)
        if self.annotated:
            statement = (
                update(ALERTS)
                .where(ALERTS.c.id == bindparam("row_id"))
                .values(last_seen=bindparam("seen"), ends_at=bindparam("ends"), annotations=bindparam("notes"))
            )
            session.connection().execute(statement, self.annotated)
        self.plain, self.annotated = [], []


def stored_alerts(session: Session, service_id: int, fingerprints: set[str]) -> dict[str, Stored]:
    """Id, status and annotations of the service's stored alerts with these fingerprints."""
    rows = session.execute(
        select(Alert.id, Alert.fingerprint, Alert.status, Alert.annotations, Alert.ends_at).where(
            Alert.service_id == service_id, Alert.fingerprint.in_(fingerprints)
        )
    )
    return {row.fingerprint: Stored(row.id, row.status, row.annotations or {}, row.ends_at) for row in rows}


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


def queue_updates(pending: Pending, planned: list[tuple[Stored, Incoming]], now: datetime) -> None:
    """The same changes as pipeline._update makes for a re-delivery."""
    for row, item in planned:
        row.ends_at = _ends_at(item, row, now)
        values: dict[str, Any] = {"row_id": row.id, "seen": now, "ends": row.ends_at}
        if item.annotations and item.annotations != row.annotations:
            values["notes"] = item.annotations
            row.annotations = item.annotations
            pending.annotated.append(values)
        else:
            pending.plain.append(values)


def _ends_at(item: Incoming, row: Stored, now: datetime) -> datetime | None:
    if row.status == "firing" and item.expires:
        return item.ends_at or now + RESOLVE_TIMEOUT  # the push API's expiry moves with each receipt
    return row.ends_at


def lock_services(session: Session, service_ids: set[int]) -> None:
    """PostgreSQL: take the batch's service row locks in id order (no deadlock between two writers)."""
    if service_ids and session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(Service.id).where(Service.id.in_(service_ids)).order_by(Service.id).with_for_update(key_share=True)
        )


def prefetch(session: Session, wanted: dict[int, set[str]]) -> dict[int, dict[str, Stored]]:
    """Stored alerts for every (service, fingerprints) the batch mentions: one query per service."""
    return {service_id: stored_alerts(session, service_id, prints) for service_id, prints in wanted.items()}


def touch(integration: Integration, now: datetime) -> None:
    if integration.last_used_at is None or now - integration.last_used_at >= LAST_USED_EVERY:
        integration.last_used_at = now
