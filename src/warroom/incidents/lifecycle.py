"""Status, severity and acknowledgement: the lifecycle of an incident."""

from __future__ import annotations

from collections.abc import Callable

from warroom.context import Ctx
from warroom.errors import Conflict, Invalid
from warroom.incidents import journal
from warroom.incidents.checks import MAX_TEXT, clean_severity, clean_text
from warroom.incidents.models import STATUSES, Incident
from warroom.incidents.projection import ACKNOWLEDGED, REOPENED, SEVERITY_CHANGED, STATUS_CHANGED
from warroom.jobs import service as jobs

# Forward moves may skip steps; monitoring and resolved may fall back to investigating (a reopen);
# closed needs resolved first and is terminal. Asking for the current status again is a conflict too.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "investigating": ("identified", "monitoring", "resolved"),
    "identified": ("monitoring", "resolved"),
    "monitoring": ("resolved", "investigating"),
    "resolved": ("closed", "investigating"),
    "closed": (),
}
REOPENS_FROM = ("monitoring", "resolved")

# Checks other domains add (review: "the post-mortem is published") without incidents importing them.
# A guard raises an AppError (usually Conflict) to refuse the move to closed.
CloseGuard = Callable[[Ctx, Incident], None]
CLOSE_GUARDS: list[CloseGuard] = []


def register_close_guard(guard: CloseGuard) -> CloseGuard:
    """Run `guard(ctx, incident)` before any incident is closed (registering twice has no effect)."""
    if guard not in CLOSE_GUARDS:
        CLOSE_GUARDS.append(guard)
    return guard


def allowed_transitions(status: str) -> list[str]:
    """The statuses an incident in `status` may move to next."""
    return list(TRANSITIONS.get(status, ()))


def is_open(incident: Incident) -> bool:
    return incident.status not in ("resolved", "closed")


def change_status(ctx: Ctx, incident: Incident, *, status: str, note: str | None = None) -> Incident:
    """Move the incident along its lifecycle; Conflict (409) naming the allowed moves otherwise."""
    requested = status.strip().lower()
    if requested not in STATUSES:
        raise Invalid(
            f"unknown status {status!r}; use one of {', '.join(STATUSES)}",
            {"field": "status", "allowed": list(STATUSES)},
        )
    text = clean_text(note or "", field="note", label="the note", max_length=MAX_TEXT)
    journal.lock(ctx, incident)
    current = incident.status
    allowed = allowed_transitions(current)
    if requested not in allowed:
        if requested == current:
            reason = f"incident {incident.id} is already {current}"
        else:
            reason = f"incident {incident.id} cannot move from {current} to {requested}"
        hint = f"allowed next: {', '.join(allowed)}" if allowed else f"{current} is final; nothing can follow it"
        raise Conflict(f"{reason}; {hint}", {"current": current, "requested": requested, "allowed": allowed})
    if requested == "closed":
        for guard in CLOSE_GUARDS:
            guard(ctx, incident)
    reopened = requested == "investigating" and current in REOPENS_FROM
    kind = REOPENED if reopened else STATUS_CHANGED
    data = {"from": current, "to": requested, "note": text or None}
    event = journal.record(ctx, incident, kind, data)
    payload = {"incident_id": incident.id, "event_id": event.id, "from": current, "to": requested}
    jobs.publish(ctx, "incident.status_changed", {**payload, "reopened": reopened}, key=f"incident-status:{event.id}")
    if requested == "resolved":
        jobs.publish(
            ctx,
            "incident.resolved",
            {**payload, "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None},
            key=f"incident-resolved:{event.id}",
        )
    if reopened:
        jobs.publish(ctx, "incident.reopened", payload, key=f"incident-reopened:{event.id}")
    return incident


def change_severity(ctx: Ctx, incident: Incident, *, severity: str, reason: str | None = None) -> Incident:
    """Raise or lower the severity; Conflict (409) when it already has that severity."""
    wanted = clean_severity(severity)
    text = clean_text(reason or "", field="reason", label="the reason", max_length=MAX_TEXT)
    journal.lock(ctx, incident)
    current = incident.severity
    if wanted == current:
        raise Conflict(
            f"incident {incident.id} is already {current}; pick a different severity",
            {"current": current, "requested": wanted},
        )
    event = journal.record(ctx, incident, SEVERITY_CHANGED, {"from": current, "to": wanted, "reason": text or None})
    jobs.publish(
        ctx,
        "incident.severity_changed",
        {"incident_id": incident.id, "event_id": event.id, "from": current, "to": wanted},
        key=f"incident-severity:{event.id}",
    )
    return incident


def acknowledge(ctx: Ctx, incident: Incident) -> bool:
    """Mark the incident acknowledged by the actor. True the first time; repeats change nothing."""
    journal.lock(ctx, incident)
    if incident.acknowledged_at is not None:
        # Nothing changes on the incident, but listeners still hear it: paging may have re-triggered an
        # escalation after an acknowledgement timeout, and this acknowledgement must stop it too.
        jobs.publish(
            ctx, "incident.acknowledged", {"incident_id": incident.id, "event_id": None, "user_id": ctx.actor.user_id}
        )
        return False
    event = journal.record(ctx, incident, ACKNOWLEDGED, {"user": {"id": ctx.actor.user_id, "name": ctx.actor.name}})
    jobs.publish(
        ctx,
        "incident.acknowledged",
        {"incident_id": incident.id, "event_id": event.id, "user_id": ctx.actor.user_id},
        key=f"incident-acknowledged:{incident.id}",
    )
    return True
