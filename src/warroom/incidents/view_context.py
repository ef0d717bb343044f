"""What the incident pages show, gathered from the service layer. Views render it; templates format it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from warroom.auth import service as auth_service
from warroom.auth.models import User
from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.incidents import service
from warroom.incidents.describe import describe_event
from warroom.incidents.models import (
    MULTI_HOLDER_ROLES,
    ROLES,
    SEVERITIES,
    STATUSES,
    TASK_STATUSES,
    Incident,
    TimelineEvent,
)
from warroom.incidents.panels import build_panels
from warroom.incidents.view_forms import local_input_value
from warroom.web import render

# A note is "backdated" when it says it happened earlier than Warroom recorded it; allow for clock jitter.
BACKDATE_THRESHOLD = timedelta(seconds=1)
OPEN_STATUSES = ("investigating", "identified", "monitoring")
STATUS_HELP = {
    "investigating": "Looking for the cause",
    "identified": "Cause known, working on a fix",
    "monitoring": "Fix applied, watching",
    "resolved": "Impact is over",
    "closed": "Review done; status is final",
}
SOURCE_LABELS = {
    "ui": "web",
    "api": "API",
    "cli": "CLI",
    "system": "system",
    "integration": "integration",
    "ack-link": "acknowledge link",
}


def severity_label(severity: str) -> str:
    """The one-word meaning of a severity, e.g. "Critical" for SEV1."""
    return SEVERITIES.get(severity, "").split(":", 1)[0] or severity


def duration_text(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} d {seconds % 86400 // 3600} h"


def elapsed(incident: Incident, now: datetime) -> str:
    """Time since detection while open ("12 min since detection"), or how long it lasted once resolved."""
    if incident.resolved_at is not None:
        return f"lasted {duration_text(incident.resolved_at - incident.detected_at)}"
    return f"{duration_text(now - incident.detected_at)} since detection"


def instant_text(instant: datetime | None, tz: str = "UTC", *, seconds: bool = False, local: bool = False) -> str:
    """An absolute time with its zone. `local`: the second rendering beside UTC, dated only if the day differs."""
    if instant is None:
        return "—"
    shown = instant.astimezone(ZoneInfo(tz))
    clock = "%H:%M:%S %Z" if seconds else "%H:%M %Z"
    if local and shown.date() == instant.astimezone(UTC).date():
        return shown.strftime(clock)
    return shown.strftime("%Y-%m-%d " + clock)


def can_edit(ctx: Ctx) -> bool:
    return auth_service.role_rank(ctx.actor.role) >= auth_service.role_rank("responder")


def active_users(ctx: Ctx) -> list[User]:
    return [user for user in auth_service.list_users(ctx) if user.is_active]


def catalog_services(ctx: Ctx) -> list[Service]:
    """Every service in the catalog, for pickers (most critical tier first)."""
    return list(ctx.session.scalars(select(Service).order_by(Service.tier, Service.name)))


def user_names(ctx: Ctx) -> dict[int, str]:
    return {user.id: user.name for user in auth_service.list_users(ctx)}


@dataclass(frozen=True)
class IncidentRow:
    incident: Incident
    commanders: list[User]
    services: list[Service]
    elapsed: str


def incident_rows(ctx: Ctx, incidents: list[Incident]) -> list[IncidentRow]:
    now = ctx.now()
    rows = []
    for incident in incidents:
        roles = service.current_roles(ctx, incident)
        rows.append(
            IncidentRow(
                incident=incident,
                commanders=roles.get("incident_commander", []),
                services=service.incident_services(ctx, incident),
                elapsed=elapsed(incident, now),
            )
        )
    return rows


def is_backdated(event: TimelineEvent) -> bool:
    return event.recorded_at - event.occurred_at >= BACKDATE_THRESHOLD


def corrections_of(events: list[TimelineEvent]) -> dict[int, list[int]]:
    """original event id → ids of the events that correct it."""
    found: dict[int, list[int]] = {}
    for event in events:
        if event.corrects_id is not None:
            found.setdefault(event.corrects_id, []).append(event.id)
    return found


def timeline_helpers(ctx: Ctx) -> dict[str, Any]:
    """What the timeline entry template needs, shared by the page and the live fragment."""
    return {
        "describe": describe_event,
        "is_backdated": is_backdated,
        "fmt": instant_text,
        "source_labels": SOURCE_LABELS,
        "can_edit": can_edit(ctx),
    }


def war_room(
    request: Request,
    ctx: Ctx,
    incident: Incident,
    *,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render the incident page; after a failed form post, with the error beside its field and input kept."""
    user = auth_service.get_user(ctx, ctx.actor.user_id) if ctx.actor.user_id is not None else None
    tz = user.timezone if user else "UTC"
    events = service.timeline(ctx, incident)
    roles = service.current_roles(ctx, incident)
    users = active_users(ctx)
    editing = can_edit(ctx)
    acknowledged_by = (
        auth_service.get_user(ctx, incident.acknowledged_by_id) if incident.acknowledged_by_id is not None else None
    )
    instants = [
        ("Detected", incident.detected_at),
        ("Impact started", incident.impact_started_at),
        ("Declared", incident.declared_at),
        ("Acknowledged", incident.acknowledged_at),
        ("Mitigated", incident.mitigated_at),
        ("Resolved", incident.resolved_at),
        ("Closed", incident.closed_at),
    ]
    return render(
        request,
        "incidents/show.html",
        status_code=status_code,
        incident=incident,
        panels=build_panels(ctx, incident),
        events=events,
        corrected_by=corrections_of(events),
        last_event_id=max((event.id for event in events), default=0),
        roles=roles,
        role_labels=ROLES,
        multi_roles=MULTI_HOLDER_ROLES,
        unfilled=service.unfilled_roles(ctx, incident),
        needs_commander=service.needs_commander(ctx, incident),
        transitions=service.allowed_transitions(incident.status) if editing else [],
        tasks=service.list_tasks(ctx, incident),
        task_statuses=TASK_STATUSES,
        services=service.incident_services(ctx, incident),
        blast=service.blast_radius(ctx, incident),
        all_services=catalog_services(ctx) if editing else [],
        users=users,
        names=user_names(ctx),
        acknowledged_by=acknowledged_by,
        severities=SEVERITIES,
        severity_label=severity_label,
        status_help=STATUS_HELP,
        elapsed=elapsed(incident, ctx.now()),
        instants=instants,
        local_value=lambda instant: local_input_value(instant, tz),
        errors=dict(errors or {}),
        values=dict(values or {}),
        **timeline_helpers(ctx),
    )


def list_context() -> dict[str, Any]:
    return {
        "statuses": STATUSES,
        "open_statuses": OPEN_STATUSES,
        "severities": SEVERITIES,
        "severity_label": severity_label,
        "status_help": STATUS_HELP,
        "fmt": instant_text,
    }
