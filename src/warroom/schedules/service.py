"""Schedules: the public face of the domain (other domains import only this module).

Who is on call and the final schedule are answered here, from rows turned into the resolver's specs
(resolver.py is pure). Editing lives in editing.py, feeds and iCal in feeds.py, on-call health in health.py and
health_report.py, handoff notices in handoffs.py; their public functions are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.auth.models import User
from warroom.context import Ctx
from warroom.errors import Invalid
from warroom.schedules import resolver
from warroom.schedules.editing import (
    MAX_SPAN,
    add_layer,
    add_override,
    check_aware,
    check_restrictions,
    check_zone,
    create_schedule,
    delete_layer,
    delete_override,
    delete_schedule,
    find_schedule,
    get_layer,
    get_schedule,
    layers_of,
    list_overrides,
    list_schedules,
    update_layer,
    update_schedule,
)
from warroom.schedules.models import Schedule, ScheduleLayer, ScheduleOverride
from warroom.schedules.resolver import FinalSchedule, LayerSpec, OverrideSpec, Restriction

# --- resolving ------------------------------------------------------------------------------------------


def layer_spec(layer: ScheduleLayer, schedule_zone: str) -> LayerSpec:
    """The resolver's view of a layer row."""
    restrictions = tuple(
        Restriction(
            days=tuple(r["days"]),
            start=resolver.parse_clock(r["start"]),
            end=resolver.parse_clock(r["end"], allow_24=True),
            ends_at_midnight=r["end"] == "24:00",
        )
        for r in layer.restrictions
    )
    return LayerSpec(
        rotation_start=layer.rotation_start,
        turn_length=layer.turn_length,
        turn_unit=layer.turn_unit,
        handoff=resolver.parse_clock(layer.handoff_time),
        zone=layer.time_zone or schedule_zone,
        members=tuple(layer.members),
        position=layer.position,
        name=layer.name,
        restrictions=restrictions,
    )


def _specs(
    session: Session, schedule: Schedule, start: datetime, end: datetime
) -> tuple[list[LayerSpec], list[OverrideSpec]]:
    layers = [layer_spec(layer, schedule.time_zone) for layer in layers_of(session, schedule.id)]
    rows = session.scalars(
        select(ScheduleOverride).where(
            ScheduleOverride.schedule_id == schedule.id,
            ScheduleOverride.start_at < end,
            ScheduleOverride.end_at > start,
        )
    )
    return layers, [OverrideSpec(o.start_at, o.end_at, o.user_id) for o in rows]


def resolve(
    session: Session, schedule: Schedule, start: datetime, end: datetime, *, now: datetime | None = None
) -> FinalSchedule:
    """The final schedule of `schedule` on [start, end); gaps only from `now` on when given."""
    layers, overrides = _specs(session, schedule, start, end)
    return resolver.final_schedule(layers, overrides, start, end, now=now)


def final_schedule(ctx: Ctx, schedule: Schedule, *, since: datetime, until: datetime) -> FinalSchedule:
    """Shifts and future gaps between `since` and `until` (at most 93 days apart)."""
    since, until = check_aware(since, "since"), check_aware(until, "until")
    if until <= since:
        raise Invalid("until must be after since", {"field": "until"})
    if until - since > MAX_SPAN:
        raise Invalid(f"ask for at most {MAX_SPAN.days} days at a time", {"field": "until"})
    return resolve(ctx.session, schedule, since, until, now=ctx.now())


def on_call_users(session: Session, schedule_id: int, at: datetime) -> list[User]:
    """Who is on call for the schedule at instant `at` (an empty list means nobody)."""
    schedule = session.get(Schedule, schedule_id)
    if schedule is None:
        return []
    result = resolve(session, schedule, at, at + timedelta(microseconds=1))
    users = [session.get(User, shift.user_id) for shift in result.shifts]
    return [user for user in users if user is not None and user.is_active]


@dataclass(frozen=True)
class OnCall:
    """Who is on call at an instant, until when, and who is next."""

    at: datetime
    user: User | None
    until: datetime | None
    next_user: User | None
    next_start: datetime | None


LOOKAHEAD = timedelta(days=35)


def who_is_on_call(ctx: Ctx, schedule: Schedule, at: datetime) -> OnCall:
    """The person on call at `at`, the end of their shift and the next person (within 35 days)."""
    at = check_aware(at, "at")
    result = resolve(ctx.session, schedule, at, at + LOOKAHEAD)
    shifts = result.shifts
    current = shifts[0] if shifts and shifts[0].start == at else None
    # Adjacent shifts of the same person from different layers are one stretch on call.
    until: datetime | None = None
    upcoming = shifts[1:] if current else shifts
    if current is not None:
        until = current.end
        while upcoming and upcoming[0].start == until and upcoming[0].user_id == current.user_id:
            until = upcoming[0].end
            upcoming = upcoming[1:]
        if until >= at + LOOKAHEAD:
            until = None
    # After the current stretch: a different person, or the same one after a gap.
    following = upcoming[0] if upcoming else None
    return OnCall(
        at=at,
        user=ctx.session.get(User, current.user_id) if current else None,
        until=until,
        next_user=ctx.session.get(User, following.user_id) if following else None,
        next_start=following.start if following else None,
    )


# Re-exported so other domains import only this module.
from warroom.schedules.feeds import (  # noqa: E402
    IssuedFeed,
    create_feed_token,
    get_feed_token,
    list_feed_tokens,
    revoke_feed_token,
    schedule_feed,
    user_feed,
)
from warroom.schedules.health import HealthReport, Thresholds  # noqa: E402
from warroom.schedules.health_report import build_report, find_team_id, parse_since  # noqa: E402

__all__ = [
    "HealthReport",
    "IssuedFeed",
    "OnCall",
    "Thresholds",
    "add_layer",
    "add_override",
    "build_report",
    "check_aware",
    "check_restrictions",
    "check_zone",
    "create_feed_token",
    "create_schedule",
    "delete_layer",
    "delete_override",
    "delete_schedule",
    "final_schedule",
    "find_schedule",
    "find_team_id",
    "get_feed_token",
    "get_layer",
    "get_schedule",
    "layers_of",
    "list_feed_tokens",
    "list_overrides",
    "list_schedules",
    "on_call_users",
    "parse_since",
    "resolve",
    "revoke_feed_token",
    "schedule_feed",
    "update_layer",
    "update_schedule",
    "user_feed",
    "who_is_on_call",
]
