"""On-call health: pages, night pages, hours in incidents and incidents commanded, per person and team.

`compute` is pure (fixed data in, numbers out); `build_report` loads the data. Pages come from the contacts
domain (`warroom.contacts.service.pages_received`); callers and tests may pass another source.
"""

from __future__ import annotations

import importlib
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

NIGHT_START_HOUR = 22
NIGHT_END_HOUR = 7
COMMANDER_ROLE = "incident_commander"


class PageLike(Protocol):
    @property
    def user_id(self) -> int: ...

    @property
    def at(self) -> datetime: ...

    @property
    def incident_id(self) -> int | None: ...


PagesSource = Callable[[Session, Sequence[int], datetime, datetime], Sequence[PageLike]]


@dataclass(frozen=True)
class Thresholds:
    """When to flag someone: more than `night_pages` night pages within `window`; time off after long SEV1s."""

    night_pages: int = 3
    window: timedelta = timedelta(days=7)
    sev1_hours: float = 4.0


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    time_zone: str


@dataclass(frozen=True)
class RoleSpan:
    """A person held `role` on an incident while it was open, from start to end."""

    user_id: int
    incident_id: int
    role: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class LongIncident:
    incident_id: int
    title: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Rotation:
    schedule_id: int
    schedule: str
    layer: str
    member_ids: tuple[int, ...]


@dataclass
class PersonHealth:
    user_id: int
    name: str
    time_zone: str
    pages: int = 0
    night_pages: int = 0
    incident_hours: float = 0.0
    incidents_commanded: int = 0
    flags: list[str] = field(default_factory=list)
    time_off_suggested: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Spread:
    min: int
    median: float
    max: int


@dataclass(frozen=True)
class RotationFairness:
    schedule_id: int
    schedule: str
    layer: str
    members: list[str]
    pages: Spread
    night_pages: Spread


@dataclass(frozen=True)
class TeamHealth:
    team_id: int
    name: str
    people: int
    pages: int
    night_pages: int
    incident_hours: float
    incidents_commanded: int


@dataclass
class HealthReport:
    since: datetime
    until: datetime
    thresholds: Thresholds
    people: list[PersonHealth]
    teams: list[TeamHealth] = field(default_factory=list)
    fairness: list[RotationFairness] = field(default_factory=list)


def is_night(at: datetime, time_zone: str) -> bool:
    """22:00–07:00 in the person's own zone."""
    hour = at.astimezone(ZoneInfo(time_zone)).hour
    return hour >= NIGHT_START_HOUR or hour < NIGHT_END_HOUR


def _most_in_window(instants: list[datetime], window: timedelta) -> int:
    best, low = 0, 0
    for high, instant in enumerate(instants):
        while instant - instants[low] >= window:
            low += 1
        best = max(best, high - low + 1)
    return best


def _union_hours(spans: list[tuple[datetime, datetime]]) -> float:
    total = timedelta()
    end: datetime | None = None
    for lo, hi in sorted(spans):
        if end is not None and lo < end:
            lo = end
        if hi > lo:
            total += hi - lo
            end = hi
    return round(total.total_seconds() / 3600, 1)


