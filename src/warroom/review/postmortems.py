"""Post-mortem documents: drafting from the incident, editing, review workflow, publishing, the close rule."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from warroom.context import Ctx
from warroom.errors import AppError, Conflict, Invalid, NotFound
from warroom.incidents import service as incidents
from warroom.incidents.checks import clean_text
from warroom.incidents.models import Incident
from warroom.review.models import (
    FACTOR_CATEGORIES,
    POSTMORTEM_STATUSES,
    ActionItem,
    Postmortem,
)
from warroom.review.sections import MAX_SECTION, PUBLIC_CHOICES, REQUIRED, SECTIONS, WHAT_HAPPENED

# draft ⇄ in_review → published; publishing straight from a draft is allowed (small teams review in the room).
STATUS_MOVES = {"draft": ("in_review", "published"), "in_review": ("draft", "published"), "published": ()}
NEEDS_ACTIONS = ("SEV1", "SEV2")
MAX_TAGS = 20
MAX_FACTORS = 50


def get_postmortem(ctx: Ctx, incident: Incident) -> Postmortem | None:
    """The incident's saved post-mortem, if any."""
    return ctx.session.scalar(select(Postmortem).where(Postmortem.incident_id == incident.id))


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def _impact_draft(incident: Incident) -> str:
    lines = [incident.impact.strip()] if incident.impact.strip() else []
    start = incident.impact_started_at or incident.detected_at
    if incident.resolved_at is not None:
        lines.append(
            f"Duration: {_duration((incident.resolved_at - start).total_seconds())} (impact start to resolved)."
        )
    if incident.customers_affected is not None:
        lines.append(f"Customers affected: {incident.customers_affected}.")
    if incident.regions:
        lines.append(f"Regions: {', '.join(incident.regions)}.")
    return "\n".join(lines)


def _detection_draft(incident: Incident) -> str:
    detected = incident.detected_at.strftime("%Y-%m-%d %H:%M UTC")
    delay = _duration((incident.declared_at - incident.detected_at).total_seconds())
    return f"Detected at {detected}; declared {delay} later."


def new_draft(ctx: Ctx, incident: Incident) -> Postmortem:
    """An unsaved draft pre-filled from what the incident recorded."""
    now = ctx.now()
    sections = {key: "" for key in SECTIONS}
    sections.update(summary=incident.summary, impact=_impact_draft(incident), detection=_detection_draft(incident))
    return Postmortem(
        incident_id=incident.id,
        status="draft",
        sections=sections,
        public_sections=[],
        factors=[],
        tags=[],
        starred_events=[],
        hidden_events=[],
        no_actions_reason=None,
        debrief_shared=False,
        created_by_id=ctx.actor.user_id,
        created_at=now,
        updated_at=now,
    )


def draft_for(ctx: Ctx, incident: Incident) -> Postmortem:
    """The saved post-mortem, or (for a resolved incident) the draft it gets; NotFound while still open."""
    found = get_postmortem(ctx, incident)
    if found is not None:
        return found
    if incidents.is_open(incident):
        raise NotFound(
            f"incident {incident.id} has no post-mortem yet; one is drafted when it resolves, "
            f"or start one now with POST /api/v1/incidents/{incident.id}/postmortem",
            {"incident_id": incident.id},
        )
    return new_draft(ctx, incident)


def ensure_postmortem(ctx: Ctx, incident: Incident) -> tuple[Postmortem, bool]:
    """The incident's post-mortem, drafting it now if needed; True when it was created."""
    found = get_postmortem(ctx, incident)
    if found is not None:
        return found, False
    postmortem = new_draft(ctx, incident)
    ctx.session.add(postmortem)
    ctx.session.flush()
    return postmortem, True


def editable(postmortem: Postmortem) -> None:
    if postmortem.status == "published":
        raise Conflict(
            f"post-mortem {postmortem.id} is published and can no longer be edited; "
            "add follow-ups as action items or comments instead",
            {"status": postmortem.status},
        )


