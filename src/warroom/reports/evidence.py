"""What confirms and scopes an incident: its alerts and user reports, the services, regions and segments they
name, whether independent signals agree (confirmation), and firing alerts that look related.

Confirmation rule: at least two independent signals agree. Independent means
  * an alert and a user report (monitoring and a person see the same thing), or
  * two alerts from different sources (a source is the integration plus the alert's `source` field, so two
    hosts reporting through one Alertmanager count as two, one host alerting twice does not), or
  * two user reports through different channels (say a support ticket and a phone call: two people who did
    not coordinate). Two reports on the same channel may be one customer asking twice, so they do not count.
Alerts count whether firing or already resolved: a resolved alert still saw the problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

from sqlalchemy import or_, select

from warroom.catalog import graph
from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.errors import Conflict, NotConfigured, NotFound
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.reports.models import CHANNELS, UserReport

# Alert label keys read as regions and segments (Prometheus conventions differ between teams).
REGION_LABELS = ("region",)
SEGMENT_LABELS = ("segment",)
RELATED_LOOKBACK = timedelta(minutes=30)
MAX_RELATED = 50


def _intake() -> ModuleType | None:
    """Alert intake's service module, or None while it is not installed (evidence then has reports only)."""
    try:
        from warroom.intake import service as intake
    except ImportError:
        return None
    return intake


@dataclass(frozen=True)
class AlertView:
    """The parts of an intake alert that evidence needs."""

    id: int
    title: str
    status: str
    severity: str
    service_id: int | None
    source: str
    integration_id: int | None
    labels: dict[str, str]
    first_seen: datetime | None
    incident_id: int | None

    @classmethod
    def of(cls, alert: Any) -> AlertView:
        return cls(
            id=int(alert.id),
            title=str(getattr(alert, "title", "") or ""),
            status=str(getattr(alert, "status", "") or ""),
            severity=str(getattr(alert, "severity", "") or ""),
            service_id=getattr(alert, "service_id", None),
            source=str(getattr(alert, "source", "") or ""),
            integration_id=getattr(alert, "integration_id", None),
            labels={str(k): str(v) for k, v in (getattr(alert, "labels", None) or {}).items()},
            first_seen=getattr(alert, "first_seen", None),
            incident_id=getattr(alert, "incident_id", None),
        )

    @property
    def source_key(self) -> tuple[int | None, str]:
        return (self.integration_id, self.source)

    @property
    def source_label(self) -> str:
        if self.source:
            return self.source
        return f"integration #{self.integration_id}" if self.integration_id else "unknown source"


@dataclass(frozen=True)
class Confirmation:
    value: bool
    reason: str


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def confirmation(alerts: Sequence[AlertView], reports: Sequence[UserReport]) -> Confirmation:
    """Whether ≥2 independent signals agree, and why (see the module docstring for the rule)."""
    if alerts and reports:
        report = reports[0]
        channel = CHANNELS.get(report.channel, report.channel).lower()
        return Confirmation(
            True, f"an alert and a user report agree: “{alerts[0].title}” and a {channel} report from {report.reporter}"
        )
    sources = list(dict.fromkeys(a.source_key for a in alerts))
    if len(sources) >= 2:
        labels = list(dict.fromkeys(a.source_label for a in alerts if a.source_key in sources[:2]))
        names = " and ".join(labels[:2]) if len(labels) >= 2 else f"{len(sources)} integrations"
        return Confirmation(True, f"alerts from {len(sources)} independent sources agree: {names}")
    channels = list(dict.fromkeys(r.channel for r in reports))
    if len(channels) >= 2:
        names = " and ".join(CHANNELS.get(c, c).lower() for c in channels[:2])
        return Confirmation(True, f"user reports arrived through {len(channels)} different channels: {names}")
    if alerts:
        return Confirmation(
            False,
            f"{_plural(len(alerts), 'alert')}, all from one source ({alerts[0].source_label}); "
            "confirmation needs an alert from another source or a user report",
        )
    if reports:
        channel = CHANNELS.get(reports[0].channel, reports[0].channel).lower()
        return Confirmation(
            False,
            f"{_plural(len(reports), 'user report')}, all via {channel}; "
            "confirmation needs an alert or a report through another channel",
        )
    return Confirmation(False, "no alerts or user reports yet; two independent signals confirm an incident")


def incident_alerts(ctx: Ctx, incident: Incident) -> list[AlertView]:
    """The alerts intake attached to the incident (none while intake is not installed)."""
    intake = _intake()
    finder = getattr(intake, "alerts_for_incident", None)
    if finder is None:
        return []
    return [AlertView.of(a) for a in finder(ctx.session, incident.id)]


