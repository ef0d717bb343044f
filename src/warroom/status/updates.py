"""Public updates: written on purpose by the Communications Lead, never copied from the internal timeline."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.incidents import service as incidents
from warroom.incidents.checks import clean_text, has_control_chars
from warroom.incidents.models import Incident
from warroom.jobs import service as jobs
from warroom.settings import Settings
from warroom.status.components import bump_generation, set_component_statuses
from warroom.status.models import UPDATE_STATUSES, PublicIncident, PublicUpdate, UpdateTemplate

PUBLISHED_TOPIC = "status.update_published"
EVENT_KIND = "status.update_published"
MAX_BODY = 5_000
MAX_NAME = 300
DEFAULT_TEMPLATES = {
    "investigating": "We are investigating problems with {services}. We will post an update by {next_update}.",
    "identified": "We have found the cause of the problems with {services} and are working on a fix. "
    "Next update by {next_update}.",
    "monitoring": "A fix for {services} is in place and we are watching the results. Next update by {next_update}.",
    "resolved": "The problems with {services} are resolved. Thank you for your patience.",
}


def public_incident_for(session: Session, incident_id: int) -> PublicIncident | None:
    return session.scalar(select(PublicIncident).where(PublicIncident.incident_id == incident_id))


def public_updates_for(session: Session, incident_id: int) -> list[PublicUpdate]:
    """The incident's published updates, oldest first."""
    query = select(PublicUpdate).where(PublicUpdate.incident_id == incident_id)
    return list(session.scalars(query.order_by(PublicUpdate.published_at, PublicUpdate.id)))


def first_public_update_at(session: Session, incident_id: int) -> datetime | None:
    """When the incident's first public update went out, or None."""
    query = select(PublicUpdate.published_at).where(PublicUpdate.incident_id == incident_id)
    return session.scalar(query.order_by(PublicUpdate.published_at).limit(1))


def public_incident_url(settings: Settings, incident_id: int) -> str:
    """The absolute (or, without WARROOM_BASE_URL, root-relative) URL of the incident's public page."""
    return f"{settings.base_url or ''}/status/incidents/{incident_id}"


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise Invalid("the public name must not be empty", {"field": "name"})
    if len(cleaned) > MAX_NAME or has_control_chars(cleaned, allow_newlines=False):
        raise Invalid(f"the public name must be one line of at most {MAX_NAME} characters", {"field": "name"})
    return cleaned


def check_publishable(ctx: Ctx, incident: Incident, *, status: str, body: str, name: str | None) -> tuple[str, str]:
    """Refuse what cannot be published; returns the cleaned (body, name)."""
    if incident.is_private:
        raise Conflict(
            f"incident {incident.id} is private; private incidents never appear on the status page",
            {"incident_id": incident.id},
        )
    if status not in UPDATE_STATUSES:
        raise Invalid(f"public status must be one of {', '.join(UPDATE_STATUSES)}", {"field": "status"})
    text = clean_text(body, field="body", label="the update", max_length=MAX_BODY, required=True)
    existing = public_incident_for(ctx.session, incident.id)
    if name is not None and name.strip():
        return text, _clean_name(name)
    if existing is None:
        raise Invalid(
            "the first public update needs a public name (what readers of the status page see)", {"field": "name"}
        )
    return text, existing.name


