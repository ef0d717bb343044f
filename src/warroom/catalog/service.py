"""Catalog logic: services, their dependency graph and blast radius; teams and business functions re-exported.

Other domains call the catalog only through this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, distinct, func, or_, select

from warroom.catalog.blast import BlastRadius, blast_radius
from warroom.catalog.business_functions import (
    FunctionInfo,
    add_function_service,
    create_function,
    delete_function,
    describe_functions,
    find_function,
    function_services,
    get_function,
    list_functions,
    remove_function_service,
    set_function_services,
    update_function,
)
from warroom.catalog.common import (
    UNSET,
    Unset,
    clean_description,
    clean_name,
    clean_query,
    clean_runbook_url,
    ensure_name_free,
    find,
    flush_unique,
    lock_catalog,
    lookup,
    resolve_refs,
)
from warroom.catalog.dependencies import (
    add_dependency,
    check_no_cycles,
    dependencies_of,
    dependents_of,
    insert_edges,
    remove_dependency,
    replace_edges,
    set_dependencies,
)
from warroom.catalog.models import TIERS, BusinessFunction, Service, Team, business_function_services
from warroom.catalog.models import service_dependencies as edges_table
from warroom.catalog.teams import (
    TeamInfo,
    add_team_member,
    all_teams,
    create_team,
    delete_team,
    describe_teams,
    find_team,
    get_team,
    list_teams,
    remove_team_member,
    set_team_members,
    team_members,
    team_services,
    update_team,
)
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.lib.pagination import PageRequest, paginate
from warroom.lib.schema import MAX_ID

# "Tier 1 — mission critical: customers …" → "Mission critical"; TIERS stays the single source of wording.
TIER_NAMES = {tier: text.split(" — ", 1)[1].split(":", 1)[0].capitalize() for tier, text in TIERS.items()}
TIER_MEANINGS = {tier: text.split(":", 1)[1].strip() for tier, text in TIERS.items()}
# Teams and business functions live in their own modules; they are part of this module's public face.
__all__ = [
    "TIER_MEANINGS",
    "TIER_NAMES",
    "BlastRadius",
    "FunctionInfo",
    "ServiceInfo",
    "TeamInfo",
    "Unset",
    "add_dependency",
    "add_function_service",
    "add_team_member",
    "all_services",
    "all_teams",
    "blast_radius",
    "create_function",
    "create_service",
    "create_team",
    "delete_function",
    "delete_service",
    "delete_team",
    "dependencies_of",
    "dependents_of",
    "describe_functions",
    "describe_services",
    "describe_teams",
    "find_function",
    "find_service",
    "find_team",
    "function_services",
    "get_function",
    "get_service",
    "get_team",
    "list_functions",
    "list_services",
    "list_teams",
    "remove_dependency",
    "remove_function_service",
    "remove_team_member",
    "resolve_services",
    "service_references",
    "set_dependencies",
    "set_function_services",
    "set_team_members",
    "team_members",
    "team_services",
    "update_function",
    "update_service",
    "update_team",
]
CATALOG_TABLES = (
    "services",
    "teams",
    "team_members",
    "service_dependencies",
    "business_functions",
    "business_function_services",
)


@dataclass
class ServiceInfo:
    """A service with its owner, both directions of the dependency graph and the functions that use it."""

    service: Service
    team: Team | None = None
    depends_on: list[Service] = field(default_factory=list)
    dependents: list[Service] = field(default_factory=list)
    functions: list[BusinessFunction] = field(default_factory=list)


def get_service(ctx: Ctx, service_id: int) -> Service:
    """The service with this id, or NotFound."""
    service = ctx.session.get(Service, service_id) if 0 < service_id <= MAX_ID else None
    if service is None:
        raise NotFound(f"service {service_id} does not exist")
    return service


def find_service(ctx: Ctx, ref: int | str) -> Service:
    """A service by id or case-insensitive name."""
    return find(ctx, Service, ref, kind="service")


def resolve_services(ctx: Ctx, refs: Sequence[int | str]) -> list[Service]:
    """Services by id or (case-insensitive) name, in the given order, without duplicates.

    Raises Invalid naming every reference that matches nothing.
    """
    return resolve_refs(ctx, Service, refs, kind="service", field="services")


def _clean_tier(tier: object) -> int:
    if isinstance(tier, bool) or not isinstance(tier, int) or tier not in TIERS:
        choices = "; ".join(f"{t} = {TIER_NAMES[t].lower()}" for t in TIERS)
        raise Invalid(f"tier must be 1, 2, 3 or 4 ({choices}), not {tier!r}", {"field": "tier"})
    return tier


def _team_id(ctx: Ctx, team: int | str | None) -> int | None:
    if team is None or (isinstance(team, str) and not team.strip()):
        return None
    found = lookup(ctx, Team, team)
    if found is None:
        raise Invalid(
            f"no team with id or name {str(team)[:200]!r}; create it first (`warroom team create`)",
            {"field": "team_id"},
        )
    return found.id


def list_services(
    ctx: Ctx,
    *,
    tier: int | None = None,
    team: int | str | None = None,
    q: str | None = None,
    public: bool | None = None,
    page: PageRequest | None = None,
) -> tuple[list[Service], int]:
    """Services, most critical first, filtered by tier, owning team, public flag and a search text."""
    query = select(Service).order_by(Service.tier, func.lower(Service.name), Service.id)
    if tier is not None:
        query = query.where(Service.tier == _clean_tier(tier))
    if team is not None and str(team).strip():
        query = query.where(Service.team_id == _team_id(ctx, team))
    if public is not None:
        query = query.where(Service.is_public.is_(public))
    text = clean_query(q)
    if text:
        query = query.where(
            or_(
                func.lower(Service.name).contains(text.lower(), autoescape=True),
                func.lower(Service.description).contains(text.lower(), autoescape=True),
            )
        )
    return paginate(ctx.session, query, page or PageRequest())


def all_services(ctx: Ctx) -> list[Service]:
    """Every service by name (for pickers)."""
    return list(ctx.session.scalars(select(Service).order_by(func.lower(Service.name))))


def create_service(
    ctx: Ctx,
    *,
    name: str,
    tier: int,
    description: str = "",
    team: int | str | None = None,
    runbook_url: str | None = None,
    public: bool = False,
    depends_on: Sequence[int | str] = (),
) -> Service:
    """Create a service; `team` and `depends_on` take ids or names."""
    lock_catalog(ctx)
    name = clean_name(name, kind="service")
    values = {
        "tier": _clean_tier(tier),
        "description": clean_description(description),
        "team_id": _team_id(ctx, team),
        "runbook_url": clean_runbook_url(runbook_url),
        "is_public": bool(public),
    }
    ensure_name_free(ctx, Service, name, kind="service")
    targets = resolve_refs(ctx, Service, depends_on, kind="service", field="depends_on")
    now = ctx.now()
    service = Service(name=name, created_at=now, updated_at=now, **values)
    ctx.session.add(service)
    flush_unique(ctx, kind="service", name=name)
    # A brand-new service has no dependents, so none of these edges can close a cycle.
    insert_edges(ctx, service, targets)
    return service


def update_service(
    ctx: Ctx,
    *,
    service: Service,
    name: str | Unset = UNSET,
    tier: int | Unset = UNSET,
    description: str | Unset = UNSET,
    team: int | str | Unset | None = UNSET,
    runbook_url: str | Unset | None = UNSET,
    public: bool | Unset = UNSET,
    depends_on: Sequence[int | str] | Unset = UNSET,
) -> Service:
    """Change any of a service's fields; `depends_on`, when given, replaces the whole list."""
    lock_catalog(ctx)
    changes: dict[str, object] = {}
    if not isinstance(name, Unset):
        changes["name"] = clean_name(name, kind="service")
        ensure_name_free(ctx, Service, str(changes["name"]), kind="service", exclude_id=service.id)
    if not isinstance(tier, Unset):
        changes["tier"] = _clean_tier(tier)
    if not isinstance(description, Unset):
        changes["description"] = clean_description(description)
    if not isinstance(team, Unset):
        changes["team_id"] = _team_id(ctx, team)
    if not isinstance(runbook_url, Unset):
        changes["runbook_url"] = clean_runbook_url(runbook_url)
    if not isinstance(public, Unset):
        changes["is_public"] = bool(public)
    targets = None
    if not isinstance(depends_on, Unset):
        targets = resolve_refs(ctx, Service, depends_on, kind="service", field="depends_on")
        check_no_cycles(ctx, service, targets)
    # Everything is validated above, so nothing below can fail half-way.
    for attribute, value in changes.items():
        setattr(service, attribute, value)
    if changes or targets is not None:
        service.updated_at = ctx.now()
    flush_unique(ctx, kind="service", name=service.name)
    if targets is not None:
        replace_edges(ctx, service, targets)
    return service


