"""Intake background jobs: expire push-API alerts, re-evaluate alerts when a silence or maintenance ends."""

from __future__ import annotations

from typing import Any

from warroom.context import Ctx
from warroom.intake import service
from warroom.intake.pipeline import EXPIRE_JOB
from warroom.jobs.registry import PermanentFailure, RetryLater, job, subscribe

SILENCE_ENDED_JOB = "intake.silence_ended"
MAINTENANCE_ENDED_JOB = "intake.maintenance_ended"


def _int(payload: dict[str, Any], name: str) -> int:
    try:
        return int(payload[name])
    except (KeyError, TypeError, ValueError):
        raise PermanentFailure(f"the payload needs an integer {name}, got {payload!r}") from None


@job(EXPIRE_JOB)
def expire(ctx: Ctx, payload: dict[str, Any]) -> None:
    """An alert's endsAt arrived: resolve it unless a re-send moved endsAt later (then wait for that)."""
    later = service.expire_alert(ctx, _int(payload, "alert_id"), _int(payload, "firing_count"))
    if later is not None:
        raise RetryLater("endsAt moved later", delay_seconds=max((later - ctx.now()).total_seconds(), 0.0))


@job(SILENCE_ENDED_JOB)
def silence_ended(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Alerts the silence held that still fire are evaluated again (and may open an incident now)."""
    service.reevaluate(ctx, service.alerts_silenced_by(ctx.session, _int(payload, "silence_id")))


@job(MAINTENANCE_ENDED_JOB)
def maintenance_ended(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Alerts held by maintenance that still fire are evaluated again."""
    service.reevaluate(ctx, service.alerts_in_maintenance(ctx.session))


subscribe("silence.ended", SILENCE_ENDED_JOB)
subscribe("maintenance.ended", MAINTENANCE_ENDED_JOB)
