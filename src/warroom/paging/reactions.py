"""How escalations react to the incident: acknowledged (stop, maybe re-trigger later), resolved, severity raised."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from warroom.auth.models import User
from warroom.context import Ctx
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.jobs import service as jobs
from warroom.paging.engine import (
    ACK_TIMEOUT_JOB,
    ack_timeout_key,
    current_escalation,
    lock_escalation,
    paging_event,
    put_step_job,
    stop,
    touch,
    urgency_for,
)
from warroom.paging.models import Escalation, ServicePaging


def live_escalations(ctx: Ctx, incident_id: int, states: tuple[str, ...]) -> list[Escalation]:
    query = select(Escalation.id).where(Escalation.incident_id == incident_id, Escalation.state.in_(states))
    found = [
        lock_escalation(ctx, escalation_id) for escalation_id in ctx.session.scalars(query.order_by(Escalation.id))
    ]
    return [e for e in found if e is not None and e.state in states]


def on_acknowledged(ctx: Ctx, incident: Incident) -> None:
    """Stop the running escalation; with an ack timeout, schedule the re-trigger."""
    who = _acknowledger(ctx, incident)
    for escalation in live_escalations(ctx, incident.id, ("active",)):
        stop(ctx, escalation, state="acknowledged", summary=f"Escalation stopped: acknowledged by {who}")
        settings = ctx.session.get(ServicePaging, escalation.service_id) if escalation.service_id else None
        if settings is not None and settings.ack_timeout_minutes:
            at = ctx.now() + timedelta(minutes=settings.ack_timeout_minutes)
            payload = {"escalation_id": escalation.id, "retrigger": escalation.retrigger, "version": escalation.version}
            jobs.enqueue(ctx, ACK_TIMEOUT_JOB, payload, run_at=at, key=ack_timeout_key(escalation))


def _acknowledger(ctx: Ctx, incident: Incident) -> str:
    user = ctx.session.get(User, incident.acknowledged_by_id) if incident.acknowledged_by_id else None
    return user.name if user is not None else ctx.actor.name


def run_ack_timeout(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Job handler: still unresolved N minutes after the acknowledgement, so page again from rule 1."""
    escalation = lock_escalation(ctx, int(payload["escalation_id"]))
    if escalation is None or escalation.state != "acknowledged":
        return
    if (payload.get("retrigger"), payload.get("version")) != (escalation.retrigger, escalation.version):
        return
    incident = incidents.get_incident(ctx, escalation.incident_id)
    if not incidents.is_open(incident):
        return
    minutes = ""
    settings = ctx.session.get(ServicePaging, escalation.service_id) if escalation.service_id else None
    if settings is not None and settings.ack_timeout_minutes:
        minutes = f" {settings.ack_timeout_minutes} min"
    retrigger(ctx, incident, escalation, summary=f"Still unresolved{minutes} after the acknowledgement: paging again")


def retrigger(ctx: Ctx, incident: Incident, escalation: Escalation, *, summary: str) -> None:
    """Run the escalation again from rule 1 with the next re-trigger number (fresh page keys)."""
    previous = ctx.session.scalar(select(func.max(Escalation.retrigger)).where(Escalation.incident_id == incident.id))
    escalation.retrigger = max(escalation.retrigger, previous or 0) + 1
    escalation.loop = 0
    escalation.rule_index = 0
    escalation.state = "active"
    escalation.ended_at = None
    touch(ctx, escalation)
    paging_event(
        ctx, incident, "paging.retriggered", summary, escalation_id=escalation.id, retrigger=escalation.retrigger
    )
    put_step_job(ctx, escalation, at=ctx.now())


def on_resolved(ctx: Ctx, incident: Incident) -> None:
    """Resolving stops every running or acknowledged escalation (and its pending re-trigger)."""
    for escalation in live_escalations(ctx, incident.id, ("active", "acknowledged")):
        jobs.cancel(ctx, key=ack_timeout_key(escalation))
        stop(ctx, escalation, state="resolved", summary="Escalation stopped: the incident was resolved")


def on_severity_changed(ctx: Ctx, incident: Incident) -> None:
    """Raised to high urgency: a step waiting for support hours runs now; a notify-only run starts paging."""
    if urgency_for(incident.severity) != "high" or not incidents.is_open(incident):
        return
    latest = current_escalation(ctx, incident)
    if latest is None:
        return
    escalation = lock_escalation(ctx, latest.id)
    if escalation is None or escalation.urgency == "high":
        return
    escalation.urgency = "high"
    if escalation.state == "active" and escalation.steps_run == 0:
        touch(ctx, escalation)
        paging_event(
            ctx,
            incident,
            "paging.urgency_raised",
            f"Now {incident.severity}: paging at once",
            escalation_id=escalation.id,
        )
        put_step_job(ctx, escalation, at=ctx.now())
    elif escalation.state == "notified" and incident.acknowledged_at is None:
        retrigger(ctx, incident, escalation, summary=f"Now {incident.severity}: paging from rule 1")
