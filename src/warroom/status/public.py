"""What the public sees: a snapshot of page, components, public incidents and maintenances, shaped for
Statuspage-compatible JSON and for the HTML pages. Nothing internal (titles, notes, summaries) is read here
except through the public tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.incidents.models import Incident
from warroom.maintenance.models import MaintenanceWindow
from warroom.settings import Settings
from warroom.status.components import PublicComponent, public_components
from warroom.status.models import PublicIncident, PublicUpdate, StatusPageSettings
from warroom.status.updates import status_of_public_incident

IMPACT_BY_SEVERITY = {"SEV1": "critical", "SEV2": "major", "SEV3": "minor", "SEV4": "none"}
INDICATOR_RANK = {"none": 0, "minor": 1, "major": 2, "critical": 3}
INDICATOR_BY_COMPONENT = {
    "operational": "none",
    "under_maintenance": "none",
    "degraded_performance": "minor",
    "partial_outage": "major",
    "major_outage": "critical",
}
INDICATOR_TEXT = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
    "maintenance": "Service Under Maintenance",
}
CLOSED_STATUSES = ("resolved", "postmortem")


@dataclass
class PublicIncidentView:
    id: int  # the incident id (the public URL uses it)
    name: str
    impact: str
    status: str
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    updates: list[PublicUpdate]  # newest first
    component_ids: list[int]
    postmortem_url: str | None

    @property
    def unresolved(self) -> bool:
        return self.status not in CLOSED_STATUSES


@dataclass
class MaintenanceView:
    id: int
    name: str
    message: str
    status: str
    scheduled_for: datetime
    scheduled_until: datetime
    created_at: datetime
    updated_at: datetime
    component_ids: list[int]


@dataclass
class Snapshot:
    now: datetime
    page_name: str
    logo_url: str
    support_url: str
    links: list[dict[str, str]]
    components: list[PublicComponent]
    incidents: list[PublicIncidentView]  # newest first
    maintenances: list[MaintenanceView]  # soonest first
    base_url: str
    component_names: dict[int, str] = field(default_factory=dict)

    @property
    def unresolved(self) -> list[PublicIncidentView]:
        return [i for i in self.incidents if i.unresolved]

    @property
    def upcoming_or_active(self) -> list[MaintenanceView]:
        return [m for m in self.maintenances if m.status in ("scheduled", "in_progress")]

    @property
    def indicator(self) -> str:
        return indicator_for(
            [i.impact for i in self.unresolved],
            [c.status for c in self.components],
            any(m.status == "in_progress" for m in self.maintenances),
        )


def indicator_for(impacts: list[str], component_statuses: list[str], maintenance_active: bool) -> str:
    """The page's overall indicator: worst of open incidents' impact and components; else maintenance or none."""
    levels = [*impacts, *(INDICATOR_BY_COMPONENT[s] for s in component_statuses)]
    worst = max(levels, key=lambda level: INDICATOR_RANK[level], default="none")
    if worst == "none" and (maintenance_active or "under_maintenance" in component_statuses):
        return "maintenance"
    return worst


def page_settings(session: Session) -> StatusPageSettings:
    row = session.get(StatusPageSettings, 1)
    if row is None:
        return StatusPageSettings(id=1, name="Status", logo_url="", support_url="", links=[], preview_exercises=True)
    return row


def _incident_views(session: Session, *, exercises: bool, public_ids: set[int]) -> list[PublicIncidentView]:
    rows = session.execute(
        select(PublicIncident, Incident)
        .join(Incident, Incident.id == PublicIncident.incident_id)
        .where(Incident.is_private.is_(False), Incident.is_exercise.is_(exercises))
    ).all()
    updates_by: dict[int, list[PublicUpdate]] = {}
    if rows:
        ids = [public.incident_id for public, _ in rows]
        for update in session.scalars(
            select(PublicUpdate)
            .where(PublicUpdate.incident_id.in_(ids))
            .order_by(PublicUpdate.published_at, PublicUpdate.id)
        ):
            updates_by.setdefault(update.incident_id, []).append(update)
    views = []
    for public, incident in rows:
        updates = updates_by.get(incident.id, [])
        if not updates:
            continue  # a public incident appears only once something was published
        status = status_of_public_incident(incident, updates, public)
        component_ids = sorted({int(k) for u in updates for k in u.components} & public_ids)
        resolved_at = next((u.published_at for u in reversed(updates) if u.status == "resolved"), None)
        if status in CLOSED_STATUSES and resolved_at is None:
            resolved_at = incident.resolved_at or incident.closed_at
        views.append(
            PublicIncidentView(
                id=incident.id,
                name=public.name,
                impact=IMPACT_BY_SEVERITY.get(incident.severity, "none"),
                status=status,
                created_at=updates[0].published_at,
                updated_at=max(updates[-1].published_at, public.updated_at),
                resolved_at=resolved_at if status in CLOSED_STATUSES else None,
                updates=list(reversed(updates)),
                component_ids=component_ids,
                postmortem_url=public.postmortem_url,
            )
        )
    return sorted(views, key=lambda v: v.created_at, reverse=True)


def _maintenance_views(session: Session, now: datetime, public_ids: set[int]) -> list[MaintenanceView]:
    windows = session.scalars(
        select(MaintenanceWindow)
        .where(MaintenanceWindow.is_public.is_(True), MaintenanceWindow.cancelled_at.is_(None))
        .order_by(MaintenanceWindow.starts_at.desc())
        .limit(100)
    )
    views = []
    for window in windows:
        ids = sorted({s.id for s in window.services} & public_ids)
        if not ids:
            continue  # a window over private services only is not the public's business
        views.append(
            MaintenanceView(
                id=window.id,
                name=window.title,
                message=window.message,
                status=window.status_at(now),
                scheduled_for=window.starts_at,
                scheduled_until=window.ends_at,
                created_at=window.created_at,
                updated_at=window.updated_at,
                component_ids=ids,
            )
        )
    return sorted(views, key=lambda v: v.scheduled_for)


def snapshot(session: Session, settings: Settings, now: datetime, *, exercises: bool = False) -> Snapshot:
    """Everything a public surface shows at `now` (exercise incidents instead of real ones for the preview)."""
    page = page_settings(session)
    components = public_components(session, now)
    public_ids = {c.service_id for c in components}
    names = {c.service_id: c.name for c in components}
    return Snapshot(
        now=now,
        page_name=page.name,
        logo_url=page.logo_url,
        support_url=page.support_url,
        links=list(page.links or []),
        components=components,
        incidents=_incident_views(session, exercises=exercises, public_ids=public_ids),
        maintenances=_maintenance_views(session, now, public_ids),
        base_url=settings.base_url or "",
        component_names=names,
    )


# ------------------------------------------------------------------ Statuspage-compatible JSON


def _iso(instant: datetime | None) -> str | None:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z") if instant else None


def page_json(snap: Snapshot) -> dict[str, Any]:
    return {
        "id": "warroom",
        "name": snap.page_name,
        "url": f"{snap.base_url}/status",
        "time_zone": "Etc/UTC",
        "updated_at": _iso(snap.now),
    }


def status_json(snap: Snapshot) -> dict[str, Any]:
    indicator = snap.indicator
    return {"indicator": indicator, "description": INDICATOR_TEXT[indicator]}


def component_json(component: PublicComponent) -> dict[str, Any]:
    return {
        "id": str(component.service_id),
        "name": component.name,
        "status": component.status,
        "created_at": _iso(component.created_at),
        "updated_at": _iso(component.updated_at),
        "position": component.position,
        "description": component.description or None,
        "showcase": True,
        "start_date": None,
        "group_id": str(component.group_id) if component.group_id else None,
        "page_id": "warroom",
        "group": False,
        "only_show_if_degraded": False,
    }


def _component_refs(snap: Snapshot, ids: list[int]) -> list[dict[str, Any]]:
    by_id = {c.service_id: c for c in snap.components}
    return [component_json(by_id[i]) for i in ids if i in by_id]


def incident_json(snap: Snapshot, view: PublicIncidentView) -> dict[str, Any]:
    return {
        "id": str(view.id),
        "name": view.name,
        "status": view.status,
        "impact": view.impact,
        "shortlink": f"{snap.base_url}/status/incidents/{view.id}",
        "created_at": _iso(view.created_at),
        "updated_at": _iso(view.updated_at),
        "monitoring_at": _iso(next((u.published_at for u in view.updates if u.status == "monitoring"), None)),
        "resolved_at": _iso(view.resolved_at),
        "started_at": _iso(view.created_at),
        "page_id": "warroom",
        "incident_updates": [
            {
                "id": str(update.id),
                "status": update.status,
                "body": update.body,
                "incident_id": str(view.id),
                "created_at": _iso(update.published_at),
                "updated_at": _iso(update.published_at),
                "display_at": _iso(update.published_at),
                "affected_components": [
                    {
                        "code": str(k),
                        "name": snap.component_names.get(int(k), ""),
                        "old_status": None,
                        "new_status": v,
                    }
                    for k, v in update.components.items()
                    if int(k) in snap.component_names
                ],
            }
            for update in view.updates
        ],
        "components": _component_refs(snap, view.component_ids),
    }


def maintenance_json(snap: Snapshot, view: MaintenanceView) -> dict[str, Any]:
    return {
        "id": str(view.id),
        "name": view.name,
        "status": view.status,
        "impact": "maintenance",
        "shortlink": f"{snap.base_url}/status#maintenance-{view.id}",
        "created_at": _iso(view.created_at),
        "updated_at": _iso(view.updated_at),
        "monitoring_at": None,
        "resolved_at": _iso(view.scheduled_until) if view.status == "completed" else None,
        "scheduled_for": _iso(view.scheduled_for),
        "scheduled_until": _iso(view.scheduled_until),
        "page_id": "warroom",
        "incident_updates": (
            [
                {
                    "id": f"m{view.id}",
                    "status": view.status,
                    "body": view.message,
                    "created_at": _iso(view.created_at),
                    "display_at": _iso(view.created_at),
                    "affected_components": [],
                }
            ]
            if view.message
            else []
        ),
        "components": _component_refs(snap, view.component_ids),
    }


def json_documents(snap: Snapshot) -> dict[str, dict[str, Any]]:
    """Every /status/api/v2/ document by its path under api/v2/."""
    page = page_json(snap)
    components = [component_json(c) for c in snap.components]
    incidents = [incident_json(snap, i) for i in snap.incidents[:50]]
    unresolved = [incident_json(snap, i) for i in snap.unresolved]
    maintenances = [maintenance_json(snap, m) for m in reversed(snap.maintenances[-50:])]
    upcoming = [maintenance_json(snap, m) for m in snap.maintenances if m.status == "scheduled"]
    active = [maintenance_json(snap, m) for m in snap.maintenances if m.status == "in_progress"]
    status = status_json(snap)
    return {
        "summary.json": {
            "page": page,
            "status": status,
            "components": components,
            "incidents": unresolved,
            "scheduled_maintenances": active + upcoming,
        },
        "status.json": {"page": page, "status": status},
        "components.json": {"page": page, "components": components},
        "incidents.json": {"page": page, "incidents": incidents},
        "incidents/unresolved.json": {"page": page, "incidents": unresolved},
        "scheduled-maintenances.json": {"page": page, "scheduled_maintenances": maintenances},
        "scheduled-maintenances/upcoming.json": {"page": page, "scheduled_maintenances": upcoming},
        "scheduled-maintenances/active.json": {"page": page, "scheduled_maintenances": active},
    }
