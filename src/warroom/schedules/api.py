"""/api/v1 routes for schedules, layers, overrides, who is on call, shifts, feed tokens and on-call health.

Admins edit schedules and layers; responders may add and remove overrides (covering for a colleague is part of
responding) and schedule feed tokens; everyone signed in reads, and manages their own personal feed tokens.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from warroom.auth.models import User
from warroom.context import Ctx
from warroom.errors import Forbidden, NotFound
from warroom.lib.pagination import MAX_LIMIT, PageRequest
from warroom.lib.schema import MAX_ID
from warroom.schedules import present
from warroom.schedules import service as schedules
from warroom.schedules.feeds import IssuedFeed
from warroom.schedules.models import FeedToken
from warroom.schedules.schemas import (
    FeedTokenCreate,
    FeedTokenIssued,
    FeedTokenList,
    FeedTokenOut,
    HealthOut,
    LayerCreate,
    LayerOut,
    LayerUpdate,
    OnCallOut,
    OverrideCreate,
    OverrideOut,
    ScheduleCreate,
    ScheduleDetail,
    ScheduleOut,
    SchedulePage,
    ScheduleUpdate,
    ShiftsOut,
)
from warroom.web import ApiAdmin, ApiResponder, ApiViewer

router = APIRouter(tags=["schedules"])

ScheduleId = Annotated[int, Path(ge=1, le=MAX_ID, description="schedule id")]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
Instant = Annotated[datetime | None, Query(description="ISO 8601 instant with offset")]


@router.get("/schedules", response_model=SchedulePage)
def list_schedules(
    ctx: ApiViewer,
    team_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> SchedulePage:
    rows, total = schedules.list_schedules(ctx, team_id=team_id, page=PageRequest(limit=limit, offset=offset))
    return SchedulePage(items=[ScheduleOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)


@router.post("/schedules", response_model=ScheduleDetail, status_code=201)
def create_schedule(body: ScheduleCreate, ctx: ApiAdmin) -> ScheduleDetail:
    """Create a schedule; add layers with POST /schedules/{id}/layers."""
    schedule = schedules.create_schedule(ctx, **body.model_dump())
    return present.schedule_detail(ctx, schedule)


@router.get("/schedules/{schedule_id}", response_model=ScheduleDetail)
def get_schedule(schedule_id: ScheduleId, ctx: ApiViewer) -> ScheduleDetail:
    """A schedule with its layers and its current and future overrides."""
    return present.schedule_detail(ctx, schedules.get_schedule(ctx, schedule_id))


@router.patch("/schedules/{schedule_id}", response_model=ScheduleDetail)
def update_schedule(schedule_id: ScheduleId, body: ScheduleUpdate, ctx: ApiAdmin) -> ScheduleDetail:
    schedule = schedules.get_schedule(ctx, schedule_id)
    changes = body.model_dump(include=body.model_fields_set)
    for key in ("name", "time_zone", "description", "handoff_notices"):
        if key in changes and changes[key] is None:
            del changes[key]  # null means "leave it"; only team_id can be cleared
    schedules.update_schedule(ctx, schedule, **changes)
    return present.schedule_detail(ctx, schedule)


@router.delete("/schedules/{schedule_id}", status_code=204)
def delete_schedule(schedule_id: ScheduleId, ctx: ApiAdmin) -> Response:
    schedules.delete_schedule(ctx, schedules.get_schedule(ctx, schedule_id))
    return Response(status_code=204)


@router.post("/schedules/{schedule_id}/layers", response_model=LayerOut, status_code=201)
def add_layer(schedule_id: ScheduleId, body: LayerCreate, ctx: ApiAdmin) -> LayerOut:
    """Add a rotation layer (higher position wins)."""
    fields = body.model_dump()
    fields["restrictions"] = [r.model_dump() for r in body.restrictions]
    layer = schedules.add_layer(ctx, schedules.get_schedule(ctx, schedule_id), **fields)
    return LayerOut.model_validate(layer)


@router.patch("/schedules/{schedule_id}/layers/{layer_id}", response_model=LayerOut)
def update_layer(schedule_id: ScheduleId, layer_id: ItemId, body: LayerUpdate, ctx: ApiAdmin) -> LayerOut:
    schedule = schedules.get_schedule(ctx, schedule_id)
    layer = schedules.get_layer(ctx, schedule, layer_id)
    changes = body.model_dump(include=body.model_fields_set)
    for key in list(changes):
        if changes[key] is None and key != "time_zone":
            del changes[key]
    schedules.update_layer(ctx, schedule, layer, **changes)
    return LayerOut.model_validate(layer)


@router.delete("/schedules/{schedule_id}/layers/{layer_id}", status_code=204)
def delete_layer(schedule_id: ScheduleId, layer_id: ItemId, ctx: ApiAdmin) -> Response:
    schedule = schedules.get_schedule(ctx, schedule_id)
    schedules.delete_layer(ctx, schedule, schedules.get_layer(ctx, schedule, layer_id))
    return Response(status_code=204)


@router.get("/schedules/{schedule_id}/overrides", response_model=list[OverrideOut])
def list_overrides(schedule_id: ScheduleId, ctx: ApiViewer) -> list[OverrideOut]:
    """Every override of the schedule, past ones included, by start."""
    rows = schedules.list_overrides(ctx, schedules.get_schedule(ctx, schedule_id))
    return [OverrideOut.model_validate(o) for o in rows]


@router.post("/schedules/{schedule_id}/overrides", response_model=OverrideOut, status_code=201)
def add_override(schedule_id: ScheduleId, body: OverrideCreate, ctx: ApiResponder) -> OverrideOut:
    """Put someone on call for a while; overlapping another override is a 422."""
    schedule = schedules.get_schedule(ctx, schedule_id)
    override = schedules.add_override(ctx, schedule, **body.model_dump())
    return OverrideOut.model_validate(override)


@router.delete("/schedules/{schedule_id}/overrides/{override_id}", status_code=204)
def delete_override(schedule_id: ScheduleId, override_id: ItemId, ctx: ApiResponder) -> Response:
    schedules.delete_override(ctx, schedules.get_schedule(ctx, schedule_id), override_id)
    return Response(status_code=204)


@router.get("/schedules/{schedule_id}/oncall", response_model=OnCallOut)
def who_is_on_call(schedule_id: ScheduleId, ctx: ApiViewer, at: Instant = None) -> OnCallOut:
    """Who is on call at `at` (default now), until when, and who is next. `users` is empty for a gap."""
    return present.oncall_out(ctx, schedules.get_schedule(ctx, schedule_id), at or ctx.now())


@router.get("/schedules/{schedule_id}/shifts", response_model=ShiftsOut)
def shifts(schedule_id: ScheduleId, ctx: ApiViewer, since: Instant = None, until: Instant = None) -> ShiftsOut:
    """The final schedule (layers, restrictions and overrides merged) and future gaps; default the next 14 days."""
    schedule = schedules.get_schedule(ctx, schedule_id)
    start = since or ctx.now()
    end = until or start + timedelta(days=14)
    result = schedules.final_schedule(ctx, schedule, since=start, until=end)
    return present.shifts_out(ctx, schedule, result, start, end)


# --- feed tokens ----------------------------------------------------------------------------------------


def _issued(request: Request, ctx: Ctx, issued: IssuedFeed) -> FeedTokenIssued:
    base = ctx.settings.base_url or str(request.base_url).rstrip("/")
    out = FeedTokenOut.model_validate(issued.token)
    return FeedTokenIssued(**out.model_dump(), token=issued.secret, url=base + issued.path)


@router.get("/schedules/{schedule_id}/feed-tokens", response_model=FeedTokenList)
def list_schedule_feed_tokens(schedule_id: ScheduleId, ctx: ApiViewer) -> FeedTokenList:
    schedule = schedules.get_schedule(ctx, schedule_id)
    rows = schedules.list_feed_tokens(ctx, schedule_id=schedule.id)
    return FeedTokenList(items=[FeedTokenOut.model_validate(t) for t in rows])


@router.post("/schedules/{schedule_id}/feed-tokens", response_model=FeedTokenIssued, status_code=201)
def create_schedule_feed_token(schedule_id: ScheduleId, request: Request, ctx: ApiResponder) -> FeedTokenIssued:
    """A secret iCal URL for this schedule; the token is shown only now."""
    issued = schedules.create_feed_token(ctx, schedule=schedules.get_schedule(ctx, schedule_id))
    return _issued(request, ctx, issued)


@router.delete("/schedules/{schedule_id}/feed-tokens/{token_id}", response_model=FeedTokenOut)
def revoke_schedule_feed_token(schedule_id: ScheduleId, token_id: ItemId, ctx: ApiResponder) -> FeedTokenOut:
    token = schedules.get_feed_token(ctx, token_id)
    if token.schedule_id != schedule_id:
        raise NotFound(f"schedule {schedule_id} has no feed token {token_id}")
    return FeedTokenOut.model_validate(schedules.revoke_feed_token(ctx, token))


def _own_or_admin(ctx: Ctx, user_id: int | None) -> int:
    me = ctx.actor.user_id
    assert me is not None  # API callers are always users
    if user_id is None or user_id == me:
        return me
    if ctx.actor.role not in ("admin", "owner"):
        raise Forbidden("you can manage only your own personal feeds; an admin can manage anyone's")
    if ctx.session.get(User, user_id) is None:
        raise NotFound(f"there is no user {user_id}")
    return user_id


@router.get("/oncall/feed-tokens", response_model=FeedTokenList)
def list_personal_feed_tokens(
    ctx: ApiViewer, user_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
) -> FeedTokenList:
    """Your personal on-call feed tokens (admins: anyone's, with user_id)."""
    rows = schedules.list_feed_tokens(ctx, user_id=_own_or_admin(ctx, user_id))
    return FeedTokenList(items=[FeedTokenOut.model_validate(t) for t in rows])


@router.post("/oncall/feed-tokens", response_model=FeedTokenIssued, status_code=201)
def create_personal_feed_token(body: FeedTokenCreate, request: Request, ctx: ApiViewer) -> FeedTokenIssued:
    """A secret iCal URL of one person's shifts across all schedules."""
    user = ctx.session.get(User, _own_or_admin(ctx, body.user_id))
    assert user is not None
    return _issued(request, ctx, schedules.create_feed_token(ctx, user=user))


@router.delete("/oncall/feed-tokens/{token_id}", response_model=FeedTokenOut)
def revoke_personal_feed_token(token_id: ItemId, ctx: ApiViewer) -> FeedTokenOut:
    token: FeedToken = schedules.get_feed_token(ctx, token_id)
    if token.user_id is None:
        raise NotFound(f"feed token {token_id} is a schedule's; revoke it under /schedules/{token.schedule_id}")
    _own_or_admin(ctx, token.user_id)
    return FeedTokenOut.model_validate(schedules.revoke_feed_token(ctx, token))


# --- on-call health -------------------------------------------------------------------------------------


@router.get("/oncall/report", response_model=HealthOut)
def oncall_report(
    ctx: ApiViewer,
    since: Instant = None,
    until: Instant = None,
    team_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> HealthOut:
    """Pages, night pages (22:00-07:00 local), hours in incidents, incidents commanded, fairness and flags."""
    report = schedules.build_report(ctx, since=since, until=until, team_id=team_id)
    return present.health_out(report)
