"""Pure, DB-free schedule arithmetic: layer turns, restrictions, overrides, the final schedule and gaps.

The DST rule (issue 4): turns measured in hours count elapsed time; turns in days or weeks hand off at the
layer's local wall-clock handoff time. A handoff that does not exist (spring forward) moves forward to the
first valid instant, the moment the clocks jump; an ambiguous one (fall back) takes the first occurrence.

Turn k of a days/weeks layer starts at wall(D0 + k·length, handoff), where D0 is the local date of the
layer's rotation start; the layer covers nothing before turn 0. Turn k of an hours layer starts at
rotation_start + k·length. Member k mod n holds turn k.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UNIT_DAYS = {"days": 1, "weeks": 7}
MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class Restriction:
    """On each of `days` (0 = Monday), the layer only covers local [start, end); end <= start wraps past midnight."""

    days: tuple[int, ...]
    start: time
    end: time
    # "24:00" as an end: until the next midnight.
    ends_at_midnight: bool = False


@dataclass(frozen=True)
class LayerSpec:
    rotation_start: datetime
    turn_length: int
    turn_unit: str
    handoff: time
    zone: str
    members: tuple[int, ...]
    position: int = 0
    name: str = ""
    restrictions: tuple[Restriction, ...] = ()


@dataclass(frozen=True)
class OverrideSpec:
    start: datetime
    end: datetime
    user_id: int


@dataclass(frozen=True)
class Shift:
    start: datetime
    end: datetime
    user_id: int
    # The winning layer's name, or "override".
    source: str = ""


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class FinalSchedule:
    shifts: list[Shift] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


def wall_to_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant the local wall time `day at` names in `zone`, by the DST rule (UTC result)."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == naive:
        return instant  # exists; fold=0 is the first occurrence when ambiguous
    # Inside a spring-forward gap: find the transition, the first instant with the later offset.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = instant
    after = high.astimezone(zone).utcoffset()
    lo_s, hi_s = int(low.timestamp()), int(high.timestamp())
    while hi_s - lo_s > 1:
        mid = (lo_s + hi_s) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(zone).utcoffset() == after:
            hi_s = mid
        else:
            lo_s = mid
    return datetime.fromtimestamp(hi_s, UTC)


def turn_start(layer: LayerSpec, k: int) -> datetime:
    """When turn `k` (0-based, may be negative) of `layer` begins."""
    if layer.turn_unit == "hours":
        return layer.rotation_start.astimezone(UTC) + timedelta(hours=layer.turn_length * k)
    zone = ZoneInfo(layer.zone)
    anchor = layer.rotation_start.astimezone(zone).date()
    days = layer.turn_length * UNIT_DAYS[layer.turn_unit] * k
    return wall_to_instant(anchor + timedelta(days=days), layer.handoff, zone)


def turn_index(layer: LayerSpec, at: datetime) -> int:
    """The turn that contains `at` (negative before the rotation starts)."""
    if layer.turn_unit == "hours":
        elapsed = at.astimezone(UTC) - layer.rotation_start.astimezone(UTC)
        return elapsed // timedelta(hours=layer.turn_length)
    zone = ZoneInfo(layer.zone)
    anchor = layer.rotation_start.astimezone(zone).date()
    span = layer.turn_length * UNIT_DAYS[layer.turn_unit]
    k = (at.astimezone(zone).date() - anchor).days // span
    while turn_start(layer, k) > at:
        k -= 1
    while turn_start(layer, k + 1) <= at:
        k += 1
    return k


def layer_turns(layer: LayerSpec, start: datetime, end: datetime) -> Iterator[Shift]:
    """The rotation's turns overlapping [start, end), clipped to it, before restrictions; none before turn 0."""
    if not layer.members or end <= start:
        return
    k = max(turn_index(layer, start), 0)
    while True:
        begin, finish = turn_start(layer, k), turn_start(layer, k + 1)
        if begin >= end:
            return
        if finish > start:
            member = layer.members[k % len(layer.members)]
            yield Shift(max(begin, start), min(finish, end), member, layer.name)
        k += 1


