"""Schedules background jobs: handoff notices at each change of who is on call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from warroom.context import Ctx
from warroom.jobs.registry import PermanentFailure, job
from warroom.schedules import handoffs


@job(handoffs.HANDOFF_JOB)
def handoff_notice(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Email the people coming on and going off shift, then plan the next handoff."""
    try:
        schedule_id = int(payload["schedule_id"])
        at = datetime.fromisoformat(str(payload["at"]))
    except (KeyError, TypeError, ValueError):
        raise PermanentFailure(f"a handoff notice needs schedule_id and at, got {payload!r}") from None
    handoffs.send_handoff_notices(ctx, schedule_id=schedule_id, at=at)
