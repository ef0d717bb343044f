"""Components: public catalog services on the page, their current status and its history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.maintenance.service import services_in_maintenance
from warroom.status.models import (
    SETTABLE_STATUSES,
    Component,
    ComponentGroup,
    ComponentStatusChange,
    StatusGeneration,
)

DAILY_UPTIME_JOB = "status.daily_uptime"
STATUS_WORDS = {
    "operational": "Operational",
    "degraded_performance": "Degraded performance",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
    "under_maintenance": "Under maintenance",
}
# Text icons, so status never rests on colour alone.
STATUS_ICONS = {
    "operational": "✓",
    "degraded_performance": "◐",
    "partial_outage": "▲",
    "major_outage": "✕",
    "under_maintenance": "⚒",
}


@dataclass(frozen=True)
class PublicComponent:
    service_id: int
    name: str
    description: str
    group_id: int | None
    group_name: str | None
    position: int
    status: str
    created_at: datetime
    updated_at: datetime


def bump_generation(session: Session, now: datetime) -> None:
    """Tell every process's render cache that a public surface changed."""
    session.info["status_bumped"] = True  # this process's cache rereads the counter right after the commit
    row = session.get(StatusGeneration, 1)
    if row is None:
        session.add(StatusGeneration(id=1, value=1, changed_at=now))
        session.flush()
        return
    session.execute(
        update(StatusGeneration)
        .where(StatusGeneration.id == 1)
        .values(value=StatusGeneration.value + 1, changed_at=now)
    )


def current_generation(session: Session) -> tuple[int, datetime | None]:
    row = session.execute(select(StatusGeneration.value, StatusGeneration.changed_at).where(StatusGeneration.id == 1))
    found = row.first()
    return (int(found[0]), found[1]) if found else (0, None)


def _public_services(session: Session) -> list[Service]:
    return list(session.scalars(select(Service).where(Service.is_public.is_(True)).order_by(Service.name)))


def public_components(session: Session, at: datetime) -> list[PublicComponent]:
    """Every public service as a component, ordered by group then position then name."""
    services = _public_services(session)
    settings = {c.service_id: c for c in session.scalars(select(Component))}
    groups = {g.id: g for g in session.scalars(select(ComponentGroup))}
    in_maintenance = services_in_maintenance(session, at)
    result = []
    for service in services:
        comp = settings.get(service.id)
        group = groups.get(comp.group_id) if comp and comp.group_id else None
        status = comp.status if comp else "operational"
        if service.id in in_maintenance:
            status = "under_maintenance"
        result.append(
            PublicComponent(
                service_id=service.id,
                name=service.name,
                description=service.description if comp and comp.show_description else "",
                group_id=group.id if group else None,
                group_name=group.name if group else None,
                position=comp.position if comp else 0,
                status=status,
                created_at=service.created_at,
                updated_at=comp.updated_at if comp else service.updated_at,
            )
        )
    group_order = {g.id: (g.position, g.name) for g in groups.values()}
    return sorted(
        result,
        key=lambda c: (c.group_id is not None, group_order.get(c.group_id or 0, (0, "")), c.position, c.name),
    )


def component_statuses(session: Session, at: datetime | None = None) -> dict[int, str]:
    """Service id → current component status for every public service (under_maintenance while in a window)."""
    from warroom.lib.clock import SystemClock

    when = at or SystemClock().now()
    return {c.service_id: c.status for c in public_components(session, when)}


def check_statuses(session: Session, statuses: Mapping[int, str]) -> dict[int, str]:
    """Validate {service id: status}: public services only, settable statuses only."""
    cleaned: dict[int, str] = {}
    public_ids = {s.id for s in _public_services(session)}
    for service_id, status in statuses.items():
        if status not in SETTABLE_STATUSES:
            raise Invalid(
                f"component status {status!r} is not one of {', '.join(SETTABLE_STATUSES)} "
                "(under_maintenance comes from a maintenance window)",
                {"field": "components", "service_id": service_id},
            )
        if service_id not in public_ids:
            raise NotFound(
                f"service {service_id} is not a public component; mark it public in the catalog first",
                {"field": "components", "service_id": service_id},
            )
        cleaned[service_id] = status
    return cleaned


def set_component_statuses(ctx: Ctx, statuses: Mapping[int, str]) -> list[int]:
    """Set components' statuses (validated), record history for each real change; returns the changed ids."""
    now = ctx.now()
    cleaned = check_statuses(ctx.session, statuses)
    changed = []
    for service_id, status in sorted(cleaned.items()):
        comp = ctx.session.get(Component, service_id)
        if comp is None:
            comp = Component(service_id=service_id, status="operational", created_at=now, updated_at=now)
            ctx.session.add(comp)
            # The first set status also starts the history: before it there is "no data".
            ctx.session.add(ComponentStatusChange(service_id=service_id, status=status, at=now))
            comp.status = status
            changed.append(service_id)
            continue
        if comp.status != status:
            comp.status = status
            comp.updated_at = now
            ctx.session.add(ComponentStatusChange(service_id=service_id, status=status, at=now))
            changed.append(service_id)
    if changed:
        ctx.session.flush()
        bump_generation(ctx.session, now)
        _keep_daily_totals(ctx)
    return changed


