"""Small helpers for the schedules pages: savepointed attempts with field errors, local-time form values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound

T = TypeVar("T")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def attempt(ctx: Ctx, action: Callable[[], T]) -> tuple[T | None, dict[str, str], int]:
    """Run a change in a savepoint; on a fixable problem undo it and return {field: message} and the status."""
    savepoint = ctx.session.begin_nested()
    try:
        result = action()
    except (Invalid, Conflict, NotFound) as exc:
        savepoint.rollback()
        detail = exc.detail if isinstance(exc.detail, dict) else {}
        field = str(detail.get("field") or "form").split("[")[0]
        return None, {field: exc.message}, exc.status_code
    savepoint.commit()
    return result, {}, 200


def days_of(days: Sequence[int]) -> str:
    """'Mon–Fri' style text for a restriction's days."""
    ordered = sorted(set(days))
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{DAY_NAMES[ordered[0]]}–{DAY_NAMES[ordered[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in ordered)


def local_input(instant: datetime, zone: str) -> str:
    """A datetime-local input value for `instant` in `zone`."""
    return instant.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")
