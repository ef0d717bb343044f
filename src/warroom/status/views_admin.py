"""Staff pages for the status page: branding settings and update templates (admins)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.errors import Invalid
from warroom.status import service
from warroom.status.models import UPDATE_STATUSES
from warroom.status.public import page_settings
from warroom.web import UiAdmin, render

router = APIRouter()


@router.get("/admin/status", response_class=HTMLResponse)
def settings_page(request: Request, ctx: UiAdmin) -> Response:
    page = page_settings(ctx.session)
    return render(
        request,
        "status/admin.html",
        page=page,
        templates=service.template_bodies(ctx.session),
        statuses=UPDATE_STATUSES,
        error=None,
        field=None,
        saved=request.query_params.get("saved"),
    )


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
        ctx.session.rollback()
        return render(
            request,
            "status/admin.html",
            status_code=422,
            page=page_settings(ctx.session),
            templates=service.template_bodies(ctx.session),
            statuses=UPDATE_STATUSES,
            error=exc.message,
            field=(exc.detail or {}).get("field"),
            saved=None,
        )
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
        ctx.session.rollback()
        return render(
            request,
            "status/admin.html",
            status_code=422,
            page=page_settings(ctx.session),
            templates=service.template_bodies(ctx.session),
            statuses=UPDATE_STATUSES,
            error=exc.message,
            field="templates",
            saved=None,
        )
    return RedirectResponse("/admin/status?saved=templates", status_code=303)
