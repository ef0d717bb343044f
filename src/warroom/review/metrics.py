"""Response metrics from recorded instants: per incident, and median/p90 (nearest-rank) by group.

Each metric is a difference of two instants in whole seconds, and absent when either instant is unknown.
Exercises (game days) are reported apart so they never skew the real numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from warroom.catalog.models import Service, Team
from warroom.context import Ctx
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident, incident_services
from warroom.review.models import ActionItem
from warroom.review.timeline import first_public_updates

# name → (from instant, to instant)
DEFINITIONS: dict[str, tuple[str, str]] = {
    "time_to_detect": ("impact_started_at", "detected_at"),
    "time_to_acknowledge": ("detected_at", "acknowledged_at"),
    "time_to_mitigate": ("detected_at", "mitigated_at"),
    "time_to_resolve": ("detected_at", "resolved_at"),
    "time_to_first_public_update": ("declared_at", "first_public_update_at"),
}
METRICS = tuple(DEFINITIONS)


def nearest_rank(values: Sequence[int], percent: int) -> int | None:
    """The nearest-rank percentile: the smallest value with at least `percent`% of values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-percent * len(ordered) // 100))
    return ordered[rank - 1]


def summarise(values: Sequence[int]) -> dict[str, int | None]:
    """{"count", "median", "p90"} for one metric's values (seconds)."""
    return {"count": len(values), "median": nearest_rank(values, 50), "p90": nearest_rank(values, 90)}


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds())


@dataclass(frozen=True)
class IncidentMetrics:
    incident_id: int
    title: str
    severity: str
    declared_at: datetime
    is_exercise: bool
    service_ids: tuple[int, ...]
    values: dict[str, int | None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "incident_id": self.incident_id,
            "title": self.title,
            "severity": self.severity,
            "declared_at": self.declared_at,
            "month": self.declared_at.strftime("%Y-%m"),
            "exercise": self.is_exercise,
            "service_ids": list(self.service_ids),
            **self.values,
        }


def incident_metrics(
    incident: Incident, *, first_public_update: datetime | None, service_ids: Sequence[int] = ()
) -> IncidentMetrics:
    """Every metric of one incident, from its recorded instants."""
    instants = {
        "impact_started_at": incident.impact_started_at,
        "detected_at": incident.detected_at,
        "declared_at": incident.declared_at,
        "acknowledged_at": incident.acknowledged_at,
        "mitigated_at": incident.mitigated_at,
        "resolved_at": incident.resolved_at,
        "first_public_update_at": first_public_update,
    }
    values = {name: _seconds(instants[a], instants[b]) for name, (a, b) in DEFINITIONS.items()}
    return IncidentMetrics(
        incident_id=incident.id,
        title=incident.title,
        severity=incident.severity,
        declared_at=incident.declared_at,
        is_exercise=incident.is_exercise,
        service_ids=tuple(sorted(service_ids)),
        values=values,
    )


def metrics_for(ctx: Ctx, incident: Incident) -> IncidentMetrics:
    """One incident's metrics (reads its services and first public update)."""
    services = _services_by_incident(ctx, [incident.id])
    first = first_public_updates(ctx.session, [incident.id])
    return incident_metrics(incident, first_public_update=first.get(incident.id), service_ids=services[incident.id])


