"""Reports HTML pages (list, the support liaison's form) and the incident-page evidence panel with its actions."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from warroom.auth import service as auth_service
from warroom.catalog import service as catalog
from warroom.context import Ctx
from warroom.errors import AppError, Invalid
from warroom.incidents import panels
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.lib.schema import MAX_ID
from warroom.reports import service
from warroom.reports.models import CHANNELS, UserReport
from warroom.web import UiResponder, UiViewer, render

router = APIRouter()
PAGE = 50
Short = Annotated[str, Form(max_length=100)]


def _int(raw: str, *, upper: int = MAX_ID) -> int | None:
    text = raw.strip()
    return int(text) if text.isdigit() and 0 < int(text) <= upper else None


def _is_responder(ctx: Ctx) -> bool:
    return auth_service.role_rank(ctx.actor.role) >= auth_service.role_rank("responder")


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request, ctx: UiViewer, channel: str = "", unmatched: str = "", offset: str = "", created: str = ""
) -> Response:
    """User reports, newest first; filters (channel, unmatched only) are in the URL."""
    wanted = channel if channel in CHANNELS else None
    start = _int(offset, upper=1_000_000) or 0
    only_unmatched = unmatched == "1"
    rows, total = service.list_reports(ctx, channel=wanted, unmatched=only_unmatched, limit=PAGE, offset=start)
    just = ctx.session.get(UserReport, _int(created) or 0) if _int(created) else None
    filters = {k: v for k, v in (("channel", wanted or ""), ("unmatched", "1" if only_unmatched else "")) if v}
    return render(
        request,
        "reports/list.html",
        reports=rows,
        total=total,
        offset=start,
        page_size=PAGE,
        channels=CHANNELS,
        channel=wanted or "",
        unmatched=only_unmatched,
        query=urlencode(filters),
        services={s.id: s.name for s in catalog.all_services(ctx)},
        created=just,
    )


def _form_page(request: Request, ctx: Ctx, form: dict[str, Any], errors: dict[str, str], code: int = 200) -> Response:
    return render(
        request,
        "reports/new.html",
        status_code=code,
        form=form,
        errors=errors,
        channels=CHANNELS,
        services=catalog.all_services(ctx),
    )


@router.get("/reports/new", response_class=HTMLResponse)
def new_report_page(request: Request, ctx: UiResponder, service_id: str = "", region: str = "") -> Response:
    """The support liaison's form: who reported what, through which channel, where."""
    form = {"reporter": "", "channel": "support_ticket", "service_id": _int(service_id), "region": region[:100]}
    form.update(segment="", description="")
    return _form_page(request, ctx, form, {})


@router.post("/reports", response_class=HTMLResponse)
def create_report_form(
    request: Request,
    ctx: UiResponder,
    reporter: Annotated[str, Form(max_length=200)] = "",
    channel: Short = "",
    service_id: Short = "",
    region: Short = "",
    segment: Short = "",
    description: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Record the report, or show the form again with the error next to its field."""
    scope = _int(service_id)
    form: dict[str, Any] = {"reporter": reporter, "channel": channel, "service_id": scope, "region": region}
    form.update(segment=segment, description=description)
    try:
        if service_id.strip() and scope is None:
            raise Invalid("choose a service from the list, or none", {"field": "service_id"})
        report = service.create_report(
            ctx,
            reporter=reporter,
            channel=channel,
            description=description,
            service_id=scope,
            region=region,
            segment=segment,
        )
    except AppError as exc:
        ctx.session.rollback()
        detail = exc.detail if isinstance(exc.detail, dict) else {}
        return _form_page(request, ctx, form, {str(detail.get("field", "form")): exc.message}, exc.status_code)
    return RedirectResponse(f"/reports?created={report.id}", status_code=303)


@router.post("/incidents/{incident_id}/related/{alert_id}/attach", response_class=HTMLResponse)
def attach_related_form(ctx: UiResponder, incident_id: str, alert_id: str) -> Response:
    """One-click attach of a possibly related alert."""
    incident = incidents.get_incident(ctx, _int(incident_id) or 0)
    service.attach_related(ctx, incident, _int(alert_id) or 0)
    return RedirectResponse(f"/incidents/{incident.id}#evidence", status_code=303)


@router.post("/incidents/{incident_id}/merge", response_class=HTMLResponse)
def merge_form(ctx: UiResponder, incident_id: str, into: Short = "") -> Response:
    """Merge this incident into the chosen one, then show the survivor."""
    incident = incidents.get_incident(ctx, _int(incident_id) or 0)
    target = _int(into)
    if target is None:
        raise Invalid("choose the incident to merge into", {"field": "into"})
    survivor = incidents.get_incident(ctx, target)
    service.merge_incidents(ctx, incident, into=survivor)
    return RedirectResponse(f"/incidents/{survivor.id}#evidence", status_code=303)


def _merge_targets(ctx: Ctx, incident: Incident) -> list[Incident]:
    query = (
        select(Incident)
        .where(Incident.status.in_(service.OPEN_STATUSES), Incident.id != incident.id)
        .order_by(Incident.declared_at.desc())
        .limit(50)
    )
    return [i for i in ctx.session.scalars(query) if incidents.can_see(ctx, i) and service.merge_of(ctx, i) is None]


def _evidence_panel(ctx: Ctx, incident: Incident) -> dict[str, Any] | None:
    merge = service.merge_of(ctx, incident)
    evidence = service.evidence_for(ctx, incident)
    can_act = _is_responder(ctx)
    is_open = incidents.is_open(incident)
    return {
        "evidence": evidence,
        "merged_into": merge.into_id if merge else None,
        "merged_from": [m.incident_id for m in service.merged_from(ctx, incident)],
        "can_act": can_act,
        "is_open": is_open,
        "targets": _merge_targets(ctx, incident) if can_act and is_open and merge is None else [],
        "channels": CHANNELS,
    }


panels.register(
    panels.Panel(
        name="reports.evidence", slot="top", order=30, template="reports/_evidence_panel.html", build=_evidence_panel
    )
)
