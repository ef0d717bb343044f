"""Blast radius: what an outage of some services reaches through the dependency graph."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from warroom.catalog import graph
from warroom.catalog.models import BusinessFunction, Service
from warroom.context import Ctx
from warroom.errors import NotFound
from warroom.lib.schema import MAX_ID


def _service(ctx: Ctx, service_id: int) -> Service:
    service = ctx.session.get(Service, service_id) if 0 < service_id <= MAX_ID else None
    if service is None:
        raise NotFound(f"service {service_id} does not exist")
    return service


@dataclass
class BlastRadius:
    """What an outage of `roots` reaches: dependent services (with hop count) and business functions.

    `paths` maps each dependent's id to the chain of ids from it down to a root; `function_services` maps each
    business function's id to the reached services it uses.
    """

    roots: list[Service]
    services: list[tuple[Service, int]] = field(default_factory=list)
    functions: list[BusinessFunction] = field(default_factory=list)
    paths: dict[int, list[int]] = field(default_factory=dict)
    function_services: dict[int, list[int]] = field(default_factory=dict)


def blast_radius(ctx: Ctx, service_ids: Sequence[int]) -> BlastRadius:
    """Services and business functions that depend, directly or transitively, on any of `service_ids`."""
    roots = [_service(ctx, sid) for sid in dict.fromkeys(service_ids)]
    paths = graph.dependent_paths(graph.dependency_edges(ctx.session), [s.id for s in roots])
    loaded = {s.id: s for s in ctx.session.scalars(select(Service).where(Service.id.in_(list(paths))))} if paths else {}
    dependents = [(loaded[sid], len(chain) - 1) for sid, chain in paths.items()]
    dependents.sort(key=lambda pair: (pair[1], pair[0].tier, pair[0].name))
    reached = [s.id for s in roots] + list(paths)
    function_ids = graph.functions_using(ctx.session, reached)
    functions = [ctx.session.get(BusinessFunction, fid) for fid in function_ids]
    return BlastRadius(
        roots=roots,
        services=dependents,
        functions=sorted((f for f in functions if f is not None), key=lambda f: f.name),
        paths=paths,
        function_services={fid: sorted(sids) for fid, sids in function_ids.items()},
    )