def _clean_factors(factors: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    if len(factors) > MAX_FACTORS:
        raise Invalid(f"keep contributing factors to {MAX_FACTORS}", {"field": "factors"})
    cleaned = []
    for factor in factors:
        category = str(factor.get("category", "")).strip().lower()
        if category not in FACTOR_CATEGORIES:
            raise Invalid(
                f"unknown factor category {category!r}; use one of {', '.join(FACTOR_CATEGORIES)}",
                {"field": "factors", "allowed": list(FACTOR_CATEGORIES)},
            )
        text = clean_text(
            str(factor.get("text", "")), field="factors", label="a factor", max_length=2000, required=True
        )
        cleaned.append({"category": category, "text": text})
    return cleaned


def _clean_tags(tags: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in tags[:MAX_TAGS]:
        tag = clean_text(raw, field="tags", label="a tag", max_length=50, required=True).lower()
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def update_postmortem(
    ctx: Ctx,
    postmortem: Postmortem,
    *,
    sections: Mapping[str, str] | None = None,
    public_sections: Sequence[str] | None = None,
    factors: Sequence[Mapping[str, Any]] | None = None,
    tags: Sequence[str] | None = None,
    no_actions_reason: str | None = None,
    debrief_shared: bool | None = None,
) -> Postmortem:
    """Change sections and settings; only what is passed changes (an empty reason clears it)."""
    editable(postmortem)
    if sections is not None:
        unknown = sorted(set(sections) - set(SECTIONS))
        if unknown:
            raise Invalid(
                f"unknown section(s) {', '.join(unknown)}; use {', '.join(SECTIONS)}",
                {"field": "sections", "allowed": list(SECTIONS)},
            )
        merged = dict(postmortem.sections or {})
        for key, text in sections.items():
            merged[key] = clean_text(text, field=f"sections.{key}", label=SECTIONS[key], max_length=MAX_SECTION)
        postmortem.sections = merged
    if public_sections is not None:
        bad = sorted(set(public_sections) - set(PUBLIC_CHOICES))
        if bad:
            raise Invalid(
                f"{', '.join(bad)} cannot be public; choose from {', '.join(PUBLIC_CHOICES)}",
                {"field": "public_sections", "allowed": list(PUBLIC_CHOICES)},
            )
        postmortem.public_sections = [key for key in PUBLIC_CHOICES if key in public_sections]
    if factors is not None:
        postmortem.factors = _clean_factors(factors)
    if tags is not None:
        postmortem.tags = _clean_tags(tags)
    if no_actions_reason is not None:
        reason = clean_text(no_actions_reason, field="no_actions_reason", label="the reason", max_length=2000)
        postmortem.no_actions_reason = reason or None
    if debrief_shared is not None:
        postmortem.debrief_shared = debrief_shared
    postmortem.updated_at = ctx.now()
    ctx.session.flush()
    return postmortem


def action_items_of(ctx: Ctx, incident_id: int) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.incident_id == incident_id)
    return list(ctx.session.scalars(query.order_by(ActionItem.id)))


def publish_problems(ctx: Ctx, incident: Incident, postmortem: Postmortem) -> tuple[list[str], str | None]:
    """(empty required sections, the missing-action-items complaint or None)."""
    sections = postmortem.sections or {}
    empty = [key for key in REQUIRED if not str(sections.get(key, "")).strip()]
    actions = None
    if (
        incident.severity in NEEDS_ACTIONS
        and not action_items_of(ctx, incident.id)
        and not postmortem.no_actions_reason
    ):
        actions = (
            f"a {incident.severity} post-mortem needs at least one action item, "
            "or say why none is needed (no_actions_reason)"
        )
    return empty, actions


def change_status(ctx: Ctx, incident: Incident, postmortem: Postmortem, *, status: str) -> Postmortem:
    """Move draft ⇄ in_review → published; publishing checks required sections and action items (422)."""
    if status not in POSTMORTEM_STATUSES:
        raise Invalid(f"unknown status {status!r}; use one of {', '.join(POSTMORTEM_STATUSES)}", {"field": "status"})
    allowed = STATUS_MOVES[postmortem.status]
    if status not in allowed:
        hint = f"allowed next: {', '.join(allowed)}" if allowed else "published is final"
        raise Conflict(
            f"post-mortem {postmortem.id} cannot move from {postmortem.status} to {status}; {hint}",
            {"current": postmortem.status, "requested": status, "allowed": list(allowed)},
        )
    if status == "published":
        empty, actions = publish_problems(ctx, incident, postmortem)
        if empty:
            labels = ", ".join(SECTIONS[key] for key in empty)
            raise Invalid(
                f"cannot publish: these required sections are empty: {labels}; write them first",
                {"field": "sections", "empty_sections": empty},
            )
        if actions:
            raise Invalid(f"cannot publish: {actions}", {"field": "action_items"})
        postmortem.published_at = ctx.now()
    postmortem.status = status
    postmortem.updated_at = ctx.now()
    ctx.session.flush()
    if status == "published":
        incidents.record_event(
            ctx, incident, kind="postmortem.published", data={"summary": "published the post-mortem"}
        )
        _tell_status_page(ctx, incident)
    return postmortem


def public_url(ctx: Ctx, incident_id: int) -> str | None:
    """The absolute address of the public post-mortem page (needs WARROOM_BASE_URL)."""
    base = (ctx.settings.base_url or "").rstrip("/")
    return f"{base}/postmortems/{incident_id}/public" if base else None


def _tell_status_page(ctx: Ctx, incident: Incident) -> None:
    # The status page (communications issue) links the public version once it exists; it may not be installed,
    # the incident may never have been public, and a refusal there must not undo the publication here.
    url = public_url(ctx, incident.id)
    if url is None or public_postmortem(ctx.session, incident.id) is None:
        return
    try:
        status_service = importlib.import_module("warroom.status.service")
    except ImportError:
        return
    hook = getattr(status_service, "mark_postmortem_published", None)
    if not callable(hook):
        return
    try:
        with ctx.session.begin_nested():
            hook(ctx, incident.id, url)
    except AppError:
        return


def require_published(ctx: Ctx, incident: Incident) -> None:
    """Close guard: refuse `closed` until the post-mortem is published."""
    postmortem = get_postmortem(ctx, incident)
    if postmortem is None or postmortem.status != "published":
        state = "has no post-mortem" if postmortem is None else f"has a post-mortem in {postmortem.status}"
        raise Conflict(
            f"incident {incident.id} cannot be closed until its post-mortem is published; it {state}. "
            f"Publish it at /incidents/{incident.id}/postmortem first",
            {"postmortem_status": postmortem.status if postmortem else None},
        )


def public_postmortem(session: Any, incident_id: int) -> dict[str, Any] | None:
    """The public version of a published post-mortem (sections marked public only), or None."""
    postmortem = session.scalar(select(Postmortem).where(Postmortem.incident_id == incident_id))
    if postmortem is None or postmortem.status != "published" or not postmortem.public_sections:
        return None
    incident = session.get(Incident, incident_id)
    if incident is None or incident.is_private:
        return None
    public = set(postmortem.public_sections)
    sections = postmortem.sections or {}
    happened = [
        f"{SECTIONS[key]}\n{sections[key].strip()}" for key in WHAT_HAPPENED if key in public and sections.get(key)
    ]
    doing = ""
    if "action_items" in public:
        items = session.scalars(select(ActionItem).where(ActionItem.incident_id == incident_id).order_by(ActionItem.id))
        doing = "\n".join(f"- {item.title} ({'done' if item.status == 'done' else 'planned'})" for item in items)
    return {
        "incident_id": incident_id,
        "title": incident.title,
        "published_at": postmortem.published_at,
        "summary": sections.get("summary", "").strip() if "summary" in public else "",
        "what_happened": "\n\n".join(happened),
        "what_we_are_doing": doing,
    }
