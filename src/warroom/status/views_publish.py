"""The Communications Lead's publishing flow: an incident-page panel, then preview, then publish."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from warroom.context import Ctx
from warroom.errors import AppError, Invalid
from warroom.incidents import panels
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.lib.schema import MAX_ID
from warroom.status import service
from warroom.status.components import STATUS_ICONS, public_components
from warroom.status.models import SETTABLE_STATUSES, UPDATE_STATUSES
from warroom.web import UiResponder, render

router = APIRouter()
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _panel(ctx: Ctx, incident: Incident) -> dict[str, Any] | None:
    public = service.public_incident_for(ctx.session, incident.id)
    updates = service.public_updates_for(ctx.session, incident.id)
    return {
        "private": incident.is_private,
        "exercise": incident.is_exercise,
        "public_name": public.name if public else "",
        "updates": list(reversed(updates)),
        "statuses": UPDATE_STATUSES,
        "url": f"/status/incidents/{incident.id}",
    }


panels.register(
    panels.Panel(name="status.public_updates", slot="main", order=20, template="status/_panel.html", build=_panel)
)


def _form_state(ctx: Ctx, incident: Incident, form: FormData) -> dict[str, Any]:
    def text(name: str, limit: int) -> str:
        value = form.get(name)
        return value[:limit] if isinstance(value, str) else ""

    components = {}
    for comp in public_components(ctx.session, ctx.now()):
        chosen = text(f"component_{comp.service_id}", 40)
        if chosen in SETTABLE_STATUSES:
            components[comp.service_id] = chosen
    status = text("status", 20)
    if status not in UPDATE_STATUSES:
        raise Invalid(f"choose a public status: {', '.join(UPDATE_STATUSES)}", {"field": "status"})
    next_raw = text("next_update_by", 40).strip()
    next_update_by = None
    if next_raw:
        try:
            next_update_by = datetime.fromisoformat(next_raw).replace(tzinfo=UTC)
        except ValueError:
            raise Invalid(
                "'next update by' must look like 2026-03-01T14:30 (UTC)", {"field": "next_update_by"}
            ) from None
    body = text("body", 6000).strip()
    if not body or form.get("action") == "fill":
        body = service.fill_template(
            ctx.session, status=status, service_ids=sorted(components), next_update_by=next_update_by
        )
    public = service.public_incident_for(ctx.session, incident.id)
    return {
        "status": status,
        "body": body,
        "name": text("name", 400).strip() or (public.name if public else ""),
        "components": components,
        "notify": form.get("notify") == "on",
        "next_update_by": next_update_by,
        "next_raw": next_raw,
    }


def _compose(request: Request, ctx: Ctx, incident: Incident, state: dict[str, Any], **extra: Any) -> Response:
    return render(
        request,
        "status/compose.html",
        status_code=extra.pop("status_code", 200),
        incident=incident,
        state=state,
        components=public_components(ctx.session, ctx.now()),
        settable=SETTABLE_STATUSES,
        statuses=UPDATE_STATUSES,
        icons=STATUS_ICONS,
        words=service.STATUS_WORDS,
        **extra,
    )


@router.post("/incidents/{incident_id}/public-updates/preview")
async def preview_update(request: Request, ctx: UiResponder, incident_id: IncidentId) -> Response:
    """Show the update as the public will read it, with a Publish button (nothing is saved yet)."""
    incident = incidents.get_incident(ctx, incident_id)
    form = await request.form()
    empty = {"status": "investigating", "body": "", "name": "", "components": {}, "notify": True, "next_raw": ""}
    try:
        state = _form_state(ctx, incident, form)
        service.check_publishable(ctx, incident, status=state["status"], body=state["body"], name=state["name"])
    except AppError as exc:
        field = (exc.detail or {}).get("field") if isinstance(exc.detail, dict) else None
        return _compose(request, ctx, incident, empty, error=exc.message, field=field, preview=False, status_code=422)
    return _compose(request, ctx, incident, state, error=None, field=None, preview=True)


@router.post("/incidents/{incident_id}/public-updates/publish")
async def publish_update(request: Request, ctx: UiResponder, incident_id: IncidentId) -> Response:
    """Publish what was previewed."""
    incident = incidents.get_incident(ctx, incident_id)
    form = await request.form()
    try:
        state = _form_state(ctx, incident, form)
        service.publish_update(
            ctx,
            incident,
            status=state["status"],
            body=state["body"],
            name=state["name"] or None,
            components=state["components"],
            notify_subscribers=state["notify"],
            next_update_by=state["next_update_by"],
        )
    except AppError as exc:
        ctx.session.rollback()
        field = (exc.detail or {}).get("field") if isinstance(exc.detail, dict) else None
        empty = {"status": "investigating", "body": "", "name": "", "components": {}, "notify": True, "next_raw": ""}
        return _compose(request, ctx, incident, empty, error=exc.message, field=field, preview=False, status_code=422)
    return RedirectResponse(f"/incidents/{incident.id}#public-updates", status_code=303)