def _keep_daily_totals(ctx: Ctx) -> None:
    """Make sure the nightly uptime job is scheduled once history exists (a no-op when it already is)."""
    from datetime import timedelta

    from warroom.jobs import service as jobs

    jobs.schedule_periodic(ctx, DAILY_UPTIME_JOB, every=timedelta(days=1))


def configure_component(
    ctx: Ctx, service_id: int, *, group_id: int | None, position: int, show_description: bool
) -> Component:
    """Place a public service on the page (group, order, whether its description shows)."""
    _position(position)
    service = ctx.session.get(Service, service_id)
    if service is None or not service.is_public:
        raise NotFound(f"service {service_id} is not public; mark it public in the catalog first")
    if group_id is not None and ctx.session.get(ComponentGroup, group_id) is None:
        raise NotFound(f"component group {group_id} does not exist", {"field": "group_id"})
    now = ctx.now()
    comp = ctx.session.get(Component, service_id)
    if comp is None:
        comp = Component(service_id=service_id, status="operational", created_at=now, updated_at=now)
        ctx.session.add(comp)
        ctx.session.add(ComponentStatusChange(service_id=service_id, status="operational", at=now))
    comp.group_id, comp.position, comp.show_description, comp.updated_at = group_id, position, show_description, now
    ctx.session.flush()
    bump_generation(ctx.session, now)
    return comp


MAX_POSITION = 10_000


def _group_name(ctx: Ctx, name: str, *, except_id: int | None = None) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 200:
        raise Invalid("a component group needs a name of 1 to 200 characters", {"field": "name"})
    twin = ctx.session.scalar(select(ComponentGroup.id).where(ComponentGroup.name == cleaned))
    if twin is not None and twin != except_id:
        raise Conflict(f"a component group named {cleaned!r} already exists; pick another name", {"field": "name"})
    return cleaned


def _position(position: int) -> int:
    if not 0 <= position <= MAX_POSITION:
        raise Invalid(
            f"a position is a whole number from 0 to {MAX_POSITION} (lower shows first)", {"field": "position"}
        )
    return position


def create_group(ctx: Ctx, *, name: str, position: int = 0) -> ComponentGroup:
    """A named group of components (shown as a heading)."""
    cleaned = _group_name(ctx, name)
    group = ComponentGroup(name=cleaned, position=_position(position), created_at=ctx.now())
    ctx.session.add(group)
    ctx.session.flush()
    bump_generation(ctx.session, ctx.now())
    return group


def list_groups(session: Session) -> list[ComponentGroup]:
    """Component groups in display order."""
    return list(session.scalars(select(ComponentGroup).order_by(ComponentGroup.position, ComponentGroup.name)))


def get_group(ctx: Ctx, group_id: int) -> ComponentGroup:
    """One component group, or NotFound."""
    group = ctx.session.get(ComponentGroup, group_id)
    if group is None:
        raise NotFound(f"component group {group_id} does not exist; the status admin page lists them")
    return group


def update_group(ctx: Ctx, group_id: int, *, name: str, position: int) -> ComponentGroup:
    """Rename a group and/or move it (lower positions show first)."""
    group = get_group(ctx, group_id)
    group.name = _group_name(ctx, name, except_id=group.id)
    group.position = _position(position)
    ctx.session.flush()
    bump_generation(ctx.session, ctx.now())
    return group


def delete_group(ctx: Ctx, group_id: int) -> None:
    """Delete a group; its components stay on the page, ungrouped."""
    group = get_group(ctx, group_id)
    # Explicit rather than relying on ON DELETE SET NULL, which SQLite applies only with foreign keys on.
    ctx.session.execute(update(Component).where(Component.group_id == group.id).values(group_id=None))
    ctx.session.delete(group)
    ctx.session.flush()
    bump_generation(ctx.session, ctx.now())


@dataclass(frozen=True)
class LayoutRow:
    service_id: int
    name: str
    group_id: int | None
    position: int
    show_description: bool


def layout(session: Session) -> list[LayoutRow]:
    """Every public service with its placement, in page order (for the admin page)."""
    placed = {c.service_id: c for c in session.scalars(select(Component))}
    group_order = {g.id: (g.position, g.name) for g in session.scalars(select(ComponentGroup))}
    rows = []
    for service in _public_services(session):
        comp = placed.get(service.id)
        rows.append(
            LayoutRow(
                service_id=service.id,
                name=service.name,
                group_id=comp.group_id if comp else None,
                position=comp.position if comp else 0,
                show_description=bool(comp and comp.show_description),
            )
        )
    return sorted(
        rows, key=lambda r: (r.group_id is not None, group_order.get(r.group_id or 0, (0, "")), r.position, r.name)
    )
