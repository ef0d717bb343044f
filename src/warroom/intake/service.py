"""The intake service: the one module other domains import.

Integrations (integrations.py), the hot path (pipeline.py → routing.py, noise.py, escalate.py) and the
reads and moves below. Functions other helpers call: alerts_for_incident, move_alerts, attach_alert,
changes_before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from warroom.catalog import service as catalog
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.intake.escalate import one_line
from warroom.intake.formats import Change, Incoming, PagerDutyEvent, short_key
from warroom.intake.integrations import (
    IssuedIntegration,
    by_key,
    create_integration,
    get_integration,
    list_integrations,
    revoke,
    rotate_key,
)
from warroom.intake.models import ALERT_STATUSES, Alert, AlertGroup, ChangeEvent, Integration
from warroom.intake.pipeline import Batch, ingest, integration_ctx, lock_service, touch_integration
from warroom.lib.pagination import PageRequest, paginate
from warroom.lib.schema import MAX_ID

__all__ = [
    "IssuedIntegration",
    "alerts_for_incident",
    "attach_alert",
    "by_key",
    "changes_before",
    "create_integration",
    "get_alert",
    "get_integration",
    "ingest",
    "intake_stats",
    "list_alerts",
    "list_integrations",
    "move_alerts",
    "pagerduty_event",
    "record_change",
    "revoke",
    "rotate_key",
]


def alerts_for_incident(session: Session, incident_id: int) -> list[Alert]:
    """The alerts attached to an incident, firing first, newest first."""
    query = select(Alert).where(Alert.incident_id == incident_id)
    return list(session.scalars(query.order_by(Alert.status, Alert.last_seen.desc(), Alert.id.desc())))


def move_alerts(ctx: Ctx, *, from_incident_id: int, to_incident_id: int) -> int:
    """Move every alert (and alert group) of one incident to another (incident merge). Returns the count."""
    if from_incident_id == to_incident_id:
        return 0
    moved = ctx.session.execute(
        update(Alert).where(Alert.incident_id == from_incident_id).values(incident_id=to_incident_id)
    )
    ctx.session.execute(
        update(AlertGroup).where(AlertGroup.incident_id == from_incident_id).values(incident_id=to_incident_id)
    )
    ctx.session.expire_all()
    return int(getattr(moved, "rowcount", 0) or 0)


def attach_alert(ctx: Ctx, alert: Alert, incident: Incident) -> Alert:
    """Attach one alert (e.g. a "possibly related" one) to an incident and note it on its timeline."""
    if alert.incident_id == incident.id:
        raise Conflict(f"alert {alert.id} is already attached to incident {incident.id}")
    alert.incident_id = incident.id
    incidents.record_event(
        ctx,
        incident,
        kind="intake.alert_attached",
        data={
            "alert_id": alert.id,
            "summary": f"{ctx.actor.name} attached alert “{one_line(alert.title, 120)}” ({alert.status}).",
        },
    )
    return alert


def changes_before(
    session: Session, service_ids: Sequence[int], before: datetime, window: timedelta
) -> list[ChangeEvent]:
    """Change events of these services in [before - window, before], newest first."""
    if not service_ids:
        return []
    query = select(ChangeEvent).where(
        ChangeEvent.service_id.in_(list(service_ids)),
        ChangeEvent.timestamp >= before - window,
        ChangeEvent.timestamp <= before,
    )
    return list(session.scalars(query.order_by(ChangeEvent.timestamp.desc(), ChangeEvent.id.desc())))


def get_alert(ctx: Ctx, alert_id: int) -> Alert:
    """The alert with this id, or NotFound."""
    alert = ctx.session.get(Alert, alert_id) if 1 <= alert_id <= MAX_ID else None
    if alert is None:
        raise NotFound(f"alert {alert_id} does not exist; list alerts at /api/v1/alerts")
    return alert


def parse_label_filters(values: Sequence[str]) -> dict[str, str]:
    """`key=value` strings into a dict; Invalid names the malformed one."""
    out: dict[str, str] = {}
    for value in values:
        name, sep, wanted = value.partition("=")
        if not sep or not name.strip():
            raise Invalid(f"label filter {value[:100]!r} must look like name=value", {"field": "label"})
        out[name.strip()] = wanted.strip()
    return out


def alert_query(*, service_id: int | None, status: str | None, labels: dict[str, str]) -> Select[Any]:
    query = select(Alert)
    if service_id is not None:
        query = query.where(Alert.service_id == service_id)
    if status is not None:
        if status not in ALERT_STATUSES:
            raise Invalid(f"unknown status {status!r}; use firing or resolved", {"field": "status"})
        query = query.where(Alert.status == status)
    return query.order_by(Alert.last_seen.desc(), Alert.id.desc())


def list_alerts(
    ctx: Ctx,
    *,
    service_id: int | None = None,
    status: str | None = None,
    labels: Sequence[str] = (),
    page: PageRequest | None = None,
) -> tuple[list[Alert], int]:
    """Alerts, newest first, filtered by service, status and exact label values (`name=value`)."""
    wanted = parse_label_filters(labels)
    query = alert_query(service_id=service_id, status=status, labels=wanted)
    page = page or PageRequest()
    if not wanted:
        return paginate(ctx.session, query, page)
    # Label values live in JSON, whose operators differ per backend: filter in Python over a bounded scan.
    scanned: list[Alert] = list(ctx.session.scalars(query.limit(5000)))
    matching = [a for a in scanned if _has_labels(a, wanted)]
    return matching[page.offset : page.offset + page.limit], len(matching)


def _has_labels(alert: Alert, wanted: dict[str, str]) -> bool:
    labels = alert.labels or {}
    return all(labels.get(k) == v for k, v in wanted.items())


@dataclass(frozen=True)
class IntakeStats:
    service_id: int
    alerts: int
    alerts_received: int
    firing: int
    suppressed: int
    incidents_opened: int
    noise_ratio: float | None


def intake_stats(ctx: Ctx, *, service_id: int) -> IntakeStats:
    """Alerts received (transitions to firing) ÷ incidents opened from them, for one service."""
    catalog.get_service(ctx, service_id)
    base = select(func.count()).select_from(Alert).where(Alert.service_id == service_id)
    alerts = int(ctx.session.scalar(base) or 0)
    firing = int(ctx.session.scalar(base.where(Alert.status == "firing")) or 0)
    suppressed = int(
        ctx.session.scalar(base.where(Alert.status == "firing", Alert.suppressed_reason.is_not(None))) or 0
    )
    received = int(
        ctx.session.scalar(select(func.coalesce(func.sum(Alert.firing_count), 0)).where(Alert.service_id == service_id))
        or 0
    )
    opened = int(
        ctx.session.scalar(
            select(func.count())
            .select_from(AlertGroup)
            .where(AlertGroup.service_id == service_id, AlertGroup.opened_incident.is_(True))
        )
        or 0
    )
    ratio = round(received / opened, 2) if opened else None
    return IntakeStats(service_id, alerts, received, firing, suppressed, opened, ratio)


def pagerduty_event(ctx: Ctx, integration: Integration, event: PagerDutyEvent) -> None:
    """Apply one Events API v1/v2 event. Acknowledge/resolve for an unknown dedup key changes nothing."""
    if event.action == "trigger" and event.alert is not None:
        ingest(ctx, integration, [event.alert])
        return
    service = lock_service(ctx, integration.service_id)
    touch_integration(ctx, integration)
    fingerprint = short_key(event.dedup_key)
    alert = ctx.session.scalar(select(Alert).where(Alert.service_id == service.id, Alert.fingerprint == fingerprint))
    # After a resolve, acknowledge and resolve events with that key are ignored (as PagerDuty does).
    if alert is None or alert.status != "firing":
        return
    if event.action == "resolve":
        item = Incoming(fingerprint=fingerprint, status="resolved", severity=alert.severity, title=alert.title)
        ingest(ctx, integration, [item])
        return
    now = ctx.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at = now
    if alert.incident_id is not None:
        incident = ctx.session.get(Incident, alert.incident_id)
        if incident is not None and incidents.is_open(incident):
            incidents.acknowledge(integration_ctx(ctx, integration, via="pagerduty-events"), incident)


def record_change(ctx: Ctx, integration: Integration, change: Change) -> ChangeEvent:
    """Store a change event on the integration's service. It never pages."""
    touch_integration(ctx, integration)
    event = ChangeEvent(
        service_id=integration.service_id,
        integration_id=integration.id,
        summary=change.summary,
        source=change.source,
        timestamp=change.timestamp or ctx.now(),
        received_at=ctx.now(),
        links=change.links,
        custom_details=change.custom_details,
    )
    ctx.session.add(event)
    ctx.session.flush()
    return event


