"""Support hours: inside/outside, the next start in the service's zone (across a DST change), and validation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warroom.errors import Invalid
from warroom.paging.hours import clean_support_hours, next_support_start, within_support_hours

NEW_YORK_WEEKDAYS = {
    "timezone": "America/New_York",
    "windows": [{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}],
}


def test_the_window_includes_its_start_and_excludes_its_end():
    monday_0900_edt = datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    assert within_support_hours(NEW_YORK_WEEKDAYS, monday_0900_edt)
    assert not within_support_hours(NEW_YORK_WEEKDAYS, datetime(2026, 3, 9, 12, 59, 59, tzinfo=UTC))
    assert not within_support_hours(NEW_YORK_WEEKDAYS, datetime(2026, 3, 9, 21, 0, tzinfo=UTC))
    assert within_support_hours({}, datetime(2026, 3, 8, 3, 0, tzinfo=UTC))


def test_the_next_start_after_a_spring_forward_weekend_is_at_local_nine():
    saturday = datetime(2026, 3, 7, 23, 0, tzinfo=UTC)  # New York moves to EDT on Sunday 8 March
    assert next_support_start(NEW_YORK_WEEKDAYS, saturday) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    friday_evening = datetime(2026, 3, 6, 23, 0, tzinfo=UTC)  # still EST (UTC-5)
    assert next_support_start(NEW_YORK_WEEKDAYS, friday_evening) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    thursday_night = datetime(2026, 3, 5, 23, 0, tzinfo=UTC)
    assert next_support_start(NEW_YORK_WEEKDAYS, thursday_night) == datetime(2026, 3, 6, 14, 0, tzinfo=UTC)


def test_inside_support_hours_the_next_start_is_now():
    now = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
    assert next_support_start(NEW_YORK_WEEKDAYS, now) == now


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"timezone": "Mars/Base", "windows": []}, "unknown time zone 'Mars/Base'"),
        ({"timezone": "UTC", "windows": []}, "support_hours.windows needs 1 to 14 windows"),
        (
            {"timezone": "UTC", "windows": [{"days": [1], "start": "9am", "end": "17:00"}]},
            "support_hours.windows.start",
        ),
        ({"timezone": "UTC", "windows": [{"days": [1], "start": "24:00", "end": "24:00"}]}, "must end after it starts"),
    ],
)
def test_bad_support_hours_say_what_to_fix(hours, message):
    with pytest.raises(Invalid) as raised:
        clean_support_hours(hours)
    assert message in raised.value.message


def test_a_midnight_end_is_accepted_and_days_are_sorted():
    cleaned = clean_support_hours(
        {"timezone": "UTC", "windows": [{"days": [6, 5, 5], "start": "18:00", "end": "24:00"}]}
    )
    assert cleaned == {"timezone": "UTC", "windows": [{"days": [5, 6], "start": "18:00", "end": "24:00"}]}
    assert within_support_hours(cleaned, datetime(2026, 3, 1, 23, 59, tzinfo=UTC))
