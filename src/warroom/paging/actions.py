"""What responders do by hand: escalate now, reassign, page a role, add a responder, acknowledge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from warroom.auth.models import User
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.incidents import service as incidents
from warroom.incidents.models import ROLES, Incident, TimelineEvent
from warroom.jobs import service as jobs
from warroom.lib.schema import MAX_ID
from warroom.paging import engine, reactions, targets
from warroom.paging.models import Escalation, EscalationPolicy
from warroom.paging.policies import get_policy, schedule_exists, schedule_name

REASSIGN_DELAY_MINUTES = 5
REASSIGN_REPEATS = 2


def _require_open(incident: Incident) -> None:
    if not incidents.is_open(incident):
        raise Conflict(f"incident {incident.id} is {incident.status}; reopen it before paging anyone")


def _user(ctx: Ctx, user_id: int, *, field: str) -> User:
    user = ctx.session.get(User, user_id) if 1 <= user_id <= MAX_ID else None
    if user is None or not user.is_active:
        raise Invalid(f"user {user_id} does not exist or is deactivated", {"field": field})
    return user


def _schedule(ctx: Ctx, schedule_id: int) -> None:
    if not schedule_exists(ctx, schedule_id):
        raise Invalid(f"schedule {schedule_id} does not exist", {"field": "schedule_id"})


def _page_once(ctx: Ctx, incident: Incident, recipients: list[targets.Recipient], *, tag: int, reason: str) -> None:
    # Manual pages sit outside the policy's loop/rule numbering: the timeline event id keeps their keys unique.
    for recipient in recipients:
        key = f"{incident.id}:x{tag}:0:{recipient.user.id}:0"
        targets.page(ctx, incident=incident, user=recipient.user, page_key=key, reason=reason)


def _record(ctx: Ctx, incident: Incident, kind: str, summary: str, **data: Any) -> TimelineEvent:
    return incidents.record_event(ctx, incident, kind=kind, data={**data, "summary": summary})


def escalate_now(ctx: Ctx, incident: Incident) -> Escalation:
    """Page the next rule immediately instead of waiting for the current rule's delay."""
    _require_open(incident)
    latest = engine.current_escalation(ctx, incident)
    escalation = engine.lock_escalation(ctx, latest.id) if latest is not None else None
    if escalation is None or escalation.state not in ("active", "acknowledged"):
        raise Conflict(
            f"incident {incident.id} has no running escalation; reassign it to a policy or add a responder",
            {"state": escalation.state if escalation else None},
        )
    snapshot = escalation.snapshot
    if escalation.loop > int(snapshot["repeat_count"]):
        raise Conflict("the escalation has no further rule; reassign it or add a responder")
    engine.cancel_step_job(ctx, escalation)
    was_acknowledged = escalation.state == "acknowledged"
    escalation.state = "active"
    escalation.ended_at = None
    engine.touch(ctx, escalation)
    rule = escalation.rule_index + 1
    _record(
        ctx, incident, "paging.escalated", f"{ctx.actor.name} escalated now to rule {rule}", escalation_id=escalation.id
    )
    engine.perform_step(ctx, escalation, reason=f"escalated by {ctx.actor.name}")
    if was_acknowledged and escalation.state == "active":
        # Someone already owns the incident: escalating asks for help once, it does not restart the chase.
        engine.cancel_step_job(ctx, escalation)
        escalation.state = "acknowledged"
        engine.touch(ctx, escalation)
    return escalation


def reassign(ctx: Ctx, incident: Incident, *, user_id: int | None = None, policy_id: int | None = None) -> Escalation:
    """Replace the running escalation with a new one: to one person, or to another policy (a fresh snapshot)."""
    _require_open(incident)
    if (user_id is None) == (policy_id is None):
        raise Invalid("reassign to exactly one of user_id or policy_id", {"field": "user_id"})
    if user_id is not None:
        user = _user(ctx, user_id, field="user_id")
        rule = {"delay_minutes": REASSIGN_DELAY_MINUTES, "targets": [{"type": "user", "id": user.id}]}
        snapshot: dict[str, Any] = {"policy_id": None, "name": f"Reassigned to {user.name}"}
        snapshot.update(repeat_count=REASSIGN_REPEATS, rules=[rule])
        label, new_policy_id = user.name, None
    else:
        if policy_id is None:  # narrowed above; keeps mypy and readers sure
            raise Invalid("policy_id is required", {"field": "policy_id"})
        try:
            policy: EscalationPolicy = get_policy(ctx, policy_id)
        except NotFound as missing:
            raise Invalid(missing.message, {"field": "policy_id"}) from None
        snapshot, label, new_policy_id = engine.snapshot_of(policy), f"policy {policy.name!r}", policy.id
    old = engine.current_escalation(ctx, incident)
    service_id = old.service_id if old is not None else None
    if old is not None:
        locked = engine.lock_escalation(ctx, old.id)
        if locked is not None and locked.state in ("active", "acknowledged"):
            jobs.cancel(ctx, key=engine.ack_timeout_key(locked))
            engine.stop(ctx, locked, state="cancelled", summary=f"Escalation replaced: {ctx.actor.name} reassigned")
    _record(ctx, incident, "paging.reassigned", f"{ctx.actor.name} reassigned the incident to {label}")
    return engine.open_escalation(
        ctx,
        incident,
        snapshot=snapshot,
        policy_id=new_policy_id,
        service_id=service_id,
        settings=None,
        reason=f"reassigned by {ctx.actor.name}",
        force_high=True,
    )


