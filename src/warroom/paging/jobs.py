"""Paging background jobs: escalation steps, acknowledgement timeouts, the auditor, and incident topics."""

from __future__ import annotations

from typing import Any

from warroom.context import Ctx
from warroom.incidents.models import Incident
from warroom.jobs.registry import declare_queue, job, subscribe
from warroom.paging import auditor, engine, reactions


def _incident(ctx: Ctx, payload: dict[str, Any]) -> Incident | None:
    return ctx.session.get(Incident, int(payload["incident_id"]))


# Escalation work has its own worker thread: a page must not wait behind every other incident's notices,
# webhooks and report matching on the general queue.
QUEUE = "paging"
declare_queue(QUEUE, threads=1)


@job(engine.STEP_JOB, queue=QUEUE)
def run_step(ctx: Ctx, payload: dict[str, Any]) -> None:
    engine.run_step_job(ctx, payload)


@job(engine.ACK_TIMEOUT_JOB, queue=QUEUE)
def run_ack_timeout(ctx: Ctx, payload: dict[str, Any]) -> None:
    reactions.run_ack_timeout(ctx, payload)


@job(engine.AUDIT_JOB)
def run_audit(ctx: Ctx, payload: dict[str, Any]) -> None:
    auditor.audit(ctx)


@job("paging.on_declared", queue=QUEUE)
def on_declared(ctx: Ctx, payload: dict[str, Any]) -> None:
    incident = _incident(ctx, payload)
    if incident is not None:
        engine.start_for_incident(ctx, incident, reason="incident declared")


@job("paging.on_acknowledged", queue=QUEUE)
def on_acknowledged(ctx: Ctx, payload: dict[str, Any]) -> None:
    incident = _incident(ctx, payload)
    if incident is not None:
        reactions.on_acknowledged(ctx, incident)


@job("paging.on_resolved", queue=QUEUE)
def on_resolved(ctx: Ctx, payload: dict[str, Any]) -> None:
    incident = _incident(ctx, payload)
    if incident is not None:
        reactions.on_resolved(ctx, incident)


@job("paging.on_reopened", queue=QUEUE)
def on_reopened(ctx: Ctx, payload: dict[str, Any]) -> None:
    incident = _incident(ctx, payload)
    if incident is not None:
        engine.start_for_incident(ctx, incident, reason="incident reopened", restart=True)


@job("paging.on_severity_changed", queue=QUEUE)
def on_severity_changed(ctx: Ctx, payload: dict[str, Any]) -> None:
    incident = _incident(ctx, payload)
    if incident is not None:
        reactions.on_severity_changed(ctx, incident)


subscribe("incident.declared", "paging.on_declared")
subscribe("incident.acknowledged", "paging.on_acknowledged")
subscribe("incident.resolved", "paging.on_resolved")
subscribe("incident.reopened", "paging.on_reopened")
subscribe("incident.severity_changed", "paging.on_severity_changed")
