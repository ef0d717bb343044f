"""Internal stakeholders: who hears about which incidents, and the notices they get."""

from __future__ import annotations

from sqlalchemy import or_, select

from warroom.auth import service as auth_service
from warroom.auth.models import User
from warroom.catalog.models import BusinessFunction, Service, Team, business_function_services, team_members
from warroom.comms.bridge import get_bridge
from warroom.comms.models import STAKEHOLDER_SCOPES, StakeholderSubscription, StakeholderWebhook
from warroom.context import Ctx
from warroom.errors import Conflict, Forbidden, Invalid, NotFound
from warroom.incidents import service as incidents
from warroom.incidents.models import SEVERITIES, Incident
from warroom.lib.schema import MAX_ID
from warroom.notify import service as notify

REASONS = {
    "declared": "declared",
    "severity_changed": "severity changed",
    "status_changed": "status changed",
    "resolved": "resolved",
}


def _is_admin(ctx: Ctx) -> bool:
    return ctx.actor.user_id is None or auth_service.role_rank(ctx.actor.role) >= auth_service.role_rank("admin")


def target_check(ctx: Ctx, scope: str, service_id: int | None, function_id: int | None, severity: str | None) -> None:
    if scope not in STAKEHOLDER_SCOPES:
        raise Invalid(f"unknown scope {scope!r}; use one of {', '.join(STAKEHOLDER_SCOPES)}", {"field": "scope"})
    given = {"service": service_id, "business_function": function_id, "severity": severity}
    extra = [name for name, value in given.items() if value is not None and name != scope]
    if extra:
        raise Invalid(f"scope {scope} takes no {extra[0]}; send only the field the scope names", {"field": extra[0]})
    if scope == "service" and (service_id is None or ctx.session.get(Service, service_id) is None):
        raise Invalid(
            "scope service needs an existing service_id; `warroom service list` lists them", {"field": "service_id"}
        )
    if scope == "business_function" and (function_id is None or ctx.session.get(BusinessFunction, function_id) is None):
        raise Invalid("scope business_function needs an existing function_id", {"field": "function_id"})
    if scope == "severity" and severity not in SEVERITIES:
        raise Invalid(f"scope severity needs severity, one of {', '.join(SEVERITIES)}", {"field": "severity"})


def subscribe(
    ctx: Ctx,
    *,
    scope: str,
    service_id: int | None = None,
    function_id: int | None = None,
    severity: str | None = None,
    team_id: int | None = None,
) -> StakeholderSubscription:
    """Subscribe the actor (or, for admins, a team) to incidents in a scope."""
    target_check(ctx, scope, service_id, function_id, severity)
    if team_id is not None:
        if not _is_admin(ctx):
            raise Forbidden("subscribing a whole team needs the admin role; subscribe yourself instead")
        if ctx.session.get(Team, team_id) is None:
            raise Invalid(f"team {team_id} does not exist; `warroom team list` lists them", {"field": "team_id"})
    elif ctx.actor.user_id is None:
        raise Invalid("name a team: the system has no inbox of its own", {"field": "team_id"})
    user_id = None if team_id is not None else ctx.actor.user_id
    twin = ctx.session.scalar(
        select(StakeholderSubscription.id).where(
            StakeholderSubscription.user_id.is_(None)
            if user_id is None
            else StakeholderSubscription.user_id == user_id,
            StakeholderSubscription.team_id.is_(None)
            if team_id is None
            else StakeholderSubscription.team_id == team_id,
            StakeholderSubscription.scope == scope,
            StakeholderSubscription.service_id.is_(None)
            if service_id is None
            else StakeholderSubscription.service_id == service_id,
            StakeholderSubscription.function_id.is_(None)
            if function_id is None
            else StakeholderSubscription.function_id == function_id,
            StakeholderSubscription.severity.is_(None)
            if severity is None
            else StakeholderSubscription.severity == severity,
        )
    )
    if twin is not None:
        raise Conflict(f"that subscription exists already (id {twin})", {"id": twin})
    subscription = StakeholderSubscription(
        user_id=user_id,
        team_id=team_id,
        scope=scope,
        service_id=service_id,
        function_id=function_id,
        severity=severity,
        created_by_id=ctx.actor.user_id,
        created_at=ctx.now(),
    )
    ctx.session.add(subscription)
    ctx.session.flush()
    return subscription


def list_subscriptions(ctx: Ctx, *, everyone: bool = False) -> list[StakeholderSubscription]:
    """The actor's own subscriptions and their teams'; admins may ask for everyone's."""
    query = select(StakeholderSubscription).order_by(StakeholderSubscription.id)
    if not (everyone and _is_admin(ctx)):
        teams = select(team_members.c.team_id).where(team_members.c.user_id == ctx.actor.user_id)
        query = query.where(
            or_(StakeholderSubscription.user_id == ctx.actor.user_id, StakeholderSubscription.team_id.in_(teams))
        )
    return list(ctx.session.scalars(query))