def _services_by_incident(ctx: Ctx, incident_ids: Sequence[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    if incident_ids:
        rows = ctx.session.execute(
            select(incident_services.c.incident_id, incident_services.c.service_id).where(
                incident_services.c.incident_id.in_(incident_ids)
            )
        )
        for incident_id, service_id in rows:
            found[int(incident_id)].append(int(service_id))
    return found


def _group(rows: Iterable[tuple[str, IncidentMetrics]]) -> dict[str, dict[str, Any]]:
    grouped: dict[str, list[IncidentMetrics]] = defaultdict(list)
    for key, row in rows:
        grouped[key].append(row)
    return {key: aggregate(items) for key, items in sorted(grouped.items())}


def aggregate(rows: Sequence[IncidentMetrics]) -> dict[str, Any]:
    """Median, p90 and count of each metric over `rows`, plus the number of incidents."""
    result: dict[str, Any] = {"incidents": len(rows)}
    for name in METRICS:
        result[name] = summarise([v for r in rows if (v := r.values[name]) is not None])
    return result


def _breakdown(rows: Sequence[IncidentMetrics], names: dict[int, str], teams: dict[int, str]) -> dict[str, Any]:
    by_team: list[tuple[str, IncidentMetrics]] = []
    for row in rows:
        for team in sorted({teams[s] for s in row.service_ids if s in teams}):
            by_team.append((team, row))
    per_service_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for service_id in row.service_ids:
            per_service_month[names.get(service_id, str(service_id))][row.declared_at.strftime("%Y-%m")] += 1
    return {
        "overall": aggregate(rows),
        "by_severity": _group((r.severity, r) for r in rows),
        "by_month": _group((r.declared_at.strftime("%Y-%m"), r) for r in rows),
        "by_service": _group((names.get(s, str(s)), r) for r in rows for s in r.service_ids),
        "by_team": _group(by_team),
        "incidents_per_service_month": {
            service: dict(sorted(months.items())) for service, months in sorted(per_service_month.items())
        },
        "incidents": [r.as_dict() for r in sorted(rows, key=lambda r: (r.declared_at, r.incident_id))],
    }


def _completion(ctx: Ctx, incident_ids: Sequence[int]) -> dict[str, Any]:
    items = list(ctx.session.scalars(select(ActionItem).where(ActionItem.incident_id.in_(incident_ids))))
    done = sum(1 for item in items if item.status == "done")
    overdue = sum(
        1 for item in items if item.status in ("open", "in_progress") and item.due_at and item.due_at < ctx.now()
    )
    rate = round(done / len(items), 4) if items else None
    return {"total": len(items), "done": done, "overdue": overdue, "completion_rate": rate}


def collect(ctx: Ctx, *, since: datetime, until: datetime | None = None) -> dict[str, Any]:
    """Every metric for incidents declared in [since, until], split into real incidents and exercises."""
    query = select(Incident).where(Incident.declared_at >= since)
    if until is not None:
        query = query.where(Incident.declared_at <= until)
    found = [
        i for i in ctx.session.scalars(query.order_by(Incident.declared_at, Incident.id)) if incidents.can_see(ctx, i)
    ]
    ids = [i.id for i in found]
    services = _services_by_incident(ctx, ids)
    firsts = first_public_updates(ctx.session, ids)
    rows = [incident_metrics(i, first_public_update=firsts.get(i.id), service_ids=services[i.id]) for i in found]
    names, teams = _catalog_names(ctx)
    real = [r for r in rows if not r.is_exercise]
    drills = [r for r in rows if r.is_exercise]
    return {
        "since": since,
        "until": until,
        "definitions": {name: f"{b} − {a}" for name, (a, b) in DEFINITIONS.items()},
        "unit": "seconds",
        **_breakdown(real, names, teams),
        "action_items": _completion(ctx, [r.incident_id for r in real]),
        "exercises": _breakdown(drills, names, teams)
        | {"action_items": _completion(ctx, [r.incident_id for r in drills])},
    }


def _catalog_names(ctx: Ctx) -> tuple[dict[int, str], dict[int, str]]:
    team_names = {t.id: t.name for t in ctx.session.scalars(select(Team))}
    names: dict[int, str] = {}
    teams: dict[int, str] = {}
    for svc in ctx.session.scalars(select(Service)):
        names[svc.id] = svc.name
        if svc.team_id is not None and svc.team_id in team_names:
            teams[svc.id] = team_names[svc.team_id]
    return names, teams


def parse_since(text: str | None, now: datetime, *, field: str = "since", default_days: int = 90) -> datetime:
    """A period start: "90d" (days before now), an ISO date (midnight UTC) or an ISO datetime (UTC if no zone)."""
    from datetime import UTC, date, timedelta

    from warroom.errors import Invalid
    from warroom.incidents.checks import as_utc

    value = (text or "").strip()
    if not value:
        return now - timedelta(days=default_days)
    if value[:-1].isdigit() and value[-1:] in ("d", "D") and len(value) <= 6:
        return now - timedelta(days=int(value[:-1]))
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")), field=field)
    except ValueError:
        raise Invalid(
            f"{field} {value!r} is not a date; use an ISO date (2026-01-31), a datetime or a number of days (90d)",
            {"field": field},
        ) from None
