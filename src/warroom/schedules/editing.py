"""Create and edit schedules, layers and overrides, with validation that says what to fix."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warroom.auth.models import User
from warroom.catalog.models import Team
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.lib.pagination import PageRequest, paginate
from warroom.lib.schema import MAX_ID
from warroom.schedules import resolver
from warroom.schedules.models import TURN_UNITS, Schedule, ScheduleLayer, ScheduleOverride

MAX_NAME = 200
MAX_MEMBERS = 100
MAX_RESTRICTIONS = 20
# Longest turn we accept: a year of weeks is already more than any rotation needs.
MAX_TURN = {"hours": 24 * 366, "days": 366, "weeks": 52}
# Longest span one "final schedule" request may cover, so a request stays cheap.
MAX_SPAN = timedelta(days=93)
MIN_YEAR, MAX_YEAR = 1971, 2200


def check_zone(name: str, *, field: str = "time_zone") -> str:
    """An IANA zone name, or 422 saying how to fix it."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin", {"field": field}) from None
    return name


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise Invalid(f"a name needs 1 to {MAX_NAME} characters", {"field": "name"})
    return name


def _name_taken(ctx: Ctx, name: str, *, except_id: int | None = None) -> bool:
    query = select(Schedule.id).where(func.lower(Schedule.name) == name.lower())
    found = ctx.session.scalar(query)
    return found is not None and found != except_id


def _check_team(ctx: Ctx, team_id: int | None) -> int | None:
    if team_id is not None and (not 1 <= team_id <= MAX_ID or ctx.session.get(Team, team_id) is None):
        raise Invalid(f"there is no team {team_id}; pick one from /api/v1/teams", {"field": "team_id"})
    return team_id


# --- schedules ------------------------------------------------------------------------------------------


def get_schedule(ctx: Ctx, schedule_id: int) -> Schedule:
    """The schedule with this id, or 404."""
    schedule = ctx.session.get(Schedule, schedule_id) if 1 <= schedule_id <= MAX_ID else None
    if schedule is None:
        raise NotFound(f"there is no schedule {schedule_id}; list them with GET /api/v1/schedules")
    return schedule


def find_schedule(ctx: Ctx, ref: int | str) -> Schedule:
    """A schedule by id or by name (any case)."""
    text = str(ref).strip()
    if text.isdigit() and len(text) < 11:
        found = ctx.session.get(Schedule, int(text)) if int(text) <= MAX_ID else None
        if found is not None:
            return found
    found = ctx.session.scalar(select(Schedule).where(func.lower(Schedule.name) == text.lower()))
    if found is None:
        raise NotFound(f"there is no schedule {text!r}; `warroom schedule list` shows them")
    return found


def list_schedules(
    ctx: Ctx, *, team_id: int | None = None, page: PageRequest | None = None
) -> tuple[list[Schedule], int]:
    """Schedules by name, optionally only one team's."""
    query = select(Schedule).order_by(func.lower(Schedule.name), Schedule.id)
    if team_id is not None:
        query = query.where(Schedule.team_id == team_id)
    return paginate(ctx.session, query, page or PageRequest(limit=200))


