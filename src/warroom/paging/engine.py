"""The escalation engine: start an escalation, run its steps on the job queue, stop and re-trigger it.

Every step is a job keyed `paging:{escalation}:{loop}:{rule}:{retrigger}` whose payload carries the
version of the escalation it was scheduled for. The handler locks the escalation row and compares: a
stale or duplicate job (the escalation moved on, was acknowledged, or the job ran already) does nothing.
When paging starts at once (high urgency, or within support hours), rule 1 runs in the transaction that
opens the escalation, so the first page does not wait for a job hop; later rules are step jobs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.db import NO_KEY_UPDATE
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident, incident_services
from warroom.jobs import service as jobs
from warroom.jobs.models import Job
from warroom.paging import targets
from warroom.paging.hours import describe_support_hours, next_support_start
from warroom.paging.models import Escalation, EscalationPolicy, ServicePaging

STEP_JOB = "paging.step"
ACK_TIMEOUT_JOB = "paging.ack_timeout"
AUDIT_JOB = "paging.audit"
AUDIT_EVERY = timedelta(minutes=1)
HIGH_URGENCY = ("SEV1", "SEV2")


def urgency_for(severity: str) -> str:
    """SEV1/SEV2 page now (high); SEV3/SEV4 respect support hours (low)."""
    return "high" if severity in HIGH_URGENCY else "low"


def step_key(escalation: Escalation) -> str:
    return f"paging:{escalation.id}:{escalation.loop}:{escalation.rule_index}:{escalation.retrigger}"


def ack_timeout_key(escalation: Escalation) -> str:
    return f"paging-ack-timeout:{escalation.id}:{escalation.retrigger}"


def ensure_auditor(ctx: Ctx) -> None:
    """Make sure the periodic auditor has a pending tick (cheap and idempotent)."""
    jobs.schedule_periodic(ctx, AUDIT_JOB, every=AUDIT_EVERY)


def lock_escalation(ctx: Ctx, escalation_id: int) -> Escalation | None:
    """Re-read an escalation under a row lock (PostgreSQL; SQLite already has one writer)."""
    return ctx.session.get(Escalation, escalation_id, with_for_update=NO_KEY_UPDATE, populate_existing=True)


def snapshot_of(policy: EscalationPolicy) -> dict[str, Any]:
    """What a running escalation keeps of its policy."""
    return {"policy_id": policy.id, "name": policy.name, "repeat_count": policy.repeat_count, "rules": policy.rules}


def paging_settings_for(ctx: Ctx, incident: Incident) -> tuple[ServicePaging, Service] | None:
    """The paging settings of the incident's most critical service that has a policy (tier, then name)."""
    query = (
        select(ServicePaging, Service)
        .join(Service, Service.id == ServicePaging.service_id)
        .join(incident_services, incident_services.c.service_id == Service.id)
        .where(incident_services.c.incident_id == incident.id)
        .order_by(Service.tier, Service.name)
        .limit(1)
    )
    row = ctx.session.execute(query).first()
    return (row[0], row[1]) if row is not None else None


def current_escalation(ctx: Ctx, incident: Incident) -> Escalation | None:
    """The incident's latest escalation, if it ever had one."""
    query = select(Escalation).where(Escalation.incident_id == incident.id).order_by(Escalation.id.desc()).limit(1)
    return ctx.session.scalar(query)


def paging_event(ctx: Ctx, incident: Incident, kind: str, summary: str, **data: Any) -> None:
    """Append a paging.* event; `summary` is the one sentence the timeline shows."""
    incidents.record_event(ctx, incident, kind=kind, data={**data, "summary": summary})


def touch(ctx: Ctx, escalation: Escalation) -> None:
    """Mark a state change: any step job scheduled before it becomes stale."""
    escalation.version += 1
    escalation.updated_at = ctx.now()


def put_step_job(ctx: Ctx, escalation: Escalation, *, at: Any) -> Job:
    """Schedule the escalation's next step at `at`; an existing job with the same key is brought up to date."""
    escalation.next_step_at = at
    payload = {
        "escalation_id": escalation.id,
        "loop": escalation.loop,
        "rule": escalation.rule_index,
        "retrigger": escalation.retrigger,
        "version": escalation.version,
    }
    job = jobs.enqueue(ctx, STEP_JOB, payload, run_at=at, key=step_key(escalation))
    if job.payload != payload or job.status != "pending":
        # The key was used before (a waiting step brought forward, or the auditor repairing a lost job).
        job.payload = payload
        job.run_at = at
        job.status = "pending"
        job.attempts = 0
        job.finished_at = None
        job.last_error = None
    ctx.session.flush()
    return job


