"""Handoff notices: at each change of who is on call, email the person coming on and the person going off.

One planned job per handoff instant, keyed by schedule and instant, so re-planning after every edit never
sends twice. A job whose handoff no longer happens (the schedule changed) only plans the next one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.auth.models import User
from warroom.context import Ctx
from warroom.jobs import service as jobs
from warroom.schedules.models import Schedule

HANDOFF_JOB = "schedules.handoff_notice"
HORIZON = timedelta(days=35)
_TICK = timedelta(microseconds=1)
# A notice this late (the worker was down) is noise, not news: skip it and plan the next one.
STALE_AFTER = timedelta(hours=1)


def next_handoff(ctx: Ctx, schedule: Schedule, after: datetime) -> datetime | None:
    """The first instant after `after` at which the person on call changes (within 35 days)."""
    from warroom.schedules.service import resolve

    end = after + HORIZON
    previous: int | None = None
    cursor = after
    for shift in resolve(ctx.session, schedule, after, end).shifts:
        if shift.start > cursor:
            if previous is not None and cursor > after:
                return cursor  # someone goes off into a gap
            previous = None
        if shift.user_id != previous and shift.start > after:
            return shift.start
        previous, cursor = shift.user_id, shift.end
    if previous is not None and after < cursor < end:
        return cursor
    return None


def plan_next(ctx: Ctx, schedule: Schedule) -> None:
    """Queue the notice job for the schedule's next handoff, if it sends notices."""
    if not schedule.handoff_notices:
        return
    at = next_handoff(ctx, schedule, ctx.now())
    if at is None:
        return
    jobs.enqueue(
        ctx,
        HANDOFF_JOB,
        {"schedule_id": schedule.id, "at": at.isoformat()},
        run_at=at,
        key=f"{HANDOFF_JOB}:{schedule.id}:{at.isoformat()}",
    )


def _on_call(ctx: Ctx, schedule: Schedule, at: datetime) -> User | None:
    from warroom.schedules.service import on_call_users

    users = on_call_users(ctx.session, schedule.id, at)
    return users[0] if users else None


def send_handoff_notices(ctx: Ctx, *, schedule_id: int, at: datetime) -> int:
    """Email who comes on and who goes off at `at`; returns the number of emails queued."""
    from warroom.notify import service as notify

    schedule = ctx.session.get(Schedule, schedule_id)
    if schedule is None or not schedule.handoff_notices:
        return 0
    if ctx.now() - at > STALE_AFTER:
        plan_next(ctx, schedule)
        return 0
    before, after = _on_call(ctx, schedule, at - _TICK), _on_call(ctx, schedule, at)
    sent = 0
    if before is not None and after is not None and before.id == after.id:
        before = after = None  # no change here any more: the schedule was edited
    stamp = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    key = f"{HANDOFF_JOB}:{schedule.id}:{at.isoformat()}"
    if after is not None:
        handed_by = f" from {before.name}" if before is not None else ""
        notify.send_email(
            ctx,
            to=after.email,
            subject=f"You are now on call for {schedule.name}",
            body=f"Your on-call shift for {schedule.name} started at {stamp}{handed_by}.\n",
            key=f"{key}:on:{after.id}",
        )
        sent += 1
    if before is not None:
        handed_to = f" to {after.name}" if after is not None else " (nobody is on call next: a gap)"
        notify.send_email(
            ctx,
            to=before.email,
            subject=f"Your on-call shift for {schedule.name} has ended",
            body=f"Your on-call shift for {schedule.name} ended at {stamp}; it passed{handed_to}.\n",
            key=f"{key}:off:{before.id}",
        )
        sent += 1
    plan_next(ctx, schedule)
    return sent
