"""Update cadence: when the next public update is due, reminders on time and when late, met/missed per interval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from warroom.auth.models import User
from warroom.comms.models import CadenceInterval, CadenceSetting
from warroom.context import Ctx
from warroom.errors import Invalid
from warroom.incidents import service as incidents
from warroom.incidents.models import SEVERITIES, Incident
from warroom.jobs import service as jobs
from warroom.notify import service as notify

DEFAULTS: dict[str, tuple[int | None, int]] = {
    "SEV1": (15, 30),
    "SEV2": (30, 30),
    "SEV3": (None, 30),
    "SEV4": (None, 30),
}
ESCALATE_AFTER = timedelta(minutes=10)
DUE_JOB = "comms.cadence_due"
OVERDUE_JOB = "comms.cadence_overdue"
MAX_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class Cadence:
    severity: str
    first_update_minutes: int | None
    interval_minutes: int


def cadence_settings(ctx: Ctx) -> list[Cadence]:
    """The cadence per severity: stored values over the defaults."""
    stored = {row.severity: row for row in ctx.session.scalars(select(CadenceSetting))}
    result = []
    for severity, (first, interval) in DEFAULTS.items():
        row = stored.get(severity)
        if row is not None:
            first, interval = row.first_update_minutes, row.interval_minutes
        result.append(Cadence(severity, first, interval))
    return result


def cadence_for(ctx: Ctx, severity: str) -> Cadence:
    """The cadence of one severity."""
    return next(c for c in cadence_settings(ctx) if c.severity == severity)


def set_cadence(ctx: Ctx, *, severity: str, first_update_minutes: int | None, interval_minutes: int) -> Cadence:
    """Change one severity's deadlines (applies to deadlines computed from now on)."""
    if severity not in SEVERITIES:
        raise Invalid(f"unknown severity {severity!r}; use one of {', '.join(SEVERITIES)}", {"field": "severity"})
    if first_update_minutes is not None and not 1 <= first_update_minutes <= MAX_MINUTES:
        raise Invalid(f"first_update_minutes must be 1 to {MAX_MINUTES} (or empty for none)", {"field": "first"})
    if not 1 <= interval_minutes <= MAX_MINUTES:
        raise Invalid(f"interval_minutes must be 1 to {MAX_MINUTES}", {"field": "interval_minutes"})
    row = ctx.session.get(CadenceSetting, severity)
    if row is None:
        row = CadenceSetting(severity=severity, interval_minutes=interval_minutes, updated_at=ctx.now())
        ctx.session.add(row)
    row.first_update_minutes = first_update_minutes
    row.interval_minutes = interval_minutes
    row.updated_at = ctx.now()
    ctx.session.flush()
    return Cadence(severity, first_update_minutes, interval_minutes)


def intervals(ctx: Ctx, incident: Incident) -> list[CadenceInterval]:
    """Every cadence interval of the incident, oldest first."""
    query = select(CadenceInterval).where(CadenceInterval.incident_id == incident.id)
    return list(ctx.session.scalars(query.order_by(CadenceInterval.started_at, CadenceInterval.id)))


def open_interval(ctx: Ctx, incident: Incident) -> CadenceInterval | None:
    return next((i for i in intervals(ctx, incident) if i.outcome == "open"), None)


def _open(ctx: Ctx, incident: Incident, *, kind: str, started_at: datetime, due_at: datetime) -> CadenceInterval:
    interval = CadenceInterval(incident_id=incident.id, kind=kind, started_at=started_at, due_at=due_at, outcome="open")
    ctx.session.add(interval)
    ctx.session.flush()
    _plan_reminders(ctx, interval)
    return interval


def _plan_reminders(ctx: Ctx, interval: CadenceInterval) -> None:
    for name, at in ((DUE_JOB, interval.due_at), (OVERDUE_JOB, interval.due_at + ESCALATE_AFTER)):
        jobs.enqueue(
            ctx,
            name,
            {"interval_id": interval.id, "due_at": interval.due_at.isoformat()},
            run_at=max(at, ctx.now()),
            key=f"{name}:{interval.id}:{interval.due_at.isoformat()}",
        )


def _tracked(incident: Incident) -> bool:
    # Private incidents never get public updates, so nothing can be due for them.
    return not incident.is_private


def _first_published_at(ctx: Ctx, incident: Incident) -> datetime | None:
    try:
        from warroom.status.updates import first_public_update_at
    except ImportError:  # pragma: no cover - status domain absent
        return None
    return first_public_update_at(ctx.session, incident.id)


def on_declared(ctx: Ctx, incident: Incident) -> CadenceInterval | None:
    """Open the "first public update" interval if the severity has a deadline."""
    if not _tracked(incident) or intervals(ctx, incident):
        return None
    first = cadence_for(ctx, incident.severity).first_update_minutes
    if first is None:
        return None
    due = incident.declared_at + timedelta(minutes=first)
    return _open(ctx, incident, kind="first", started_at=incident.declared_at, due_at=due)


