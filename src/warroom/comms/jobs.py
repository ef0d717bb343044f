"""Comms background jobs: stakeholder notices, subscriber fan-out, maintenance notices, cadence reminders."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from warroom.comms import cadence, fanout, stakeholder_hooks, stakeholders
from warroom.context import Ctx
from warroom.incidents.models import Incident
from warroom.jobs import service as jobs
from warroom.jobs.registry import PermanentFailure, job, subscribe
from warroom.notify.delivery import register_email_headers, register_failure_listener

NOTICE_JOB = "comms.stakeholder_notice"
CADENCE_JOB = "comms.cadence_track"
PUBLISHED_JOB = "comms.update_published"
MAINTENANCE_JOB = "comms.maintenance_plan"
MAINTENANCE_NOTICE_JOB = "comms.maintenance_notice"
MAINTENANCE_AHEAD = timedelta(hours=24)

register_email_headers(fanout.unsubscribe_headers)
register_failure_listener(fanout.on_delivery_failed)


def _int(payload: dict[str, Any], name: str) -> int:
    try:
        return int(payload[name])
    except (KeyError, TypeError, ValueError):
        raise PermanentFailure(f"payload needs an integer {name}, got {payload!r}") from None


@job(NOTICE_JOB)
def stakeholder_notice(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Tell the stakeholders about one incident change."""
    topic = str(payload.get("topic", ""))
    reason = topic.removeprefix("incident.")
    if reason not in stakeholders.REASONS:
        raise PermanentFailure(f"no stakeholder notice for topic {topic!r}")
    if reason == "status_changed" and payload.get("to") == "resolved":
        return  # incident.resolved sends the resolve notice; one mail per change is enough
    incident_id, event_id = _int(payload, "incident_id"), _int(payload, "event_id")
    stakeholders.send_notices(ctx, incident_id, reason=reason, event_id=event_id)
    stakeholder_hooks.send_notices(ctx, incident_id, reason=reason, event_id=event_id)


@job(CADENCE_JOB)
def cadence_track(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Keep the incident's update deadlines in step with its lifecycle."""
    incident = ctx.session.get(Incident, _int(payload, "incident_id"))
    if incident is None:
        return
    topic = payload.get("topic")
    if topic == "incident.declared":
        cadence.on_declared(ctx, incident)
    elif topic == "incident.severity_changed":
        cadence.on_severity_changed(ctx, incident)
    elif topic == "incident.resolved":
        cadence.on_resolved(ctx, incident)


@job(PUBLISHED_JOB)
def update_published(ctx: Ctx, payload: dict[str, Any]) -> None:
    """A public update went out: record the cadence and, if asked, mail the subscribers."""
    incident_id, update_id = _int(payload, "incident_id"), _int(payload, "update_id")
    incident = ctx.session.get(Incident, incident_id)
    if incident is None:
        return
    try:
        from warroom.status.updates import public_updates_for
    except ImportError:  # pragma: no cover - status domain absent
        return
    update = next((u for u in public_updates_for(ctx.session, incident_id) if u.id == update_id), None)
    if update is None:
        return
    cadence.on_published(
        ctx,
        incident,
        update_id=update.id,
        published_at=update.published_at,
        status=update.status,
        next_update_by=update.next_update_by,
    )
    if payload.get("notify_subscribers", True):
        message = fanout.update_message(ctx, incident_id=incident_id, update_id=update_id)
        if message is not None:
            fanout.send_to_subscribers(ctx, message)


@job(MAINTENANCE_JOB)
def maintenance_plan(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Plan the "ahead" notice of a scheduled window; send start and end notices when they happen."""
    from warroom.maintenance.models import MaintenanceWindow

    maintenance_id = _int(payload, "maintenance_id")
    topic = payload.get("topic")
    if topic in ("maintenance.started", "maintenance.ended"):
        edge = "started" if topic == "maintenance.started" else "ended"
        message = fanout.maintenance_message(ctx, maintenance_id=maintenance_id, edge=edge)
        if message is not None:
            fanout.send_to_subscribers(ctx, message)
        return
    window = ctx.session.get(MaintenanceWindow, maintenance_id)
    if window is None or window.cancelled_at is not None or window.starts_at <= ctx.now():
        return
    jobs.enqueue(
        ctx,
        MAINTENANCE_NOTICE_JOB,
        {"maintenance_id": window.id, "starts_at": window.starts_at.isoformat()},
        run_at=max(window.starts_at - MAINTENANCE_AHEAD, ctx.now()),
        key=f"comms-maintenance-ahead:{window.id}:{window.starts_at.isoformat()}",
    )


@job(MAINTENANCE_NOTICE_JOB)
def maintenance_notice(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Send the "ahead" notice unless the window moved or was cancelled since it was planned."""
    from warroom.maintenance.models import MaintenanceWindow

    window = ctx.session.get(MaintenanceWindow, _int(payload, "maintenance_id"))
    planned = datetime.fromisoformat(str(payload.get("starts_at")))
    if window is None or window.starts_at != planned:
        return
    message = fanout.maintenance_message(ctx, maintenance_id=window.id, edge="ahead")
    if message is not None:
        fanout.send_to_subscribers(ctx, message)


@job(cadence.DUE_JOB)
def cadence_due(ctx: Ctx, payload: dict[str, Any]) -> None:
    """A public update is due now: remind the Communications Lead (or the Incident Commander)."""
    cadence.remind(ctx, _int(payload, "interval_id"), str(payload.get("due_at")), overdue=False)


@job(cadence.OVERDUE_JOB)
def cadence_overdue(ctx: Ctx, payload: dict[str, Any]) -> None:
    """A public update is late: remind the Communications Lead and the Incident Commander."""
    cadence.remind(ctx, _int(payload, "interval_id"), str(payload.get("due_at")), overdue=True)


for _topic in ("incident.declared", "incident.severity_changed", "incident.status_changed", "incident.resolved"):
    subscribe(_topic, NOTICE_JOB)
for _topic in ("incident.declared", "incident.severity_changed", "incident.resolved"):
    subscribe(_topic, CADENCE_JOB)
subscribe("status.update_published", PUBLISHED_JOB)
for _topic in ("maintenance.scheduled", "maintenance.changed", "maintenance.started", "maintenance.ended"):
    subscribe(_topic, MAINTENANCE_JOB)
