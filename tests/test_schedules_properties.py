"""Property tests of the resolver across zones with DST: no overlaps, no unexplained gaps, handoffs by the rule."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from warroom.schedules.resolver import (
    Gap,
    LayerSpec,
    OverrideSpec,
    Restriction,
    final_schedule,
    layer_coverage,
    layer_turns,
    on_call_at,
)

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC")
# Days around the 2026 transitions of each zone, so most examples cross one.
PIVOTS = (
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2026, 3, 8),
    date(2026, 11, 1),
    date(2026, 4, 5),
    date(2026, 10, 4),
)
SECOND = timedelta(seconds=1)


@st.composite
def layers(draw: st.DrawFn, *, restricted: bool = False) -> LayerSpec:
    zone = draw(st.sampled_from(ZONES))
    unit = draw(st.sampled_from(("hours", "days", "weeks")))
    length = draw(st.integers(1, 30 if unit == "hours" else 3))
    pivot = draw(st.sampled_from(PIVOTS))
    start = datetime.combine(pivot, time(0), UTC) + timedelta(minutes=15 * draw(st.integers(-960, 288)))
    handoff = time(draw(st.integers(0, 23)), draw(st.sampled_from((0, 15, 30, 45))))
    members = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=4)))
    restrictions: tuple[Restriction, ...] = ()
    if restricted and draw(st.booleans()):
        a, b = draw(st.integers(0, 23)), draw(st.integers(0, 23))
        if a != b:
            restrictions = (Restriction(tuple(sorted(draw(st.sets(st.integers(0, 6), min_size=1)))), time(a), time(b)),)
    return LayerSpec(
        start,
        length,
        unit,
        handoff,
        zone,
        members,
        draw(st.integers(0, 3)),
        f"L{draw(st.integers(0, 99))}",
        restrictions,
    )


def window(layer: LayerSpec, days: int = 21) -> tuple[datetime, datetime]:
    start = layer.rotation_start - timedelta(days=2)
    return start, start + timedelta(days=days)


def _expected_handoff(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """Independently: every instant showing `day at` on the wall, earliest first; None inside a gap."""
    naive = datetime.combine(day, at)
    offsets = {datetime.combine(day + timedelta(days=d), time(12), zone).utcoffset() for d in (-1, 0, 1)}
    found = sorted(
        (naive - offset).replace(tzinfo=UTC)
        for offset in offsets
        if offset is not None and (naive - offset).replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None) == naive
    )
    return found[0] if found else None


@given(layers())
def test_a_layers_turns_never_overlap_and_leave_no_gap_after_the_rotation_starts(layer: LayerSpec) -> None:
    start, end = window(layer)
    turns = list(layer_turns(layer, start, end))
    assert turns, "a layer with members covers the window after its rotation starts"
    assert turns[0].start >= start and turns[-1].end == end
    for before, after in itertools.pairwise(turns):
        assert before.end == after.start
        assert before.start < before.end


@given(layers())
def test_each_handoff_follows_the_rule_of_its_unit(layer: LayerSpec) -> None:
    start, end = window(layer)
    zone = ZoneInfo(layer.zone)
    boundaries = [turn.start for turn in layer_turns(layer, start, end)][1:]
    for instant in boundaries:
        if layer.turn_unit == "hours":
            assert (instant - layer.rotation_start) % timedelta(hours=layer.turn_length) == timedelta(0)
            continue
        local_day = (instant - timedelta(hours=3)).astimezone(zone).date()
        candidates = [d for d in (local_day, local_day + timedelta(days=1)) if _near(d, layer, zone, instant)]
        assert candidates, f"{instant} is no handoff of {layer}"


def _near(day: date, layer: LayerSpec, zone: ZoneInfo, instant: datetime) -> bool:
    expected = _expected_handoff(day, layer.handoff, zone)
    if expected is not None:
        return expected == instant
    # Inside a spring-forward gap: the handoff is the moment the clocks jump, just after the wall time.
    jumped = instant.astimezone(zone).utcoffset() != (instant - SECOND).astimezone(zone).utcoffset()
    wall = instant.astimezone(zone).replace(tzinfo=None)
    return jumped and wall.date() == day and wall.time() > layer.handoff


@given(st.lists(layers(restricted=True), min_size=1, max_size=3), st.data())
def test_the_final_schedule_tiles_the_window_with_shifts_and_gaps_and_ranks_correctly(
    specs: list[LayerSpec], data: st.DataObject
) -> None:
    start, end = window(specs[0], days=10)
    overrides = []
    if data.draw(st.booleans()):
        o_start = start + timedelta(hours=data.draw(st.integers(0, 200)))
        overrides.append(OverrideSpec(o_start, o_start + timedelta(hours=data.draw(st.integers(1, 30))), 99))
    result = final_schedule(specs, overrides, start, end)
    pieces = sorted([*result.shifts, *result.gaps], key=lambda p: p.start)
    assert pieces[0].start == start and pieces[-1].end == end
    for before, after in itertools.pairwise(pieces):
        assert before.end == after.start, "shifts and gaps neither overlap nor leave holes"
    top = max(specs, key=lambda layer: layer.position)
    top_cover = layer_coverage(top, start, end)
    for piece in pieces:
        probe = piece.start + (piece.end - piece.start) / 2
        in_override = any(o.start <= probe < o.end for o in overrides)
        top_user = next((s.user_id for s in top_cover if s.start <= probe < s.end), None)
        someone = any(s.start <= probe < s.end for layer in specs for s in layer_coverage(layer, start, end))
        if isinstance(piece, Gap):
            assert not in_override and not someone, "a gap only where no layer or override has anyone"
        elif in_override:
            assert piece.user_id == 99
        elif top_user is not None and [layer.position for layer in specs].count(top.position) == 1:
            assert piece.user_id == top_user
        assert on_call_at(specs, overrides, probe) == (None if isinstance(piece, Gap) else piece.user_id)
