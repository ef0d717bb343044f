"""Service → service dependency edges: add, remove, replace, always refusing a cycle with its path."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select

from warroom.catalog import graph
from warroom.catalog.common import lock_catalog, lookup, resolve_refs
from warroom.catalog.models import Service
from warroom.catalog.models import service_dependencies as edges_table
from warroom.context import Ctx
from warroom.errors import Invalid, NotFound


def check_no_cycles(ctx: Ctx, service: Service, targets: Sequence[Service]) -> None:
    """Refuse an edge service → target when target already reaches service; name the whole loop."""
    # The service's own outgoing edges are about to be replaced or extended; they cannot lead back to it
    # without passing through it, so leaving them out changes no answer and keeps replace() exact.
    edges = [e for e in graph.dependency_edges(ctx.session) if e[0] != service.id]
    for target in targets:
        if target.id == service.id:
            raise Invalid(
                f"adding {service.name} → {service.name} would create a cycle: {service.name} → {service.name}; "
                "a service cannot depend on itself",
                {"field": "depends_on", "cycle": [service.name, service.name]},
            )
        path = graph.path_exists(edges, target.id, service.id)
        if path is not None:
            names = {s.id: s.name for s in ctx.session.scalars(select(Service).where(Service.id.in_(path)))}
            loop = [names[sid] for sid in path] + [target.name]
            raise Invalid(
                f"adding {service.name} → {target.name} would create a cycle: {' → '.join(loop)}; "
                "remove one of those dependencies first",
                {"field": "depends_on", "cycle": loop},
            )


def insert_edges(ctx: Ctx, service: Service, targets: Sequence[Service]) -> None:
    """Record service → target for each target (callers have checked for cycles)."""
    if targets:
        ctx.session.execute(insert(edges_table), [{"service_id": service.id, "depends_on_id": t.id} for t in targets])


def replace_edges(ctx: Ctx, service: Service, targets: Sequence[Service]) -> None:
    """Make `targets` the complete list of what `service` depends on (callers have checked for cycles)."""
    ctx.session.execute(delete(edges_table).where(edges_table.c.service_id == service.id))
    insert_edges(ctx, service, targets)


def dependencies_of(ctx: Ctx, service: Service) -> list[Service]:
    """Services this one depends on directly, most critical first."""
    query = select(Service).join(edges_table, edges_table.c.depends_on_id == Service.id)
    query = query.where(edges_table.c.service_id == service.id).order_by(Service.tier, func.lower(Service.name))
    return list(ctx.session.scalars(query))


def dependents_of(ctx: Ctx, service: Service) -> list[Service]:
    """Services that depend on this one directly, most critical first."""
    query = select(Service).join(edges_table, edges_table.c.service_id == Service.id)
    query = query.where(edges_table.c.depends_on_id == service.id).order_by(Service.tier, func.lower(Service.name))
    return list(ctx.session.scalars(query))


def add_dependency(ctx: Ctx, *, service: Service, depends_on: int | str) -> list[Service]:
    """Record that `service` depends on another (id or name); refuses cycles. Returns the new list."""
    lock_catalog(ctx)
    (target,) = resolve_refs(ctx, Service, [depends_on], kind="service", field="depends_on")
    if target.id not in {s.id for s in dependencies_of(ctx, service)}:
        check_no_cycles(ctx, service, [target])
        insert_edges(ctx, service, [target])
        service.updated_at = ctx.now()
    return dependencies_of(ctx, service)


def remove_dependency(ctx: Ctx, *, service: Service, depends_on: int | str) -> list[Service]:
    """Drop one dependency; NotFound when there was none. Returns the new list."""
    target = lookup(ctx, Service, depends_on)
    removed = 0
    if target is not None:
        result = ctx.session.execute(
            delete(edges_table).where(edges_table.c.service_id == service.id, edges_table.c.depends_on_id == target.id)
        )
        removed = int(getattr(result, "rowcount", 0) or 0)
    if not removed:
        raise NotFound(
            f"{service.name} does not depend on {str(depends_on)[:200]}; nothing to remove", {"field": "depends_on"}
        )
    service.updated_at = ctx.now()
    return dependencies_of(ctx, service)


def set_dependencies(ctx: Ctx, *, service: Service, depends_on: Sequence[int | str]) -> list[Service]:
    """Replace everything `service` depends on (ids or names); refuses cycles. Returns the new list."""
    lock_catalog(ctx)
    targets = resolve_refs(ctx, Service, depends_on, kind="service", field="depends_on")
    check_no_cycles(ctx, service, targets)
    replace_edges(ctx, service, targets)
    service.updated_at = ctx.now()
    return dependencies_of(ctx, service)
