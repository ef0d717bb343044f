"""Review HTML pages: the post-mortem editor. Forms post here and redirect back; errors show by their field."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from warroom.incidents import service as incidents
from warroom.incidents.view_forms import Form, FormReader, field_of
from warroom.lib.schema import MAX_ID
from warroom.review import service
from warroom.review.models import ACTION_PRIORITIES, ACTION_TYPES
from warroom.review.pages import attempt, back, page, user_tz
from warroom.review.sections import PUBLIC_CHOICES, SECTIONS
from warroom.review.views_dashboard import router as dashboard_router
from warroom.review.views_items import router as items_router
from warroom.review.views_rules import router as rules_router
from warroom.web import UiResponder, UiViewer

router = APIRouter()
router.include_router(dashboard_router)
router.include_router(items_router)
router.include_router(rules_router)
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID)]
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]
EntryKey = Annotated[str, Path(pattern=r"^(event|manual)-[0-9]{1,9}$")]
BASE = "/incidents/{incident_id}/postmortem"


@router.get(BASE, response_class=HTMLResponse)
def show(request: Request, ctx: UiViewer, incident_id: IncidentId) -> Response:
    """The post-mortem: sections with lint findings, timeline, action items, review."""
    return page(request, ctx, incidents.get_incident(ctx, incident_id))


@router.post(BASE, response_class=HTMLResponse)
def start(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    incident = incidents.get_incident(ctx, incident_id)
    service.ensure_postmortem(ctx, incident)
    return back(incident.id, "sections")


@router.post(BASE + "/sections", response_class=HTMLResponse)
def save_sections(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    """Save every section at once; the page shows fresh lint findings next to each."""
    incident = incidents.get_incident(ctx, incident_id)
    reader = FormReader(form)
    sections = {key: reader.raw(f"section-{key}") for key in SECTIONS}
    public = [key for key in PUBLIC_CHOICES if reader.flag(f"public-{key}")]
    tags = reader.list_items("tags", label="Tags", max_items=20, max_length=50)
    factors = []
    for index in range(len(form.getlist("factor-text"))):
        text = str(form.getlist("factor-text")[index]).strip()
        categories = form.getlist("factor-category")
        if text:
            factors.append({"category": str(categories[index]) if index < len(categories) else "", "text": text})
    if reader.errors:
        return page(request, ctx, incident, errors=reader.errors, status_code=422)

    def save() -> None:
        postmortem, _ = service.ensure_postmortem(ctx, incident)
        service.update_postmortem(
            ctx,
            postmortem,
            sections=sections,
            public_sections=public,
            tags=tags,
            factors=factors,
            no_actions_reason=reader.raw("no_actions_reason"),
            debrief_shared=reader.flag("debrief_shared"),
        )

    names = [f"sections.{k}" for k in SECTIONS] + ["factors", "tags", "public_sections", "no_actions_reason"]
    return attempt(
        request,
        ctx,
        incident,
        save,
        anchor="sections",
        field=lambda exc: field_of(exc, prefix="", names=names, default="sections"),
    )


@router.post(BASE + "/status", response_class=HTMLResponse)
def change_status(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    """Send for review, back to draft, or publish (errors list the empty sections)."""
    incident = incidents.get_incident(ctx, incident_id)
    wanted = FormReader(form).raw("status")

    def move() -> None:
        postmortem, _ = service.ensure_postmortem(ctx, incident)
        service.change_status(ctx, incident, postmortem, status=wanted)

    return attempt(request, ctx, incident, move, anchor="workflow", field=lambda exc: "status")


@router.post(BASE + "/action-items", response_class=HTMLResponse)
def add_action_item(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    """Add an action item (verb first; a due date in the future)."""
    incident = incidents.get_incident(ctx, incident_id)
    reader = FormReader(form, tz=user_tz(request), prefix="item-")
    title = reader.text("title", label="Title", max_length=300, required=True)
    kind = reader.choice("type", ACTION_TYPES, label="Type")
    priority = reader.choice("priority", ACTION_PRIORITIES, label="Priority")
    owner = reader.optional_int("owner_id", label="Owner", minimum=1, maximum=MAX_ID)
    team = reader.optional_int("team_id", label="Team", minimum=1, maximum=MAX_ID)
    due = reader.local_datetime("due_at", label="Due")
    ticket = reader.raw("ticket_url") or None
    if reader.errors:
        return page(request, ctx, incident, errors=reader.errors, status_code=422)

    def create() -> None:
        service.create_action_item(
            ctx,
            incident,
            title=title,
            type=kind,
            owner_id=owner,
            team_id=team,
            due_at=due,
            priority=priority,
            ticket_url=ticket,
        )

    names = ("title", "type", "priority", "owner_id", "team_id", "due_at", "ticket_url")
    return attempt(
        request,
        ctx,
        incident,
        create,
        anchor="actions",
        field=lambda exc: field_of(exc, prefix="item-", names=names, default="item-title"),
    )


@router.post(BASE + "/timeline/{key}", response_class=HTMLResponse)
def mark_entry(request: Request, ctx: UiResponder, incident_id: IncidentId, key: EntryKey, form: Form) -> Response:
    """Star/unstar or hide/show one timeline entry."""
    incident = incidents.get_incident(ctx, incident_id)
    reader = FormReader(form)
    starred = {"star": True, "unstar": False}.get(reader.raw("action"))
    hidden = {"hide": True, "show": False}.get(reader.raw("action"))

    def mark() -> None:
        postmortem, _ = service.ensure_postmortem(ctx, incident)
        service.mark_entry(ctx, incident, postmortem, key=key, starred=starred, hidden=hidden)

    return attempt(request, ctx, incident, mark, anchor="timeline", field=lambda exc: "entry")


@router.post(BASE + "/entries", response_class=HTMLResponse)
def add_entry(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    """Add a backdated timeline entry (marked as added later)."""
    incident = incidents.get_incident(ctx, incident_id)
    reader = FormReader(form, tz=user_tz(request), prefix="entry-")
    at = reader.local_datetime("at", label="When")
    summary = reader.text("summary", label="What happened", max_length=2000, required=True)
    if at is None and "entry-at" not in reader.errors:
        reader.errors["entry-at"] = "When is required."
    if reader.errors or at is None:
        return page(request, ctx, incident, errors=reader.errors, status_code=422)

    def add() -> None:
        postmortem, _ = service.ensure_postmortem(ctx, incident)
        service.add_entry(ctx, postmortem, at=at, summary=summary)

    return attempt(
        request,
        ctx,
        incident,
        add,
        anchor="timeline",
        field=lambda exc: field_of(exc, prefix="entry-", names=("at", "summary"), default="entry-summary"),
    )


@router.post(BASE + "/comments", response_class=HTMLResponse)
def add_comment(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    incident = incidents.get_incident(ctx, incident_id)
    reader = FormReader(form, prefix="comment-")
    body = reader.text("body", label="Comment", max_length=20_000, required=True)
    if reader.errors:
        return page(request, ctx, incident, errors=reader.errors, status_code=422)

    def add() -> None:
        postmortem, _ = service.ensure_postmortem(ctx, incident)
        service.add_comment(ctx, postmortem, body=body)

    return attempt(request, ctx, incident, add, anchor="review", field=lambda exc: "comment-body")


@router.post(BASE + "/reviewers", response_class=HTMLResponse)
def add_reviewer(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    incident = incidents.get_incident(ctx, incident_id)
    reader = FormReader(form, prefix="reviewer-")
    user_id = reader.optional_int("user_id", label="Reviewer", minimum=1, maximum=MAX_ID)
    if reader.errors or user_id is None:
        errors = reader.errors or {"reviewer-user_id": "Reviewer: pick a person from the list."}
        return page(request, ctx, incident, errors=errors, status_code=422)

    def add() -> None:
        postmortem, _ = service.ensure_postmortem(ctx, incident)
        service.add_reviewer(ctx, postmortem, user_id=user_id)

    return attempt(request, ctx, incident, add, anchor="review", field=lambda exc: "reviewer-user_id")


@router.post(BASE + "/reviewers/{user_id}/remove", response_class=HTMLResponse)
def remove_reviewer(request: Request, ctx: UiResponder, incident_id: IncidentId, user_id: UserId) -> Response:
    """Take someone off the review (their approval goes with them)."""
    incident = incidents.get_incident(ctx, incident_id)

    def remove() -> None:
        postmortem, _ = service.ensure_postmortem(ctx, incident)
        service.remove_reviewer(ctx, postmortem, user_id=user_id)

    return attempt(request, ctx, incident, remove, anchor="review", field=lambda exc: "reviewers")


@router.post(BASE + "/dismissals", response_class=HTMLResponse)
def dismiss(request: Request, ctx: UiResponder, incident_id: IncidentId, form: Form) -> Response:
    """Keep a lint finding, with a reason (recorded)."""
    incident = incidents.get_incident(ctx, incident_id)
    reader = FormReader(form, prefix="dismiss-")
    reason = reader.text("reason", label="Reason", max_length=2000, required=True)
    if reader.errors:
        return page(request, ctx, incident, errors={"lint": reader.errors["dismiss-reason"]}, status_code=422)

    def add() -> None:
        postmortem, _ = service.ensure_postmortem(ctx, incident)
        service.dismiss(
            ctx,
            postmortem,
            section=reader.raw("section"),
            rule_id=reader.raw("rule_id"),
            match=reader.raw("match"),
            reason=reason,
        )

    return attempt(request, ctx, incident, add, anchor="lint", field=lambda exc: "lint")
