"""The auditor: every minute, make sure no open incident's escalation has silently stalled."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import exists, select

from warroom.context import Ctx
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident, incident_services
from warroom.jobs.models import Job
from warroom.paging import engine
from warroom.paging.models import Escalation, ServicePaging

MAX_PER_PASS = 200
START_GRACE = timedelta(minutes=1)


@dataclass
class AuditResult:
    repaired: list[int] = field(default_factory=list)  # escalation ids whose step job was re-enqueued
    started: list[int] = field(default_factory=list)  # incident ids that got an escalation
    closed: list[int] = field(default_factory=list)  # escalations of incidents no longer open


def _step_job_is_pending(ctx: Ctx, escalation: Escalation) -> bool:
    job = ctx.session.scalar(select(Job).where(Job.idempotency_key == engine.step_key(escalation)))
    if job is None or job.status not in ("pending", "running"):
        return False
    return bool(job.payload.get("version") == escalation.version)


def audit(ctx: Ctx) -> AuditResult:
    """Repair active escalations without a pending step job; start escalations that should exist."""
    result = AuditResult()
    active = select(Escalation.id).where(Escalation.state == "active").order_by(Escalation.id).limit(MAX_PER_PASS)
    for escalation_id in list(ctx.session.scalars(active)):
        escalation = engine.lock_escalation(ctx, escalation_id)
        if escalation is None or escalation.state != "active":
            continue
        incident = incidents.get_incident(ctx, escalation.incident_id)
        if not incidents.is_open(incident):
            engine.stop(ctx, escalation, state="resolved", summary="Escalation stopped: the incident is no longer open")
            result.closed.append(escalation.id)
            continue
        if _step_job_is_pending(ctx, escalation):
            continue
        at = max(escalation.next_step_at or ctx.now(), ctx.now())
        engine.put_step_job(ctx, escalation, at=at)
        summary = f"Auditor found no pending step for this escalation and re-scheduled it at {at:%H:%M} UTC"
        incidents.record_event(
            ctx, incident, kind="paging.repaired", data={"summary": summary, "escalation_id": escalation.id}
        )
        result.repaired.append(escalation.id)
    for incident in _unescalated_incidents(ctx):
        if engine.start_for_incident(ctx, incident, reason="started by the auditor") is not None:
            result.started.append(incident.id)
    return result


def _unescalated_incidents(ctx: Ctx) -> list[Incident]:
    """Open, unacknowledged incidents on a service with a policy that never had an escalation."""
    has_policy = exists().where(
        incident_services.c.incident_id == Incident.id,
        incident_services.c.service_id == ServicePaging.service_id,
    )
    has_escalation = exists().where(Escalation.incident_id == Incident.id)
    query = (
        select(Incident)
        .where(Incident.status.not_in(("resolved", "closed")), Incident.acknowledged_at.is_(None))
        # Younger incidents are the incident.declared handler's to start; the auditor only catches misses.
        .where(Incident.declared_at <= ctx.now() - START_GRACE)
        .where(has_policy, ~has_escalation)
        .order_by(Incident.id)
        .limit(MAX_PER_PASS)
    )
    return list(ctx.session.scalars(query))
