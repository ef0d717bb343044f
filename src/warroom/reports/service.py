"""User and customer reports: record them, match them to open incidents, list them.

Matching: a report naming a service goes to the open incident on that service, else to one on a service it
depends on (transitively). A report without a service goes to an open incident whose regions contain the
report's region and that was detected within ±2 h of the report. The best match wins (own service before a
dependency, then the most severe, then the newest); the report is linked and noted on that incident's timeline.
Evidence, confirmation, related alerts and merges live in evidence.py and merge.py, re-exported here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from warroom.catalog import graph
from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident, incident_services
from warroom.lib.pagination import MAX_LIMIT, PageRequest, paginate
from warroom.lib.schema import MAX_ID
from warroom.reports.evidence import (
    REGION_LABELS,
    SEGMENT_LABELS,
    AlertView,
    Confirmation,
    Evidence,
    RelatedAlert,
    attach_related,
    confirmation,
    evidence_for,
    possibly_related,
    reports_for_incident,
)
from warroom.reports.merge import merge_incidents, merge_of, merged_from
from warroom.reports.models import CHANNELS, UserReport

REGION_WINDOW = timedelta(hours=2)
OPEN_STATUSES = ("investigating", "identified", "monitoring")
RECEIVED_EVENT = "reports.received"
MAX_SHORT = 100
MAX_DESCRIPTION = 5000


def _short(value: str | None, field: str, label: str, *, required: bool = False, limit: int = MAX_SHORT) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise Invalid(f"{label} is required", {"field": field})
    if len(text) > limit or "\x00" in text:
        raise Invalid(f"{label} must be printable text of at most {limit} characters", {"field": field})
    return text


def create_report(
    ctx: Ctx,
    *,
    reporter: str,
    channel: str,
    description: str,
    service_id: int | None = None,
    region: str = "",
    segment: str = "",
    received_at: datetime | None = None,
) -> UserReport:
    """Record a report and link it to the open incident it most likely belongs to (if any)."""
    if channel not in CHANNELS:
        raise Invalid(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}", {"field": "channel"})
    text = (description or "").strip()
    if not text or len(text) > MAX_DESCRIPTION or "\x00" in text:
        raise Invalid(f"describe what the reporter sees (1 to {MAX_DESCRIPTION} characters)", {"field": "description"})
    now = ctx.now()
    when = received_at or now
    if when > now + timedelta(minutes=1):
        raise Invalid("received_at is in the future; leave it out to use now", {"field": "received_at"})
    if service_id is not None and (not 0 < service_id <= MAX_ID or ctx.session.get(Service, service_id) is None):
        raise NotFound(f"service {service_id} does not exist; see the service catalog", {"field": "service_id"})
    report = UserReport(
        reporter=_short(reporter, "reporter", "the reporter", required=True, limit=200),
        channel=channel,
        service_id=service_id,
        region=_short(region, "region", "the region"),
        segment=_short(segment, "segment", "the segment"),
        description=text,
        received_at=when,
        created_by_id=ctx.actor.user_id,
        created_by_name=ctx.actor.name[:200],
        created_at=now,
    )
    ctx.session.add(report)
    ctx.session.flush()
    found = best_match(ctx, report)
    if found is not None:
        link_report(ctx, report, found[0], reason=found[1])
    return report


def _open_incidents_on(ctx: Ctx, service_ids: list[int]) -> list[Incident]:
    if not service_ids:
        return []
    linked = select(incident_services.c.incident_id).where(incident_services.c.service_id.in_(service_ids))
    query = select(Incident).where(Incident.id.in_(linked), Incident.status.in_(OPEN_STATUSES))
    return [i for i in ctx.session.scalars(query) if incidents.can_see(ctx, i)]


def _rank(found: list[Incident]) -> Incident | None:
    # Most severe first (SEV1 < SEV2 as text), then the newest.
    ordered = sorted(found, key=lambda i: (i.severity, -i.declared_at.timestamp(), -i.id))
    return ordered[0] if ordered else None


def best_match(ctx: Ctx, report: UserReport) -> tuple[Incident, str] | None:
    """The open incident this report belongs to and why ("service", "dependency", "region"), or None."""
    if report.service_id is not None:
        direct = _rank(_open_incidents_on(ctx, [report.service_id]))
        if direct is not None:
            return direct, "service"
        needs = graph.dependency_closure(graph.dependency_edges(ctx.session), [report.service_id])
        upstream = _rank(_open_incidents_on(ctx, sorted(needs)))
        return (upstream, "dependency") if upstream is not None else None
    if not report.region:
        return None
    wanted = report.region.casefold()
    query = select(Incident).where(
        Incident.status.in_(OPEN_STATUSES),
        Incident.detected_at >= report.received_at - REGION_WINDOW,
        Incident.detected_at <= report.received_at + REGION_WINDOW,
    )
    found = [
        i
        for i in ctx.session.scalars(query)
        if wanted in {r.casefold() for r in (i.regions or [])} and incidents.can_see(ctx, i)
    ]
    match = _rank(found)
    return (match, "region") if match is not None else None


def _describe(report: UserReport, service_name: str | None) -> str:
    where = ", ".join(p for p in (service_name, report.region, report.segment) if p)
    channel = CHANNELS[report.channel].lower()
    return f"{report.reporter} reported via {channel}" + (f" ({where})" if where else "") + f": {report.description}"


def link_report(ctx: Ctx, report: UserReport, incident: Incident, *, reason: str) -> None:
    """Attach the report to the incident and note it on the timeline."""
    report.incident_id = incident.id
    report.matched_by = reason
    service = ctx.session.get(Service, report.service_id) if report.service_id else None
    summary = _describe(report, service.name if service else None)
    if len(summary) > 300:
        summary = summary[:299] + "…"
    incidents.record_event(
        ctx,
        incident,
        kind=RECEIVED_EVENT,
        data={"report_id": report.id, "channel": report.channel, "matched_by": reason, "summary": summary},
    )


def match_waiting_reports(ctx: Ctx, incident: Incident) -> int:
    """A new incident picks up unlinked reports from around its detection that belong to it. Returns the count."""
    query = select(UserReport).where(
        UserReport.incident_id.is_(None),
        UserReport.received_at >= incident.detected_at - REGION_WINDOW,
        UserReport.received_at <= incident.detected_at + REGION_WINDOW,
    )
    linked = 0
    for report in ctx.session.scalars(query.order_by(UserReport.received_at, UserReport.id)):
        found = best_match(ctx, report)
        if found is not None and found[0].id == incident.id:
            link_report(ctx, report, incident, reason=found[1])
            linked += 1
    return linked


def get_report(ctx: Ctx, report_id: int) -> UserReport:
    """The report with this id, or NotFound."""
    report = ctx.session.get(UserReport, report_id) if 0 < report_id <= MAX_ID else None
    if report is None:
        raise NotFound(f"report {report_id} does not exist; see the report list", {"report_id": report_id})
    return report


def list_reports(
    ctx: Ctx,
    *,
    incident_id: int | None = None,
    service_id: int | None = None,
    channel: str | None = None,
    unmatched: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[UserReport], int]:
    """Reports, newest first, with the total for pagination."""
    if channel is not None and channel not in CHANNELS:
        raise Invalid(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}", {"field": "channel"})
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= 1_000_000:
        raise Invalid(f"limit must be 1 to {MAX_LIMIT} and offset 0 or more", {"field": "limit"})
    query = select(UserReport)
    if incident_id is not None:
        query = query.where(UserReport.incident_id == incident_id)
    if service_id is not None:
        query = query.where(UserReport.service_id == service_id)
    if channel is not None:
        query = query.where(UserReport.channel == channel)
    if unmatched:
        query = query.where(UserReport.incident_id.is_(None))
    query = query.order_by(UserReport.received_at.desc(), UserReport.id.desc())
    return paginate(ctx.session, query, PageRequest(limit=limit, offset=offset))


__all__ = [
    "CHANNELS",
    "REGION_LABELS",
    "SEGMENT_LABELS",
    "AlertView",
    "Confirmation",
    "Evidence",
    "RelatedAlert",
    "attach_related",
    "best_match",
    "confirmation",
    "create_report",
    "evidence_for",
    "get_report",
    "link_report",
    "list_reports",
    "match_waiting_reports",
    "merge_incidents",
    "merge_of",
    "merged_from",
    "possibly_related",
    "reports_for_incident",
]