def publish_update(
    ctx: Ctx,
    incident: Incident,
    *,
    status: str,
    body: str,
    name: str | None = None,
    components: Mapping[int, str] | None = None,
    notify_subscribers: bool = True,
    next_update_by: datetime | None = None,
) -> PublicUpdate:
    """Publish one public update: set component statuses, append a timeline event, tell subscribers (optionally)."""
    text, public_name = check_publishable(ctx, incident, status=status, body=body, name=name)
    now = ctx.now()
    if next_update_by is not None and next_update_by <= now:
        raise Invalid("'next update by' must be in the future", {"field": "next_update_by"})
    public = public_incident_for(ctx.session, incident.id)
    if public is None:
        public = PublicIncident(incident_id=incident.id, name=public_name, created_at=now, updated_at=now)
        ctx.session.add(public)
    public.name, public.updated_at = public_name, now
    ctx.session.flush()
    wanted = dict(components or {})
    if status == "resolved" and not wanted:
        # A resolution without explicit statuses gives back the components this incident took down.
        for earlier in public_updates_for(ctx.session, incident.id):
            wanted.update({int(k): "operational" for k in earlier.components})
    set_component_statuses(ctx, wanted)
    update = PublicUpdate(
        public_incident_id=public.id,
        incident_id=incident.id,
        status=status,
        body=text,
        components={str(k): v for k, v in sorted(wanted.items())},
        published_at=now,
        next_update_by=next_update_by,
        notify_subscribers=notify_subscribers,
        author_id=ctx.actor.user_id,
    )
    ctx.session.add(update)
    ctx.session.flush()
    incidents.record_event(
        ctx,
        incident,
        kind=EVENT_KIND,
        data={
            "summary": f"Public update published ({status}) as “{public_name}”"
            + ("" if notify_subscribers else "; subscribers not notified"),
            "update_id": update.id,
            "public_status": status,
            "published_at": now.isoformat(),
        },
    )
    jobs.publish(
        ctx,
        PUBLISHED_TOPIC,
        {"incident_id": incident.id, "update_id": update.id, "notify_subscribers": notify_subscribers},
        key=f"status-update:{update.id}",
    )
    bump_generation(ctx.session, now)
    return update


def mark_postmortem_published(ctx: Ctx, incident_id: int, url: str) -> PublicIncident:
    """Record the public post-mortem of a closed incident; its public status becomes `postmortem`."""
    public = public_incident_for(ctx.session, incident_id)
    if public is None:
        raise NotFound(f"incident {incident_id} has no public updates; a post-mortem link needs a public incident")
    if not url.startswith(("https://", "http://")) or len(url) > 2000:
        raise Invalid("the post-mortem URL must start with https:// and fit 2000 characters", {"field": "url"})
    public.postmortem_url, public.updated_at = url, ctx.now()
    bump_generation(ctx.session, ctx.now())
    return public


def template_bodies(session: Session) -> dict[str, str]:
    """The update template for every status (admins' edits over the defaults)."""
    bodies = dict(DEFAULT_TEMPLATES)
    bodies.update({t.status: t.body for t in session.scalars(select(UpdateTemplate))})
    return bodies


def save_template(ctx: Ctx, *, status: str, body: str) -> UpdateTemplate:
    """Change the template for one status."""
    if status not in UPDATE_STATUSES:
        raise Invalid(f"templates exist for {', '.join(UPDATE_STATUSES)}", {"field": "status"})
    text = clean_text(body, field="body", label="the template", max_length=MAX_BODY, required=True)
    try:
        text.format_map(_Placeholders(services="x", next_update="x"))
    except (ValueError, IndexError) as exc:
        raise Invalid(
            f"the template has a broken placeholder ({exc}); use {{services}} or {{next_update}}", {"field": "body"}
        ) from None
    row = ctx.session.get(UpdateTemplate, status)
    if row is None:
        row = UpdateTemplate(status=status, body=text, updated_at=ctx.now())
        ctx.session.add(row)
    row.body, row.updated_at = text, ctx.now()
    ctx.session.flush()
    return row


class _Placeholders(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"  # unknown placeholders stay as typed, for the author to see


def fill_template(session: Session, *, status: str, service_ids: list[int], next_update_by: datetime | None) -> str:
    """The template for `status` with service names and the next update time filled in."""
    names = list(session.scalars(select(Service.name).where(Service.id.in_(service_ids)).order_by(Service.name)))
    services = ", ".join(names) if names else "some of our services"
    next_update = next_update_by.strftime("%H:%M UTC") if next_update_by else "the top of the next hour"
    body = template_bodies(session).get(status, "")
    try:
        return body.format_map(_Placeholders(services=services, next_update=next_update))
    except (ValueError, IndexError):
        return body


def status_of_public_incident(incident: Incident, updates: list[PublicUpdate], public: PublicIncident) -> str:
    """The public status: the latest update's, but `resolved` (or `postmortem`) once resolved or closed internally."""
    if incident.status in ("resolved", "closed"):
        return "postmortem" if public.postmortem_url else "resolved"
    return updates[-1].status if updates else "investigating"
