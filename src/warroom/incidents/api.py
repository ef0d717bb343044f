"""/api/v1/incidents: thin JSON routes over the incidents service. Viewers read; responders and up change."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from warroom.catalog import service as catalog
from warroom.context import Ctx
from warroom.errors import Invalid
from warroom.incidents import present, service
from warroom.incidents.checks import has_control_chars
from warroom.incidents.models import Incident
from warroom.incidents.schemas import (
    BlastRadiusOut,
    CorrectionCreate,
    EventList,
    EventOut,
    IncidentCreate,
    IncidentList,
    IncidentOut,
    IncidentPatch,
    NoteCreate,
    Role,
    RoleAssign,
    RoleHistory,
    ServicesPut,
    Severity,
    SeverityChange,
    Status,
    StatusChange,
    TaskCreate,
    TaskList,
    TaskOut,
    TaskPatch,
)
from warroom.lib.pagination import MAX_LIMIT
from warroom.lib.schema import MAX_ID
from warroom.web import ApiResponder, ApiViewer

router = APIRouter(prefix="/incidents", tags=["incidents"])

IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="incident id")]
EventId = Annotated[int, Path(ge=1, le=MAX_ID)]
TaskId = Annotated[int, Path(ge=1, le=MAX_ID)]
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _load(ctx: Ctx, incident_id: int) -> Incident:
    return service.get_incident(ctx, incident_id)


@router.post("", response_model=IncidentOut, status_code=201)
def declare(body: IncidentCreate, ctx: ApiResponder) -> IncidentOut:
    """Declare an incident. It starts in `investigating`; `services` take ids or names."""
    incident = service.declare_incident(ctx, **body.model_dump())
    return present.incident_out(ctx, incident)


@router.get("", response_model=IncidentList)
def list_incidents(
    ctx: ApiViewer,
    status: Annotated[list[Status] | None, Query(description="repeat for several")] = None,
    severity: Annotated[list[Severity] | None, Query(description="repeat for several")] = None,
    service_ref: Annotated[str | None, Query(alias="service", max_length=200, description="id or name")] = None,
    declared_from: Annotated[datetime | None, Query(description="inclusive; ISO 8601, UTC without a zone")] = None,
    declared_to: Annotated[datetime | None, Query(description="inclusive; ISO 8601, UTC without a zone")] = None,
    q: Annotated[str | None, Query(max_length=200, description="text in title or summary, or an id")] = None,
    exercise: Annotated[bool | None, Query(description="true: only exercises; false: none; absent: all")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> IncidentList:
    """Incidents you may see, newest first."""
    if service_ref is not None and has_control_chars(service_ref, allow_newlines=False):
        raise Invalid("the service filter must be a service id or name in printable text", {"field": "service"})
    service_id = catalog.resolve_services(ctx, [service_ref])[0].id if service_ref else None
    incidents, total = service.list_incidents(
        ctx,
        statuses=status,
        severities=severity,
        service_id=service_id,
        declared_from=declared_from,
        declared_to=declared_to,
        query=q,
        include_exercises=exercise is not False,
        only_exercises=exercise is True,
        limit=limit,
        offset=offset,
    )
    items = [present.incident_out(ctx, incident) for incident in incidents]
    return IncidentList(items=items, total=total, limit=limit, offset=offset)


@router.get("/{incident_id}", response_model=IncidentOut)
def show(incident_id: IncidentId, ctx: ApiViewer) -> IncidentOut:
    return present.incident_out(ctx, _load(ctx, incident_id))


@router.patch("/{incident_id}", response_model=IncidentOut)
def update(incident_id: IncidentId, body: IncidentPatch, ctx: ApiResponder) -> IncidentOut:
    """Change title, summary, flags, impact or key instants; only the fields sent change."""
    incident = service.update_incident(ctx, _load(ctx, incident_id), **body.changes())
    return present.incident_out(ctx, incident)


@router.post("/{incident_id}/status", response_model=IncidentOut)
def change_status(incident_id: IncidentId, body: StatusChange, ctx: ApiResponder) -> IncidentOut:
    """Move along the lifecycle: forward (skips allowed), back to investigating from monitoring or resolved
    (a reopen), closed only from resolved. Anything else, the current status included, is a 409 whose detail
    is `{"current", "requested", "allowed"}`."""
    incident = service.change_status(ctx, _load(ctx, incident_id), status=body.status, note=body.note)
    return present.incident_out(ctx, incident)


@router.post("/{incident_id}/severity", response_model=IncidentOut)
def change_severity(incident_id: IncidentId, body: SeverityChange, ctx: ApiResponder) -> IncidentOut:
    incident = service.change_severity(ctx, _load(ctx, incident_id), severity=body.severity, reason=body.reason)
    return present.incident_out(ctx, incident)


@router.post("/{incident_id}/acknowledge", response_model=IncidentOut)
def acknowledge(incident_id: IncidentId, ctx: ApiResponder) -> IncidentOut:
    """Acknowledge once; repeating it is harmless and records nothing new."""
    incident = _load(ctx, incident_id)
    service.acknowledge(ctx, incident)
    return present.incident_out(ctx, incident)


@router.put("/{incident_id}/services", response_model=IncidentOut)
def set_services(incident_id: IncidentId, body: ServicesPut, ctx: ApiResponder) -> IncidentOut:
    incident = service.set_services(ctx, _load(ctx, incident_id), services=body.services)
    return present.incident_out(ctx, incident)


@router.post("/{incident_id}/roles", response_model=IncidentOut)
def assign_role(incident_id: IncidentId, body: RoleAssign, ctx: ApiResponder) -> IncidentOut:
    """Give a role to a user (a handover when someone held it); `user_id: null` clears it."""
    incident = _load(ctx, incident_id)
    service.assign_role(ctx, incident, role=body.role, user_id=body.user_id)
    return present.incident_out(ctx, incident)


@router.delete("/{incident_id}/roles/{role}/{user_id}", response_model=IncidentOut)
def remove_role_holder(incident_id: IncidentId, role: Role, user_id: UserId, ctx: ApiResponder) -> IncidentOut:
    incident = _load(ctx, incident_id)
    service.remove_role_holder(ctx, incident, role=role, user_id=user_id)
    return present.incident_out(ctx, incident)


@router.get("/{incident_id}/roles/history", response_model=RoleHistory)
def role_history(incident_id: IncidentId, ctx: ApiViewer) -> RoleHistory:
    """Every role assignment, ended ones included: who held what, from when to when."""
    assignments = service.role_history(ctx, _load(ctx, incident_id))
    items = [present.assignment_out(ctx, a) for a in assignments]
    return RoleHistory(items=items, total=len(items))


@router.get("/{incident_id}/timeline", response_model=EventList)
def timeline(
    incident_id: IncidentId,
    ctx: ApiViewer,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID, description="only events with a larger id (polling)")] = None,
) -> EventList:
    """The append-only timeline, ordered by when things happened."""
    events = service.timeline(ctx, _load(ctx, incident_id), after_id=after)
    return EventList(items=[present.event_out(e) for e in events], total=len(events))


@router.post("/{incident_id}/notes", response_model=EventOut, status_code=201)
def add_note(incident_id: IncidentId, body: NoteCreate, ctx: ApiResponder) -> EventOut:
    """Add a note; `occurred_at` backdates it (not into the future)."""
    event = service.add_note(ctx, _load(ctx, incident_id), body=body.body, occurred_at=body.occurred_at)
    return present.event_out(event)


@router.post("/{incident_id}/timeline/{event_id}/corrections", response_model=EventOut, status_code=201)
def correct_event(incident_id: IncidentId, event_id: EventId, body: CorrectionCreate, ctx: ApiResponder) -> EventOut:
    """Correct an entry. Events are never edited or deleted: the correction is a new event pointing at the old."""
    event = service.correct_event(ctx, _load(ctx, incident_id), event_id=event_id, body=body.body)
    return present.event_out(event)


@router.get("/{incident_id}/tasks", response_model=TaskList)
def list_tasks(incident_id: IncidentId, ctx: ApiViewer) -> TaskList:
    tasks = service.list_tasks(ctx, _load(ctx, incident_id))
    return TaskList(items=[present.task_out(ctx, t) for t in tasks], total=len(tasks))


@router.post("/{incident_id}/tasks", response_model=TaskOut, status_code=201)
def add_task(incident_id: IncidentId, body: TaskCreate, ctx: ApiResponder) -> TaskOut:
    incident = _load(ctx, incident_id)
    task = service.add_task(ctx, incident, title=body.title, assignee_id=body.assignee_id, due_at=body.due_at)
    return present.task_out(ctx, task)


@router.patch("/{incident_id}/tasks/{task_id}", response_model=TaskOut)
def update_task(incident_id: IncidentId, task_id: TaskId, body: TaskPatch, ctx: ApiResponder) -> TaskOut:
    """Change a task's title, status, assignee or due time; only the fields sent change."""
    task = service.update_task(ctx, _load(ctx, incident_id), task_id, **body.changes())
    return present.task_out(ctx, task)


@router.get("/{incident_id}/blast-radius", response_model=BlastRadiusOut)
def blast_radius(incident_id: IncidentId, ctx: ApiViewer) -> BlastRadiusOut:
    """Services that depend on the affected ones (with hops) and the business functions they reach."""
    return present.blast_radius_out(ctx, _load(ctx, incident_id))
