"""Maintenance boundary timers: announce `maintenance.started` / `maintenance.ended` on time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from warroom.context import Ctx
from warroom.jobs.registry import PermanentFailure, job
from warroom.maintenance import service


@job(service.BOUNDARY_JOB)
def boundary(ctx: Ctx, payload: dict[str, Any]) -> None:
    """A window's start or end instant arrived."""
    try:
        maintenance_id = int(payload["maintenance_id"])
        edge = str(payload["edge"])
        at = datetime.fromisoformat(str(payload["at"]))
    except (KeyError, TypeError, ValueError):
        raise PermanentFailure(f"a maintenance boundary needs maintenance_id, edge and at, got {payload!r}") from None
    service.on_boundary(ctx, maintenance_id, edge, at)
