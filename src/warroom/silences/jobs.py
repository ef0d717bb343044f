"""Silences background jobs: the end-instant timer that announces `silence.ended`."""

from __future__ import annotations

from typing import Any

from warroom.context import Ctx
from warroom.jobs.registry import PermanentFailure, job
from warroom.silences import service


@job(service.END_JOB)
def silence_end(ctx: Ctx, payload: dict[str, Any]) -> None:
    """A silence's end instant arrived."""
    try:
        silence_id = int(payload["silence_id"])
    except (KeyError, TypeError, ValueError):
        raise PermanentFailure(f"a silence end timer needs silence_id, got {payload!r}") from None
    service.on_end_timer(ctx, silence_id)