def cancel_step_job(ctx: Ctx, escalation: Escalation) -> None:
    jobs.cancel(ctx, key=step_key(escalation))
    escalation.next_step_at = None


def open_escalation(
    ctx: Ctx,
    incident: Incident,
    *,
    snapshot: dict[str, Any],
    policy_id: int | None,
    service_id: int | None,
    settings: ServicePaging | None,
    reason: str,
    force_high: bool = False,
) -> Escalation:
    """Create an escalation from a snapshot and schedule (or hold) its first step according to urgency."""
    previous = ctx.session.scalar(select(func.max(Escalation.retrigger)).where(Escalation.incident_id == incident.id))
    now = ctx.now()
    escalation = Escalation(
        incident_id=incident.id,
        policy_id=policy_id,
        service_id=service_id,
        snapshot=snapshot,
        state="active",
        urgency="high" if force_high else urgency_for(incident.severity),
        loop=0,
        rule_index=0,
        # Page keys are incident × loop × rule × user × retrigger: a later escalation of the same incident
        # must not reuse an earlier one's numbers, or its pages would be dropped as duplicates.
        retrigger=0 if previous is None else previous + 1,
        steps_run=0,
        version=1,
        started_at=now,
        updated_at=now,
    )
    ctx.session.add(escalation)
    ctx.session.flush()
    label = f"{snapshot['name']!r} ({escalation.urgency} urgency)"
    paging_event(ctx, incident, "paging.started", f"Escalation started: {label}, {reason}", escalation_id=escalation.id)
    hours = settings.support_hours if settings is not None else {}
    start = next_support_start(hours, now) if escalation.urgency == "low" else now
    if start > now and settings is not None and settings.low_urgency == "notify_without_paging":
        _notify_only(ctx, incident, escalation)
    else:
        if start > now:
            summary = f"Low urgency outside support hours ({describe_support_hours(hours)}): paging waits until then"
            paging_event(ctx, incident, "paging.waiting", summary, escalation_id=escalation.id, until=start.isoformat())
            put_step_job(ctx, escalation, at=start)
        else:
            # Rule 1 is due now: page in this transaction rather than through one more job hop (each hop is a
            # queue wait and two transactions; the page is what the team waits for).
            perform_step(ctx, escalation)
    ensure_auditor(ctx)
    return escalation


def _notify_only(ctx: Ctx, incident: Incident, escalation: Escalation) -> None:
    """Low urgency outside support hours with notify_without_paging: tell rule 1 once, never escalate."""
    rule = escalation.snapshot["rules"][0]
    recipients = targets.resolve(ctx, rule["targets"], ctx.now())
    for recipient in recipients:
        key = f"{incident.id}:0:0:{recipient.user.id}:{escalation.retrigger}"
        reason = "low urgency outside support hours: for information, no escalation"
        targets.page(ctx, incident=incident, user=recipient.user, page_key=key, reason=reason)
    escalation.state = "notified"
    escalation.ended_at = ctx.now()
    touch(ctx, escalation)
    who = targets.names(recipients) or "nobody (rule 1 resolved to nobody)"
    summary = f"Low urgency outside support hours: notified {who} without paging"
    paging_event(
        ctx, incident, "paging.notified", summary, escalation_id=escalation.id, users=targets.people(recipients)
    )


def start_for_incident(ctx: Ctx, incident: Incident, *, reason: str, restart: bool = False) -> Escalation | None:
    """Open an escalation for the incident from its services' policy, unless one runs or it needs none."""
    ctx.session.flush()
    ctx.session.refresh(incident, with_for_update=NO_KEY_UPDATE)
    if not incidents.is_open(incident):
        return None
    latest = current_escalation(ctx, incident)
    if latest is not None and (not restart or latest.state in ("active", "acknowledged")):
        return None
    if not restart and incident.acknowledged_at is not None:
        return None  # someone acknowledged before paging began: nobody needs to be woken
    found = paging_settings_for(ctx, incident)
    if found is None:
        return None
    settings, service = found
    policy = ctx.session.get(EscalationPolicy, settings.policy_id)
    if policy is None:
        return None
    return open_escalation(
        ctx,
        incident,
        snapshot=snapshot_of(policy),
        policy_id=policy.id,
        service_id=service.id,
        settings=settings,
        reason=f"{reason} on {service.name}",
    )


def _next_position(escalation: Escalation) -> tuple[int, int]:
    rules = escalation.snapshot["rules"]
    if escalation.rule_index + 1 < len(rules):
        return escalation.loop, escalation.rule_index + 1
    return escalation.loop + 1, 0


