"""/api/v1/maintenance: schedule, list, change and end maintenance windows.

Responders may schedule maintenance (it is routine operational work, as in PagerDuty); viewers may read.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from warroom.lib.schema import MAX_ID
from warroom.maintenance import service
from warroom.maintenance.schemas import MaintenanceCreate, MaintenanceList, MaintenanceOut, MaintenanceUpdate
from warroom.web import ApiResponder, ApiViewer

router = APIRouter(prefix="/maintenance", tags=["maintenance"])
MaintenanceId = Annotated[int, Path(ge=1, le=MAX_ID, description="maintenance window id")]
Status = Literal["scheduled", "in_progress", "completed", "cancelled"]


@router.get("", response_model=MaintenanceList)
def list_windows(
    ctx: ApiViewer,
    status: Status | None = None,
    service_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> MaintenanceList:
    """Maintenance windows, soonest first; filter by derived status or by service."""
    windows = service.list_windows(ctx, status=status, service_id=service_id)
    items = [MaintenanceOut.of(w, ctx.now()) for w in windows]
    return MaintenanceList(items=items, total=len(items))


@router.post("", response_model=MaintenanceOut, status_code=201)
def schedule(ctx: ApiResponder, body: MaintenanceCreate) -> MaintenanceOut:
    """Schedule a window for one or more services."""
    window = service.schedule(
        ctx,
        title=body.title,
        message=body.message,
        service_ids=body.service_ids,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        suppress_alerts=body.suppress_alerts,
        public=body.public,
    )
    return MaintenanceOut.of(window, ctx.now())


@router.get("/{maintenance_id}", response_model=MaintenanceOut)
def get_window(ctx: ApiViewer, maintenance_id: MaintenanceId) -> MaintenanceOut:
    """One window."""
    return MaintenanceOut.of(service.get_window(ctx, maintenance_id), ctx.now())


@router.patch("/{maintenance_id}", response_model=MaintenanceOut)
def update_window(ctx: ApiResponder, maintenance_id: MaintenanceId, body: MaintenanceUpdate) -> MaintenanceOut:
    """Change a window that has not finished (a running window's start cannot move)."""
    window = service.update(
        ctx,
        service.get_window(ctx, maintenance_id),
        title=body.title,
        message=body.message,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        service_ids=body.service_ids,
    )
    return MaintenanceOut.of(window, ctx.now())


@router.post("/{maintenance_id}/end", response_model=MaintenanceOut)
def end_window(ctx: ApiResponder, maintenance_id: MaintenanceId) -> MaintenanceOut:
    """End a running window now, or cancel one that has not started."""
    window = service.end_now(ctx, service.get_window(ctx, maintenance_id))
    return MaintenanceOut.of(window, ctx.now())
