"""Tasks inside an incident: who does what by when. Every change is a timeline event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.incidents import journal
from warroom.incidents.checks import MAX_TITLE, UNSET, Maybe, active_user, as_utc, clean_text, iso
from warroom.incidents.models import TASK_STATUSES, Incident, Task
from warroom.incidents.projection import TASK_ADDED, TASK_UPDATED
from warroom.lib.schema import MAX_ID


def _title(value: str) -> str:
    title = clean_text(value, field="title", label="the task title", max_length=MAX_TITLE, required=True)
    if "\n" in title:
        raise Invalid("the task title must be one line", {"field": "title"})
    return title


def _assignee(ctx: Ctx, assignee_id: int | None) -> tuple[int | None, str | None]:
    if assignee_id is None:
        return None, None
    user = active_user(ctx, assignee_id, field="assignee_id")
    return user.id, user.name


def add_task(
    ctx: Ctx, incident: Incident, *, title: str, assignee_id: int | None = None, due_at: datetime | None = None
) -> Task:
    """Add an open task, optionally assigned and with a due time."""
    clean = _title(title)
    assignee, assignee_name = _assignee(ctx, assignee_id)
    due = as_utc(due_at, field="due_at") if due_at is not None else None
    journal.lock(ctx, incident)
    now = ctx.now()
    # The row comes first so the event can name its id; the event's projection then sets its fields.
    task = Task(
        incident_id=incident.id,
        title=clean,
        assignee_id=assignee,
        status="open",
        due_at=due,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(task)
    ctx.session.flush()
    data = {
        "task_id": task.id,
        "title": clean,
        "assignee_id": assignee,
        "assignee_name": assignee_name,
        "due_at": iso(due),
    }
    journal.record(ctx, incident, TASK_ADDED, data)
    return task


def get_task(ctx: Ctx, incident: Incident, task_id: int) -> Task:
    task = ctx.session.get(Task, task_id) if 1 <= task_id <= MAX_ID else None
    if task is None or task.incident_id != incident.id:
        raise NotFound(f"task {task_id} does not belong to incident {incident.id}")
    return task


def update_task(
    ctx: Ctx,
    incident: Incident,
    task_id: int,
    *,
    title: Maybe[str] = UNSET,
    status: Maybe[str] = UNSET,
    assignee_id: Maybe[int | None] = UNSET,
    due_at: Maybe[datetime | None] = UNSET,
) -> Task:
    """Change only the given fields of a task; no event when nothing changes."""
    journal.lock(ctx, incident)
    task = get_task(ctx, incident, task_id)
    changes: dict[str, Any] = {}
    if title is not UNSET:
        new_title = _title(title)
        if new_title != task.title:
            changes["title"] = {"from": task.title, "to": new_title}
    if status is not UNSET:
        if status not in TASK_STATUSES:
            raise Invalid(
                f"unknown task status {status!r}; use one of {', '.join(TASK_STATUSES)}",
                {"field": "status", "allowed": list(TASK_STATUSES)},
            )
        if status != task.status:
            changes["status"] = {"from": task.status, "to": status}
    if assignee_id is not UNSET:
        assignee, name = _assignee(ctx, assignee_id)
        if assignee != task.assignee_id:
            changes["assignee_id"] = {"from": task.assignee_id, "to": assignee, "to_name": name}
    if due_at is not UNSET:
        due = as_utc(due_at, field="due_at") if due_at is not None else None
        if due != task.due_at:
            changes["due_at"] = {"from": iso(task.due_at), "to": iso(due)}
    if changes:
        journal.record(ctx, incident, TASK_UPDATED, {"task_id": task.id, "title": task.title, "changes": changes})
    return task


def list_tasks(ctx: Ctx, incident: Incident) -> list[Task]:
    """The incident's tasks in the order they were added."""
    return list(ctx.session.scalars(select(Task).where(Task.incident_id == incident.id).order_by(Task.id)))
