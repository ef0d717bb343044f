"""Load the data for an on-call health report and compute it (the numbers are in health.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from warroom.auth.models import User
from warroom.catalog.models import Team, team_members
from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.lib.schema import MAX_ID
from warroom.schedules import health
from warroom.schedules.health import HealthReport, PagesSource, Person, Rotation, TeamHealth, Thresholds
from warroom.schedules.models import Schedule, ScheduleLayer

MAX_PERIOD = timedelta(days=366)
DEFAULT_PERIOD = timedelta(days=7)
_RELATIVE = re.compile(r"^(\d{1,3})([hdw])$")


def parse_since(text: str, now: datetime) -> datetime:
    """'7d', '12h', '2w' before now, or an ISO instant with an offset."""
    match = _RELATIVE.match(text.strip())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        return now - {"h": timedelta(hours=amount), "d": timedelta(days=amount), "w": timedelta(weeks=amount)}[unit]
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(
            f"{text!r} is neither a period like 7d, 12h or 2w nor an ISO instant", {"field": "since"}
        ) from None
    if value.tzinfo is None:
        raise Invalid("give the instant with its offset, e.g. 2026-03-02T00:00:00+00:00", {"field": "since"})
    from warroom.schedules.editing import check_aware

    return check_aware(value, "since")


def _team(ctx: Ctx, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = ctx.session.get(Team, team_id) if 1 <= team_id <= MAX_ID else None
    if team is None:
        raise NotFound(f"there is no team {team_id}; list them with GET /api/v1/teams")
    return team


def build_report(
    ctx: Ctx,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    team_id: int | None = None,
    thresholds: Thresholds | None = None,
    pages_source: PagesSource | None = None,
) -> HealthReport:
    """On-call health for [since, until) (default: the last 7 days), for everyone or one team."""
    now = ctx.now()
    from warroom.schedules.editing import check_aware

    since = check_aware(since, "since") if since is not None else None
    until = check_aware(until, "until") if until is not None else None
    until = (until or now).astimezone(UTC)
    since = (since or until - DEFAULT_PERIOD).astimezone(UTC)
    if until <= since:
        raise Invalid("until must be after since", {"field": "until"})
    if until - since > MAX_PERIOD:
        raise Invalid(f"a report covers at most {MAX_PERIOD.days} days", {"field": "since"})
    thresholds = thresholds or Thresholds()
    team = _team(ctx, team_id)
    session = ctx.session
    users = {u.id: u for u in session.scalars(select(User).where(User.is_active.is_(True)))}
    schedules = select(Schedule.id, Schedule.name)
    if team is not None:
        schedules = schedules.where(Schedule.team_id == team.id)
    schedule_names: dict[int, str] = {row[0]: row[1] for row in session.execute(schedules)}
    layers = session.scalars(select(ScheduleLayer).where(ScheduleLayer.schedule_id.in_(schedule_names)))
    rotations = [
        Rotation(layer.schedule_id, schedule_names[layer.schedule_id], layer.name, tuple(layer.members))
        for layer in layers
    ]
    memberships = [(row[0], row[1]) for row in session.execute(select(team_members.c.team_id, team_members.c.user_id))]
    pages = list((pages_source or health.contacts_pages)(session, sorted(users), since, until))
    spans = health.role_spans(session, since, until, now)
    in_rotation = {m for rotation in rotations for m in rotation.member_ids}
    if team is not None:
        wanted = {user_id for tid, user_id in memberships if tid == team.id} | in_rotation
    else:
        members = {user_id for _tid, user_id in memberships}
        wanted = in_rotation | members | {p.user_id for p in pages} | {s.user_id for s in spans}
    people = [Person(u.id, u.name, u.timezone) for uid, u in users.items() if uid in wanted]
    rows = health.compute(
        people=people,
        pages=pages,
        roles=spans,
        long_incidents=health.long_sev1s(session, since, until, now),
        since=since,
        until=until,
        thresholds=thresholds,
    )
    by_id = {row.user_id: row for row in rows}
    names = {uid: u.name for uid, u in users.items()}
    report = HealthReport(since=since, until=until, thresholds=thresholds, people=rows)
    report.fairness = health.fairness(rotations, by_id, names)
    teams = [team] if team is not None else list(session.scalars(select(Team).order_by(Team.name)))
    for each in teams:
        member_rows = [by_id[uid] for tid, uid in memberships if tid == each.id and uid in by_id]
        report.teams.append(
            TeamHealth(
                team_id=each.id,
                name=each.name,
                people=len(member_rows),
                pages=sum(r.pages for r in member_rows),
                night_pages=sum(r.night_pages for r in member_rows),
                incident_hours=round(sum(r.incident_hours for r in member_rows), 1),
                incidents_commanded=sum(r.incidents_commanded for r in member_rows),
            )
        )
    return report


def find_team_id(ctx: Ctx, ref: str) -> int:
    """A team id from an id or a name (for the CLI)."""
    from warroom.catalog import service as catalog

    return catalog.find_team(ctx, ref).id
