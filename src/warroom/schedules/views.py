"""Schedules HTML pages: the list, a schedule's page (now/next, two-week timeline, layers, overrides, feeds).

The iCal feeds live here too (they are not under /api/v1); they authenticate with a feed token, not a login.
On-call health pages are in views_health.py, included below.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.auth.models import User
from warroom.auth.service import role_rank
from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.lib.schema import MAX_ID
from warroom.schedules import service as schedules
from warroom.schedules.models import Schedule
from warroom.schedules.views_health import router as health_router
from warroom.schedules.views_support import attempt, days_of, local_input
from warroom.web import PublicCtx, UiAdmin, UiResponder, UiViewer, render

router = APIRouter()
router.include_router(health_router)

T = TypeVar("T")
Text = Annotated[str, Form(max_length=500)]
Short = Annotated[str, Form(max_length=64)]
NOTICES = {"created": "Created.", "saved": "Saved.", "deleted": "Deleted.", "revoked": "Feed URL revoked."}
TIMELINE_DAYS = 14
ICS = "text/calendar; charset=utf-8"


def _users(ctx: Ctx) -> list[User]:
    from sqlalchemy import select

    return list(ctx.session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.name)))


@router.get("/schedules", response_class=HTMLResponse)
def schedules_page(request: Request, ctx: UiViewer, done: str = "") -> Response:
    return _list(request, ctx, notice=NOTICES.get(done))


def _list(
    request: Request,
    ctx: Ctx,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice: str | None = None,
) -> Response:
    rows, _total = schedules.list_schedules(ctx)
    now = ctx.now()
    entries = [(s, schedules.who_is_on_call(ctx, s, now)) for s in rows]
    return render(
        request,
        "schedules/list.html",
        status_code=status,
        entries=entries,
        form=form or {"name": "", "time_zone": "UTC", "description": ""},
        errors=errors or {},
        can_admin=role_rank(ctx.actor.role) >= role_rank("admin"),
        notice=notice,
    )


@router.post("/schedules", response_class=HTMLResponse)
def create_schedule(
    request: Request,
    ctx: UiAdmin,
    name: Text = "",
    time_zone: Short = "UTC",
    description: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    created, errors, status = attempt(
        ctx, lambda: schedules.create_schedule(ctx, name=name, time_zone=time_zone, description=description)
    )
    if created is None:
        form = {"name": name, "time_zone": time_zone, "description": description}
        return _list(request, ctx, form=form, errors=errors, status=status)
    return RedirectResponse(f"/schedules/{created.id}?done=created", status_code=303)


def _schedule(ctx: Ctx, raw: int) -> Schedule:
    return schedules.get_schedule(ctx, raw)


def _detail(
    request: Request,
    ctx: Ctx,
    schedule: Schedule,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
    notice: str | None = None,
    issued_url: str | None = None,
) -> Response:
    now = ctx.now()
    zone = ZoneInfo(schedule.time_zone)
    start = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone).astimezone(UTC)
    result = schedules.resolve(ctx.session, schedule, start, start + timedelta(days=TIMELINE_DAYS), now=now)
    users = _users(ctx)
    names = {u.id: u.name for u in users}
    return render(
        request,
        "schedules/show.html",
        status_code=status,
        schedule=schedule,
        oncall=schedules.who_is_on_call(ctx, schedule, now),
        shifts=result.shifts,
        gaps=result.gaps,
        layers=schedules.layers_of(ctx.session, schedule.id),
        overrides=schedules.list_overrides(ctx, schedule, ending_after=now),
        feeds=[t for t in schedules.list_feed_tokens(ctx, schedule_id=schedule.id) if t.revoked_at is None],
        users=users,
        names=names,
        days_of=days_of,
        errors=errors or {},
        form=form or {},
        can_admin=role_rank(ctx.actor.role) >= role_rank("admin"),
        can_respond=role_rank(ctx.actor.role) >= role_rank("responder"),
        notice=notice,
        issued_url=issued_url,
        default_start=local_input(now, schedule.time_zone),
        default_end=local_input(now + timedelta(hours=8), schedule.time_zone),
    )


@router.get("/schedules/{schedule_id}", response_class=HTMLResponse)
def schedule_page(request: Request, schedule_id: int, ctx: UiViewer, done: str = "") -> Response:
    return _detail(request, ctx, _schedule(ctx, schedule_id), notice=NOTICES.get(done))


def _parse_local(raw: str, zone: str, field: str) -> datetime:
    """A datetime-local form value (no offset) read in the schedule's zone."""
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid(f"{raw!r} is not a date and time; use the picker or YYYY-MM-DDTHH:MM", {"field": field}) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone))
    return schedules.check_aware(value, field)


def _user_id(raw: str, field: str) -> int:
    value = raw.strip()
    if not (value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID):
        raise Invalid("choose a person", {"field": field})
    return int(value)


def _redirect(schedule: Schedule, done: str, anchor: str) -> Response:
    return RedirectResponse(f"/schedules/{schedule.id}?done={done}#{anchor}", status_code=303)


def _post(
    request: Request,
    ctx: Ctx,
    schedule: Schedule,
    action: Callable[[], T],
    form: dict[str, Any],
    done: str,
    anchor: str,
) -> Response:
    result, errors, status = attempt(ctx, action)
    if errors:
        return _detail(request, ctx, schedule, errors=errors, form=form, status=status)
    del result
    return _redirect(schedule, done, anchor)


