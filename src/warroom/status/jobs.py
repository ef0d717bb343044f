"""Status background jobs: drop render caches and re-export when the page changes; keep daily uptime totals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from warroom.context import Ctx
from warroom.jobs.registry import job, subscribe
from warroom.status.components import DAILY_UPTIME_JOB, bump_generation
from warroom.status.export import export_dir, export_site
from warroom.status.updates import PUBLISHED_TOPIC
from warroom.status.uptime import record_day

INVALIDATE_JOB = "status.invalidate_cache"
EXPORT_JOB = "status.export"
MAINTENANCE_TOPICS = ("maintenance.scheduled", "maintenance.started", "maintenance.ended", "maintenance.changed")


@job(INVALIDATE_JOB)
def invalidate_cache(ctx: Ctx, payload: dict[str, Any]) -> None:
    """A maintenance window was scheduled, changed, started or ended: every process re-renders."""
    bump_generation(ctx.session, ctx.now())


for _topic in MAINTENANCE_TOPICS:
    subscribe(_topic, INVALIDATE_JOB)


@job(EXPORT_JOB)
def export(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Re-run the static export when WARROOM_STATUS_EXPORT_DIR is set (a no-op otherwise)."""
    directory = export_dir(ctx.settings)
    if directory is None:
        return
    # An unwritable directory raises OSError: the job queue retries it with backoff, then dead-letters it.
    export_site(ctx.session, ctx.settings, ctx.now(), directory)


# Same moments the render cache is dropped, plus every published update: the export must match /status.
for _topic in (PUBLISHED_TOPIC, *MAINTENANCE_TOPICS):
    subscribe(_topic, EXPORT_JOB)


@job(DAILY_UPTIME_JOB)
def daily_uptime(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Store yesterday's per-component totals (kept indefinitely, so bars survive history pruning)."""
    yesterday = ctx.now().date() - timedelta(days=1)
    record_day(ctx, yesterday)