def reports_for_incident(ctx: Ctx, incident: Incident) -> list[UserReport]:
    """Every report linked to the incident, oldest first."""
    query = select(UserReport).where(UserReport.incident_id == incident.id)
    return list(ctx.session.scalars(query.order_by(UserReport.received_at, UserReport.id)))


@dataclass(frozen=True)
class RelatedAlert:
    alert: AlertView
    why: str  # e.g. "Picking depends on WMS"


@dataclass
class Evidence:
    confirmed: Confirmation
    alerts: list[AlertView]
    reports: list[UserReport]
    services: list[tuple[Service, str]]  # (service, "incident" | "alert")
    regions: list[str]
    segments: list[str]
    related: list[RelatedAlert] = field(default_factory=list)


def _seen(alerts: Sequence[AlertView], reports: Sequence[UserReport], keys: Sequence[str], attr: str) -> list[str]:
    values = {a.labels[k].strip() for a in alerts for k in keys if a.labels.get(k, "").strip()}
    values |= {getattr(r, attr).strip() for r in reports if getattr(r, attr).strip()}
    return sorted(values, key=str.casefold)


def evidence_for(ctx: Ctx, incident: Incident) -> Evidence:
    """Everything that confirms and scopes the incident."""
    alerts = sorted(incident_alerts(ctx, incident), key=lambda a: (a.status != "firing", a.id))
    reports = reports_for_incident(ctx, incident)
    own = incidents.incident_services(ctx, incident)
    services: list[tuple[Service, str]] = [(s, "incident") for s in own]
    extra = sorted({a.service_id for a in alerts if a.service_id} - {s.id for s in own})
    if extra:
        found = ctx.session.scalars(select(Service).where(Service.id.in_(extra)).order_by(Service.tier, Service.name))
        services += [(s, "alert") for s in found]
    return Evidence(
        confirmed=confirmation(alerts, reports),
        alerts=alerts,
        reports=reports,
        services=services,
        regions=_seen(alerts, reports, REGION_LABELS, "region"),
        segments=_seen(alerts, reports, SEGMENT_LABELS, "segment"),
        related=possibly_related(ctx, incident),
    )


def possibly_related(ctx: Ctx, incident: Incident) -> list[RelatedAlert]:
    """Firing alerts not on this incident, on its services or on services that depend on them (transitively),
    first seen after the incident was declared minus 30 minutes."""
    try:
        from warroom.intake.models import Alert
    except ImportError:
        return []
    roots = [s.id for s in incidents.incident_services(ctx, incident)]
    if not roots:
        return []
    paths = graph.dependent_paths(graph.dependency_edges(ctx.session), roots)
    candidates = roots + sorted(paths)
    query = (
        select(Alert)
        .where(
            Alert.status == "firing",
            Alert.service_id.in_(candidates),
            Alert.first_seen >= incident.declared_at - RELATED_LOOKBACK,
            or_(Alert.incident_id.is_(None), Alert.incident_id != incident.id),
        )
        .order_by(Alert.first_seen.desc(), Alert.id.desc())
        .limit(MAX_RELATED)
    )
    alerts = [AlertView.of(a) for a in ctx.session.scalars(query)]
    wanted = {sid for chain in paths.values() for sid in chain} | set(roots)
    names = {s.id: s.name for s in ctx.session.scalars(select(Service).where(Service.id.in_(wanted)))}
    related = []
    for alert in alerts:
        chain = paths.get(alert.service_id or 0)
        if chain is None:
            why = f"on {names.get(alert.service_id or 0, 'an affected service')}, an affected service"
        else:
            why = " → ".join(names.get(sid, f"#{sid}") for sid in chain)
            why = f"depends on the incident's service: {why}"
        related.append(RelatedAlert(alert=alert, why=why))
    return related


def attach_related(ctx: Ctx, incident: Incident, alert_id: int) -> AlertView:
    """Attach an alert to the incident (one click from "possibly related"); intake notes it on the timeline."""
    intake = _intake()
    attach = getattr(intake, "attach_alert", None)
    getter = getattr(intake, "get_alert", None)
    if attach is None or getter is None:
        raise NotConfigured("alert intake is not installed, so there are no alerts to attach")
    if not incidents.is_open(incident):
        raise Conflict(
            f"incident {incident.id} is {incident.status}; reopen it before attaching alerts",
            {"status": incident.status},
        )
    alert = getter(ctx, alert_id)
    if alert is None:
        raise NotFound(f"alert {alert_id} does not exist")
    attach(ctx, alert, incident)
    return AlertView.of(alert)
