"""Intake HTML pages (alerts list and detail, the incident panel), plus the intake receivers.

The receivers and the integrations pages are separate routers included here: the views router has no
prefix, and the receivers must stay outside /api/v1's user authentication.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.errors import AppError
from warroom.incidents import panels
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.intake import service
from warroom.intake.receivers import router as receivers_router
from warroom.intake.views_integrations import router as integrations_router
from warroom.lib.pagination import PageRequest
from warroom.lib.schema import MAX_ID
from warroom.web import UiViewer, render

router = APIRouter()
router.include_router(receivers_router)
router.include_router(integrations_router)

AlertId = Annotated[int, Path(ge=1, le=MAX_ID)]
CHANGES_WINDOW = timedelta(hours=2)
PAGE_SIZE = 50


def _filters(service_id: str | None, status: str | None, label: list[str] | None) -> dict[str, Any]:
    chosen = int(service_id) if service_id and service_id.isdigit() and 0 < int(service_id) <= MAX_ID else None
    return {
        "service_id": chosen,
        "status": status if status in ("firing", "resolved") else None,
        "labels": [v[:300] for v in (label or []) if "=" in v][:10],
    }


def _list(ctx: Ctx, filters: dict[str, Any], offset: int) -> tuple[list[Any], int, str | None]:
    try:
        rows, total = service.list_alerts(
            ctx,
            service_id=filters["service_id"],
            status=filters["status"],
            labels=filters["labels"],
            page=PageRequest(limit=PAGE_SIZE, offset=offset),
        )
    except AppError as error:
        return [], 0, error.message
    return rows, total, None


def _query_string(filters: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    pairs: list[tuple[str, str]] = []
    if filters["service_id"]:
        pairs.append(("service_id", str(filters["service_id"])))
    if filters["status"]:
        pairs.append(("status", filters["status"]))
    pairs += [("label", value) for value in filters["labels"]]
    return urlencode(pairs)


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    ctx: UiViewer,
    service_id: Annotated[str | None, Query(max_length=12)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    label: Annotated[list[str] | None, Query(max_length=10)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Response:
    """Alerts, newest first, filtered by service, status and labels (all in the URL); live while open."""
    filters = _filters(service_id, status, label)
    rows, total, error = _list(ctx, filters, offset)
    services = list(ctx.session.scalars(select(Service).order_by(Service.name)))
    names = {s.id: s.name for s in services}
    return render(
        request,
        "intake/alerts.html",
        alerts=rows,
        total=total,
        offset=offset,
        page_size=PAGE_SIZE,
        filters=filters,
        query=_query_string(filters),
        services=services,
        service_names=names,
        error=error,
    )


@router.get("/alerts/fragment", response_class=HTMLResponse)
def alerts_fragment(
    request: Request,
    ctx: UiViewer,
    service_id: Annotated[str | None, Query(max_length=12)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    label: Annotated[list[str] | None, Query(max_length=10)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Response:
    """The table body of the alerts page, polled by its small script to stay live."""
    filters = _filters(service_id, status, label)
    rows, _total, _error = _list(ctx, filters, offset)
    names = {s.id: s.name for s in ctx.session.scalars(select(Service))}
    return render(request, "intake/_alert_rows.html", alerts=rows, service_names=names)


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(request: Request, ctx: UiViewer, alert_id: AlertId) -> Response:
    """One alert with its labels, annotations, links, group and incident."""
    alert = service.get_alert(ctx, alert_id)
    svc = ctx.session.get(Service, alert.service_id)
    incident = ctx.session.get(Incident, alert.incident_id) if alert.incident_id else None
    if incident is not None and not incidents.can_see(ctx, incident):
        incident = None
    return render(request, "intake/alert.html", alert=alert, service=svc, incident=incident)


def _incident_panel(ctx: Ctx, incident: Incident) -> dict[str, Any] | None:
    alerts = service.alerts_for_incident(ctx.session, incident.id)
    service_ids = [s.id for s in incidents.incident_services(ctx, incident)]
    changes = service.changes_before(ctx.session, service_ids, incident.detected_at, CHANGES_WINDOW)
    if not alerts and not changes:
        return None
    names = {s.id: s.name for s in incidents.incident_services(ctx, incident)}
    firing = sum(1 for a in alerts if a.status == "firing")
    return {"alerts": alerts[:30], "total": len(alerts), "firing": firing, "changes": changes[:20], "names": names}


panels.register(
    panels.Panel(name="intake.alerts", slot="main", order=20, template="intake/_panel.html", build=_incident_panel)
)