def _flag_rule(ctx: Ctx, escalation: Escalation, index: int, *, empty: bool) -> None:
    """Record on the policy whether a rule resolved to nobody, if the policy still has the rules we ran."""
    policy = ctx.session.get(EscalationPolicy, escalation.policy_id) if escalation.policy_id else None
    if policy is None or policy.rules != escalation.snapshot["rules"]:
        return
    flags = dict(policy.empty_rule_flags or {})
    if empty:
        flags[str(index)] = {"at": ctx.now().isoformat(), "incident_id": escalation.incident_id}
    elif str(index) not in flags:
        return
    else:
        del flags[str(index)]
    policy.empty_rule_flags = flags


def _exhaust(ctx: Ctx, incident: Incident, escalation: Escalation, why: str) -> None:
    escalation.state = "exhausted"
    escalation.next_step_at = None
    escalation.ended_at = ctx.now()
    paging_event(ctx, incident, "paging.exhausted", f"Escalation exhausted: {why}", escalation_id=escalation.id)


def perform_step(ctx: Ctx, escalation: Escalation, *, reason: str | None = None) -> None:
    """Page the current rule's targets and schedule the next rule; skip rules that resolve to nobody at once.

    The caller holds the escalation's row lock and has checked it is active.
    """
    incident = incidents.get_incident(ctx, escalation.incident_id)
    snapshot = escalation.snapshot
    rules, repeat = snapshot["rules"], int(snapshot["repeat_count"])
    skipped = 0
    while True:
        if escalation.loop > repeat:
            loops = repeat + 1
            _exhaust(ctx, incident, escalation, f"every rule of {snapshot['name']!r} ran {loops} time(s), no ack")
            break
        index = escalation.rule_index
        rule = rules[index]
        recipients = targets.resolve(ctx, rule["targets"], ctx.now())
        position = {"escalation_id": escalation.id, "loop": escalation.loop + 1, "rule": index + 1}
        if not recipients:
            _flag_rule(ctx, escalation, index, empty=True)
            who = targets.describe_targets(ctx, rule["targets"])
            summary = f"Rule {index + 1} skipped: {who} resolved to nobody"
            paging_event(ctx, incident, "paging.rule_skipped", summary, **position)
            skipped += 1
            escalation.loop, escalation.rule_index = _next_position(escalation)
            if skipped >= len(rules):
                _exhaust(ctx, incident, escalation, "every rule resolved to nobody")
                break
            continue
        _flag_rule(ctx, escalation, index, empty=False)
        why = reason or f"{snapshot['name']}: rule {index + 1}, loop {escalation.loop + 1}"
        for recipient in recipients:
            key = f"{incident.id}:{escalation.loop}:{index}:{recipient.user.id}:{escalation.retrigger}"
            targets.page(ctx, incident=incident, user=recipient.user, page_key=key, reason=why)
        summary = f"Paged {targets.names(recipients)} (rule {index + 1}, loop {escalation.loop + 1})"
        users = targets.people(recipients)
        paging_event(ctx, incident, "paging.notified", summary, **position, retrigger=escalation.retrigger, users=users)
        escalation.loop, escalation.rule_index = _next_position(escalation)
        escalation.steps_run += 1
        touch(ctx, escalation)
        put_step_job(ctx, escalation, at=ctx.now() + timedelta(minutes=int(rule["delay_minutes"])))
        return
    escalation.steps_run += skipped
    touch(ctx, escalation)


def run_step_job(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Job handler: run the step if the escalation is still exactly where the job expects it."""
    escalation = lock_escalation(ctx, int(payload["escalation_id"]))
    if escalation is None or escalation.state != "active":
        return
    expected = (payload.get("loop"), payload.get("rule"), payload.get("retrigger"), payload.get("version"))
    if expected != (escalation.loop, escalation.rule_index, escalation.retrigger, escalation.version):
        return  # stale (the escalation moved on) or a duplicate of a step that already ran
    incident = ctx.session.get(Incident, escalation.incident_id)
    if incident is None or not incidents.is_open(incident):
        stop(ctx, escalation, state="resolved", summary="Escalation stopped: the incident is no longer open")
        return
    perform_step(ctx, escalation)


def stop(ctx: Ctx, escalation: Escalation, *, state: str, summary: str) -> None:
    """End (or pause, for an acknowledgement) an escalation: no further steps, a timeline entry."""
    cancel_step_job(ctx, escalation)
    escalation.state = state
    escalation.ended_at = ctx.now()
    touch(ctx, escalation)
    incident = incidents.get_incident(ctx, escalation.incident_id)
    paging_event(ctx, incident, "paging.stopped", summary, escalation_id=escalation.id, state=state)
