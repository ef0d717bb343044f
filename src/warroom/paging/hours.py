"""Support hours: weekday/time windows in one time zone. Pure functions, no database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from warroom.errors import Invalid

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")
MAX_WINDOWS = 14


def _clock_time(value: object, *, field: str) -> str:
    if not isinstance(value, str) or not _HHMM.match(value):
        raise Invalid(f"{field} must be a time like 09:00 (24-hour, HH:MM; 24:00 for midnight at the end)")
    return value


def _minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def clean_support_hours(value: dict[str, Any] | None) -> dict[str, Any]:
    """Validate {"timezone", "windows": [{"days", "start", "end"}]}; empty means always within support hours."""
    if not value:
        return {}
    zone = value.get("timezone")
    if not isinstance(zone, str) or not zone or len(zone) > 64:
        raise Invalid("support_hours.timezone must be an IANA zone such as Europe/Berlin", {"field": "support_hours"})
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"unknown time zone {zone!r}; use an IANA name such as Europe/Berlin or America/New_York",
            {"field": "support_hours.timezone"},
        ) from None
    windows = value.get("windows") or []
    if not isinstance(windows, list) or not windows or len(windows) > MAX_WINDOWS:
        raise Invalid(
            f"support_hours.windows needs 1 to {MAX_WINDOWS} windows, e.g. "
            '{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}',
            {"field": "support_hours.windows"},
        )
    cleaned = []
    for window in windows:
        days = window.get("days") if isinstance(window, dict) else None
        if not isinstance(days, list) or not days or any(type(d) is not int or not 0 <= d <= 6 for d in days):
            raise Invalid(
                "each support window needs days: a list of weekdays 0 (Monday) to 6 (Sunday)",
                {"field": "support_hours.windows.days"},
            )
        start = _clock_time(window.get("start"), field="support_hours.windows.start")
        end = _clock_time(window.get("end"), field="support_hours.windows.end")
        if start == "24:00" or _minutes(end) <= _minutes(start):
            raise Invalid(
                f"a support window must end after it starts ({start}–{end}); split overnight hours into two windows",
                {"field": "support_hours.windows"},
            )
        cleaned.append({"days": sorted(set(days)), "start": start, "end": end})
    return {"timezone": zone, "windows": cleaned}


def _local_instant(day: datetime, minutes: int, zone: ZoneInfo) -> datetime:
    """`minutes` after local midnight of `day`, as a UTC instant (a skipped wall time moves forward)."""
    midnight = datetime.combine(day.date(), time(0), tzinfo=zone)
    wall = midnight + timedelta(minutes=minutes)
    # Round-trip through UTC: a wall time that does not exist (spring forward) lands on the next valid one.
    return wall.astimezone(UTC)


def within_support_hours(hours: dict[str, Any], at: datetime) -> bool:
    """True when `at` falls inside a window, or when no support hours are set."""
    if not hours:
        return True
    zone = ZoneInfo(hours["timezone"])
    local = at.astimezone(zone)
    minute = local.hour * 60 + local.minute
    for window in hours["windows"]:
        if local.weekday() in window["days"] and _minutes(window["start"]) <= minute < _minutes(window["end"]):
            return True
    return False


def next_support_start(hours: dict[str, Any], at: datetime) -> datetime:
    """The first instant at or after `at` inside support hours (`at` itself when already inside)."""
    if within_support_hours(hours, at):
        return at
    zone = ZoneInfo(hours["timezone"])
    local = at.astimezone(zone)
    best: datetime | None = None
    for offset in range(8):
        day = local + timedelta(days=offset)
        for window in hours["windows"]:
            if day.weekday() not in window["days"]:
                continue
            start = _local_instant(day, _minutes(window["start"]), zone)
            if start > at and (best is None or start < best):
                best = start
        if best is not None:
            return best
    raise Invalid("support hours have no window in the coming week", {"field": "support_hours"})


def describe_support_hours(hours: dict[str, Any]) -> str:
    """One line for people, e.g. 'Mon–Fri 09:00–17:00 (Europe/Berlin)'."""
    if not hours:
        return "always (no support hours set)"
    parts = []
    for window in hours["windows"]:
        days = ",".join(DAY_NAMES[d] for d in window["days"])
        parts.append(f"{days} {window['start']}–{window['end']}")
    return "; ".join(parts) + f" ({hours['timezone']})"