def on_severity_changed(ctx: Ctx, incident: Incident) -> None:
    """Before the first update, the deadline follows the new severity (a SEV3 raised to SEV1 is due at once)."""
    if not _tracked(incident) or not incidents.is_open(incident) or _first_published_at(ctx, incident):
        return
    current = open_interval(ctx, incident)
    first = cadence_for(ctx, incident.severity).first_update_minutes
    if current is None:
        on_declared(ctx, incident)
        return
    if current.kind != "first":
        return
    if first is None:
        current.outcome, current.closed_at = "cancelled", ctx.now()
        return
    due = incident.declared_at + timedelta(minutes=first)
    if due != current.due_at:
        current.due_at = due
        _plan_reminders(ctx, current)


def on_published(
    ctx: Ctx,
    incident: Incident,
    *,
    update_id: int,
    published_at: datetime,
    status: str,
    next_update_by: datetime | None,
) -> CadenceInterval | None:
    """Close the open interval (met or missed) and open the next one unless the update resolves the incident."""
    current = open_interval(ctx, incident)
    if current is not None:
        current.outcome = "met" if published_at <= current.due_at else "missed"
        current.closed_at = published_at
        current.update_id = update_id
    if status == "resolved" or not incidents.is_open(incident) or not _tracked(incident):
        return None
    due = next_update_by or published_at + timedelta(minutes=cadence_for(ctx, incident.severity).interval_minutes)
    return _open(ctx, incident, kind="next", started_at=published_at, due_at=due)


def on_resolved(ctx: Ctx, incident: Incident) -> None:
    """Stop the clock: an open interval is missed if already late, otherwise cancelled."""
    current = open_interval(ctx, incident)
    if current is not None:
        now = ctx.now()
        current.outcome = "missed" if now > current.due_at else "cancelled"
        current.closed_at = now


def _holders(ctx: Ctx, incident: Incident, role: str) -> list[User]:
    return list(incidents.current_roles(ctx, incident).get(role, []))


def remind(ctx: Ctx, interval_id: int, due_at: str, *, overdue: bool) -> bool:
    """Send the reminder for an interval still open at its (unchanged) due instant; False when stale."""
    interval = ctx.session.get(CadenceInterval, interval_id)
    if interval is None or interval.outcome != "open" or interval.due_at.isoformat() != due_at:
        return False
    incident = ctx.session.get(Incident, interval.incident_id)
    if incident is None or not incidents.is_open(incident):
        return False
    people = _holders(ctx, incident, "communications_lead")
    commanders = _holders(ctx, incident, "incident_commander")
    if overdue or not people:
        people += [u for u in commanders if u not in people]
    due_text = interval.due_at.strftime("%H:%M UTC")
    what = "first public update" if interval.kind == "first" else "next public update"
    if overdue:
        late = int((ctx.now() - interval.due_at).total_seconds() // 60)
        summary = f"The {what} is overdue by {late} min (was due {due_text}); reminded {len(people)} people"
    else:
        summary = f"The {what} is due now ({due_text}); reminded {len(people)} people"
    link = f"{ctx.settings.base_url or ''}/incidents/{incident.id}"
    for user in people:
        notify.send_email(
            ctx,
            to=user.email,
            subject=f"{'OVERDUE' if overdue else 'Due'}: {what} for incident #{incident.id} {incident.title}",
            body=f"{summary.split(';')[0]}.\n\nIncident #{incident.id}: {incident.title}\nPublish it here: {link}\n",
            incident_id=incident.id,
            key=f"comms-cadence:{'overdue' if overdue else 'due'}:{interval.id}:{due_at}:{user.id}",
        )
    data: dict[str, Any] = {"summary": summary, "interval_id": interval.id, "due_at": due_at, "recipients": len(people)}
    kind = "comms.update_overdue" if overdue else "comms.update_due"
    incidents.record_event(ctx, incident, kind=kind, data=data)
    return True


def summary(ctx: Ctx, incident: Incident) -> dict[str, Any]:
    """Everything the countdown panel and GET /incidents/{id}/cadence show."""
    now = ctx.now()
    rows = intervals(ctx, incident)
    current = next((i for i in rows if i.outcome == "open"), None)
    first_at = _first_published_at(ctx, incident)
    seconds = int((current.due_at - now).total_seconds()) if current else None
    return {
        "incident_id": incident.id,
        "tracked": _tracked(incident),
        "declared_at": incident.declared_at,
        "first_public_update_at": first_at,
        "time_to_first_update_seconds": int((first_at - incident.declared_at).total_seconds()) if first_at else None,
        "next_update_due_at": current.due_at if current else None,
        "state": "none" if current is None else ("overdue" if seconds is not None and seconds < 0 else "due"),
        "seconds_until_due": seconds,
        "met": sum(1 for i in rows if i.outcome == "met"),
        "missed": sum(1 for i in rows if i.outcome == "missed"),
        "intervals": rows,
    }
