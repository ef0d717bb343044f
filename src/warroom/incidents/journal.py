"""Append an event, then project it onto the rows: the one path by which an incident changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from warroom.context import Ctx
from warroom.db import NO_KEY_UPDATE
from warroom.incidents.models import Incident, RoleAssignment, Task, TimelineEvent, incident_services
from warroom.incidents.projection import COLUMNS, IncidentState, TaskState, apply_event
from warroom.jobs import service as jobs

TASK_FIELDS = ("title", "status", "assignee_id", "due_at", "created_at", "updated_at", "completed_at")


def lock(ctx: Ctx, incident: Incident) -> None:
    """Re-read the incident row under a write lock, so concurrent changes append and project one at a time.

    On PostgreSQL this is SELECT … FOR UPDATE; SQLite already serialises writers (BEGIN IMMEDIATE).
    """
    ctx.session.flush()
    ctx.session.refresh(incident, with_for_update=NO_KEY_UPDATE)


def load_state(ctx: Ctx, incident: Incident) -> IncidentState:
    """The projected state as the rows hold it now."""
    columns = {name: getattr(incident, name) for name in COLUMNS}
    columns["regions"] = tuple(columns["regions"] or ())
    columns["segments"] = tuple(columns["segments"] or ())
    state = replace(IncidentState(), **columns)
    holders: dict[str, tuple[int, ...]] = dict(state.roles)
    for assignment in current_assignments(ctx, incident.id):
        holders[assignment.role] = (*holders.get(assignment.role, ()), assignment.user_id)
    service_ids = ctx.session.scalars(
        select(incident_services.c.service_id).where(incident_services.c.incident_id == incident.id)
    )
    tasks = {
        task.id: TaskState(**{name: getattr(task, name) for name in TASK_FIELDS})
        for task in ctx.session.scalars(select(Task).where(Task.incident_id == incident.id))
    }
    return replace(state, roles=holders, services=tuple(sorted(int(s) for s in service_ids)), tasks=tasks)


def current_assignments(ctx: Ctx, incident_id: int) -> list[RoleAssignment]:
    query = (
        select(RoleAssignment)
        .where(RoleAssignment.incident_id == incident_id, RoleAssignment.ended_at.is_(None))
        .order_by(RoleAssignment.started_at, RoleAssignment.id)
    )
    return list(ctx.session.scalars(query))


def _write_roles(ctx: Ctx, incident: Incident, before: IncidentState, after: IncidentState, at: datetime) -> None:
    if before.roles == after.roles:
        return
    current = current_assignments(ctx, incident.id)
    for assignment in current:
        if assignment.user_id not in after.roles.get(assignment.role, ()):
            assignment.ended_at = at
    held = {(a.role, a.user_id) for a in current}
    for role, user_ids in after.roles.items():
        for user_id in user_ids:
            if (role, user_id) not in held:
                ctx.session.add(
                    RoleAssignment(incident_id=incident.id, role=role, user_id=user_id, started_at=at, ended_at=None)
                )


def _write_services(ctx: Ctx, incident: Incident, before: IncidentState, after: IncidentState) -> None:
    removed = set(before.services) - set(after.services)
    added = [sid for sid in after.services if sid not in before.services]
    if removed:
        ctx.session.execute(
            delete(incident_services).where(
                incident_services.c.incident_id == incident.id, incident_services.c.service_id.in_(removed)
            )
        )
    if added:
        ctx.session.execute(insert(incident_services), [{"incident_id": incident.id, "service_id": s} for s in added])


def _write_tasks(ctx: Ctx, before: IncidentState, after: IncidentState) -> None:
    for task_id, task_state in after.tasks.items():
        if before.tasks.get(task_id) == task_state:
            continue
        # The service inserts the row first (the event needs its id); here it takes the projected values.
        task = ctx.session.get(Task, task_id)
        assert task is not None, f"task {task_id} has an event but no row"
        for name in TASK_FIELDS:
            setattr(task, name, getattr(task_state, name))


def write_state(ctx: Ctx, incident: Incident, before: IncidentState, after: IncidentState, *, at: datetime) -> None:
    """Make the rows hold `after`, touching only what differs from `before`."""
    for name in COLUMNS:
        value = getattr(after, name)
        setattr(incident, name, list(value) if isinstance(value, tuple) else value)
    _write_roles(ctx, incident, before, after, at)
    _write_services(ctx, incident, before, after)
    _write_tasks(ctx, before, after)
    ctx.session.flush()


def record(
    ctx: Ctx,
    incident: Incident,
    kind: str,
    data: dict[str, Any],
    *,
    occurred_at: datetime | None = None,
    corrects_id: int | None = None,
    before: IncidentState | None = None,
) -> TimelineEvent:
    """Append one event, project it onto the incident's rows, and publish `incident.event`."""
    now = ctx.now()
    event = TimelineEvent(
        incident_id=incident.id,
        kind=kind,
        occurred_at=occurred_at or now,
        recorded_at=now,
        actor_id=ctx.actor.user_id,
        actor_name=ctx.actor.name[:200],
        source=ctx.source,
        data=data,
        corrects_id=corrects_id,
    )
    ctx.session.add(event)
    ctx.session.flush()
    state = before if before is not None else load_state(ctx, incident)
    write_state(ctx, incident, state, apply_event(state, event), at=event.occurred_at)
    jobs.publish(
        ctx,
        "incident.event",
        {"incident_id": incident.id, "event_id": event.id, "kind": kind},
        key=f"incident-event:{event.id}",
    )
    return event
