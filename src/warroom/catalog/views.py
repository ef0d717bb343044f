"""HTML pages for the service catalog. Teams and business functions have their own modules, mounted here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.catalog import service as catalog
from warroom.catalog import views_functions, views_teams
from warroom.catalog.common import MAX_DESCRIPTION, MAX_NAME, MAX_URL
from warroom.catalog.models import TIERS, Service
from warroom.catalog.view_support import NOTICES, PAGE_SIZE, Pager, attempt, can_edit, page, parse_id, parse_offset
from warroom.context import Ctx
from warroom.errors import Invalid
from warroom.lib.pagination import PageRequest
from warroom.web import UiAdmin, UiViewer

router = APIRouter()
router.include_router(views_teams.router)
router.include_router(views_functions.router)

NameField = Annotated[str, Form(max_length=MAX_NAME)]
TextField = Annotated[str, Form(max_length=MAX_DESCRIPTION)]
UrlField = Annotated[str, Form(max_length=MAX_URL)]
ShortField = Annotated[str, Form(max_length=20)]


def _tier_choices() -> list[tuple[int, str, str]]:
    return [(t, catalog.TIER_NAMES[t], catalog.TIER_MEANINGS[t]) for t in TIERS]


def _parse_tier(raw: str, errors: dict[str, str]) -> int:
    value = raw.strip()
    if value in ("1", "2", "3", "4"):
        return int(value)
    errors["tier"] = "Choose a tier from 1 (mission critical) to 4 (low)."
    return 0


@router.get("/catalog", include_in_schema=False)
def catalog_home(ctx: UiViewer) -> Response:
    return RedirectResponse("/catalog/services", status_code=303)


@router.get("/catalog/services", response_class=HTMLResponse)
def services_page(
    request: Request,
    ctx: UiViewer,
    q: str = "",
    tier: str = "",
    team: str = "",
    public: str = "",
    offset: str = "",
    done: str = "",
) -> Response:
    """The service list with filters in the URL, so a filtered view can be shared as a link."""
    tier_value = int(tier) if tier in ("1", "2", "3", "4") else None
    team_value = parse_id(team)
    public_value = {"public": True, "private": False}.get(public)
    start = parse_offset(offset)
    filter_error = None
    try:
        rows, total = catalog.list_services(
            ctx,
            tier=tier_value,
            team=team_value,
            q=q[:MAX_NAME],
            public=public_value,
            page=PageRequest(limit=PAGE_SIZE, offset=start),
        )
    except Invalid as exc:
        # A stale link (a deleted team, odd characters): show the message, not an error page.
        filter_error = exc.message
        rows, total = [], 0
    filters = {
        "q": q[:MAX_NAME],
        "tier": str(tier_value or ""),
        "team": str(team_value or ""),
        "public": public if public_value is not None else "",
    }
    return page(
        request,
        "catalog/services.html",
        services=catalog.describe_services(ctx, rows),
        total=total,
        pager=Pager(total=total, offset=start, limit=PAGE_SIZE, base="/catalog/services", filters=filters),
        filters=filters,
        filtered=any(filters.values()),
        filter_error=filter_error,
        teams=catalog.all_teams(ctx),
        tiers=_tier_choices(),
        can_edit=can_edit(ctx),
        notice=NOTICES.get(done),
    )


def _new_form(request: Request, ctx: Ctx, form: dict[str, Any], errors: dict[str, str], status: int) -> Response:
    return page(
        request,
        "catalog/service_new.html",
        status_code=status,
        form=form,
        errors=errors,
        teams=catalog.all_teams(ctx),
        services=catalog.all_services(ctx),
        tiers=_tier_choices(),
    )


@router.get("/catalog/services/new", response_class=HTMLResponse)
def new_service_page(request: Request, ctx: UiAdmin) -> Response:
    return _new_form(request, ctx, {"tier": "", "depends_on": []}, {}, 200)


@router.post("/catalog/services", response_class=HTMLResponse)
def create_service(
    request: Request,
    ctx: UiAdmin,
    name: NameField = "",
    tier: ShortField = "",
    description: TextField = "",
    team_id: ShortField = "",
    runbook_url: UrlField = "",
    public: ShortField = "",
    depends_on: Annotated[list[str], Form(max_length=500)] = [],  # noqa: B006 - FastAPI copies defaults
) -> Response:
    form = {
        "name": name,
        "tier": tier,
        "description": description,
        "team_id": team_id,
        "runbook_url": runbook_url,
        "public": bool(public),
        "depends_on": [parse_id(d) for d in depends_on],
    }
    errors: dict[str, str] = {}
    tier_value = _parse_tier(tier, errors)
    if errors:
        return _new_form(request, ctx, form, errors, 422)
    created, errors, status = attempt(
        ctx,
        lambda: catalog.create_service(
            ctx,
            name=name,
            tier=tier_value,
            description=description,
            team=parse_id(team_id),
            runbook_url=runbook_url,
            public=bool(public),
            depends_on=[d for d in depends_on if d.strip()],
        ),
    )
    if created is None:
        return _new_form(request, ctx, form, errors, status)
    return RedirectResponse(f"/catalog/services/{created.id}?done=created", status_code=303)


def _detail(
    request: Request,
    ctx: Ctx,
    service: Service,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
    notice: str | None = None,
    chosen: str = "",
) -> Response:
    info = catalog.describe_services(ctx, [service])[0]
    radius = catalog.blast_radius(ctx, [service.id])
    names = {s.id: s.name for s, _hops in radius.services} | {service.id: service.name}
    current = {s.id for s in info.depends_on} | {service.id}
    return page(
        request,
        "catalog/service.html",
        status_code=status,
        info=info,
        radius=radius,
        path_names=names,
        candidates=[s for s in catalog.all_services(ctx) if s.id not in current],
        teams=catalog.all_teams(ctx),
        tiers=_tier_choices(),
        errors=errors or {},
        form=form
        or {
            "name": service.name,
            "tier": str(service.tier),
            "description": service.description,
            "team_id": str(service.team_id or ""),
            "runbook_url": service.runbook_url or "",
            "public": service.is_public,
        },
        can_edit=can_edit(ctx),
        notice=notice,
        chosen=chosen,
    )


@router.get("/catalog/services/{service_id}", response_class=HTMLResponse)
def service_page(request: Request, service_id: int, ctx: UiViewer, done: str = "") -> Response:
    """A service: what it needs, what needs it, what breaks if it fails, and (for admins) the edit forms."""
    return _detail(request, ctx, catalog.get_service(ctx, service_id), notice=NOTICES.get(done))


@router.post("/catalog/services/{service_id}", response_class=HTMLResponse)
def update_service(
    request: Request,
    service_id: int,
    ctx: UiAdmin,
    name: NameField = "",
    tier: ShortField = "",
    description: TextField = "",
    team_id: ShortField = "",
    runbook_url: UrlField = "",
    public: ShortField = "",
) -> Response:
    service = catalog.get_service(ctx, service_id)
    form = {
        "name": name,
        "tier": tier,
        "description": description,
        "team_id": team_id,
        "runbook_url": runbook_url,
        "public": bool(public),
    }
    errors: dict[str, str] = {}
    tier_value = _parse_tier(tier, errors)
    if errors:
        return _detail(request, ctx, service, errors=errors, form=form, status=422)
    updated, errors, status = attempt(
        ctx,
        lambda: catalog.update_service(
            ctx,
            service=service,
            name=name,
            tier=tier_value,
            description=description,
            team=parse_id(team_id),
            runbook_url=runbook_url,
            public=bool(public),
        ),
    )
    if updated is None:
        ctx.session.refresh(service)
        return _detail(request, ctx, service, errors=errors, form=form, status=status)
    return RedirectResponse(f"/catalog/services/{service.id}?done=saved", status_code=303)


@router.post("/catalog/services/{service_id}/dependencies", response_class=HTMLResponse)
def add_dependency(
    request: Request, service_id: int, ctx: UiAdmin, depends_on: Annotated[str, Form(max_length=MAX_NAME)] = ""
) -> Response:
    """Add one dependency; a cycle is shown next to the field with its full path."""
    service = catalog.get_service(ctx, service_id)
    if not depends_on.strip():
        return _detail(request, ctx, service, errors={"depends_on": "Choose a service to depend on."}, status=422)
    done, errors, status = attempt(
        ctx, lambda: catalog.add_dependency(ctx, service=service, depends_on=depends_on), field="depends_on"
    )
    if done is None:
        ctx.session.refresh(service)
        return _detail(request, ctx, service, errors=errors, status=status, chosen=depends_on)
    return RedirectResponse(f"/catalog/services/{service.id}?done=linked#dependencies", status_code=303)


@router.post("/catalog/services/{service_id}/dependencies/{other_id}/remove", response_class=HTMLResponse)
def remove_dependency(request: Request, service_id: int, other_id: int, ctx: UiAdmin) -> Response:
    service = catalog.get_service(ctx, service_id)
    done, errors, status = attempt(
        ctx, lambda: catalog.remove_dependency(ctx, service=service, depends_on=other_id), field="depends_on"
    )
    if done is None:
        return _detail(request, ctx, service, errors=errors, status=status)
    return RedirectResponse(f"/catalog/services/{service.id}?done=unlinked#dependencies", status_code=303)


@router.post("/catalog/services/{service_id}/delete", response_class=HTMLResponse)
def delete_service(request: Request, service_id: int, ctx: UiAdmin) -> Response:
    """Delete, unless incidents still refer to the service (then say so next to the button)."""
    service = catalog.get_service(ctx, service_id)

    def delete() -> bool:
        catalog.delete_service(ctx, service=service)
        return True

    _done, errors, status = attempt(ctx, delete, field="delete")
    if errors:
        return _detail(request, ctx, service, errors={"delete": next(iter(errors.values()))}, status=status)
    return RedirectResponse("/catalog/services?done=deleted", status_code=303)