@router.post("/schedules/{schedule_id}/overrides", response_class=HTMLResponse)
def add_override(
    request: Request,
    schedule_id: int,
    ctx: UiResponder,
    user_id: Short = "",
    start: Short = "",
    end: Short = "",
    reason: Text = "",
) -> Response:
    schedule = _schedule(ctx, schedule_id)
    form = {"override_user": user_id, "override_start": start, "override_end": end, "override_reason": reason}

    def action() -> object:
        return schedules.add_override(
            ctx,
            schedule,
            user_id=_user_id(user_id, "user_id"),
            start=_parse_local(start, schedule.time_zone, "start"),
            end=_parse_local(end, schedule.time_zone, "end"),
            reason=reason,
        )

    return _post(request, ctx, schedule, action, form, "created", "overrides")


@router.post("/schedules/{schedule_id}/overrides/{override_id}/delete", response_class=HTMLResponse)
def delete_override(request: Request, schedule_id: int, override_id: int, ctx: UiResponder) -> Response:
    schedule = _schedule(ctx, schedule_id)
    return _post(
        request,
        ctx,
        schedule,
        lambda: schedules.delete_override(ctx, schedule, override_id),
        {},
        "deleted",
        "overrides",
    )


@router.post("/schedules/{schedule_id}/layers", response_class=HTMLResponse)
async def add_layer(request: Request, schedule_id: int, ctx: UiAdmin) -> Response:
    form = await request.form()
    values = {
        key: str(form.get(key, ""))[:200]
        for key in ("name", "rotation_start", "turn_length", "turn_unit", "handoff_time", "r_start", "r_end")
    }
    members = [str(m)[:12] for m in form.getlist("members")][:100]
    days = [str(d)[:2] for d in form.getlist("r_days")][:7]
    return _add_layer(request, ctx, schedule_id, values, members, days)


def _add_layer(
    request: Request, ctx: Ctx, schedule_id: int, values: dict[str, str], members: list[str], days: list[str]
) -> Response:
    schedule = _schedule(ctx, schedule_id)

    def action() -> object:
        length = values["turn_length"].strip()
        if not (length.lstrip("-").isdigit() and len(length) < 10):
            raise Invalid("turn length must be a whole number", {"field": "turn_length"})
        restrictions = []
        if values["r_start"] or values["r_end"] or days:
            if not all(d.isdigit() for d in days):
                raise Invalid("choose the days the restriction applies", {"field": "restrictions"})
            restrictions = [{"days": [int(d) for d in days], "start": values["r_start"], "end": values["r_end"]}]
        return schedules.add_layer(
            ctx,
            schedule,
            name=values["name"],
            rotation_start=_parse_local(values["rotation_start"], schedule.time_zone, "rotation_start"),
            turn_length=int(length),
            turn_unit=values["turn_unit"],
            handoff_time=values["handoff_time"] or None,
            members=[_user_id(m, "members") for m in members],
            restrictions=restrictions,
        )

    return _post(request, ctx, schedule, action, {**values, "members": members, "r_days": days}, "created", "layers")


@router.post("/schedules/{schedule_id}/layers/{layer_id}/delete", response_class=HTMLResponse)
def delete_layer(request: Request, schedule_id: int, layer_id: int, ctx: UiAdmin) -> Response:
    schedule = _schedule(ctx, schedule_id)

    def action() -> None:
        schedules.delete_layer(ctx, schedule, schedules.get_layer(ctx, schedule, layer_id))

    return _post(request, ctx, schedule, action, {}, "deleted", "layers")


@router.post("/schedules/{schedule_id}/feeds", response_class=HTMLResponse)
def create_feed(request: Request, schedule_id: int, ctx: UiResponder) -> Response:
    schedule = _schedule(ctx, schedule_id)
    issued = schedules.create_feed_token(ctx, schedule=schedule)
    base = ctx.settings.base_url or str(request.base_url).rstrip("/")
    return _detail(
        request,
        ctx,
        schedule,
        issued_url=base + issued.path,
        notice="Feed URL created. Copy it now: it is shown only once.",
    )


@router.post("/schedules/{schedule_id}/feeds/{token_id}/revoke", response_class=HTMLResponse)
def revoke_feed(request: Request, schedule_id: int, token_id: int, ctx: UiResponder) -> Response:
    schedule = _schedule(ctx, schedule_id)
    token = schedules.get_feed_token(ctx, token_id)
    if token.schedule_id != schedule.id:
        raise NotFound(f"schedule {schedule.id} has no feed token {token_id}")
    schedules.revoke_feed_token(ctx, token)
    return _redirect(schedule, "revoked", "feeds")


# --- iCal feeds (feed-token credential) -----------------------------------------------------------------


@router.get("/schedules/{schedule_id}/feed.ics")
def schedule_feed(schedule_id: int, ctx: PublicCtx, token: Annotated[str, Query(max_length=200)] = "") -> Response:
    """A schedule's shifts as iCal; `token` is a feed token for this schedule."""
    text = schedules.schedule_feed(ctx, schedule_id=schedule_id, secret=token)
    return Response(text, media_type=ICS, headers={"Cache-Control": "private, max-age=300"})


@router.get("/users/{user_id}/oncall.ics")
def user_feed(user_id: int, ctx: PublicCtx, token: Annotated[str, Query(max_length=200)] = "") -> Response:
    """One person's shifts across every schedule as iCal; `token` is that person's feed token."""
    text = schedules.user_feed(ctx, user_id=user_id, secret=token)
    return Response(text, media_type=ICS, headers={"Cache-Control": "private, max-age=300"})
