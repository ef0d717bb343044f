"""/api/v1/reports and the incident evidence, related-alert attach and merge routes.

Responders (the support liaison among them) record reports, attach alerts and merge; viewers read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from warroom.incidents import service as incidents
from warroom.lib.pagination import MAX_LIMIT
from warroom.lib.schema import MAX_ID
from warroom.reports import service
from warroom.reports.schemas import (
    Channel,
    EvidenceAlert,
    EvidenceOut,
    MergeOut,
    MergeRequest,
    ReportCreate,
    ReportList,
    ReportOut,
)
from warroom.web import ApiResponder, ApiViewer

router = APIRouter(tags=["reports"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


@router.get("/reports", response_model=ReportList)
def list_reports(
    ctx: ApiViewer,
    incident_id: OptionalId = None,
    service_id: OptionalId = None,
    channel: Channel | None = None,
    unmatched: bool = False,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ReportList:
    """User reports, newest first; `unmatched=true` shows the ones no incident claimed."""
    rows, total = service.list_reports(
        ctx,
        incident_id=incident_id,
        service_id=service_id,
        channel=channel,
        unmatched=unmatched,
        limit=limit,
        offset=offset,
    )
    return ReportList(items=[ReportOut.of(r) for r in rows], total=total, limit=limit, offset=offset)


@router.post("/reports", response_model=ReportOut, status_code=201)
def create_report(ctx: ApiResponder, body: ReportCreate) -> ReportOut:
    """Record a user report; it is linked to the matching open incident, if any (see incident_id, matched_by)."""
    report = service.create_report(
        ctx,
        reporter=body.reporter,
        channel=body.channel,
        description=body.description,
        service_id=body.service_id,
        region=body.region,
        segment=body.segment,
        received_at=body.received_at,
    )
    return ReportOut.of(report)


@router.get("/reports/{report_id}", response_model=ReportOut)
def get_report(ctx: ApiViewer, report_id: Id) -> ReportOut:
    """One report."""
    return ReportOut.of(service.get_report(ctx, report_id))


@router.get("/incidents/{incident_id}/evidence", response_model=EvidenceOut)
def incident_evidence(ctx: ApiViewer, incident_id: Id) -> EvidenceOut:
    """Alerts, reports, affected services, regions and segments, whether it is confirmed (and why), and
    firing alerts that look related."""
    incident = incidents.get_incident(ctx, incident_id)
    merge = service.merge_of(ctx, incident)
    merged_from = [m.incident_id for m in service.merged_from(ctx, incident)]
    return EvidenceOut.of(
        incident.id, service.evidence_for(ctx, incident), merge.into_id if merge else None, merged_from
    )


@router.post("/incidents/{incident_id}/related/{alert_id}/attach", response_model=EvidenceAlert)
def attach_related_alert(ctx: ApiResponder, incident_id: Id, alert_id: Id) -> EvidenceAlert:
    """Attach a (possibly related) alert to the incident."""
    incident = incidents.get_incident(ctx, incident_id)
    return EvidenceAlert.of(service.attach_related(ctx, incident, alert_id))


@router.post("/incidents/{incident_id}/merge", response_model=MergeOut)
def merge_incident(ctx: ApiResponder, incident_id: Id, body: MergeRequest) -> MergeOut:
    """Merge this incident into `into`: its alerts and reports move there, and it is resolved."""
    incident = incidents.get_incident(ctx, incident_id)
    survivor = incidents.get_incident(ctx, body.into)
    return MergeOut.of(service.merge_incidents(ctx, incident, into=survivor))