def create_schedule(
    ctx: Ctx,
    *,
    name: str,
    time_zone: str = "UTC",
    description: str = "",
    team_id: int | None = None,
    handoff_notices: bool = False,
) -> Schedule:
    """Create an empty schedule (add layers next). Names are unique in any case."""
    name = _check_name(name)
    if _name_taken(ctx, name):
        raise Conflict(f"a schedule named {name!r} exists already; pick another name", {"field": "name"})
    now = ctx.now()
    schedule = Schedule(
        name=name,
        description=description,
        time_zone=check_zone(time_zone),
        team_id=_check_team(ctx, team_id),
        handoff_notices=handoff_notices,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(schedule)
    ctx.session.flush()
    _changed(ctx, schedule)
    return schedule


def update_schedule(ctx: Ctx, schedule: Schedule, **changes: Any) -> Schedule:
    """Change name, description, time_zone, team_id or handoff_notices (only the keys given)."""
    if "name" in changes:
        name = _check_name(changes["name"])
        if _name_taken(ctx, name, except_id=schedule.id):
            raise Conflict(f"a schedule named {name!r} exists already; pick another name", {"field": "name"})
        schedule.name = name
    if "description" in changes:
        schedule.description = changes["description"]
    if "time_zone" in changes:
        schedule.time_zone = check_zone(changes["time_zone"])
    if "team_id" in changes:
        schedule.team_id = _check_team(ctx, changes["team_id"])
    if "handoff_notices" in changes:
        schedule.handoff_notices = bool(changes["handoff_notices"])
    schedule.updated_at = ctx.now()
    ctx.session.flush()
    _changed(ctx, schedule)
    return schedule


def delete_schedule(ctx: Ctx, schedule: Schedule) -> None:
    """Delete a schedule with its layers, overrides and feed tokens."""
    name = schedule.name  # read now: after a failed flush the instance is expired
    try:
        with ctx.session.begin_nested():  # a savepoint, so the refusal leaves the unit of work usable
            ctx.session.delete(schedule)
            ctx.session.flush()
    except IntegrityError:
        raise Conflict(f"schedule {name!r} is still used (by an escalation policy); remove it there first") from None


# --- layers ---------------------------------------------------------------------------------------------


def layers_of(session: Session, schedule_id: int) -> list[ScheduleLayer]:
    """A schedule's layers, highest position first."""
    query = select(ScheduleLayer).where(ScheduleLayer.schedule_id == schedule_id)
    return list(session.scalars(query.order_by(ScheduleLayer.position.desc(), ScheduleLayer.id)))


def get_layer(ctx: Ctx, schedule: Schedule, layer_id: int) -> ScheduleLayer:
    """One layer of `schedule`, or 404."""
    layer = ctx.session.get(ScheduleLayer, layer_id) if 1 <= layer_id <= MAX_ID else None
    if layer is None or layer.schedule_id != schedule.id:
        raise NotFound(f"schedule {schedule.id} has no layer {layer_id}")
    return layer


def check_restrictions(raw: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate restrictions [{days, start, end}]; 422 with the index and what to fix."""
    if len(raw) > MAX_RESTRICTIONS:
        raise Invalid(f"a layer takes at most {MAX_RESTRICTIONS} restrictions", {"field": "restrictions"})
    clean: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        where = {"field": f"restrictions[{index}]"}
        days = item.get("days")
        if not isinstance(days, list) or not days or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
            raise Invalid("restriction days must be a non-empty list of 0 (Monday) to 6 (Sunday)", where)
        start, end = str(item.get("start", "")), str(item.get("end", ""))
        try:
            resolver.parse_clock(start)
            resolver.parse_clock(end, allow_24=True)
        except ValueError as exc:
            raise Invalid(f"restriction {index}: {exc}", where) from None
        if start == end or (start == "00:00" and end == "00:00"):
            raise Invalid(f"restriction {index}: end equals start ({start}); give a window such as 09:00-17:00", where)
        clean.append({"days": sorted(set(days)), "start": start, "end": end})
    return clean


def _check_members(ctx: Ctx, members: Sequence[int]) -> list[int]:
    if len(members) > MAX_MEMBERS:
        raise Invalid(f"a layer takes at most {MAX_MEMBERS} members", {"field": "members"})
    known = set(ctx.session.scalars(select(User.id).where(User.id.in_([m for m in members if 1 <= m <= MAX_ID]))))
    missing = [m for m in members if m not in known]
    if missing:
        raise Invalid(f"unknown user ids {missing}; members are user ids in rotation order", {"field": "members"})
    return list(members)


def _check_turn(length: int, unit: str) -> None:
    if unit not in TURN_UNITS:
        raise Invalid(f"turn_unit must be one of {', '.join(TURN_UNITS)}", {"field": "turn_unit"})
    if length <= 0:
        raise Invalid(
            "turn_length must be a positive whole number (a zero-length turn never ends)", {"field": "turn_length"}
        )
    if length > MAX_TURN[unit]:
        raise Invalid(f"turn_length is at most {MAX_TURN[unit]} {unit}", {"field": "turn_length"})


def check_aware(value: datetime, field: str) -> datetime:
    """The instant in UTC; a naive datetime is a 422 asking for an offset."""
    if value.tzinfo is None:
        raise Invalid(f"{field} needs a time zone offset, e.g. 2026-03-02T09:00:00+01:00", {"field": field})
    # Far-off years would overflow date arithmetic (and no rotation needs them).
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise Invalid(f"{field} must be between the years {MIN_YEAR} and {MAX_YEAR}", {"field": field})
    return value.astimezone(UTC)


def add_layer(
    ctx: Ctx,
    schedule: Schedule,
    *,
    name: str,
    rotation_start: datetime,
    turn_length: int,
    turn_unit: str,
    members: Sequence[int],
    handoff_time: str | None = None,
    time_zone: str | None = None,
    restrictions: Sequence[dict[str, Any]] = (),
    position: int | None = None,
) -> ScheduleLayer:
    """Add a rotation. handoff_time defaults to rotation_start's local wall time; position to the top."""
    _check_turn(turn_length, turn_unit)
    start = check_aware(rotation_start, "rotation_start")
    zone = check_zone(time_zone) if time_zone else None
    if handoff_time is None:
        handoff_time = start.astimezone(ZoneInfo(zone or schedule.time_zone)).strftime("%H:%M")
    _check_handoff(handoff_time)
    if position is None:
        top = ctx.session.scalar(
            select(func.max(ScheduleLayer.position)).where(ScheduleLayer.schedule_id == schedule.id)
        )
        position = (top or 0) + 1
    now = ctx.now()
    layer = ScheduleLayer(
        schedule_id=schedule.id,
        position=position,
        name=_check_name(name),
        rotation_start=start,
        turn_length=turn_length,
        turn_unit=turn_unit,
        handoff_time=handoff_time,
        time_zone=zone,
        members=_check_members(ctx, members),
        restrictions=check_restrictions(restrictions),
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(layer)
    ctx.session.flush()
    _changed(ctx, schedule)
    return layer


def _check_handoff(text: str) -> str:
    try:
        resolver.parse_clock(text)
    except ValueError as exc:
        raise Invalid(f"handoff_time: {exc}", {"field": "handoff_time"}) from None
    return text


def update_layer(ctx: Ctx, schedule: Schedule, layer: ScheduleLayer, **changes: Any) -> ScheduleLayer:
    """Change any of a layer's fields (only the keys given)."""
    length = changes.get("turn_length", layer.turn_length)
    unit = changes.get("turn_unit", layer.turn_unit)
    _check_turn(length, unit)
    layer.turn_length, layer.turn_unit = length, unit
    if "name" in changes:
        layer.name = _check_name(changes["name"])
    if "rotation_start" in changes:
        layer.rotation_start = check_aware(changes["rotation_start"], "rotation_start")
    if "handoff_time" in changes:
        layer.handoff_time = _check_handoff(changes["handoff_time"])
    if "time_zone" in changes:
        layer.time_zone = check_zone(changes["time_zone"]) if changes["time_zone"] else None
    if "members" in changes:
        layer.members = _check_members(ctx, changes["members"])
    if "restrictions" in changes:
        layer.restrictions = check_restrictions(changes["restrictions"])
    if "position" in changes:
        layer.position = changes["position"]
    layer.updated_at = ctx.now()
    ctx.session.flush()
    _changed(ctx, schedule)
    return layer


def delete_layer(ctx: Ctx, schedule: Schedule, layer: ScheduleLayer) -> None:
    """Remove a layer from its schedule."""
    ctx.session.delete(layer)
    ctx.session.flush()
    _changed(ctx, schedule)


# --- overrides ------------------------------------------------------------------------------------------


def list_overrides(ctx: Ctx, schedule: Schedule, *, ending_after: datetime | None = None) -> list[ScheduleOverride]:
    """Overrides by start; with `ending_after`, only those still running or ahead."""
    query = select(ScheduleOverride).where(ScheduleOverride.schedule_id == schedule.id)
    if ending_after is not None:
        query = query.where(ScheduleOverride.end_at > ending_after)
    return list(ctx.session.scalars(query.order_by(ScheduleOverride.start_at, ScheduleOverride.id)))


def add_override(
    ctx: Ctx, schedule: Schedule, *, user_id: int, start: datetime, end: datetime, reason: str = ""
) -> ScheduleOverride:
    """Put `user_id` on call for [start, end). Overlapping another override of this schedule is a 422."""
    start, end = check_aware(start, "start"), check_aware(end, "end")
    if end <= start:
        raise Invalid("an override must end after it starts", {"field": "end"})
    if not 1 <= user_id <= MAX_ID or ctx.session.get(User, user_id) is None:
        raise Invalid(f"there is no user {user_id}", {"field": "user_id"})
    clash = ctx.session.scalar(
        select(ScheduleOverride).where(
            ScheduleOverride.schedule_id == schedule.id,
            ScheduleOverride.start_at < end,
            ScheduleOverride.end_at > start,
        )
    )
    if clash is not None:
        raise Invalid(
            f"this override overlaps override {clash.id} ({clash.start_at.isoformat()} to {clash.end_at.isoformat()});"
            " change its times or delete that one first",
            {"field": "start", "overlaps": clash.id},
        )
    override = ScheduleOverride(
        schedule_id=schedule.id,
        user_id=user_id,
        start_at=start,
        end_at=end,
        reason=reason,
        created_by_id=ctx.actor.user_id,
        created_at=ctx.now(),
    )
    ctx.session.add(override)
    ctx.session.flush()
    _changed(ctx, schedule)
    return override


def delete_override(ctx: Ctx, schedule: Schedule, override_id: int) -> None:
    """Remove an override."""
    override = ctx.session.get(ScheduleOverride, override_id) if 1 <= override_id <= MAX_ID else None
    if override is None or override.schedule_id != schedule.id:
        raise NotFound(f"schedule {schedule.id} has no override {override_id}")
    ctx.session.delete(override)
    ctx.session.flush()
    _changed(ctx, schedule)


def _changed(ctx: Ctx, schedule: Schedule) -> None:
    # Handoff notices follow the schedule: plan the next one whenever it changes.
    from warroom.schedules import handoffs

    handoffs.plan_next(ctx, schedule)
