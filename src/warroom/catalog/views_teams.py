"""HTML pages for teams: list, create, detail with members and owned services."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.auth import service as auth_service
from warroom.catalog import service as catalog
from warroom.catalog.common import MAX_DESCRIPTION, MAX_NAME
from warroom.catalog.models import Team
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
    offset: int = 0,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice: str | None = None,
) -> Response:
    filter_error = None
    try:
        rows, total = catalog.list_teams(ctx, q=q, page=PageRequest(limit=PAGE_SIZE, offset=offset))
    except Invalid as exc:
        filter_error, rows, total = exc.message, [], 0
    return page(
        request,
        "catalog/teams.html",
        status_code=status,
        teams=catalog.describe_teams(ctx, rows),
        total=total,
        pager=Pager(total=total, offset=offset, limit=PAGE_SIZE, base="/catalog/teams", filters={"q": q}),
        q=q,
        filter_error=filter_error,
        form=form or {"name": "", "description": ""},
        errors=errors or {},
        can_edit=can_edit(ctx),
        notice=notice,
    )


@router.get("/catalog/teams", response_class=HTMLResponse)
def teams_page(request: Request, ctx: UiViewer, q: str = "", offset: str = "", done: str = "") -> Response:
    return _list(request, ctx, q=q[:MAX_NAME], offset=parse_offset(offset), notice=NOTICES.get(done))


@router.post("/catalog/teams", response_class=HTMLResponse)
def create_team(request: Request, ctx: UiAdmin, name: NameField = "", description: TextField = "") -> Response:
    created, errors, status = attempt(ctx, lambda: catalog.create_team(ctx, name=name, description=description))
    if created is None:
        form = {"name": name, "description": description}
        return _list(request, ctx, form=form, errors=errors, status=status)
    return RedirectResponse(f"/catalog/teams/{created.id}?done=created", status_code=303)


def _detail(
    request: Request,
    ctx: Ctx,
    team: Team,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
    notice: str | None = None,
) -> Response:
    info = catalog.describe_teams(ctx, [team])[0]
    member_ids = {u.id for u in info.members}
    return page(
        request,
        "catalog/team.html",
        status_code=status,
        info=info,
        candidates=[u for u in auth_service.list_users(ctx) if u.id not in member_ids and u.is_active],
        errors=errors or {},
        form=form or {"name": team.name, "description": team.description},
        can_edit=can_edit(ctx),
        notice=notice,
    )


@router.get("/catalog/teams/{team_id}", response_class=HTMLResponse)
def team_page(request: Request, team_id: int, ctx: UiViewer, done: str = "") -> Response:
    return _detail(request, ctx, catalog.get_team(ctx, team_id), notice=NOTICES.get(done))


@router.post("/catalog/teams/{team_id}", response_class=HTMLResponse)
def update_team(
    request: Request, team_id: int, ctx: UiAdmin, name: NameField = "", description: TextField = ""
) -> Response:
    team = catalog.get_team(ctx, team_id)
    updated, errors, status = attempt(
        ctx, lambda: catalog.update_team(ctx, team=team, name=name, description=description)
    )
    if updated is None:
        ctx.session.refresh(team)
        form = {"name": name, "description": description}
        return _detail(request, ctx, team, errors=errors, form=form, status=status)
    return RedirectResponse(f"/catalog/teams/{team.id}?done=saved", status_code=303)


@router.post("/catalog/teams/{team_id}/members", response_class=HTMLResponse)
def add_member(
    request: Request, team_id: int, ctx: UiAdmin, user_id: Annotated[str, Form(max_length=20)] = ""
) -> Response:
    team = catalog.get_team(ctx, team_id)
    wanted = parse_id(user_id)
    if wanted is None:
        return _detail(request, ctx, team, errors={"user_ids": "Choose a person to add."}, status=422)
    done, errors, status = attempt(
        ctx, lambda: catalog.add_team_member(ctx, team=team, user_id=wanted), field="user_ids"
    )
    if done is None:
        return _detail(request, ctx, team, errors=errors, status=status)
    return RedirectResponse(f"/catalog/teams/{team.id}?done=member-added#members", status_code=303)


@router.post("/catalog/teams/{team_id}/members/{user_id}/remove", response_class=HTMLResponse)
def remove_member(request: Request, team_id: int, user_id: int, ctx: UiAdmin) -> Response:
    team = catalog.get_team(ctx, team_id)
    done, errors, status = attempt(
        ctx, lambda: catalog.remove_team_member(ctx, team=team, user_id=user_id), field="user_ids"
    )
    if done is None:
        return _detail(request, ctx, team, errors=errors, status=status)
    return RedirectResponse(f"/catalog/teams/{team.id}?done=member-removed#members", status_code=303)


@router.post("/catalog/teams/{team_id}/delete", response_class=HTMLResponse)
def delete_team(request: Request, team_id: int, ctx: UiAdmin) -> Response:
    """Delete, unless the team still owns services (then say which, next to the button)."""
    team = catalog.get_team(ctx, team_id)

    def delete() -> bool:
        catalog.delete_team(ctx, team=team)
        return True

    _done, errors, status = attempt(ctx, delete, field="delete")
    if errors:
        return _detail(request, ctx, team, errors={"delete": next(iter(errors.values()))}, status=status)
    return RedirectResponse("/catalog/teams?done=deleted", status_code=303)
