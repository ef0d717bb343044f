"""Incident roles: who commands, leads, communicates, writes things down; handovers keep their history."""

from __future__ import annotations

from sqlalchemy import select

from warroom.auth.models import User
from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.incidents import journal
from warroom.incidents.checks import active_user
from warroom.incidents.lifecycle import is_open
from warroom.incidents.models import MULTI_HOLDER_ROLES, ROLES, Incident, RoleAssignment
from warroom.incidents.projection import ROLE_ASSIGNED, ROLE_CLEARED, ROLE_REMOVED
from warroom.lib.schema import MAX_ID


def check_role(role: str) -> str:
    if role not in ROLES:
        raise Invalid(
            f"unknown role {role!r}; use one of {', '.join(ROLES)}", {"field": "role", "allowed": list(ROLES)}
        )
    return role


def _person(user: User) -> dict[str, object]:
    return {"id": user.id, "name": user.name}


def current_roles(ctx: Ctx, incident: Incident) -> dict[str, list[User]]:
    """Every role → its current holders (possibly none), in the order they took it."""
    holders: dict[str, list[User]] = {role: [] for role in ROLES}
    for assignment in journal.current_assignments(ctx, incident.id):
        user = ctx.session.get(User, assignment.user_id)
        if user is not None:
            holders.setdefault(assignment.role, []).append(user)
    return holders


def role_history(ctx: Ctx, incident: Incident) -> list[RoleAssignment]:
    """Every assignment ever made on this incident, oldest first; ended ones carry ended_at."""
    query = (
        select(RoleAssignment)
        .where(RoleAssignment.incident_id == incident.id)
        .order_by(RoleAssignment.started_at, RoleAssignment.id)
    )
    return list(ctx.session.scalars(query))


def unfilled_roles(ctx: Ctx, incident: Incident) -> list[str]:
    """Roles nobody holds right now."""
    return [role for role, users in current_roles(ctx, incident).items() if not users]


def needs_commander(ctx: Ctx, incident: Incident) -> bool:
    """An open SEV1 without an Incident Commander."""
    if incident.severity != "SEV1" or not is_open(incident):
        return False
    return not current_roles(ctx, incident)["incident_commander"]


def assign_role(ctx: Ctx, incident: Incident, *, role: str, user_id: int | None) -> None:
    """Give `role` to a user (a handover if someone held it; Technical Lead adds a holder). None clears it."""
    check_role(role)
    journal.lock(ctx, incident)
    holders = current_roles(ctx, incident)[role]
    previous = [_person(u) for u in holders]
    if user_id is None:
        if holders:
            journal.record(ctx, incident, ROLE_CLEARED, {"role": role, "previous": previous})
        return
    user = active_user(ctx, user_id, field="user_id")
    if any(u.id == user.id for u in holders):
        return  # already holds it: nothing to record
    multi = role in MULTI_HOLDER_ROLES
    data = {
        "role": role,
        "user": _person(user),
        # For a single-holder role the previous holder hands over; a multi-holder role just gains one.
        "previous": [] if multi else previous,
        "handover": bool(previous) and not multi,
    }
    journal.record(ctx, incident, ROLE_ASSIGNED, data)


def remove_role_holder(ctx: Ctx, incident: Incident, *, role: str, user_id: int) -> None:
    """Take `role` away from one holder; NotFound if they do not hold it."""
    check_role(role)
    journal.lock(ctx, incident)
    holders = current_roles(ctx, incident)[role]
    user = next((u for u in holders if u.id == user_id), None) if 1 <= user_id <= MAX_ID else None
    if user is None:
        raise NotFound(
            f"user {user_id} does not hold the {ROLES[role]} role on incident {incident.id}",
            {"field": "user_id", "holders": [u.id for u in holders]},
        )
    journal.record(ctx, incident, ROLE_REMOVED, {"role": role, "user": _person(user)})
