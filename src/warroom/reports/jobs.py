"""Reports background jobs: a newly declared incident picks up the reports that arrived just before it."""

from __future__ import annotations

from typing import Any

from warroom.context import Ctx
from warroom.incidents.models import Incident
from warroom.jobs.registry import PermanentFailure, job, subscribe
from warroom.reports import service

MATCH_JOB = "reports.match_waiting"


@job(MATCH_JOB)
def match_waiting(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Link unmatched reports received within ±2 h of the new incident's detection, when they belong to it."""
    try:
        incident_id = int(payload["incident_id"])
    except (KeyError, TypeError, ValueError):
        raise PermanentFailure(f"reports.match_waiting needs incident_id, got {payload!r}") from None
    incident = ctx.session.get(Incident, incident_id)
    if incident is not None:
        service.match_waiting_reports(ctx, incident)


subscribe("incident.declared", MATCH_JOB)
