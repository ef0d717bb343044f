"""Turn schedule rows and reports into response models (shared by the API, CLI and pages)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from warroom.auth.models import User
from warroom.context import Ctx
from warroom.schedules import service
from warroom.schedules.health import HealthReport
from warroom.schedules.models import Schedule
from warroom.schedules.resolver import FinalSchedule
from warroom.schedules.schemas import (
    GapOut,
    HealthOut,
    LayerOut,
    OnCallOut,
    OverrideOut,
    PersonOut,
    ScheduleDetail,
    ShiftOut,
    ShiftsOut,
    ThresholdsOut,
)


def user_names(ctx: Ctx, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {u.id: u.name for u in ctx.session.scalars(select(User).where(User.id.in_(ids)))}


def schedule_detail(ctx: Ctx, schedule: Schedule) -> ScheduleDetail:
    layers = [LayerOut.model_validate(layer) for layer in service.layers_of(ctx.session, schedule.id)]
    overrides = [OverrideOut.model_validate(o) for o in service.list_overrides(ctx, schedule, ending_after=ctx.now())]
    base = ScheduleDetail.model_validate({**_columns(schedule), "layers": layers, "overrides": overrides})
    return base


def _columns(schedule: Schedule) -> dict[str, object]:
    names = ("id", "name", "description", "time_zone", "team_id", "handoff_notices", "created_at", "updated_at")
    return {name: getattr(schedule, name) for name in names}


def _person(user: User | None) -> PersonOut | None:
    return PersonOut.model_validate(user) if user is not None else None


def oncall_out(ctx: Ctx, schedule: Schedule, at: datetime) -> OnCallOut:
    found = service.who_is_on_call(ctx, schedule, at)
    now_person = _person(found.user)
    return OnCallOut(
        schedule_id=schedule.id,
        at=found.at,
        users=[now_person] if now_person else [],
        until=found.until,
        next=_person(found.next_user),
        next_start=found.next_start,
    )


def shifts_out(ctx: Ctx, schedule: Schedule, result: FinalSchedule, since: datetime, until: datetime) -> ShiftsOut:
    names = user_names(ctx, {s.user_id for s in result.shifts})
    return ShiftsOut(
        schedule_id=schedule.id,
        since=since,
        until=until,
        shifts=[
            ShiftOut(start=s.start, end=s.end, user_id=s.user_id, user_name=names.get(s.user_id, "?"), source=s.source)
            for s in result.shifts
        ],
        gaps=[GapOut(start=g.start, end=g.end) for g in result.gaps],
    )


def health_out(report: HealthReport) -> HealthOut:
    thresholds = ThresholdsOut(
        night_pages=report.thresholds.night_pages,
        window_days=report.thresholds.window.days,
        sev1_hours=report.thresholds.sev1_hours,
    )
    return HealthOut.model_validate(
        {
            "since": report.since,
            "until": report.until,
            "thresholds": thresholds,
            "people": report.people,
            "teams": report.teams,
            "fairness": report.fairness,
        }
    )