def compute(
    *,
    people: Sequence[Person],
    pages: Sequence[PageLike],
    roles: Sequence[RoleSpan],
    long_incidents: Sequence[LongIncident],
    since: datetime,
    until: datetime,
    thresholds: Thresholds = Thresholds(),
) -> list[PersonHealth]:
    """Per-person numbers for [since, until) from fixed data."""
    report = {p.user_id: PersonHealth(p.user_id, p.name, p.time_zone) for p in people}
    nights: dict[int, list[datetime]] = {p.user_id: [] for p in people}
    for page in pages:
        person = report.get(page.user_id)
        if person is None or not since <= page.at < until:
            continue
        person.pages += 1
        if is_night(page.at, person.time_zone):
            person.night_pages += 1
            nights[page.user_id].append(page.at)
    spans: dict[int, list[tuple[datetime, datetime]]] = {p.user_id: [] for p in people}
    commanded: dict[int, set[int]] = {p.user_id: set() for p in people}
    for span in roles:
        lo, hi = max(span.start, since), min(span.end, until)
        if span.user_id not in report or lo >= hi:
            continue
        spans[span.user_id].append((lo, hi))
        if span.role == COMMANDER_ROLE:
            commanded[span.user_id].add(span.incident_id)
    for user_id, person in report.items():
        person.incident_hours = _union_hours(spans[user_id])
        person.incidents_commanded = len(commanded[user_id])
        worst = _most_in_window(sorted(nights[user_id]), thresholds.window)
        if worst > thresholds.night_pages:
            days = thresholds.window.days
            person.flags.append(
                f"{worst} night pages within {days} days (more than {thresholds.night_pages}): rebalance the rotation"
            )
    for incident in long_incidents:
        hours = (incident.end - incident.start).total_seconds() / 3600
        if hours <= thresholds.sev1_hours or incident.end <= since or incident.start >= until:
            continue
        holders = {span.user_id for span in roles if span.incident_id == incident.incident_id and span.end > span.start}
        for user_id in sorted(holders & report.keys()):
            report[user_id].time_off_suggested.append(
                f"held a role in SEV1 #{incident.incident_id} ({incident.title}), which lasted {hours:.1f} h"
            )
    return sorted(report.values(), key=lambda p: (-p.pages, -p.night_pages, p.name.lower()))


def spread(values: Sequence[int]) -> Spread:
    """Min, median and max; all zero for nobody."""
    if not values:
        return Spread(0, 0.0, 0)
    return Spread(min(values), float(statistics.median(values)), max(values))


def fairness(
    rotations: Sequence[Rotation], people: dict[int, PersonHealth], names: dict[int, str]
) -> list[RotationFairness]:
    """The spread of pages and night pages across each rotation's members."""
    result = []
    for rotation in rotations:
        members = list(dict.fromkeys(rotation.member_ids))
        if not members:
            continue
        found = [people.get(m) for m in members]
        result.append(
            RotationFairness(
                schedule_id=rotation.schedule_id,
                schedule=rotation.schedule,
                layer=rotation.layer,
                members=[names.get(m, f"user {m}") for m in members],
                pages=spread([p.pages if p else 0 for p in found]),
                night_pages=spread([p.night_pages if p else 0 for p in found]),
            )
        )
    return result


def contacts_pages(session: Session, user_ids: Sequence[int], start: datetime, end: datetime) -> Sequence[PageLike]:
    """Pages from the contacts domain; none while that domain does not provide them."""
    try:
        module = importlib.import_module("warroom.contacts.service")
    except ImportError:
        return []
    source = getattr(module, "pages_received", None)
    if source is None:
        return []
    pages: Sequence[PageLike] = source(session, user_ids, start, end)
    return pages


def role_spans(session: Session, since: datetime, until: datetime, now: datetime) -> list[RoleSpan]:
    """Every incident role held while its incident was open, overlapping [since, until)."""
    from warroom.incidents.models import Incident, RoleAssignment

    rows = session.execute(
        select(RoleAssignment, Incident)
        .join(Incident, Incident.id == RoleAssignment.incident_id)
        .where(
            RoleAssignment.started_at < until, or_(RoleAssignment.ended_at.is_(None), RoleAssignment.ended_at > since)
        )
    )
    spans = []
    for assignment, incident in rows:
        closed = incident.resolved_at or incident.closed_at or now
        start = max(assignment.started_at, incident.declared_at)
        end = min(assignment.ended_at or now, closed)
        if end > start:
            spans.append(RoleSpan(assignment.user_id, incident.id, assignment.role, start, end))
    return spans


def long_sev1s(session: Session, since: datetime, until: datetime, now: datetime) -> list[LongIncident]:
    """SEV1 incidents open at some point in [since, until), with how long they lasted (so far)."""
    from warroom.incidents.models import Incident

    rows = session.scalars(select(Incident).where(Incident.severity == "SEV1", Incident.declared_at < until))
    found = []
    for incident in rows:
        end = incident.resolved_at or incident.closed_at or now
        if end > since:
            found.append(LongIncident(incident.id, incident.title, incident.declared_at, end))
    return found