def unsubscribe(ctx: Ctx, subscription_id: int) -> None:
    """Delete a subscription: your own, or any as an admin."""
    found = ctx.session.get(StakeholderSubscription, subscription_id) if 1 <= subscription_id <= MAX_ID else None
    if found is None or (found.user_id != ctx.actor.user_id and not _is_admin(ctx)):
        raise NotFound(f"subscription {subscription_id} does not exist (or is not yours)")
    ctx.session.delete(found)
    ctx.session.flush()


def describe(ctx: Ctx, subscription: StakeholderSubscription) -> str:
    """One line for lists: "SEV1 incidents", "incidents affecting wms"."""
    return describe_scope(ctx, subscription)


def describe_scope(ctx: Ctx, subscription: StakeholderSubscription | StakeholderWebhook) -> str:
    """The scope of a subscription or a stakeholder webhook in words."""
    if subscription.scope == "all":
        return "every incident"
    if subscription.scope == "severity":
        return f"{subscription.severity} incidents"
    if subscription.scope == "service":
        service = ctx.session.get(Service, subscription.service_id)
        return f"incidents affecting {service.name if service else 'a deleted service'}"
    function = ctx.session.get(BusinessFunction, subscription.function_id)
    return f"incidents affecting {function.name if function else 'a deleted business function'}"


def _matching(ctx: Ctx, incident: Incident) -> list[StakeholderSubscription]:
    service_ids = [s.id for s in incidents.incident_services(ctx, incident)]
    functions = select(business_function_services.c.function_id).where(
        business_function_services.c.service_id.in_(service_ids)
    )
    query = select(StakeholderSubscription).where(
        or_(
            StakeholderSubscription.scope == "all",
            (StakeholderSubscription.scope == "severity") & (StakeholderSubscription.severity == incident.severity),
            (StakeholderSubscription.scope == "service") & StakeholderSubscription.service_id.in_(service_ids),
            (StakeholderSubscription.scope == "business_function") & StakeholderSubscription.function_id.in_(functions),
        )
    )
    return list(ctx.session.scalars(query))


def recipients(ctx: Ctx, incident: Incident) -> list[User]:
    """Active users subscribed (directly or by team) who may see the incident, by id."""
    users: dict[int, User] = {}
    for subscription in _matching(ctx, incident):
        if subscription.user_id is not None:
            ids = [subscription.user_id]
        else:
            ids = list(
                ctx.session.scalars(
                    select(team_members.c.user_id).where(team_members.c.team_id == subscription.team_id)
                )
            )
        for user_id in ids:
            user = ctx.session.get(User, user_id)
            if user is not None and user.is_active:
                users[user.id] = user
    # A private incident reaches only people who could open it in Warroom.
    visible = []
    for user in sorted(users.values(), key=lambda u: u.id):
        as_user = Ctx(ctx.session, ctx.clock, ctx.settings, auth_service.actor_for(user), ctx.source)
        if incidents.can_see(as_user, incident):
            visible.append(user)
    return visible


def notice_text(ctx: Ctx, incident: Incident, reason: str) -> tuple[str, str]:
    """Subject and body of a stakeholder notice (internal: it may name the incident's title)."""
    subject = f"[{incident.severity}] Incident #{incident.id} {REASONS.get(reason, reason)}: {incident.title}"
    lines = [
        f"Incident #{incident.id}: {incident.title}",
        f"Severity: {incident.severity}",
        f"Status: {incident.status}",
    ]
    services = incidents.incident_services(ctx, incident)
    if services:
        lines.append("Services: " + ", ".join(s.name for s in services))
    bridge = get_bridge(ctx, incident)
    if bridge is not None:
        lines.append(f"Bridge: {bridge.label} {bridge.url}")
    lines += ["", f"Open it: {ctx.settings.base_url or ''}/incidents/{incident.id}"]
    return subject, "\n".join(lines) + "\n"


def send_notices(ctx: Ctx, incident_id: int, *, reason: str, event_id: int) -> int:
    """Email every stakeholder for one incident change; one timeline event records it. Returns recipients."""
    incident = ctx.session.get(Incident, incident_id)
    if incident is None:
        return 0
    people = recipients(ctx, incident)
    if not people:
        return 0
    subject, body = notice_text(ctx, incident, reason)
    for user in people:
        notify.send_email(
            ctx,
            to=user.email,
            subject=subject,
            body=body,
            incident_id=incident.id,
            key=f"comms-notice:{event_id}:{reason}:{user.id}",
        )
    incidents.record_event(
        ctx,
        incident,
        kind="comms.notice_sent",
        data={
            "summary": f"Stakeholder notice ({REASONS.get(reason, reason)}) sent to {len(people)} people",
            "reason": reason,
            "recipients": len(people),
        },
    )
    return len(people)