def restriction_windows(layer: LayerSpec, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The instants the layer's restrictions allow within [start, end), merged and sorted."""
    zone = ZoneInfo(layer.zone)
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    windows: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        for rule in layer.restrictions:
            if day.weekday() not in rule.days:
                continue
            begin = wall_to_instant(day, rule.start, zone)
            wraps = rule.ends_at_midnight or rule.end <= rule.start
            finish = wall_to_instant(day + timedelta(days=1) if wraps else day, rule.end, zone)
            lo, hi = max(begin, start), min(finish, end)
            if lo < hi:
                windows.append((lo, hi))
        day += timedelta(days=1)
    return _union(windows)


def _union(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def layer_coverage(layer: LayerSpec, start: datetime, end: datetime) -> list[Shift]:
    """Who the layer puts on call within [start, end): its turns cut to the restriction windows."""
    turns = list(layer_turns(layer, start, end))
    if not layer.restrictions:
        return turns
    covered: list[Shift] = []
    for lo, hi in restriction_windows(layer, start, end):
        for turn in turns:
            a, b = max(lo, turn.start), min(hi, turn.end)
            if a < b:
                covered.append(Shift(a, b, turn.user_id, turn.source))
    return sorted(covered, key=lambda s: s.start)


def final_schedule(
    layers: Sequence[LayerSpec],
    overrides: Sequence[OverrideSpec],
    start: datetime,
    end: datetime,
    *,
    now: datetime | None = None,
) -> FinalSchedule:
    """Merge layers (highest position wins where it has someone) and overrides (win over all) on [start, end).

    Gaps are spans with nobody on call; with `now`, only the future part of each gap is reported.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return FinalSchedule()
    ranked = sorted(layers, key=lambda layer: layer.position, reverse=True)
    sources: list[list[Shift]] = [
        [
            Shift(max(o.start, start), min(o.end, end), o.user_id, "override")
            for o in overrides
            if o.start < end and o.end > start
        ]
    ]
    sources += [layer_coverage(layer, start, end) for layer in ranked]
    cuts = {start, end}
    for shifts in sources:
        for shift in shifts:
            cuts.update((shift.start, shift.end))
    points = sorted(cuts)
    pieces: list[Shift | Gap] = []
    cursors = [0] * len(sources)
    for lo, hi in itertools.pairwise(points):
        pieces.append(_winner(sources, cursors, lo, hi))
    return _merge(pieces, now)


def _winner(sources: list[list[Shift]], cursors: list[int], lo: datetime, hi: datetime) -> Shift | Gap:
    # Each source is sorted and non-overlapping, so a cursor per source walks it once.
    for index, shifts in enumerate(sources):
        i = cursors[index]
        while i < len(shifts) and shifts[i].end <= lo:
            i += 1
        cursors[index] = i
        if i < len(shifts) and shifts[i].start <= lo:
            return Shift(lo, hi, shifts[i].user_id, shifts[i].source)
    return Gap(lo, hi)


def _merge(pieces: list[Shift | Gap], now: datetime | None) -> FinalSchedule:
    shifts: list[Shift] = []
    gaps: list[Gap] = []
    for piece in pieces:
        if isinstance(piece, Gap):
            if gaps and gaps[-1].end == piece.start:
                gaps[-1] = Gap(gaps[-1].start, piece.end)
            else:
                gaps.append(piece)
            continue
        last = shifts[-1] if shifts else None
        if last and last.end == piece.start and last.user_id == piece.user_id and last.source == piece.source:
            shifts[-1] = Shift(last.start, piece.end, last.user_id, last.source)
        else:
            shifts.append(piece)
    if now is not None:
        gaps = [Gap(max(g.start, now), g.end) for g in gaps if g.end > now]
    return FinalSchedule(shifts=shifts, gaps=gaps)


def on_call_at(layers: Sequence[LayerSpec], overrides: Sequence[OverrideSpec], at: datetime) -> int | None:
    """The user id on call at instant `at`, or None."""
    result = final_schedule(layers, overrides, at, at + timedelta(microseconds=1))
    return result.shifts[0].user_id if result.shifts else None


def parse_clock(text: str, *, allow_24: bool = False) -> time:
    """'HH:MM' → time; raises ValueError with a fixable message."""
    parts = text.split(":")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        raise ValueError(f"{text!r} is not a time; use HH:MM, for example 09:00")
    hours, minutes = int(parts[0]), int(parts[1])
    if allow_24 and hours == 24 and minutes == 0:
        return MIDNIGHT
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text!r} is not a time of day; hours go 00-23 and minutes 00-59")
    return time(hours, minutes)