def service_references(ctx: Ctx, service: Service) -> list[str]:
    """What outside the catalog still points at this service, in words ("2 incidents (3, 7)")."""
    # Imported here, not at the top: this is the one place the catalog needs to see every domain's tables,
    # so that a reference added by any later domain protects its rows without the catalog knowing it.
    from warroom import models

    found: list[str] = []
    for table in models.metadata.sorted_tables:
        if table.name in CATALOG_TABLES:
            continue
        for key in table.foreign_keys:
            # The owning domain chose "SET NULL": the row outlives the service, so it does not block deletion.
            if key.column.table.name != "services" or (key.ondelete or "").upper() == "SET NULL":
                continue
            owner = next((k for k in table.foreign_keys if k.column.table.name not in ("services", "users")), None)
            counted = owner.parent if owner is not None else next(iter(table.primary_key.columns))
            noun = owner.column.table.name if owner is not None else table.name
            where = key.parent == service.id
            total = ctx.session.scalar(select(func.count(distinct(counted))).where(where)) or 0
            if total:
                sample = list(ctx.session.scalars(select(counted).where(where).distinct().order_by(counted).limit(5)))
                ids = ", ".join(str(i) for i in sample) + (", …" if total > len(sample) else "")
                found.append(f"{total} {noun.replace('_', ' ')} ({ids})")
    return found


