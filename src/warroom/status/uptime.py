"""Uptime from component status history: seconds per state per UTC day, maintenance excluded, no data kept apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.context import Ctx
from warroom.maintenance.models import MaintenanceWindow, maintenance_services
from warroom.status.models import SETTABLE_STATUSES, Component, ComponentStatusChange, DailyUptime

DAY = timedelta(days=1)
BAR_DAYS = 90
# Statuspage's weighting: a partial outage counts as 30% down, a major outage as fully down.
DOWN_WEIGHT = {"partial_outage": 0.3, "major_outage": 1.0}


@dataclass
class DaySeconds:
    day: date
    seconds: dict[str, int] = field(default_factory=dict)  # per settable status, plus maintenance and no_data

    @property
    def measured(self) -> int:
        return sum(self.seconds.get(s, 0) for s in SETTABLE_STATUSES)

    @property
    def uptime(self) -> float | None:
        """Fraction up over measured time (maintenance and no-data excluded); None when nothing was measured."""
        if self.measured == 0:
            return None
        down = sum(self.seconds.get(s, 0) * w for s, w in DOWN_WEIGHT.items())
        return 1.0 - down / self.measured

    @property
    def worst(self) -> str:
        """The worst state seen that day: what the bar shows."""
        for status in ("major_outage", "partial_outage", "degraded_performance", "operational"):
            if self.seconds.get(status, 0) > 0:
                return status
        return "maintenance" if self.seconds.get("maintenance", 0) > 0 else "no_data"


def _start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _merge(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> float:
    return max(0.0, (min(a[1], b[1]) - max(a[0], b[0])).total_seconds())


History = tuple[tuple[tuple[datetime, datetime, str], ...], tuple[tuple[datetime, datetime], ...]]


def _history(session: Session, service_id: int, begin: datetime, end: datetime, now: datetime) -> History:
    """Status segments (from, to, status) and merged maintenance spans within [begin, end), cut at `now`."""
    before = session.scalar(
        select(ComponentStatusChange)
        .where(ComponentStatusChange.service_id == service_id, ComponentStatusChange.at < begin)
        .order_by(ComponentStatusChange.at.desc(), ComponentStatusChange.id.desc())
        .limit(1)
    )
    changes = list(
        session.scalars(
            select(ComponentStatusChange)
            .where(
                ComponentStatusChange.service_id == service_id,
                ComponentStatusChange.at >= begin,
                ComponentStatusChange.at < end,
            )
            .order_by(ComponentStatusChange.at, ComponentStatusChange.id)
        )
    )
    # Status segments: (from, to, status); before the first known change there is no data.
    points = ([(begin, before.status)] if before else []) + [(c.at, c.status) for c in changes]
    segments = []
    for i, (at, status) in enumerate(points):
        stop = points[i + 1][0] if i + 1 < len(points) else end
        segments.append((max(at, begin), min(stop, end, max(now, begin)), status))
    windows = session.scalars(
        select(MaintenanceWindow)
        .join(maintenance_services)
        .where(maintenance_services.c.service_id == service_id)
        .where(MaintenanceWindow.starts_at < end, MaintenanceWindow.ends_at > begin)
        .where(MaintenanceWindow.cancelled_at.is_(None))
    )
    maintenance = _merge([(w.starts_at, min(w.effective_end, max(now, begin))) for w in windows])
    return tuple(segments), tuple(maintenance)


def _tally(history: History, first: date, last: date) -> list[DaySeconds]:
    segments, maintenance = history
    days = []
    day = first
    while day <= last:
        span = (_start(day), _start(day) + DAY)
        seconds = {s: 0 for s in (*SETTABLE_STATUSES, "maintenance", "no_data")}
        in_maintenance = sum(_overlap(span, m) for m in maintenance)
        seconds["maintenance"] = round(in_maintenance)
        for start, stop, status in segments:
            if stop <= span[0] or start >= span[1] or stop <= start:
                continue
            piece = (max(start, span[0]), min(stop, span[1]))
            total = _overlap(span, piece)
            if total <= 0 or status not in SETTABLE_STATUSES:
                continue
            covered = sum(_overlap(piece, m) for m in maintenance)
            seconds[status] += round(total - covered)
        counted = sum(seconds.values())
        seconds["no_data"] = max(0, 86_400 - counted)
        days.append(DaySeconds(day=day, seconds=seconds))
        day += DAY
    return days


def compute_days(session: Session, service_id: int, first: date, last: date, now: datetime) -> list[DaySeconds]:
    """Seconds per state for each day in [first, last], from history; time after `now` counts as no data."""
    return _tally(_history(session, service_id, _start(first), _start(last) + DAY, now), first, last)


def record_day(ctx: Ctx, day: date) -> int:
    """Store (or refresh) every component's totals for one UTC day; returns how many rows were written."""
    written = 0
    for service_id in ctx.session.scalars(select(Component.service_id)):
        (totals,) = compute_days(ctx.session, service_id, day, day, ctx.now())
        row = ctx.session.scalar(
            select(DailyUptime).where(DailyUptime.service_id == service_id, DailyUptime.day == day)
        )
        if row is None:
            row = DailyUptime(service_id=service_id, day=day)
            ctx.session.add(row)
        for key, value in totals.seconds.items():
            setattr(row, key, value)
        written += 1
    ctx.session.flush()
    return written


_PAST: dict[tuple[object, ...], list[DaySeconds]] = {}  # finished days, keyed by everything they depend on
_PAST_LIMIT = 512


def bars(session: Session, service_id: int, now: datetime, days: int = BAR_DAYS) -> list[DaySeconds]:
    """The last `days` UTC days for one component, oldest first: stored totals where kept, else computed.

    Finished days only change when their history does, so their tally is remembered under a key made of that
    history (and the stored totals); a page render then tallies only today. A status page re-rendered each
    minute no longer recounts 90 days of every component each time.
    """
    last = now.astimezone(UTC).date()
    first = last - timedelta(days=days - 1)
    today = _start(last)
    history = _history(session, service_id, _start(first), today + DAY, now)
    stored = {
        row.day: {k: int(getattr(row, k)) for k in (*SETTABLE_STATUSES, "maintenance", "no_data")}
        for row in session.scalars(
            select(DailyUptime).where(DailyUptime.service_id == service_id, DailyUptime.day >= first)
        )
        if row.day < last
    }
    # Finished days see the history only up to midnight; cutting it there makes the key independent of `now`.
    past_history: History = (
        tuple((start, min(stop, today), status) for start, stop, status in history[0] if start < today),
        tuple((start, min(stop, today)) for start, stop in history[1] if start < today),
    )
    key = (service_id, first, last, past_history, tuple(sorted((d, tuple(v.items())) for d, v in stored.items())))
    past = _PAST.get(key)
    if past is None:
        past = [
            DaySeconds(day=entry.day, seconds=stored[entry.day]) if entry.day in stored else entry
            for entry in _tally(past_history, first, last - DAY)
        ]
        if len(_PAST) >= _PAST_LIMIT:
            _PAST.clear()
        _PAST[key] = past
    return [*past, *_tally(history, last, last)]


def overall_uptime(days: list[DaySeconds]) -> float | None:
    """Uptime across several days, weighted by measured time."""
    measured = sum(d.measured for d in days)
    if measured == 0:
        return None
    down = sum(d.seconds.get(s, 0) * w for d in days for s, w in DOWN_WEIGHT.items())
    return 1.0 - down / measured
