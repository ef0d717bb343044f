"""Reports request and response bodies."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from warroom.incidents.schemas import Instant, UtcTime
from warroom.lib.schema import MAX_ID, Request, Response
from warroom.reports.evidence import AlertView, Evidence, RelatedAlert
from warroom.reports.models import IncidentMerge, UserReport

Channel = Literal["support_ticket", "phone", "chat", "email", "social"]


class ReportCreate(Request):
    reporter: str = Field(min_length=1, max_length=200, description="who reported it: a customer, a store, a team")
    channel: Channel
    description: str = Field(min_length=1, max_length=5000, description="what they see, in their words")
    service_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    region: str = Field(default="", max_length=100, description="e.g. DE; matches incident regions")
    segment: str = Field(default="", max_length=100, description="customer segment, e.g. enterprise")
    received_at: Instant | None = Field(default=None, description="when it came in; defaults to now")


class ReportOut(Response):
    id: int
    reporter: str
    channel: str
    description: str
    service_id: int | None
    region: str
    segment: str
    received_at: UtcTime
    incident_id: int | None
    matched_by: str | None = Field(description="service, dependency, region or merge; null when unmatched")
    created_by: str
    created_at: UtcTime

    @classmethod
    def of(cls, report: UserReport) -> ReportOut:
        return cls(
            id=report.id,
            reporter=report.reporter,
            channel=report.channel,
            description=report.description,
            service_id=report.service_id,
            region=report.region,
            segment=report.segment,
            received_at=report.received_at,
            incident_id=report.incident_id,
            matched_by=report.matched_by,
            created_by=report.created_by_name,
            created_at=report.created_at,
        )


class ReportList(Response):
    items: list[ReportOut]
    total: int
    limit: int
    offset: int


class ConfirmedOut(Response):
    value: bool
    reason: str


class EvidenceAlert(Response):
    id: int
    title: str
    status: str
    severity: str
    service_id: int | None
    source: str
    labels: dict[str, str]
    first_seen: UtcTime | None

    @classmethod
    def of(cls, alert: AlertView) -> EvidenceAlert:
        return cls(
            id=alert.id,
            title=alert.title,
            status=alert.status,
            severity=alert.severity,
            service_id=alert.service_id,
            source=alert.source_label,
            labels=alert.labels,
            first_seen=alert.first_seen,
        )


class RelatedOut(EvidenceAlert):
    why: str

    @classmethod
    def related(cls, item: RelatedAlert) -> RelatedOut:
        return cls(**EvidenceAlert.of(item.alert).model_dump(), why=item.why)


class AffectedService(Response):
    id: int
    name: str
    tier: int
    via: str = Field(description="incident (declared on it) or alert (an attached alert's service)")


class MergeOut(Response):
    incident_id: int = Field(description="the merged incident")
    into_id: int = Field(description="the survivor")
    merged_at: UtcTime
    merged_by: str
    alerts_moved: int
    reports_moved: int

    @classmethod
    def of(cls, merge: IncidentMerge) -> MergeOut:
        return cls(
            incident_id=merge.incident_id,
            into_id=merge.into_id,
            merged_at=merge.merged_at,
            merged_by=merge.merged_by_name,
            alerts_moved=merge.alerts_moved,
            reports_moved=merge.reports_moved,
        )


class EvidenceOut(Response):
    incident_id: int
    confirmed: ConfirmedOut
    alerts: list[EvidenceAlert]
    reports: list[ReportOut]
    services: list[AffectedService]
    regions: list[str]
    segments: list[str]
    possibly_related: list[RelatedOut]
    merged_into: int | None
    merged_from: list[int]

    @classmethod
    def of(cls, incident_id: int, evidence: Evidence, merged_into: int | None, merged_from: list[int]) -> EvidenceOut:
        return cls(
            incident_id=incident_id,
            confirmed=ConfirmedOut(value=evidence.confirmed.value, reason=evidence.confirmed.reason),
            alerts=[EvidenceAlert.of(a) for a in evidence.alerts],
            reports=[ReportOut.of(r) for r in evidence.reports],
            services=[AffectedService(id=s.id, name=s.name, tier=s.tier, via=via) for s, via in evidence.services],
            regions=evidence.regions,
            segments=evidence.segments,
            possibly_related=[RelatedOut.related(r) for r in evidence.related],
            merged_into=merged_into,
            merged_from=merged_from,
        )


class MergeRequest(Request):
    into: int = Field(ge=1, le=MAX_ID, description="the incident that survives")
