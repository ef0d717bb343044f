"""Catalog logic: teams, services, dependencies, business functions and blast radius."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from warroom.catalog import graph
from warroom.catalog.models import BusinessFunction, Service
from warroom.context import Ctx
from warroom.errors import Invalid, NotFound


def get_service(ctx: Ctx, service_id: int) -> Service:
    service = ctx.session.get(Service, service_id)
    if service is None:
        raise NotFound(f"service {service_id} does not exist")
    return service


def resolve_services(ctx: Ctx, refs: Sequence[int | str]) -> list[Service]:
    """Services by id or (case-insensitive) name, in the given order, without duplicates.

    Raises Invalid naming every reference that matches nothing.
    """
    found: list[Service] = []
    missing: list[str] = []
    for ref in refs:
        service: Service | None
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            service = ctx.session.get(Service, int(ref))
        else:
            service = ctx.session.scalar(select(Service).where(func.lower(Service.name) == ref.strip().lower()))
        if service is None:
            missing.append(str(ref))
        elif service not in found:
            found.append(service)
    if missing:
        raise Invalid(
            f"unknown service(s): {', '.join(missing)}; create them first or use an existing id or name",
            {"field": "services", "unknown": missing},
        )
    return found


@dataclass
class BlastRadius:
    """What an outage of `roots` reaches: dependent services (with hop count) and business functions."""

    roots: list[Service]
    services: list[tuple[Service, int]] = field(default_factory=list)
    functions: list[BusinessFunction] = field(default_factory=list)


def blast_radius(ctx: Ctx, service_ids: Sequence[int]) -> BlastRadius:
    """Services and business functions that depend, directly or transitively, on any of `service_ids`."""
    roots = [get_service(ctx, sid) for sid in dict.fromkeys(service_ids)]
    distance = graph.dependents_closure(graph.dependency_edges(ctx.session), [s.id for s in roots])
    dependents = [(get_service(ctx, sid), hops) for sid, hops in distance.items()]
    dependents.sort(key=lambda pair: (pair[1], pair[0].tier, pair[0].name))
    reached = [s.id for s in roots] + list(distance)
    function_ids = graph.functions_using(ctx.session, reached)
    functions = [ctx.session.get(BusinessFunction, fid) for fid in function_ids]
    return BlastRadius(
        roots=roots,
        services=dependents,
        functions=sorted((f for f in functions if f is not None), key=lambda f: f.name),
    )
