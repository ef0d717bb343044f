"""Maintenance windows: schedule, change, end early, cancel, and ask "is this service in maintenance now?".

The status page shows windows and excludes them from uptime; alert intake stores alerts for a service in
an active window but opens no incident. Both ask this module, so there is one answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.jobs import service as jobs
from warroom.lib.schema import MAX_ID
from warroom.maintenance.models import MaintenanceWindow, maintenance_services

# Topics published when a window is scheduled, starts, ends, or is changed/cancelled. Payload:
# {"maintenance_id": int}. Status (render cache, subscriber notices) and intake (re-evaluate alerts) listen.
SCHEDULED_TOPIC = "maintenance.scheduled"
STARTED_TOPIC = "maintenance.started"
ENDED_TOPIC = "maintenance.ended"
CHANGED_TOPIC = "maintenance.changed"
BOUNDARY_JOB = "maintenance.boundary"
MAX_WINDOW = timedelta(days=31)


def get_window(ctx: Ctx, maintenance_id: int) -> MaintenanceWindow:
    """The window with this id, or NotFound."""
    window = ctx.session.get(MaintenanceWindow, maintenance_id) if 0 < maintenance_id <= MAX_ID else None
    if window is None:
        raise NotFound(f"maintenance window {maintenance_id} does not exist", {"maintenance_id": maintenance_id})
    return window


def _services(ctx: Ctx, service_ids: Sequence[int]) -> list[Service]:
    if not service_ids:
        raise Invalid("a maintenance window needs at least one service", {"field": "service_ids"})
    wanted = sorted(set(service_ids))
    found = list(ctx.session.scalars(select(Service).where(Service.id.in_(wanted)).order_by(Service.name)))
    missing = sorted(set(wanted) - {s.id for s in found})
    if missing:
        raise NotFound(f"no service with id {', '.join(map(str, missing))}", {"service_ids": missing})
    return found


def _check_span(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise Invalid("a maintenance window must end after it starts", {"field": "ends_at"})
    if ends_at - starts_at > MAX_WINDOW:
        raise Invalid("a maintenance window may last at most 31 days; schedule several", {"field": "ends_at"})


def _clean_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise Invalid("a maintenance window needs a title", {"field": "title"})
    if len(cleaned) > 300:
        raise Invalid("a maintenance title may be at most 300 characters", {"field": "title"})
    return cleaned


def schedule(
    ctx: Ctx,
    *,
    title: str,
    service_ids: Sequence[int],
    starts_at: datetime,
    ends_at: datetime,
    message: str = "",
    suppress_alerts: bool = True,
    public: bool = True,
) -> MaintenanceWindow:
    """Schedule a window (it may start now or in the past for a window already running)."""
    _check_span(starts_at, ends_at)
    if ends_at <= ctx.now():
        raise Invalid("that window has already ended; maintenance is scheduled for now or later", {"field": "ends_at"})
    now = ctx.now()
    window = MaintenanceWindow(
        title=_clean_title(title),
        message=message.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        suppress_alerts=suppress_alerts,
        is_public=public,
        created_by_id=ctx.actor.user_id if ctx.actor else None,
        created_at=now,
        updated_at=now,
    )
    window.services = _services(ctx, service_ids)
    ctx.session.add(window)
    ctx.session.flush()
    _plan_boundaries(ctx, window)
    jobs.publish(ctx, SCHEDULED_TOPIC, {"maintenance_id": window.id}, key=f"maintenance:{window.id}:scheduled")
    return window


def update(
    ctx: Ctx,
    window: MaintenanceWindow,
    *,
    title: str | None = None,
    message: str | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    service_ids: Sequence[int] | None = None,
) -> MaintenanceWindow:
    """Change a window that has not finished."""
    now = ctx.now()
    status = window.status_at(now)
    if status in ("completed", "cancelled"):
        raise Conflict(f"maintenance window {window.id} is {status}; it can no longer change", {"status": status})
    new_start = starts_at or window.starts_at
    if status == "in_progress" and starts_at is not None and starts_at != window.starts_at:
        raise Conflict("the window has started; its start can no longer move", {"field": "starts_at"})
    new_end = ends_at or window.ends_at
    _check_span(new_start, new_end)
    if new_end <= now:
        raise Invalid("the new end is in the past; end the window now instead", {"field": "ends_at"})
    if title is not None:
        window.title = _clean_title(title)
    if message is not None:
        window.message = message.strip()
    if service_ids is not None:
        window.services = _services(ctx, service_ids)
    window.starts_at, window.ends_at, window.updated_at = new_start, new_end, now
    ctx.session.flush()
    _plan_boundaries(ctx, window)
    jobs.publish(ctx, CHANGED_TOPIC, {"maintenance_id": window.id})
    return window


def end_now(ctx: Ctx, window: MaintenanceWindow) -> MaintenanceWindow:
    """End a running window early, or cancel one that has not started."""
    now = ctx.now()
    status = window.status_at(now)
    if status in ("completed", "cancelled"):
        raise Conflict(f"maintenance window {window.id} is already {status}", {"status": status})
    if status == "scheduled":
        window.cancelled_at = now
        window.updated_at = now
        jobs.publish(ctx, CHANGED_TOPIC, {"maintenance_id": window.id})
    else:
        window.ended_early_at = now
        window.updated_at = now
        jobs.publish(ctx, ENDED_TOPIC, {"maintenance_id": window.id}, key=f"maintenance:{window.id}:ended")
    ctx.session.flush()
    return window


def list_windows(
    ctx: Ctx, *, status: str | None = None, service_id: int | None = None, limit: int = 200
) -> list[MaintenanceWindow]:
    """Windows, soonest first; `status` filters on the derived status at ctx.now()."""
    query = select(MaintenanceWindow).options(selectinload(MaintenanceWindow.services))
    if service_id is not None:
        query = query.join(maintenance_services).where(maintenance_services.c.service_id == service_id)
    windows = list(ctx.session.scalars(query.order_by(MaintenanceWindow.starts_at.desc()).limit(limit * 5)))
    now = ctx.now()
    if status is not None:
        windows = [w for w in windows if w.status_at(now) == status]
    return sorted(windows, key=lambda w: w.starts_at)[:limit]


def active_windows(session: Session, at: datetime, *, service_id: int | None = None) -> list[MaintenanceWindow]:
    """Windows in progress at `at` (optionally covering one service). Cheap: one indexed query."""
    query = (
        select(MaintenanceWindow)
        .where(MaintenanceWindow.starts_at <= at, MaintenanceWindow.ends_at > at)
        .where(MaintenanceWindow.cancelled_at.is_(None))
        .options(selectinload(MaintenanceWindow.services))
    )
    if service_id is not None:
        query = query.join(maintenance_services).where(maintenance_services.c.service_id == service_id)
    return [w for w in session.scalars(query) if w.is_active(at)]


def suppressing_window(session: Session, service_id: int, at: datetime) -> MaintenanceWindow | None:
    """The active window that silences alerts for this service at `at`, if any (intake asks this)."""
    for window in active_windows(session, at, service_id=service_id):
        if window.suppress_alerts:
            return window
    return None


def services_in_maintenance(session: Session, at: datetime) -> set[int]:
    """Ids of every service inside an active window at `at` (the status page shows under_maintenance)."""
    return {service.id for window in active_windows(session, at) for service in window.services}


def _plan_boundaries(ctx: Ctx, window: MaintenanceWindow) -> None:
    """Jobs at the start and end instants, so listeners hear `started`/`ended` on time."""
    for edge, run_at in (("start", window.starts_at), ("end", window.ends_at)):
        jobs.enqueue(
            ctx,
            BOUNDARY_JOB,
            {"maintenance_id": window.id, "edge": edge, "at": run_at.isoformat()},
            run_at=max(run_at, ctx.now()),
            key=f"maintenance:{window.id}:{edge}:{run_at.isoformat()}",
        )


def on_boundary(ctx: Ctx, maintenance_id: int, edge: str, at: datetime) -> None:
    """A boundary job fired: publish `started`/`ended` unless the window moved or was cancelled since."""
    window = ctx.session.get(MaintenanceWindow, maintenance_id)
    if window is None or window.cancelled_at is not None:
        return
    if edge == "start" and window.starts_at == at and window.status_at(ctx.now()) != "scheduled":
        jobs.publish(ctx, STARTED_TOPIC, {"maintenance_id": window.id}, key=f"maintenance:{window.id}:started")
    if edge == "end" and window.ends_at == at and window.ended_early_at is None:
        jobs.publish(ctx, ENDED_TOPIC, {"maintenance_id": window.id}, key=f"maintenance:{window.id}:ended")
