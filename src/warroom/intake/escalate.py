"""From alert groups to incidents: open or join an incident, summarise on the timeline, resolve groups.

Timeline events are per group transition, not per alert: a storm of alerts joining one group adds at most
one `intake.alerts_firing` event every EVENT_EVERY, and `intake.group_resolved` when the last one resolves.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.intake.models import Alert, AlertGroup
from warroom.intake.routing import most_severe

if TYPE_CHECKING:
    from warroom.intake.pipeline import GroupChange

EVENT_EVERY = timedelta(minutes=5)


def one_line(text: str, limit: int) -> str:
    """Printable single-line text (incident titles refuse control characters and newlines)."""
    cleaned = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    cleaned = " ".join(cleaned.split())
    return cleaned[:limit].strip() or "Alert"


def _titles(alerts: list[Alert]) -> str:
    names = [one_line(a.title, 80) for a in alerts[:3]]
    more = f" and {len(alerts) - 3} more" if len(alerts) > 3 else ""
    return "; ".join(names) + more


def open_incident_of(ctx: Ctx, group: AlertGroup) -> Incident | None:
    if group.incident_id is None:
        return None
    incident = ctx.session.get(Incident, group.incident_id)
    if incident is None or not incidents.is_open(incident):
        return None
    return incident


def apply_group_change(ctx: Ctx, service: Service, change: GroupChange, now: datetime) -> None:
    """Act on one group's fired and resolved alerts from one delivery."""
    group = change.group
    if change.fired:
        _fired(ctx, service, change, now)
    if change.resolved:
        _resolved(ctx, change, now)
    group.updated_at = now


def _fired(ctx: Ctx, service: Service, change: GroupChange, now: datetime) -> None:
    group = change.group
    transition = group.status != "firing"
    group.status = "firing"
    group.resolved_at = None
    routable = [a for a in change.fired if a.status == "firing" and a.suppressed_reason is None]
    if not routable:
        return
    incident = open_incident_of(ctx, group)
    declared = False
    if incident is None:
        decision = most_severe([d for a, d in zip(change.fired, change.decisions, strict=True) if a in routable])
        if decision is None or decision.incident_severity is None:
            return
        title = one_line(f"{service.name}: {group.title or routable[0].title}", 300)
        summary = one_line(f"Opened from {len(routable)} alert(s): {_titles(routable)}", 2000)
        incident = incidents.declare_incident(
            ctx, title=title, severity=decision.incident_severity, summary=summary, services=[service.id]
        )
        group.incident_id = incident.id
        group.opened_incident = True
        group.monitoring_on_resolve = decision.monitoring_on_resolve
        declared = True
    for alert in routable:
        alert.incident_id = incident.id
    due = group.last_event_at is None or now - group.last_event_at >= EVENT_EVERY
    if declared or transition or due:
        firing = _firing_count(ctx, group)
        incidents.record_event(
            ctx,
            incident,
            kind="intake.alerts_firing",
            data={
                "group_id": group.id,
                "service_id": service.id,
                "alert_ids": [a.id for a in routable[:20]],
                "firing": firing,
                "summary": f"{firing} alert(s) firing in group “{one_line(group.title, 120)}”: {_titles(routable)}",
            },
        )
        group.last_event_at = now


def _firing_count(ctx: Ctx, group: AlertGroup) -> int:
    query = select(func.count()).select_from(Alert).where(Alert.group_id == group.id, Alert.status == "firing")
    return int(ctx.session.scalar(query) or 0)


def _resolved(ctx: Ctx, change: GroupChange, now: datetime) -> None:
    group = change.group
    if group.status != "firing" or _firing_count(ctx, group) > 0:
        return
    group.status = "resolved"
    group.resolved_at = now
    incident = open_incident_of(ctx, group)
    if incident is None:
        return
    total = int(ctx.session.scalar(select(func.count()).select_from(Alert).where(Alert.group_id == group.id)) or 0)
    move = group.monitoring_on_resolve and incident.status in ("investigating", "identified")
    then = " Moving the incident to monitoring." if move else " The incident stays open until someone resolves it."
    incidents.record_event(
        ctx,
        incident,
        kind="intake.group_resolved",
        data={
            "group_id": group.id,
            "alerts": total,
            "summary": f"All {total} alert(s) of group “{one_line(group.title, 120)}” resolved.{then}",
        },
    )
    group.last_event_at = now
    if move:
        incidents.change_status(ctx, incident, status="monitoring", note="All alerts of the group resolved.")
