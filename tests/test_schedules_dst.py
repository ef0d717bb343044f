"""The DST rule, on the 2026 spring-forward and fall-back days in Berlin and New York, with exact instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from warroom.schedules.resolver import LayerSpec, layer_turns, wall_to_instant

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def daily(zone: str, handoff: time, start: datetime) -> LayerSpec:
    return LayerSpec(rotation_start=start, turn_length=1, turn_unit="days", handoff=handoff, zone=zone, members=(1, 2))


def starts(layer: LayerSpec, since: datetime, until: datetime) -> list[datetime]:
    return [turn.start for turn in layer_turns(layer, since, until)]


def test_a_handoff_inside_the_berlin_spring_forward_gap_moves_to_the_moment_the_clocks_jump():
    # 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC); 02:30 does not exist.
    assert wall_to_instant(date(2026, 3, 29), time(2, 30), BERLIN) == utc(2026, 3, 29, 1, 0)


def test_an_ambiguous_berlin_fall_back_handoff_takes_the_first_occurrence():
    # 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens at 00:30 UTC and again at 01:30 UTC.
    assert wall_to_instant(date(2026, 10, 25), time(2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)


def test_new_york_spring_forward_and_fall_back_follow_the_same_rule():
    # 2026-03-08 02:00 EST jumps to 03:00 EDT (07:00 UTC); 2026-11-01 02:00 EDT falls back to 01:00 EST.
    assert wall_to_instant(date(2026, 3, 8), time(2, 30), NEW_YORK) == utc(2026, 3, 8, 7, 0)
    assert wall_to_instant(date(2026, 11, 1), time(1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)


def test_daily_turns_in_berlin_keep_the_wall_clock_handoff_across_spring_forward():
    layer = daily("Europe/Berlin", time(9, 0), utc(2026, 3, 27, 8, 0))
    assert starts(layer, utc(2026, 3, 27), utc(2026, 3, 31)) == [
        utc(2026, 3, 27, 8, 0),  # 09:00 CET
        utc(2026, 3, 28, 8, 0),
        utc(2026, 3, 29, 7, 0),  # 09:00 CEST: the turn that spans the jump lasts 23 hours
        utc(2026, 3, 30, 7, 0),
    ]


def test_daily_turns_at_0230_in_berlin_hand_off_at_0300_on_the_spring_forward_day():
    layer = daily("Europe/Berlin", time(2, 30), utc(2026, 3, 27, 1, 30))
    assert starts(layer, utc(2026, 3, 27), utc(2026, 3, 31)) == [
        utc(2026, 3, 27, 1, 30),
        utc(2026, 3, 28, 1, 30),
        utc(2026, 3, 29, 1, 0),  # 03:00 CEST, the first valid instant
        utc(2026, 3, 30, 0, 30),
    ]


def test_daily_turns_at_0230_in_berlin_hand_off_at_the_first_0230_on_the_fall_back_day():
    layer = daily("Europe/Berlin", time(2, 30), utc(2026, 10, 23, 0, 30))
    turns = list(layer_turns(layer, utc(2026, 10, 23), utc(2026, 10, 27)))
    assert [t.start for t in turns] == [
        utc(2026, 10, 23, 0, 30),
        utc(2026, 10, 24, 0, 30),
        utc(2026, 10, 25, 0, 30),  # first 02:30 (CEST)
        utc(2026, 10, 26, 1, 30),  # 02:30 CET
    ]
    assert [t.end - t.start for t in turns][2].total_seconds() == 25 * 3600


def test_weekly_turns_in_new_york_hand_off_at_the_same_wall_time_across_both_changes():
    layer = LayerSpec(utc(2026, 3, 2, 14, 0), 1, "weeks", time(9, 0), "America/New_York", (1, 2, 3))
    assert starts(layer, utc(2026, 3, 2, 14, 0), utc(2026, 3, 17)) == [
        utc(2026, 3, 2, 14, 0),  # Monday 09:00 EST
        utc(2026, 3, 9, 13, 0),  # Monday 09:00 EDT
        utc(2026, 3, 16, 13, 0),
    ]
    autumn = LayerSpec(utc(2026, 10, 26, 13, 0), 1, "weeks", time(9, 0), "America/New_York", (1, 2))
    assert starts(autumn, utc(2026, 10, 26), utc(2026, 11, 3)) == [utc(2026, 10, 26, 13, 0), utc(2026, 11, 2, 14, 0)]


def test_hour_turns_count_elapsed_time_through_the_berlin_fall_back_night():
    layer = LayerSpec(utc(2026, 10, 24, 22, 0), 2, "hours", time(0, 0), "Europe/Berlin", (1, 2, 3))
    turns = list(layer_turns(layer, utc(2026, 10, 24, 22, 0), utc(2026, 10, 25, 6, 0)))
    assert [(t.start, t.user_id) for t in turns] == [
        (utc(2026, 10, 24, 22, 0), 1),
        (utc(2026, 10, 25, 0, 0), 2),
        (utc(2026, 10, 25, 2, 0), 3),
        (utc(2026, 10, 25, 4, 0), 1),
    ]
    assert all((t.end - t.start).total_seconds() == 7200 for t in turns)
