"""Declaring an incident and editing what it is about: fields, impact, instants and affected services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from warroom.catalog import service as catalog
from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.errors import Invalid
from warroom.incidents import journal
from warroom.incidents.checks import (
    MAX_TEXT,
    UNSET,
    Maybe,
    active_user,
    clean_count,
    clean_list,
    clean_severity,
    clean_text,
    clean_title,
    iso,
    past_instant,
)
from warroom.incidents.models import Incident
from warroom.incidents.models import incident_services as incident_services_table
from warroom.incidents.projection import DECLARED, IMPACT_UPDATED, SERVICES_CHANGED, UPDATED, IncidentState
from warroom.jobs import service as jobs

IMPACT_FIELDS = ("impact", "customers_affected", "regions", "segments")


def _resolve_services(ctx: Ctx, services: Sequence[int | str]) -> list[Service]:
    if isinstance(services, str):
        services = [services]
    for ref in services:
        if isinstance(ref, str) and (len(ref) > 200 or "\x00" in ref):
            raise Invalid(
                "a service reference must be an id or a name of at most 200 characters", {"field": "services"}
            )
    return catalog.resolve_services(ctx, list(services))


def _service_refs(services: Sequence[Service]) -> list[dict[str, Any]]:
    return [{"id": s.id, "name": s.name} for s in services]


def declare_incident(
    ctx: Ctx,
    *,
    title: str,
    severity: str,
    summary: str = "",
    services: Sequence[int | str] = (),
    private: bool = False,
    exercise: bool = False,
    impact: str = "",
    customers_affected: int | None = None,
    regions: Sequence[str] = (),
    segments: Sequence[str] = (),
    detected_at: datetime | None = None,
    impact_started_at: datetime | None = None,
    commander_id: int | None = None,
) -> Incident:
    """Open a new incident (status investigating); optionally name its Incident Commander at once."""
    from warroom.incidents.roles import assign_role

    now = ctx.now()
    title = clean_title(title)
    severity = clean_severity(severity)
    summary = clean_text(summary, field="summary", label="the summary", max_length=MAX_TEXT)
    impact = clean_text(impact, field="impact", label="the impact", max_length=MAX_TEXT)
    customers = clean_count(customers_affected)
    region_list = clean_list(regions, field="regions", label="region")
    segment_list = clean_list(segments, field="segments", label="segment")
    detected = past_instant(ctx, detected_at, field="detected_at") if detected_at is not None else now
    started = past_instant(ctx, impact_started_at, field="impact_started_at") if impact_started_at else None
    found = _resolve_services(ctx, services)
    if commander_id is not None:
        active_user(ctx, commander_id, field="commander_id")
    # The row exists first (events point at it); the declared event then sets every projected column.
    incident = Incident(title=title, severity=severity, detected_at=detected, declared_at=now, updated_at=now)
    ctx.session.add(incident)
    ctx.session.flush()
    data = {
        "title": title,
        "severity": severity,
        "summary": summary,
        "private": bool(private),
        "exercise": bool(exercise),
        "impact": impact,
        "customers_affected": customers,
        "regions": region_list,
        "segments": segment_list,
        "detected_at": iso(detected),
        "impact_started_at": iso(started),
        "services": [s.id for s in found],
        "service_names": [s.name for s in found],
    }
    event = journal.record(ctx, incident, DECLARED, data, before=IncidentState())
    if commander_id is not None:
        assign_role(ctx, incident, role="incident_commander", user_id=commander_id)
    jobs.publish(
        ctx,
        "incident.declared",
        {
            "incident_id": incident.id,
            "event_id": event.id,
            "title": incident.title,
            "severity": incident.severity,
            "private": incident.is_private,
            "exercise": incident.is_exercise,
            "services": [s.id for s in found],
        },
        key=f"incident-declared:{incident.id}",
    )
    return incident


def _stored(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value


def _change(changes: dict[str, Any], name: str, old: Any, new: Any) -> None:
    if old != new:
        changes[name] = {"from": _stored(old), "to": _stored(new)}


def update_incident(
    ctx: Ctx,
    incident: Incident,
    *,
    title: Maybe[str] = UNSET,
    summary: Maybe[str] = UNSET,
    impact: Maybe[str] = UNSET,
    customers_affected: Maybe[int | None] = UNSET,
    regions: Maybe[Sequence[str]] = UNSET,
    segments: Maybe[Sequence[str]] = UNSET,
    private: Maybe[bool] = UNSET,
    exercise: Maybe[bool] = UNSET,
    detected_at: Maybe[datetime] = UNSET,
    impact_started_at: Maybe[datetime | None] = UNSET,
    mitigated_at: Maybe[datetime | None] = UNSET,
) -> Incident:
    """Change only the given fields; one `incident.updated` and/or `impact.updated` event, none if nothing changed."""
    journal.lock(ctx, incident)
    fields: dict[str, Any] = {}
    impacts: dict[str, Any] = {}
    if title is not UNSET:
        _change(fields, "title", incident.title, clean_title(title))
    if summary is not UNSET:
        _change(
            fields,
            "summary",
            incident.summary,
            clean_text(summary, field="summary", label="the summary", max_length=MAX_TEXT),
        )
    if private is not UNSET:
        _change(fields, "private", incident.is_private, bool(private))
    if exercise is not UNSET:
        _change(fields, "exercise", incident.is_exercise, bool(exercise))
    if detected_at is not UNSET:
        if detected_at is None:
            raise Invalid(
                "detected_at cannot be cleared; give the time the problem was noticed", {"field": "detected_at"}
            )
        detected = past_instant(ctx, detected_at, field="detected_at")
        if detected > incident.declared_at:
            raise Invalid(
                f"detected_at {detected.isoformat()} is after the incident was declared "
                f"({incident.declared_at.isoformat()}); it must be at or before that",
                {"field": "detected_at"},
            )
        _change(fields, "detected_at", incident.detected_at, detected)
    if impact_started_at is not UNSET:
        started = past_instant(ctx, impact_started_at, field="impact_started_at") if impact_started_at else None
        _change(fields, "impact_started_at", incident.impact_started_at, started)
    if mitigated_at is not UNSET:
        mitigated = past_instant(ctx, mitigated_at, field="mitigated_at") if mitigated_at else None
        _change(fields, "mitigated_at", incident.mitigated_at, mitigated)
    if impact is not UNSET:
        _change(
            impacts,
            "impact",
            incident.impact,
            clean_text(impact, field="impact", label="the impact", max_length=MAX_TEXT),
        )
    if customers_affected is not UNSET:
        _change(impacts, "customers_affected", incident.customers_affected, clean_count(customers_affected))
    if regions is not UNSET:
        _change(impacts, "regions", list(incident.regions or []), clean_list(regions, field="regions", label="region"))
    if segments is not UNSET:
        new_segments = clean_list(segments, field="segments", label="segment")
        _change(impacts, "segments", list(incident.segments or []), new_segments)
    if fields:
        journal.record(ctx, incident, UPDATED, {"changes": fields})
    if impacts:
        journal.record(ctx, incident, IMPACT_UPDATED, {"changes": impacts})
    return incident


def incident_services(ctx: Ctx, incident: Incident) -> list[Service]:
    """The services this incident affects, most critical tier first."""
    query = (
        select(Service)
        .join(incident_services_table, incident_services_table.c.service_id == Service.id)
        .where(incident_services_table.c.incident_id == incident.id)
        .order_by(Service.tier, Service.name)
    )
    return list(ctx.session.scalars(query))


def set_services(ctx: Ctx, incident: Incident, *, services: Sequence[int | str]) -> Incident:
    """Replace the affected services (ids or names); no event when the set is unchanged."""
    journal.lock(ctx, incident)
    found = _resolve_services(ctx, services)
    before = incident_services(ctx, incident)
    old_ids = sorted(s.id for s in before)
    new_ids = sorted(s.id for s in found)
    if old_ids == new_ids:
        return incident
    data = {
        "from": old_ids,
        "to": new_ids,
        "added": _service_refs([s for s in found if s.id not in old_ids]),
        "removed": _service_refs([s for s in before if s.id not in new_ids]),
    }
    journal.record(ctx, incident, SERVICES_CHANGED, data)
    return incident


def blast_radius(ctx: Ctx, incident: Incident) -> catalog.BlastRadius:
    """What the affected services reach: dependent services (with hops) and business functions."""
    return catalog.blast_radius(ctx, [s.id for s in incident_services(ctx, incident)])
