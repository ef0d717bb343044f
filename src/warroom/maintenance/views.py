"""Maintenance pages: list windows, schedule one for some services, end or cancel it (responders)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.errors import AppError, Invalid
from warroom.lib.schema import MAX_ID
from warroom.maintenance import service
from warroom.maintenance.models import MAINTENANCE_STATUSES
from warroom.web import UiResponder, UiViewer, render

router = APIRouter()
MaintenanceId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _services(ctx: Ctx) -> list[Service]:
    return list(ctx.session.scalars(select(Service).order_by(Service.name)))


def _page(request: Request, ctx: Ctx, *, status: str | None, form: dict[str, Any], **extra: Any) -> Response:
    windows = service.list_windows(ctx, status=status)
    return render(
        request,
        "maintenance/list.html",
        status_code=extra.pop("status_code", 200),
        windows=windows,
        status_filter=status or "",
        statuses=MAINTENANCE_STATUSES,
        services=_services(ctx),
        form=form,
        error=extra.get("error"),
        field=extra.get("field"),
    )


@router.get("/maintenance", response_class=HTMLResponse)
def maintenance_list(
    request: Request, ctx: UiViewer, status: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    chosen = status if status in MAINTENANCE_STATUSES else None
    return _page(request, ctx, status=chosen, form={"service_ids": []})


def _instant(raw: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(raw.strip()).replace(tzinfo=UTC)
    except ValueError:
        raise Invalid(
            f"{field.replace('_', ' ')} must be a date and time like 2026-03-01T22:00 (UTC)", {"field": field}
        ) from None


@router.post("/maintenance")
async def maintenance_schedule(request: Request, ctx: UiResponder) -> Response:
    raw = await request.form()
    title = str(raw.get("title", ""))[:400]
    message = str(raw.get("message", ""))[:20_000]
    starts_at = str(raw.get("starts_at", ""))[:40]
    ends_at = str(raw.get("ends_at", ""))[:40]
    service_ids = [int(v) for v in raw.getlist("service_ids") if isinstance(v, str) and v.isdigit() and len(v) < 11]
    public = raw.get("public") == "on"
    suppress_alerts = raw.get("suppress_alerts") == "on"
    form: dict[str, Any] = {
        "title": title,
        "message": message,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "service_ids": service_ids,
        "public": public,
        "suppress_alerts": suppress_alerts,
    }
    try:
        window = service.schedule(
            ctx,
            title=title,
            message=message,
            service_ids=[i for i in service_ids[:500] if i <= MAX_ID],
            starts_at=_instant(starts_at, "starts_at"),
            ends_at=_instant(ends_at, "ends_at"),
            public=public,
            suppress_alerts=suppress_alerts,
        )
    except AppError as exc:
        ctx.session.rollback()
        field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
        if field is None and isinstance(exc.detail, dict) and "service_ids" in exc.detail:
            field = "service_ids"
        return _page(request, ctx, status=None, form=form, error=exc.message, field=field, status_code=422)
    return RedirectResponse(f"/maintenance#maintenance-{window.id}", status_code=303)


@router.post("/maintenance/{maintenance_id}/end")
def maintenance_end(ctx: UiResponder, maintenance_id: MaintenanceId) -> Response:
    window = service.end_now(ctx, service.get_window(ctx, maintenance_id))
    return RedirectResponse(f"/maintenance#maintenance-{window.id}", status_code=303)
