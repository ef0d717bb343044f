"""The war room's forms. Each posts to a small route, calls one service function and redirects back (PRG).

A refused change re-renders the page with the message beside the form that caused it. The refused
change is rolled back first: the unit of work would otherwise commit whatever the service flushed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from warroom.auth import service as auth_service
from warroom.context import Ctx
from warroom.errors import AppError
from warroom.incidents import service
from warroom.incidents.models import ROLES, SEVERITIES, TASK_STATUSES, Incident
from warroom.incidents.view_context import active_users, war_room
from warroom.incidents.view_forms import Form, FormReader, field_of, local_input_value
from warroom.lib.schema import MAX_ID
from warroom.web import UiResponder

router = APIRouter()
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID)]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
# The composer posts with this header from incidents.js and gets 204 or a JSON error instead of a page.
ASYNC_HEADER = "x-warroom-async"


def _tz(ctx: Ctx) -> str:
    return auth_service.get_user(ctx, ctx.actor.user_id).timezone if ctx.actor.user_id is not None else "UTC"


def _back(incident_id: int, anchor: str, query: str = "") -> Response:
    return RedirectResponse(f"/incidents/{incident_id}{query}#{anchor}", status_code=303)


def _refused(
    request: Request,
    ctx: Ctx,
    incident_id: int,
    errors: Mapping[str, str],
    values: Mapping[str, Any] | None = None,
    status_code: int = 422,
) -> Response:
    incident = service.get_incident(ctx, incident_id)
    return war_room(request, ctx, incident, errors=errors, values=values, status_code=status_code)


def _apply(
    request: Request,
    ctx: Ctx,
    incident_id: int,
    reader: FormReader,
    change: Callable[[Incident], object],
    *,
    anchor: str,
    default_key: str,
    names: tuple[str, ...] = (),
    values: Mapping[str, Any] | None = None,
) -> Response:
    """Validate, make one change, redirect back; or show what to fix next to the form."""
    incident = service.get_incident(ctx, incident_id)
    if reader.errors:
        return _refused(request, ctx, incident_id, reader.errors, values)
    try:
        change(incident)
    except AppError as exc:
        ctx.session.rollback()
        key = field_of(exc, prefix=reader.prefix, names=names, default=default_key)
        message = exc.message
        allowed = exc.detail.get("allowed") if isinstance(exc.detail, dict) else None
        if isinstance(allowed, list) and "allowed" not in message.lower():
            message += f" Allowed from here: {', '.join(allowed) or 'none (closed is final)'}."
        return _refused(request, ctx, incident_id, {key: message}, values, exc.status_code)
    return _back(incident_id, anchor)


@router.post("/incidents/{incident_id}/acknowledge")
def acknowledge(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    reader = FormReader(form, prefix="ack-")
    return _apply(
        request, ctx, incident_id, reader, lambda i: service.acknowledge(ctx, i), anchor="top", default_key="ack"
    )


@router.post("/incidents/{incident_id}/status")
def change_status(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    reader = FormReader(form, prefix="status-")
    status = reader.raw("status")
    note = reader.text("note", label="Note", max_length=20_000)
    if not status:
        reader.errors["status-status"] = "Pick the new status."

    def change(incident: Incident) -> object:
        return service.change_status(ctx, incident, status=status, note=note or None)

    values = {"status-note": note}
    return _apply(
        request,
        ctx,
        incident_id,
        reader,
        change,
        anchor="top",
        default_key="status-status",
        names=("status",),
        values=values,
    )


@router.post("/incidents/{incident_id}/severity")
def change_severity(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    reader = FormReader(form, prefix="severity-")
    severity = reader.choice("severity", SEVERITIES, label="Severity")
    reason = reader.text("reason", label="Reason", max_length=2000)

    def change(incident: Incident) -> object:
        return service.change_severity(ctx, incident, severity=severity, reason=reason or None)

    values = {"severity-reason": reason}
    return _apply(
        request, ctx, incident_id, reader, change, anchor="severity", default_key="severity-severity", values=values
    )


@router.post("/incidents/{incident_id}/roles")
def assign_role(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    """Assign a role (a handover if someone holds it). For Technical Lead this adds a holder."""
    reader = FormReader(form)
    role = reader.choice("role", ROLES, label="Role")
    key = f"role-{role}" if role in ROLES else "roles"
    if "role" in reader.errors:
        reader.errors = {"roles": reader.errors["role"]}
    user_ids = [user.id for user in active_users(ctx)]
    user_id = reader.optional_user_id("user_id", label=ROLES.get(role, "Role"), user_ids=user_ids)
    if "user_id" in reader.errors:
        reader.errors = {key: reader.errors["user_id"]}
    elif role in ROLES and user_id is None:
        # The form never clears a role by accident; holders are removed with their own Remove button.
        reader.errors = {key: f"Pick someone to make {ROLES[role]}."}

    def change(incident: Incident) -> object:
        service.assign_role(ctx, incident, role=role, user_id=user_id)
        return None

    return _apply(request, ctx, incident_id, reader, change, anchor="roles", default_key=key)


@router.post("/incidents/{incident_id}/roles/remove")
def remove_role_holder(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    reader = FormReader(form)
    role = reader.choice("role", ROLES, label="Role")
    raw_user = reader.raw("user_id")
    user_id = int(raw_user) if raw_user.isdigit() and int(raw_user) <= MAX_ID else 0
    key = f"role-{role}" if role in ROLES else "roles"
    if "role" in reader.errors or not user_id:
        reader.errors = {key: reader.errors.get("role", "Say whom to remove from the role.")}

    def change(incident: Incident) -> object:
        service.remove_role_holder(ctx, incident, role=role, user_id=user_id)
        return None

    return _apply(request, ctx, incident_id, reader, change, anchor="roles", default_key=key)


@router.post("/incidents/{incident_id}/notes")
def add_note(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    """Post a note to the timeline, optionally backdated ("happened at")."""
    reader = FormReader(form, tz=_tz(ctx), prefix="note-")
    body = reader.text("body", label="Note", max_length=20_000, required=True)
    occurred_at = reader.local_datetime("occurred_at", label="Happened at")
    values = {"note-body": body, "note-occurred_at": reader.raw("occurred_at"), "focus_composer": True}
    if request.headers.get(ASYNC_HEADER) != "1":

        def change(incident: Incident) -> object:
            return service.add_note(ctx, incident, body=body, occurred_at=occurred_at)

        response = _apply(
            request,
            ctx,
            incident_id,
            reader,
            change,
            anchor="composer",
            default_key="note-body",
            names=("body", "occurred_at"),
            values=values,
        )
        if isinstance(response, RedirectResponse):
            return _back(incident_id, "composer", "?composer=1")
        return response
    # From incidents.js: the page stays put, so answer with a status and (on refusal) a JSON error.
    incident = service.get_incident(ctx, incident_id)
    if reader.errors:
        field, message = next(iter(reader.errors.items()))
        return JSONResponse({"error": message, "detail": {"field": field}}, status_code=422)
    try:
        event = service.add_note(ctx, incident, body=body, occurred_at=occurred_at)
    except AppError as exc:
        ctx.session.rollback()
        field = field_of(exc, prefix="note-", names=("body", "occurred_at"), default="note-body")
        return JSONResponse({"error": exc.message, "detail": {"field": field}}, status_code=exc.status_code)
    return JSONResponse({"id": event.id}, status_code=201)


@router.post("/incidents/{incident_id}/timeline/{event_id}/correct")
def correct_entry(
    request: Request, ctx: UiResponder, incident_id: IncidentId, event_id: ItemId, form: Form
) -> Response:
    """Correct a timeline entry: a new entry that points at the old one (the log is never edited)."""
    service.get_event(ctx, service.get_incident(ctx, incident_id), event_id)  # a bad link is a plain 404
    reader = FormReader(form, prefix=f"correct-{event_id}-")
    body = reader.text("body", label="Correction", max_length=20_000, required=True)

    def change(incident: Incident) -> object:
        return service.correct_event(ctx, incident, event_id=event_id, body=body)

    key = f"correct-{event_id}-body"
    return _apply(
        request, ctx, incident_id, reader, change, anchor=f"event-{event_id}", default_key=key, values={key: body}
    )


@router.post("/incidents/{incident_id}/impact")
def update_impact(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    reader = FormReader(form, prefix="impact-")
    changes: dict[str, Any] = {
        "impact": reader.text("impact", label="Impact", max_length=20_000),
        "customers_affected": reader.optional_int("customers_affected", label="Customers affected"),
        "regions": reader.list_items("regions", label="Regions"),
        "segments": reader.list_items("segments", label="Segments"),
    }
    values = {f"impact-{name}": reader.raw(name) for name in changes} | {"open": "impact"}
    return _apply(
        request,
        ctx,
        incident_id,
        reader,
        lambda incident: service.update_incident(ctx, incident, **changes),
        anchor="impact",
        default_key="impact-impact",
        names=tuple(changes),
        values=values,
    )


@router.post("/incidents/{incident_id}/details")
def update_details(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    reader = FormReader(form, prefix="details-")
    changes: dict[str, Any] = {
        "title": reader.text("title", label="Title", max_length=300, required=True),
        "summary": reader.text("summary", label="Summary", max_length=20_000),
        "private": reader.flag("private"),
        "exercise": reader.flag("exercise"),
    }
    values = {f"details-{name}": reader.raw(name) for name in ("title", "summary")} | {"open": "details"}
    return _apply(
        request,
        ctx,
        incident_id,
        reader,
        lambda incident: service.update_incident(ctx, incident, **changes),
        anchor="details",
        default_key="details-title",
        names=tuple(changes),
        values=values,
    )


@router.post("/incidents/{incident_id}/instants")
def update_instants(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    """Set detected / impact started / mitigated. Only fields whose minute changed are sent, so an
    untouched field never overwrites a value that has seconds."""
    tz = _tz(ctx)
    reader = FormReader(form, tz=tz, prefix="instant-")
    incident = service.get_incident(ctx, incident_id)
    changes: dict[str, Any] = {}
    labels = {"detected_at": "Detected", "impact_started_at": "Impact started", "mitigated_at": "Mitigated"}
    for name, label in labels.items():
        if reader.raw(name) == local_input_value(getattr(incident, name), tz):
            continue
        changes[name] = reader.local_datetime(name, label=label)
        if changes[name] is None and name == "detected_at" and f"instant-{name}" not in reader.errors:
            reader.errors["instant-detected_at"] = "Detected is required; every incident has a detection time."
    values = {f"instant-{name}": reader.raw(name) for name in labels} | {"open": "instants"}
    return _apply(
        request,
        ctx,
        incident_id,
        reader,
        lambda i: service.update_incident(ctx, i, **changes) if changes else i,
        anchor="instants",
        default_key="instant-detected_at",
        names=tuple(labels),
        values=values,
    )


@router.post("/incidents/{incident_id}/services")
def set_services(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    reader = FormReader(form, prefix="services-")
    chosen = reader.ints("services", label="Services")
    return _apply(
        request,
        ctx,
        incident_id,
        reader,
        lambda incident: service.set_services(ctx, incident, services=chosen),
        anchor="services",
        default_key="services-services",
        values={"open": "services"},
    )


@router.post("/incidents/{incident_id}/tasks")
def add_task(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    reader = FormReader(form, tz=_tz(ctx), prefix="task-")
    user_ids = [user.id for user in active_users(ctx)]
    title = reader.text("title", label="Task", max_length=300, required=True)
    assignee_id = reader.optional_user_id("assignee_id", label="Assignee", user_ids=user_ids)
    due_at = reader.local_datetime("due_at", label="Due")
    values = {f"task-{name}": reader.raw(name) for name in ("title", "assignee_id", "due_at")}
    return _apply(
        request,
        ctx,
        incident_id,
        reader,
        lambda i: service.add_task(ctx, i, title=title, assignee_id=assignee_id, due_at=due_at),
        anchor="tasks",
        default_key="task-title",
        names=("title", "assignee_id", "due_at"),
        values=values,
    )


@router.post("/incidents/{incident_id}/tasks/{task_id}")
def update_task(request: Request, ctx: UiResponder, incident_id: IncidentId, task_id: ItemId, form: Form) -> Response:
    """Change a task's status, assignee or due time; unchanged fields are left alone."""
    tz = _tz(ctx)
    prefix = f"task-{task_id}-"
    reader = FormReader(form, tz=tz, prefix=prefix)
    incident = service.get_incident(ctx, incident_id)
    task = next((t for t in service.list_tasks(ctx, incident) if t.id == task_id), None)
    if task is None:
        return _refused(
            request, ctx, incident_id, {"tasks": f"Task {task_id} is not part of this incident."}, None, 404
        )
    changes: dict[str, Any] = {}
    status = reader.choice("status", TASK_STATUSES, label="Status")
    if status != task.status:
        changes["status"] = status
    user_ids = [user.id for user in active_users(ctx)]
    assignee_id = reader.optional_user_id("assignee_id", label="Assignee", user_ids=user_ids)
    if assignee_id != task.assignee_id and prefix + "assignee_id" not in reader.errors:
        changes["assignee_id"] = assignee_id
    if reader.raw("due_at") != local_input_value(task.due_at, tz):
        changes["due_at"] = reader.local_datetime("due_at", label="Due")
    return _apply(
        request,
        ctx,
        incident_id,
        reader,
        lambda i: service.update_task(ctx, i, task_id, **changes) if changes else None,
        anchor=f"task-{task_id}",
        default_key=prefix + "status",
        names=("status", "assignee_id", "due_at", "title"),
    )
