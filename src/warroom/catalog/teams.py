"""Teams: who owns services. Reached by other domains through catalog.service, which re-exports these."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, or_, select

from warroom.auth.models import User
from warroom.catalog.common import (
    UNSET,
    Unset,
    clean_description,
    clean_name,
    clean_query,
    ensure_name_free,
    find,
    flush_unique,
    lock_catalog,
)
from warroom.catalog.models import Service, Team
from warroom.catalog.models import team_members as members_table
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.lib.pagination import PageRequest, paginate
from warroom.lib.schema import MAX_ID


@dataclass
class TeamInfo:
    """A team with what pages and API responses show about it."""

    team: Team
    members: list[User] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)


def get_team(ctx: Ctx, team_id: int) -> Team:
    """The team with this id, or NotFound."""
    team = ctx.session.get(Team, team_id) if 0 < team_id <= MAX_ID else None
    if team is None:
        raise NotFound(f"team {team_id} does not exist")
    return team


def find_team(ctx: Ctx, ref: int | str) -> Team:
    """A team by id or case-insensitive name."""
    return find(ctx, Team, ref, kind="team")


def _users(ctx: Ctx, user_ids: Sequence[int]) -> list[User]:
    wanted = list(dict.fromkeys(user_ids))
    in_range = [uid for uid in wanted if 0 < uid <= MAX_ID]
    found = {u.id: u for u in ctx.session.scalars(select(User).where(User.id.in_(in_range)))} if in_range else {}
    missing = [str(uid) for uid in wanted if uid not in found]
    if missing:
        raise Invalid(
            f"unknown user id(s): {', '.join(missing)}; see `warroom user list` for ids",
            {"field": "user_ids", "unknown": missing},
        )
    return [found[uid] for uid in wanted]


def create_team(ctx: Ctx, *, name: str, description: str = "", member_ids: Sequence[int] = ()) -> Team:
    """Create a team, optionally with its first members."""
    lock_catalog(ctx)
    name = clean_name(name, kind="team")
    description = clean_description(description)
    ensure_name_free(ctx, Team, name, kind="team")
    members = _users(ctx, member_ids)
    team = Team(name=name, description=description, created_at=ctx.now())
    ctx.session.add(team)
    flush_unique(ctx, kind="team", name=name)
    if members:
        ctx.session.execute(insert(members_table), [{"team_id": team.id, "user_id": u.id} for u in members])
    return team


def update_team(ctx: Ctx, *, team: Team, name: str | Unset = UNSET, description: str | Unset = UNSET) -> Team:
    """Rename a team or change its description."""
    lock_catalog(ctx)
    if not isinstance(name, Unset):
        name = clean_name(name, kind="team")
        ensure_name_free(ctx, Team, name, kind="team", exclude_id=team.id)
        team.name = name
    if not isinstance(description, Unset):
        team.description = clean_description(description)
    flush_unique(ctx, kind="team", name=team.name)
    return team


def delete_team(ctx: Ctx, *, team: Team) -> None:
    """Delete a team that owns no services; its memberships go with it."""
    lock_catalog(ctx)
    owned = team_services(ctx, team)
    if owned:
        names = ", ".join(s.name for s in owned[:5]) + (" …" if len(owned) > 5 else "")
        raise Conflict(
            f"team {team.name!r} owns {len(owned)} service(s) ({names}); give them another owner first, "
            "so no service is left without a team",
            {"services": [s.id for s in owned]},
        )
    ctx.session.execute(delete(members_table).where(members_table.c.team_id == team.id))
    ctx.session.delete(team)
    ctx.session.flush()


def list_teams(ctx: Ctx, *, q: str | None = None, page: PageRequest | None = None) -> tuple[list[Team], int]:
    """Teams by name, optionally filtered by a search text."""
    query = select(Team).order_by(func.lower(Team.name), Team.id)
    text = clean_query(q)
    if text:
        query = query.where(
            or_(
                func.lower(Team.name).contains(text.lower(), autoescape=True),
                func.lower(Team.description).contains(text.lower(), autoescape=True),
            )
        )
    return paginate(ctx.session, query, page or PageRequest())


def all_teams(ctx: Ctx) -> list[Team]:
    """Every team by name (for pickers)."""
    return list(ctx.session.scalars(select(Team).order_by(func.lower(Team.name))))


def team_members(ctx: Ctx, team: Team) -> list[User]:
    """The team's members by name."""
    query = select(User).join(members_table, members_table.c.user_id == User.id)
    query = query.where(members_table.c.team_id == team.id)
    return list(ctx.session.scalars(query.order_by(func.lower(User.name), User.id)))


def team_services(ctx: Ctx, team: Team) -> list[Service]:
    """Services the team owns, most critical first."""
    query = select(Service).where(Service.team_id == team.id).order_by(Service.tier, func.lower(Service.name))
    return list(ctx.session.scalars(query))


def set_team_members(ctx: Ctx, *, team: Team, user_ids: Sequence[int]) -> list[User]:
    """Replace the member list."""
    users = _users(ctx, user_ids)
    ctx.session.execute(delete(members_table).where(members_table.c.team_id == team.id))
    if users:
        ctx.session.execute(insert(members_table), [{"team_id": team.id, "user_id": u.id} for u in users])
    return team_members(ctx, team)


def add_team_member(ctx: Ctx, *, team: Team, user_id: int) -> list[User]:
    """Add one member; adding someone already in the team changes nothing."""
    (user,) = _users(ctx, [user_id])
    present = ctx.session.execute(
        select(members_table.c.user_id).where(members_table.c.team_id == team.id, members_table.c.user_id == user.id)
    ).first()
    if present is None:
        ctx.session.execute(insert(members_table).values(team_id=team.id, user_id=user.id))
    return team_members(ctx, team)


def remove_team_member(ctx: Ctx, *, team: Team, user_id: int) -> list[User]:
    """Remove one member; NotFound when they are not in the team."""
    result = ctx.session.execute(
        delete(members_table).where(members_table.c.team_id == team.id, members_table.c.user_id == user_id)
    )
    if not getattr(result, "rowcount", 0):
        raise NotFound(f"user {user_id} is not a member of team {team.name!r}")
    return team_members(ctx, team)


def describe_teams(ctx: Ctx, teams: Sequence[Team]) -> list[TeamInfo]:
    """Teams with members and owned services, loaded in two queries."""
    ids = [t.id for t in teams]
    infos = {t.id: TeamInfo(team=t) for t in teams}
    if not ids:
        return []
    member_rows = ctx.session.execute(
        select(members_table.c.team_id, User)
        .join(User, User.id == members_table.c.user_id)
        .where(members_table.c.team_id.in_(ids))
        .order_by(func.lower(User.name), User.id)
    )
    for team_id, user in member_rows:
        infos[team_id].members.append(user)
    services = ctx.session.scalars(
        select(Service).where(Service.team_id.in_(ids)).order_by(Service.tier, func.lower(Service.name))
    )
    for service in services:
        assert service.team_id is not None
        infos[service.team_id].services.append(service)
    return [infos[t.id] for t in teams]
