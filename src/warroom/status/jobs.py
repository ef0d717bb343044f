"""Status background jobs: drop render caches when maintenance starts or ends; keep daily uptime totals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from warroom.context import Ctx
from warroom.jobs.registry import job, subscribe
from warroom.status.components import DAILY_UPTIME_JOB, bump_generation
from warroom.status.uptime import record_day

INVALIDATE_JOB = "status.invalidate_cache"


@job(INVALIDATE_JOB)
def invalidate_cache(ctx: Ctx, payload: dict[str, Any]) -> None:
    """A maintenance window was scheduled, changed, started or ended: every process re-renders."""
    bump_generation(ctx.session, ctx.now())


for _topic in ("maintenance.scheduled", "maintenance.started", "maintenance.ended", "maintenance.changed"):
    subscribe(_topic, INVALIDATE_JOB)


@job(DAILY_UPTIME_JOB)
def daily_uptime(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Store yesterday's per-component totals (kept indefinitely, so bars survive history pruning)."""
    yesterday = ctx.now().date() - timedelta(days=1)
    record_day(ctx, yesterday)
