"""Slot arithmetic for periodic jobs. A tick is one job row keyed `name:slot`, so it runs once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

PERIODIC_KEY = "_periodic"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def next_slot_after(now: datetime, every: timedelta, *, inclusive: bool) -> datetime:
    """The first slot boundary after `now` (or at it, when `inclusive`); boundaries are epoch-aligned."""
    step = every // _MICRO
    if step <= 0:
        raise ValueError("a period must be positive")
    elapsed = (now - EPOCH) // _MICRO
    slots = -(-elapsed // step) if inclusive else elapsed // step + 1
    return EPOCH + timedelta(microseconds=slots * step)


def periodic_key(name: str, slot: datetime) -> str:
    return f"{name}:{slot.astimezone(UTC).isoformat()}"


def tick_payload(base: dict[str, Any], *, every: timedelta, slot: datetime) -> dict[str, Any]:
    """A tick's payload: the job's own fields and the period's metadata under PERIODIC_KEY."""
    meta = {"every_seconds": every.total_seconds(), "slot": slot.isoformat()}
    return {**{k: v for k, v in base.items() if k != PERIODIC_KEY}, PERIODIC_KEY: meta}
