"""The on-call health page (numbers, fairness, flags, a server-rendered SVG bar chart) and personal feeds."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from warroom.auth.models import User
from warroom.catalog.models import Team
from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.lib.schema import MAX_ID
from warroom.schedules import service as schedules
from warroom.schedules.health import PersonHealth
from warroom.web import UiViewer, render

router = APIRouter()

BAR_HEIGHT = 14
ROW_HEIGHT = 44
LABEL_WIDTH = 160
CHART_WIDTH = 640
PERIODS = ("24h", "7d", "14d", "30d", "90d")


@dataclass(frozen=True)
class Bar:
    """One row of the chart: a person with the two bars' geometry."""

    name: str
    y: int
    pages: int
    night_pages: int
    pages_width: int
    night_width: int


def chart_rows(people: list[PersonHealth]) -> tuple[list[Bar], int]:
    """Bars scaled to the largest page count; returns the rows and the chart height."""
    top = max([p.pages for p in people] + [1])
    span = CHART_WIDTH - LABEL_WIDTH - 60
    rows = [
        Bar(
            name=p.name,
            y=10 + i * ROW_HEIGHT,
            pages=p.pages,
            night_pages=p.night_pages,
            pages_width=round(span * p.pages / top),
            night_width=round(span * p.night_pages / top),
        )
        for i, p in enumerate(people)
    ]
    return rows, 20 + len(rows) * ROW_HEIGHT


def _team_id(raw: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    raise Invalid("choose a team from the list", {"field": "team"})


def _page(request: Request, ctx: Ctx, *, since: str, team: str, issued_url: str | None = None) -> Response:
    error = None
    report = None
    period = since if since in PERIODS else "7d"
    try:
        team_id = _team_id(team)
        report = schedules.build_report(ctx, since=schedules.parse_since(period, ctx.now()), team_id=team_id)
    except (Invalid, NotFound) as exc:
        error = exc.message
    rows, height = chart_rows(report.people if report else [])
    me = ctx.actor.user_id
    feeds = [t for t in schedules.list_feed_tokens(ctx, user_id=me) if t.revoked_at is None] if me else []
    return render(
        request,
        "schedules/health.html",
        status_code=200 if error is None else 422,
        report=report,
        error=error,
        period=period,
        periods=PERIODS,
        team=team,
        teams=list(ctx.session.scalars(select(Team).order_by(Team.name))),
        rows=rows,
        chart_height=height,
        chart_width=CHART_WIDTH,
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        feeds=feeds,
        issued_url=issued_url,
    )


@router.get("/oncall", response_class=HTMLResponse)
def health_page(request: Request, ctx: UiViewer, since: str = "7d", team: str = "") -> Response:
    return _page(request, ctx, since=since[:8], team=team[:12])


@router.post("/oncall/feeds", response_class=HTMLResponse)
def create_personal_feed(request: Request, ctx: UiViewer) -> Response:
    user = ctx.session.get(User, ctx.actor.user_id) if ctx.actor.user_id else None
    if user is None:
        raise NotFound("sign in again to create a personal feed")
    issued = schedules.create_feed_token(ctx, user=user)
    base = ctx.settings.base_url or str(request.base_url).rstrip("/")
    return _page(request, ctx, since="7d", team="", issued_url=base + issued.path)


@router.post("/oncall/feeds/{token_id}/revoke", response_class=HTMLResponse)
def revoke_personal_feed(token_id: int, ctx: UiViewer) -> Response:
    token = schedules.get_feed_token(ctx, token_id)
    if token.user_id is None or token.user_id != ctx.actor.user_id:
        raise NotFound(f"you have no personal feed token {token_id}")
    schedules.revoke_feed_token(ctx, token)
    return RedirectResponse("/oncall#feeds", status_code=303)