def reevaluate(ctx: Ctx, alerts: Sequence[Alert]) -> int:
    """Evaluate firing alerts again whose silence or maintenance ended; those now free route normally."""
    from warroom.intake import noise

    freed = 0
    now = ctx.now()
    by_service: dict[int, list[Alert]] = {}
    for alert in alerts:
        if alert.status == "firing" and alert.suppressed_reason in ("silenced", "maintenance"):
            by_service.setdefault(alert.service_id, []).append(alert)
    for service_id, group in by_service.items():
        service = lock_service(ctx, service_id)
        integration = ctx.session.get(Integration, group[0].integration_id) if group[0].integration_id else None
        batch = Batch(integration_ctx(ctx, integration), service)
        for alert in group:
            if noise.evaluate(ctx, alert, now, batch.in_force) is None:
                batch.requeued.append(alert)
                freed += 1
        batch.finish()
    return freed


def alerts_silenced_by(session: Session, silence_id: int) -> list[Alert]:
    query = select(Alert).where(Alert.silenced_by_id == silence_id, Alert.status == "firing")
    return list(session.scalars(query.order_by(Alert.id)))


def alerts_in_maintenance(session: Session) -> list[Alert]:
    query = select(Alert).where(Alert.suppressed_reason == "maintenance", Alert.status == "firing")
    return list(session.scalars(query.order_by(Alert.id)))


def expire_alert(ctx: Ctx, alert_id: int, firing_count: int) -> datetime | None:
    """Resolve a push-API alert whose endsAt passed with no re-send; returns the later expiry if it moved."""
    alert = ctx.session.get(Alert, alert_id)
    if alert is None or alert.status != "firing" or alert.firing_count != firing_count or alert.ends_at is None:
        return None
    if alert.ends_at > ctx.now():
        return alert.ends_at
    integration = ctx.session.get(Integration, alert.integration_id) if alert.integration_id else None
    service = lock_service(ctx, alert.service_id)
    batch = Batch(integration_ctx(ctx, integration), service)
    ends = alert.ends_at
    from warroom.intake import noise

    noise.note_state_change(alert, ctx.now())
    alert.status = "resolved"
    alert.ends_at = ends
    batch.resolved.append(alert)
    batch.finish()
    return None
