"""HTML pages for business functions: list, create, detail with the services each one needs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.catalog import service as catalog
from warroom.catalog.common import MAX_DESCRIPTION, MAX_NAME
from warroom.catalog.models import BusinessFunction
from warroom.catalog.view_support import NOTICES, PAGE_SIZE, Pager, attempt, can_edit, page, parse_id, parse_offset
from warroom.context import Ctx
from warroom.errors import Invalid
from warroom.lib.pagination import PageRequest
from warroom.web import UiAdmin, UiViewer

router = APIRouter()

NameField = Annotated[str, Form(max_length=MAX_NAME)]
TextField = Annotated[str, Form(max_length=MAX_DESCRIPTION)]


def _list(
    request: Request,
    ctx: Ctx,
    *,
    q: str = "",
    service: str = "",
    offset: int = 0,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice: str | None = None,
) -> Response:
    filter_error = None
    service_id = parse_id(service)
    try:
        rows, total = catalog.list_functions(
            ctx, q=q, service=service_id, page=PageRequest(limit=PAGE_SIZE, offset=offset)
        )
    except Invalid as exc:
        filter_error, rows, total = exc.message, [], 0
    filters = {"q": q, "service": str(service_id or "")}
    return page(
        request,
        "catalog/functions.html",
        status_code=status,
        functions=catalog.describe_functions(ctx, rows),
        total=total,
        pager=Pager(total=total, offset=offset, limit=PAGE_SIZE, base="/catalog/functions", filters=filters),
        filters=filters,
        filter_error=filter_error,
        services=catalog.all_services(ctx),
        form=form or {"name": "", "description": "", "services": []},
        errors=errors or {},
        can_edit=can_edit(ctx),
        notice=notice,
    )


@router.get("/catalog/functions", response_class=HTMLResponse)
def functions_page(
    request: Request, ctx: UiViewer, q: str = "", service: str = "", offset: str = "", done: str = ""
) -> Response:
    return _list(request, ctx, q=q[:MAX_NAME], service=service, offset=parse_offset(offset), notice=NOTICES.get(done))


@router.post("/catalog/functions", response_class=HTMLResponse)
def create_function(
    request: Request,
    ctx: UiAdmin,
    name: NameField = "",
    description: TextField = "",
    services: Annotated[list[str], Form(max_length=500)] = [],  # noqa: B006 - FastAPI copies defaults
) -> Response:
    refs = [s for s in services if s.strip()]
    created, errors, status = attempt(
        ctx, lambda: catalog.create_function(ctx, name=name, description=description, services=refs)
    )
    if created is None:
        form = {"name": name, "description": description, "services": [parse_id(s) for s in refs]}
        return _list(request, ctx, form=form, errors=errors, status=status)
    return RedirectResponse(f"/catalog/functions/{created.id}?done=created", status_code=303)


def _detail(
    request: Request,
    ctx: Ctx,
    function: BusinessFunction,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
    notice: str | None = None,
) -> Response:
    info = catalog.describe_functions(ctx, [function])[0]
    used = {s.id for s in info.services}
    return page(
        request,
        "catalog/function.html",
        status_code=status,
        info=info,
        candidates=[s for s in catalog.all_services(ctx) if s.id not in used],
        errors=errors or {},
        form=form or {"name": function.name, "description": function.description},
        can_edit=can_edit(ctx),
        notice=notice,
    )


@router.get("/catalog/functions/{function_id}", response_class=HTMLResponse)
def function_page(request: Request, function_id: int, ctx: UiViewer, done: str = "") -> Response:
    return _detail(request, ctx, catalog.get_function(ctx, function_id), notice=NOTICES.get(done))


@router.post("/catalog/functions/{function_id}", response_class=HTMLResponse)
def update_function(
    request: Request, function_id: int, ctx: UiAdmin, name: NameField = "", description: TextField = ""
) -> Response:
    function = catalog.get_function(ctx, function_id)
    updated, errors, status = attempt(
        ctx, lambda: catalog.update_function(ctx, function=function, name=name, description=description)
    )
    if updated is None:
        ctx.session.refresh(function)
        form = {"name": name, "description": description}
        return _detail(request, ctx, function, errors=errors, form=form, status=status)
    return RedirectResponse(f"/catalog/functions/{function.id}?done=saved", status_code=303)


@router.post("/catalog/functions/{function_id}/services", response_class=HTMLResponse)
def add_service(
    request: Request, function_id: int, ctx: UiAdmin, service: Annotated[str, Form(max_length=MAX_NAME)] = ""
) -> Response:
    function = catalog.get_function(ctx, function_id)
    if not service.strip():
        return _detail(request, ctx, function, errors={"services": "Choose a service to add."}, status=422)
    done, errors, status = attempt(
        ctx, lambda: catalog.add_function_service(ctx, function=function, service=service), field="services"
    )
    if done is None:
        return _detail(request, ctx, function, errors=errors, status=status)
    return RedirectResponse(f"/catalog/functions/{function.id}?done=service-added#services", status_code=303)


@router.post("/catalog/functions/{function_id}/services/{service_id}/remove", response_class=HTMLResponse)
def remove_service(request: Request, function_id: int, service_id: int, ctx: UiAdmin) -> Response:
    function = catalog.get_function(ctx, function_id)
    done, errors, status = attempt(
        ctx, lambda: catalog.remove_function_service(ctx, function=function, service=service_id), field="services"
    )
    if done is None:
        return _detail(request, ctx, function, errors=errors, status=status)
    return RedirectResponse(f"/catalog/functions/{function.id}?done=service-removed#services", status_code=303)


@router.post("/catalog/functions/{function_id}/delete", response_class=HTMLResponse)
def delete_function(function_id: int, ctx: UiAdmin) -> Response:
    catalog.delete_function(ctx, function=catalog.get_function(ctx, function_id))
    return RedirectResponse("/catalog/functions?done=deleted", status_code=303)
