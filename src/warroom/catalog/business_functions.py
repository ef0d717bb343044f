"""Business functions ("order picking", "label printing") and the services they need to run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, or_, select

from warroom.catalog import graph
from warroom.catalog.common import (
    UNSET,
    Unset,
    clean_description,
    clean_name,
    clean_query,
    ensure_name_free,
    find,
    flush_unique,
    lock_catalog,
    lookup,
    resolve_refs,
)
from warroom.catalog.models import BusinessFunction, Service, business_function_services
from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.lib.pagination import PageRequest, paginate
from warroom.lib.schema import MAX_ID


@dataclass
class FunctionInfo:
    """A business function with the services it uses directly and those it needs through them."""

    function: BusinessFunction
    services: list[Service] = field(default_factory=list)
    indirect: list[tuple[Service, int]] = field(default_factory=list)


def get_function(ctx: Ctx, function_id: int) -> BusinessFunction:
    """The business function with this id, or NotFound."""
    function = ctx.session.get(BusinessFunction, function_id) if 0 < function_id <= MAX_ID else None
    if function is None:
        raise NotFound(f"business function {function_id} does not exist")
    return function


def find_function(ctx: Ctx, ref: int | str) -> BusinessFunction:
    """A business function by id or case-insensitive name."""
    return find(ctx, BusinessFunction, ref, kind="function")


def _services(ctx: Ctx, refs: Sequence[int | str]) -> list[Service]:
    return resolve_refs(ctx, Service, refs, kind="service", field="services")


def _link(ctx: Ctx, function: BusinessFunction, services: Sequence[Service]) -> None:
    if services:
        ctx.session.execute(
            insert(business_function_services), [{"function_id": function.id, "service_id": s.id} for s in services]
        )


def create_function(
    ctx: Ctx, *, name: str, description: str = "", services: Sequence[int | str] = ()
) -> BusinessFunction:
    """Create a business function that uses the given services (ids or names)."""
    lock_catalog(ctx)
    name = clean_name(name, kind="business function")
    description = clean_description(description)
    ensure_name_free(ctx, BusinessFunction, name, kind="business function")
    used = _services(ctx, services)
    function = BusinessFunction(name=name, description=description, created_at=ctx.now())
    ctx.session.add(function)
    flush_unique(ctx, kind="business function", name=name)
    _link(ctx, function, used)
    return function


def update_function(
    ctx: Ctx,
    *,
    function: BusinessFunction,
    name: str | Unset = UNSET,
    description: str | Unset = UNSET,
    services: Sequence[int | str] | Unset = UNSET,
) -> BusinessFunction:
    """Change a business function; `services`, when given, replaces the whole list."""
    lock_catalog(ctx)
    if not isinstance(name, Unset):
        name = clean_name(name, kind="business function")
        ensure_name_free(ctx, BusinessFunction, name, kind="business function", exclude_id=function.id)
    if not isinstance(description, Unset):
        description = clean_description(description)
    used = None if isinstance(services, Unset) else _services(ctx, services)
    # Everything is validated above, so nothing below can fail half-way.
    if not isinstance(name, Unset):
        function.name = name
    if not isinstance(description, Unset):
        function.description = description
    flush_unique(ctx, kind="business function", name=function.name)
    if used is not None:
        set_function_services(ctx, function=function, services=[s.id for s in used])
    return function


def delete_function(ctx: Ctx, *, function: BusinessFunction) -> None:
    """Delete a business function (its services stay)."""
    ctx.session.execute(
        delete(business_function_services).where(business_function_services.c.function_id == function.id)
    )
    ctx.session.delete(function)
    ctx.session.flush()


def function_services(ctx: Ctx, function: BusinessFunction) -> list[Service]:
    """Services the function uses directly, most critical first."""
    query = (
        select(Service)
        .join(business_function_services, business_function_services.c.service_id == Service.id)
        .where(business_function_services.c.function_id == function.id)
        .order_by(Service.tier, func.lower(Service.name))
    )
    return list(ctx.session.scalars(query))


def set_function_services(ctx: Ctx, *, function: BusinessFunction, services: Sequence[int | str]) -> list[Service]:
    """Replace the list of services the function uses."""
    used = _services(ctx, services)
    ctx.session.execute(
        delete(business_function_services).where(business_function_services.c.function_id == function.id)
    )
    _link(ctx, function, used)
    return function_services(ctx, function)


def add_function_service(ctx: Ctx, *, function: BusinessFunction, service: int | str) -> list[Service]:
    """Make the function use one more service; a service already listed changes nothing."""
    (found,) = _services(ctx, [service])
    present = ctx.session.execute(
        select(business_function_services.c.service_id).where(
            business_function_services.c.function_id == function.id,
            business_function_services.c.service_id == found.id,
        )
    ).first()
    if present is None:
        _link(ctx, function, [found])
    return function_services(ctx, function)


def remove_function_service(ctx: Ctx, *, function: BusinessFunction, service: int | str) -> list[Service]:
    """Stop the function using a service; NotFound when it did not."""
    found = lookup(ctx, Service, service)
    result = None
    if found is not None:
        result = ctx.session.execute(
            delete(business_function_services).where(
                business_function_services.c.function_id == function.id,
                business_function_services.c.service_id == found.id,
            )
        )
    if result is None or not getattr(result, "rowcount", 0):
        raise NotFound(f"business function {function.name!r} does not use service {str(service)[:200]!r}")
    return function_services(ctx, function)


def list_functions(
    ctx: Ctx, *, q: str | None = None, service: int | str | None = None, page: PageRequest | None = None
) -> tuple[list[BusinessFunction], int]:
    """Business functions by name, optionally only those using `service` or matching a search text."""
    query = select(BusinessFunction).order_by(func.lower(BusinessFunction.name), BusinessFunction.id)
    text = clean_query(q)
    if text:
        query = query.where(
            or_(
                func.lower(BusinessFunction.name).contains(text.lower(), autoescape=True),
                func.lower(BusinessFunction.description).contains(text.lower(), autoescape=True),
            )
        )
    if service is not None and str(service).strip():
        found = lookup(ctx, Service, service)
        if found is None:
            raise Invalid(f"no service with id or name {str(service)[:200]!r}", {"field": "service"})
        used_by = select(business_function_services.c.function_id).where(
            business_function_services.c.service_id == found.id
        )
        query = query.where(BusinessFunction.id.in_(used_by))
    return paginate(ctx.session, query, page or PageRequest())


def describe_functions(ctx: Ctx, functions: Sequence[BusinessFunction]) -> list[FunctionInfo]:
    """Functions with their direct services and the services those need in turn."""
    if not functions:
        return []
    infos = {f.id: FunctionInfo(function=f) for f in functions}
    rows = ctx.session.execute(
        select(business_function_services.c.function_id, Service)
        .join(Service, Service.id == business_function_services.c.service_id)
        .where(business_function_services.c.function_id.in_(list(infos)))
        .order_by(Service.tier, func.lower(Service.name))
    )
    for function_id, service in rows:
        infos[function_id].services.append(service)
    edges = graph.dependency_edges(ctx.session)
    for info in infos.values():
        direct = {s.id for s in info.services}
        needed = {sid: hops for sid, hops in graph.dependency_closure(edges, direct).items() if sid not in direct}
        loaded: list[Service] = (
            list(ctx.session.scalars(select(Service).where(Service.id.in_(list(needed))))) if needed else []
        )
        info.indirect = sorted(((s, needed[s.id]) for s in loaded), key=lambda p: (p[1], p[0].tier, p[0].name))
    return [infos[f.id] for f in functions]