def page_role(ctx: Ctx, incident: Incident, *, role: str, schedule_id: int | None = None) -> list[User]:
    """Page whoever holds an incident role; with a schedule, page its on-call to take the role."""
    _require_open(incident)
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}; use one of {', '.join(ROLES)}", {"field": "role"})
    title = ROLES[role]
    if schedule_id is not None:
        _schedule(ctx, schedule_id)
        recipients = targets.resolve(ctx, [{"type": "schedule", "id": schedule_id}], ctx.now())
        where = f'on call for "{schedule_name(ctx, schedule_id)}"'
        if not recipients:
            raise Conflict(f"nobody is {where} right now; page a person instead", {"field": "schedule_id"})
    else:
        holders = incidents.current_roles(ctx, incident).get(role, [])
        if not holders:
            raise Conflict(
                f"nobody holds the {title} role; assign it, or page a schedule's on-call for it", {"field": "role"}
            )
        recipients = [targets.Recipient(user=u, via=title) for u in holders if u.is_active]
        where = f"holding {title}"
    summary = f"{ctx.actor.name} paged {targets.names(recipients)} as {title} ({where})"
    event = _record(ctx, incident, "paging.role_paged", summary, role=role, users=targets.people(recipients))
    _page_once(ctx, incident, recipients, tag=event.id, reason=f"paged as {title} by {ctx.actor.name}")
    return [r.user for r in recipients]


def add_responder(
    ctx: Ctx, incident: Incident, *, user_id: int | None = None, schedule_id: int | None = None
) -> list[User]:
    """Page one person, or a schedule's on-call, once, outside the policy."""
    _require_open(incident)
    if (user_id is None) == (schedule_id is None):
        raise Invalid("add exactly one of user_id or schedule_id as a responder", {"field": "user_id"})
    if user_id is not None:
        target: dict[str, Any] = {"type": "user", "id": _user(ctx, user_id, field="user_id").id}
    else:
        assert schedule_id is not None
        _schedule(ctx, schedule_id)
        target = {"type": "schedule", "id": schedule_id}
    recipients = targets.resolve(ctx, [target], ctx.now())
    if not recipients:
        raise Conflict(
            f'nobody is on call for "{schedule_name(ctx, int(target["id"]))}" right now; add a person instead'
        )
    summary = f"{ctx.actor.name} added {targets.names(recipients)} as responder"
    event = _record(ctx, incident, "paging.responder_added", summary, users=targets.people(recipients))
    _page_once(ctx, incident, recipients, tag=event.id, reason=f"added as responder by {ctx.actor.name}")
    return [r.user for r in recipients]


def acknowledge_incident(ctx: Ctx, incident: Incident) -> bool:
    """Acknowledge through the core and stop a running escalation at once (also after a re-trigger)."""
    fresh = incidents.acknowledge(ctx, incident)
    # The core publishes incident.acknowledged only the first time; a re-triggered escalation needs this.
    reactions.on_acknowledged(ctx, incident)
    return fresh


@dataclass(frozen=True)
class EscalationView:
    escalation: Escalation | None
    history: list[TimelineEvent]
    next_rule_targets: str | None


def describe_escalation(ctx: Ctx, incident: Incident) -> EscalationView:
    """The incident's latest escalation and every paging event on its timeline."""
    escalation = engine.current_escalation(ctx, incident)
    query = (
        select(TimelineEvent)
        .where(TimelineEvent.incident_id == incident.id, TimelineEvent.kind.startswith("paging."))
        .order_by(TimelineEvent.occurred_at, TimelineEvent.id)
    )
    history = list(ctx.session.scalars(query))
    upcoming = None
    if escalation is not None and escalation.state == "active":
        rules = escalation.snapshot["rules"]
        if escalation.loop <= int(escalation.snapshot["repeat_count"]):
            upcoming = targets.describe_targets(ctx, rules[escalation.rule_index]["targets"])
    return EscalationView(escalation=escalation, history=history, next_rule_targets=upcoming)


def next_step_at(view: EscalationView) -> datetime | None:
    escalation = view.escalation
    return escalation.next_step_at if escalation is not None and escalation.state == "active" else None