def delete_service(ctx: Ctx, *, service: Service) -> None:
    """Delete a service nothing else refers to; its dependency and business-function links go with it."""
    lock_catalog(ctx)
    references = service_references(ctx, service)
    if references:
        raise Conflict(
            f"service {service.name!r} cannot be deleted: {'; '.join(references)} refer to it, and their history "
            "must keep pointing at it. Keep the service (mark it tier 4 or rename it) instead.",
            {"references": references},
        )
    touching = or_(edges_table.c.service_id == service.id, edges_table.c.depends_on_id == service.id)
    ctx.session.execute(delete(edges_table).where(touching))
    ctx.session.execute(delete(business_function_services).where(business_function_services.c.service_id == service.id))
    ctx.session.delete(service)
    ctx.session.flush()


def describe_services(ctx: Ctx, services: Sequence[Service]) -> list[ServiceInfo]:
    """Services with team, dependencies, dependents and business functions, in a handful of queries."""
    if not services:
        return []
    infos = {s.id: ServiceInfo(service=s) for s in services}
    ids = list(infos)
    edges = ctx.session.execute(
        select(edges_table.c.service_id, edges_table.c.depends_on_id).where(
            or_(edges_table.c.service_id.in_(ids), edges_table.c.depends_on_id.in_(ids))
        )
    ).all()
    related = {sid for edge in edges for sid in edge}
    by_id = {s.id: s for s in ctx.session.scalars(select(Service).where(Service.id.in_(related)))} if related else {}
    for source, target in edges:
        if source in infos:
            infos[source].depends_on.append(by_id[target])
        if target in infos:
            infos[target].dependents.append(by_id[source])
    team_ids = {s.team_id for s in services if s.team_id is not None}
    teams = {t.id: t for t in ctx.session.scalars(select(Team).where(Team.id.in_(team_ids)))} if team_ids else {}
    rows = ctx.session.execute(
        select(business_function_services.c.service_id, BusinessFunction)
        .join(BusinessFunction, BusinessFunction.id == business_function_services.c.function_id)
        .where(business_function_services.c.service_id.in_(ids))
        .order_by(func.lower(BusinessFunction.name))
    )
    for service_id, function in rows:
        infos[service_id].functions.append(function)
    for info in infos.values():
        info.team = teams.get(info.service.team_id) if info.service.team_id is not None else None
        info.depends_on.sort(key=lambda s: (s.tier, s.name.lower()))
        info.dependents.sort(key=lambda s: (s.tier, s.name.lower()))
    return [infos[s.id] for s in services]
