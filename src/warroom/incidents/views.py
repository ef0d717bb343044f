"""Incident pages: the list, the declare form, the war room and its live timeline fragment."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.auth import service as auth_service
from warroom.context import Ctx
from warroom.errors import AppError
from warroom.incidents import service
from warroom.incidents.models import SEVERITIES, STATUSES
from warroom.incidents.view_actions import router as actions_router
from warroom.incidents.view_context import (
    active_users,
    catalog_services,
    elapsed,
    incident_rows,
    list_context,
    severity_label,
    timeline_helpers,
    war_room,
)
from warroom.incidents.view_forms import Form, FormReader, field_of
from warroom.lib.schema import MAX_ID
from warroom.web import UiResponder, UiViewer, render

router = APIRouter()
router.include_router(actions_router)

PAGE_SIZE = 25
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID)]
DECLARE_FIELDS = (
    "title",
    "severity",
    "summary",
    "services",
    "impact",
    "customers_affected",
    "detected_at",
    "commander_id",
)


def _user_tz(ctx: Ctx) -> str:
    return auth_service.get_user(ctx, ctx.actor.user_id).timezone if ctx.actor.user_id is not None else "UTC"


def _day_start(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(tz))


@router.get("/incidents", response_class=HTMLResponse)
def incident_list(request: Request, ctx: UiViewer) -> Response:
    """Incidents, newest first, filtered by the URL so a view can be shared as a link."""
    params = request.query_params
    tz = _user_tz(ctx)
    errors: dict[str, str] = {}
    statuses = [value for value in params.getlist("status") if value]
    if bad := [value for value in statuses if value not in STATUSES]:
        errors["status"] = f"Unknown status {', '.join(bad)}; pick from {', '.join(STATUSES)}."
    severities = [value for value in params.getlist("severity") if value]
    if bad := [value for value in severities if value not in SEVERITIES]:
        errors["severity"] = f"Unknown severity {', '.join(bad)}; pick from {', '.join(SEVERITIES)}."
    service_raw = params.get("service", "")
    service_id = int(service_raw) if service_raw.isdigit() and int(service_raw) <= MAX_ID else None
    if service_raw and service_id is None:
        errors["service"] = "Pick a service from the list."
    query = params.get("q", "").strip()
    if len(query) > 200:
        errors["q"] = "Search text is too long: at most 200 characters."
    days: dict[str, date | None] = {}
    for name in ("from", "to"):
        raw = params.get(name, "")
        try:
            days[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            days[name] = None
            errors[name] = f"{raw!r} is not a date like 2026-03-01."
    if days["from"] and days["to"] and days["from"] > days["to"]:
        errors["to"] = "The end date is before the start date."
    page_raw = params.get("page", "1")
    page = int(page_raw) if page_raw.isdigit() and 0 < int(page_raw) <= 100_000 else 0
    if page == 0:
        errors["page"] = f"Page {page_raw!r} is not a page number."
    hide_exercises = params.get("hide_exercises") == "1"
    filters = {
        "status": statuses,
        "severity": severities,
        "service": service_raw,
        "q": query,
        "from": params.get("from", ""),
        "to": params.get("to", ""),
        "hide_exercises": hide_exercises,
    }
    incidents: list[object] = []
    total = 0
    if not errors:
        start, end = days["from"], days["to"]
        found, total = service.list_incidents(
            ctx,
            statuses=statuses or None,
            severities=severities or None,
            service_id=service_id,
            declared_from=_day_start(start, tz) if start else None,
            declared_to=_day_start(end + timedelta(days=1), tz) if end else None,
            query=query or None,
            include_exercises=not hide_exercises,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        incidents = list(incident_rows(ctx, found))
    base_params = [(key, value) for key, value in params.multi_items() if key != "page"]
    filtered = any(key in {"status", "severity", "service", "q", "from", "to"} and v for key, v in base_params)
    return render(
        request,
        "incidents/list.html",
        status_code=422 if errors else 200,
        rows=incidents,
        total=total,
        page=page or 1,
        pages=max(1, -(-total // PAGE_SIZE)),
        page_size=PAGE_SIZE,
        page_url=lambda number: "/incidents?" + urlencode([*base_params, ("page", str(number))]),
        filters=filters,
        filtered=filtered or hide_exercises,
        errors=errors,
        all_services=catalog_services(ctx),
        can_declare=auth_service.role_rank(ctx.actor.role) >= auth_service.role_rank("responder"),
        **list_context(),
    )


def _declare_page(
    request: Request, ctx: Ctx, *, values: dict[str, object], errors: dict[str, str], status_code: int = 200
) -> Response:
    return render(
        request,
        "incidents/new.html",
        status_code=status_code,
        values=values,
        errors=errors,
        severities=SEVERITIES,
        severity_label=severity_label,
        all_services=catalog_services(ctx),
        users=active_users(ctx),
    )


@router.get("/incidents/new", response_class=HTMLResponse)
def declare_form(request: Request, ctx: UiResponder) -> Response:
    return _declare_page(request, ctx, values={"severity": "SEV2", "services": []}, errors={})


@router.post("/incidents", response_class=HTMLResponse)
def declare(request: Request, ctx: UiResponder, form: Form) -> Response:
    """Declare an incident from the form, then open its war room."""
    reader = FormReader(form, tz=_user_tz(ctx))
    user_ids = [user.id for user in active_users(ctx)]
    fields = {
        "title": reader.text("title", label="Title", max_length=300, required=True),
        "severity": reader.choice("severity", SEVERITIES, label="Severity"),
        "summary": reader.text("summary", label="Summary", max_length=20_000),
        "services": reader.ints("services", label="Services"),
        "private": reader.flag("private"),
        "exercise": reader.flag("exercise"),
        "impact": reader.text("impact", label="Impact", max_length=20_000),
        "customers_affected": reader.optional_int("customers_affected", label="Customers affected"),
        "detected_at": reader.local_datetime("detected_at", label="Detected at"),
        "commander_id": reader.optional_user_id("commander_id", label="Incident Commander", user_ids=user_ids),
    }
    values = {key: reader.raw(key) for key in fields} | {"services": fields["services"]}
    values["private"], values["exercise"] = fields["private"], fields["exercise"]
    if reader.errors:
        return _declare_page(request, ctx, values=values, errors=reader.errors, status_code=422)
    try:
        incident = service.declare_incident(ctx, **fields)  # type: ignore[arg-type]
    except AppError as exc:
        ctx.session.rollback()
        key = field_of(exc, prefix="", names=DECLARE_FIELDS, default="form")
        return _declare_page(request, ctx, values=values, errors={key: exc.message}, status_code=exc.status_code)
    return RedirectResponse(f"/incidents/{incident.id}", status_code=303)


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(request: Request, ctx: UiViewer, incident_id: IncidentId) -> Response:
    """The war room: state, timeline, roles, impact, services, tasks and key instants on one page."""
    incident = service.get_incident(ctx, incident_id)
    return war_room(request, ctx, incident, values={"focus_composer": request.query_params.get("composer") == "1"})


@router.get("/incidents/{incident_id}/timeline/fragment", response_class=HTMLResponse)
def timeline_fragment(
    request: Request,
    ctx: UiViewer,
    incident_id: IncidentId,
    after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Response:
    """Timeline entries newer than event `after`, as HTML for the page's live updates."""
    incident = service.get_incident(ctx, incident_id)
    events = [event for event in service.timeline(ctx, incident, after_id=after or None) if event.id > after]
    response = render(
        request,
        "incidents/_timeline_entries.html",
        incident=incident,
        events=events,
        corrected_by={},
        errors={},
        values={},
        **timeline_helpers(ctx),
    )
    # The page keeps its elapsed clock and "stale" notice current from these, without a reload.
    response.headers["X-Warroom-Elapsed"] = elapsed(incident, ctx.now())
    response.headers["X-Warroom-Status"] = incident.status
    response.headers["Cache-Control"] = "no-store"
    return response
