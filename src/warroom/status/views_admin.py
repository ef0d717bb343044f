"""Staff pages for the status page: branding, update templates, component groups and order (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.context import Ctx
from warroom.errors import AppError, Invalid
from warroom.lib.schema import MAX_ID
from warroom.status import service
from warroom.status.models import UPDATE_STATUSES
from warroom.status.public import page_settings
from warroom.web import UiAdmin, render

router = APIRouter()
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
Position = Annotated[str, Form(max_length=12)]


def _page(
    request: Request, ctx: Ctx, *, status_code: int = 200, error: str | None = None, field: str | None = None
) -> Response:
    return render(
        request,
        "status/admin.html",
        status_code=status_code,
        page=page_settings(ctx.session),
        templates=service.template_bodies(ctx.session),
        statuses=UPDATE_STATUSES,
        groups=service.list_groups(ctx.session),
        layout=service.layout(ctx.session),
        error=error,
        field=field,
        saved=None if error else request.query_params.get("saved"),
    )


@router.get("/admin/status", response_class=HTMLResponse)
def settings_page(request: Request, ctx: UiAdmin) -> Response:
    return _page(request, ctx)


def _number(raw: str) -> int:
    raw = raw.strip() or "0"
    if not raw.isdigit():
        raise Invalid("a position is a whole number from 0 (lower shows first)", {"field": "position"})
    return int(raw)


def _failed(request: Request, ctx: Ctx, exc: AppError, where: str | None) -> Response:
    ctx.session.rollback()
    return _page(request, ctx, status_code=exc.status_code, error=exc.message, field=where)


@router.post("/admin/status/groups", response_class=HTMLResponse)
def add_group(
    request: Request,
    ctx: UiAdmin,
    name: Annotated[str, Form(max_length=300)] = "",
    position: Position = "",
) -> Response:
    try:
        service.create_group(ctx, name=name, position=_number(position))
    except AppError as exc:
        return _failed(request, ctx, exc, "groups")
    return RedirectResponse("/admin/status?saved=groups#groups", status_code=303)


@router.post("/admin/status/groups/{group_id}", response_class=HTMLResponse)
def save_group(
    request: Request,
    ctx: UiAdmin,
    group_id: ItemId,
    name: Annotated[str, Form(max_length=300)] = "",
    position: Position = "",
) -> Response:
    try:
        service.update_group(ctx, group_id, name=name, position=_number(position))
    except AppError as exc:
        return _failed(request, ctx, exc, "groups")
    return RedirectResponse("/admin/status?saved=groups#groups", status_code=303)


@router.post("/admin/status/groups/{group_id}/delete")
def remove_group(ctx: UiAdmin, group_id: ItemId) -> Response:
    service.delete_group(ctx, group_id)
    return RedirectResponse("/admin/status?saved=groups#groups", status_code=303)


@router.post("/admin/status/components/{service_id}", response_class=HTMLResponse)
def save_component(
    request: Request,
    ctx: UiAdmin,
    service_id: ItemId,
    group_id: Annotated[str, Form(max_length=12)] = "",
    position: Position = "",
    show_description: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    try:
        group = group_id.strip()
        if group and (not group.isdigit() or not 1 <= int(group) <= MAX_ID):
            raise Invalid("pick the group from the list", {"field": "group_id"})
        service.configure_component(
            ctx,
            service_id,
            group_id=int(group) if group else None,
            position=_number(position),
            show_description=show_description == "on",
        )
    except AppError as exc:
        return _failed(request, ctx, exc, "components")
    return RedirectResponse("/admin/status?saved=components#components", status_code=303)


def _links(raw: str) -> list[tuple[str, str]]:
    links = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        label, sep, url = line.partition("|")
        if not sep:
            raise Invalid("write each link as 'Label | https://…' on its own line", {"field": "links"})
        links.append((label.strip(), url.strip()))
    return links


@router.post("/admin/status")
async def save_settings(request: Request, ctx: UiAdmin) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in ("name", "logo_url", "support_url", "links")}
    try:
        service.save_page_settings(
            ctx,
            name=values["name"][:300],
            logo_url=values["logo_url"],
            support_url=values["support_url"],
            links=_links(values["links"][:5000]),
            preview_exercises=form.get("preview_exercises") == "on",
        )
    except Invalid as exc:
        return _failed(request, ctx, exc, (exc.detail or {}).get("field"))
    return RedirectResponse("/admin/status?saved=settings", status_code=303)


@router.post("/admin/status/templates")
async def save_templates(request: Request, ctx: UiAdmin) -> Response:
    form = await request.form()
    try:
        for status in UPDATE_STATUSES:
            body = form.get(f"template_{status}")
            if isinstance(body, str):
                service.save_template(ctx, status=status, body=body[:6000])
    except Invalid as exc:
        return _failed(request, ctx, exc, "templates")
    return RedirectResponse("/admin/status?saved=templates", status_code=303)
