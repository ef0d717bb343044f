"""Finding incidents, and who may see the private ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select

from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.incidents.checks import as_utc, has_control_chars
from warroom.incidents.models import (
    SEVERITIES,
    STATUSES,
    Incident,
    RoleAssignment,
    Task,
    incident_services,
)
from warroom.lib.pagination import MAX_LIMIT, PageRequest, paginate
from warroom.lib.schema import MAX_ID

PRIVILEGED_ROLES = ("admin", "owner")
MAX_QUERY = 200
MAX_OFFSET = 1_000_000


def sees_everything(ctx: Ctx) -> bool:
    """Admins, owners and the system (CLI without --as, jobs) see private incidents too."""
    return ctx.actor.user_id is None or ctx.actor.role in PRIVILEGED_ROLES


def _visible_clause(ctx: Ctx) -> ColumnElement[bool] | None:
    """A WHERE condition for incidents the actor may see; None means no restriction."""
    if sees_everything(ctx):
        return None
    user_id = ctx.actor.user_id
    # Current and past role holders, task assignees and the declarer are in the room.
    involved = or_(
        Incident.declared_by_id == user_id,
        Incident.id.in_(select(RoleAssignment.incident_id).where(RoleAssignment.user_id == user_id)),
        Incident.id.in_(select(Task.incident_id).where(Task.assignee_id == user_id)),
    )
    return or_(Incident.is_private == false(), involved)


def can_see(ctx: Ctx, incident: Incident) -> bool:
    """Whether the actor may see this incident (private ones only when involved or an admin)."""
    clause = _visible_clause(ctx)
    if clause is None or not incident.is_private:
        return True
    found = ctx.session.scalar(select(Incident.id).where(Incident.id == incident.id, clause))
    return found is not None


def get_incident(ctx: Ctx, incident_id: int) -> Incident:
    """The incident with this id; NotFound if it does not exist or the actor may not see it."""
    incident = ctx.session.get(Incident, incident_id) if 1 <= incident_id <= MAX_ID else None
    # A private incident answers exactly like a missing one, so its existence does not leak.
    if incident is None or not can_see(ctx, incident):
        raise NotFound(f"incident {incident_id} does not exist (or is private); check the id in the incident list")
    return incident


def _check_choices(values: Sequence[str] | None, allowed: Sequence[str], field: str) -> list[str] | None:
    if values is None:
        return None
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise Invalid(
            f"unknown {field}: {', '.join(map(str, unknown))}; use {', '.join(allowed)}",
            {"field": field, "allowed": list(allowed)},
        )
    return list(values)


def _search_clause(query: str) -> ColumnElement[bool]:
    text = query.strip()
    if len(text) > MAX_QUERY or has_control_chars(text, allow_newlines=False):
        raise Invalid(f"the search text must be printable and at most {MAX_QUERY} characters", {"field": "q"})
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    clauses: list[ColumnElement[bool]] = [
        func.lower(Incident.title).like(pattern, escape="\\"),
        func.lower(Incident.summary).like(pattern, escape="\\"),
    ]
    number = text.removeprefix("#")
    if number.isdigit() and int(number) <= MAX_ID:
        clauses.append(Incident.id == int(number))
    return or_(*clauses)


def list_incidents(
    ctx: Ctx,
    *,
    statuses: Sequence[str] | None = None,
    severities: Sequence[str] | None = None,
    service_id: int | None = None,
    declared_from: datetime | None = None,
    declared_to: datetime | None = None,
    query: str | None = None,
    include_exercises: bool = True,
    only_exercises: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Incident], int]:
    """Incidents the actor may see, newest first, with the total for pagination. Date bounds are inclusive."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}", {"field": "limit"})
    if not 0 <= offset <= MAX_OFFSET:
        raise Invalid(f"offset must be between 0 and {MAX_OFFSET}", {"field": "offset"})
    stmt = select(Incident)
    conditions: list[Any] = []
    visible = _visible_clause(ctx)
    if visible is not None:
        conditions.append(visible)
    wanted_statuses = _check_choices(statuses, STATUSES, "status")
    if wanted_statuses is not None:
        conditions.append(Incident.status.in_(wanted_statuses))
    wanted_severities = _check_choices(severities, list(SEVERITIES), "severity")
    if wanted_severities is not None:
        conditions.append(Incident.severity.in_(wanted_severities))
    if service_id is not None:
        linked = select(incident_services.c.incident_id).where(incident_services.c.service_id == service_id)
        conditions.append(Incident.id.in_(linked))
    if declared_from is not None:
        conditions.append(Incident.declared_at >= as_utc(declared_from, field="declared_from"))
    if declared_to is not None:
        conditions.append(Incident.declared_at <= as_utc(declared_to, field="declared_to"))
    if query:
        conditions.append(_search_clause(query))
    if only_exercises:
        conditions.append(Incident.is_exercise.is_(True))
    elif not include_exercises:
        conditions.append(Incident.is_exercise.is_(False))
    stmt = stmt.where(*conditions).order_by(Incident.declared_at.desc(), Incident.id.desc())
    return paginate(ctx.session, stmt, PageRequest(limit=limit, offset=offset))
