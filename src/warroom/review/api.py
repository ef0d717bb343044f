"""Review JSON API under /api/v1: post-mortems, the linter, action items, metrics, search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import HTMLResponse, PlainTextResponse

from warroom.context import Ctx
from warroom.errors import NotFound
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.lib.pagination import MAX_LIMIT
from warroom.lib.schema import MAX_ID
from warroom.review import service
from warroom.review.api_actions import router as actions_router
from warroom.review.metrics import parse_since
from warroom.review.models import Postmortem
from warroom.review.schemas import (
    CommentCreate,
    DismissalCreate,
    EntryCreate,
    EntryMark,
    LintOut,
    LintRequest,
    LintRuleCreate,
    LintRuleList,
    LintRuleOut,
    PostmortemOut,
    PostmortemPatch,
    ReviewerAdd,
    SearchList,
    StatusChange,
)
from warroom.web import ApiAdmin, ApiResponder, ApiViewer

router = APIRouter(tags=["review"])
router.include_router(actions_router)
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="incident id")]
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]
EntryKey = Annotated[str, Path(pattern=r"^(event|manual)-[0-9]{1,9}$", description="event-12 or manual-3")]
BASE = "/incidents/{incident_id}/postmortem"


def _out(ctx: Ctx, incident: Incident, postmortem: Postmortem) -> PostmortemOut:
    return PostmortemOut.model_validate(service.postmortem_dict(ctx, incident, postmortem))


def _saved(ctx: Ctx, incident_id: int) -> tuple[Incident, Postmortem]:
    incident = incidents.get_incident(ctx, incident_id)
    postmortem, _created = service.ensure_postmortem(ctx, incident)
    return incident, postmortem


@router.get(BASE, response_model=PostmortemOut)
def get_postmortem(incident_id: IncidentId, ctx: ApiViewer) -> PostmortemOut:
    """The post-mortem (for a resolved incident, its draft even before anyone saved it)."""
    incident = incidents.get_incident(ctx, incident_id)
    return _out(ctx, incident, service.draft_for(ctx, incident))


@router.post(BASE, response_model=PostmortemOut, status_code=201)
def start_postmortem(incident_id: IncidentId, ctx: ApiResponder, response: Response) -> PostmortemOut:
    """Start the post-mortem now (201), or return the existing one (200)."""
    incident = incidents.get_incident(ctx, incident_id)
    postmortem, created = service.ensure_postmortem(ctx, incident)
    response.status_code = 201 if created else 200
    return _out(ctx, incident, postmortem)


@router.patch(BASE, response_model=PostmortemOut)
def update_postmortem(incident_id: IncidentId, body: PostmortemPatch, ctx: ApiResponder) -> PostmortemOut:
    """Change sections, public marks, contributing factors, tags; the answer carries fresh lint findings."""
    incident, postmortem = _saved(ctx, incident_id)
    service.update_postmortem(
        ctx,
        postmortem,
        sections={str(k): v for k, v in body.sections.items()} if body.sections is not None else None,
        public_sections=body.public_sections,
        factors=[f.model_dump() for f in body.factors] if body.factors is not None else None,
        tags=body.tags,
        no_actions_reason=body.no_actions_reason,
        debrief_shared=body.debrief_shared,
    )
    return _out(ctx, incident, postmortem)


@router.post(BASE + "/status", response_model=PostmortemOut)
def change_status(incident_id: IncidentId, body: StatusChange, ctx: ApiResponder) -> PostmortemOut:
    """draft ⇄ in_review → published. Publishing with empty required sections is a 422 listing them."""
    incident, postmortem = _saved(ctx, incident_id)
    service.change_status(ctx, incident, postmortem, status=body.status)
    return _out(ctx, incident, postmortem)


@router.post(BASE + "/reviewers", response_model=PostmortemOut)
def add_reviewer(incident_id: IncidentId, body: ReviewerAdd, ctx: ApiResponder) -> PostmortemOut:
    incident, postmortem = _saved(ctx, incident_id)
    service.add_reviewer(ctx, postmortem, user_id=body.user_id)
    return _out(ctx, incident, postmortem)


@router.delete(BASE + "/reviewers/{user_id}", response_model=PostmortemOut)
def remove_reviewer(incident_id: IncidentId, user_id: UserId, ctx: ApiResponder) -> PostmortemOut:
    incident, postmortem = _saved(ctx, incident_id)
    service.remove_reviewer(ctx, postmortem, user_id=user_id)
    return _out(ctx, incident, postmortem)


@router.post(BASE + "/approve", response_model=PostmortemOut)
def approve(incident_id: IncidentId, ctx: ApiResponder) -> PostmortemOut:
    """An assigned reviewer approves."""
    incident, postmortem = _saved(ctx, incident_id)
    service.approve(ctx, postmortem)
    return _out(ctx, incident, postmortem)


@router.post(BASE + "/comments", response_model=PostmortemOut, status_code=201)
def add_comment(incident_id: IncidentId, body: CommentCreate, ctx: ApiResponder) -> PostmortemOut:
    incident, postmortem = _saved(ctx, incident_id)
    service.add_comment(ctx, postmortem, body=body.body, section=body.section)
    return _out(ctx, incident, postmortem)


@router.post(BASE + "/entries", response_model=PostmortemOut, status_code=201)
def add_entry(incident_id: IncidentId, body: EntryCreate, ctx: ApiResponder) -> PostmortemOut:
    """Add a timeline entry after the fact (it is marked as added later)."""
    incident, postmortem = _saved(ctx, incident_id)
    service.add_entry(ctx, postmortem, at=body.at, summary=body.summary)
    return _out(ctx, incident, postmortem)


@router.patch(BASE + "/timeline/{key}", response_model=PostmortemOut)
def mark_entry(incident_id: IncidentId, key: EntryKey, body: EntryMark, ctx: ApiResponder) -> PostmortemOut:
    """Star or hide a timeline entry."""
    incident, postmortem = _saved(ctx, incident_id)
    service.mark_entry(ctx, incident, postmortem, key=key, starred=body.starred, hidden=body.hidden)
    return _out(ctx, incident, postmortem)


@router.get(BASE + "/lint", response_model=LintOut)
def lint_postmortem(incident_id: IncidentId, ctx: ApiViewer) -> LintOut:
    """Run the blameless-language check on every section and action item."""
    incident = incidents.get_incident(ctx, incident_id)
    postmortem = service.draft_for(ctx, incident)
    items = service.postmortem_dict(ctx, incident, postmortem)["lint"]
    return LintOut.model_validate({"findings": items})


@router.post(BASE + "/dismissals", response_model=LintOut, status_code=201)
def dismiss(incident_id: IncidentId, body: DismissalCreate, ctx: ApiResponder) -> LintOut:
    """Keep a finding, with a reason (recorded)."""
    incident, postmortem = _saved(ctx, incident_id)
    service.dismiss(ctx, postmortem, section=body.section, rule_id=body.rule_id, match=body.match, reason=body.reason)
    return LintOut.model_validate({"findings": service.postmortem_dict(ctx, incident, postmortem)["lint"]})


@router.get(BASE + "/public")
def public_version(incident_id: IncidentId, ctx: ApiViewer) -> dict[str, Any]:
    """The public version (summary, what happened, what we are doing) once published."""
    incident = incidents.get_incident(ctx, incident_id)
    found = service.public_postmortem(ctx.session, incident.id)
    if found is None:
        raise NotFound(
            f"incident {incident_id} has no public post-mortem; publish it with at least one section marked public"
        )
    return found


@router.get("/incidents/{incident_id}/postmortem.md", response_class=PlainTextResponse)
def export_markdown(incident_id: IncidentId, ctx: ApiViewer) -> PlainTextResponse:
    """The post-mortem as Markdown (hidden entries and the human debrief left out)."""
    incident = incidents.get_incident(ctx, incident_id)
    doc = service.postmortem_dict(ctx, incident, service.draft_for(ctx, incident), with_lint=False)
    return PlainTextResponse(service.to_markdown(doc), media_type="text/markdown; charset=utf-8")


@router.get("/incidents/{incident_id}/postmortem.html", response_class=HTMLResponse)
def export_html(incident_id: IncidentId, ctx: ApiViewer) -> HTMLResponse:
    """The post-mortem as one standalone HTML page."""
    incident = incidents.get_incident(ctx, incident_id)
    doc = service.postmortem_dict(ctx, incident, service.draft_for(ctx, incident), with_lint=False)
    return HTMLResponse(service.to_html(doc))


@router.post("/postmortem-lint", response_model=LintOut)
def lint_text(body: LintRequest, ctx: ApiViewer) -> LintOut:
    """Lint any text as a given section; findings say why and suggest a systemic rephrasing."""
    findings = service.lint_text(ctx, text=body.text, section=body.section)
    return LintOut.model_validate({"findings": [f.as_dict() for f in findings]})


@router.get("/postmortem-lint/rules", response_model=LintRuleList)
def list_rules(ctx: ApiViewer) -> LintRuleList:
    """Rules teams added (the built-in ones live in the package's rules.json)."""
    rules = service.list_rules(ctx)
    return LintRuleList(items=[LintRuleOut.model_validate(r) for r in rules], total=len(rules))


@router.post("/postmortem-lint/rules", response_model=LintRuleOut, status_code=201)
def add_rule(body: LintRuleCreate, ctx: ApiAdmin) -> LintRuleOut:
    """Add a rule: `phrases` (whole words, any case) or one regular expression `pattern`."""
    rule = service.add_rule(ctx, **body.model_dump())
    return LintRuleOut.model_validate(rule)


@router.delete("/postmortem-lint/rules/{rule_id}", status_code=204)
def delete_rule(rule_id: Annotated[int, Path(ge=1, le=MAX_ID)], ctx: ApiAdmin) -> Response:
    service.delete_rule(ctx, rule_id=rule_id)
    return Response(status_code=204)


@router.get("/postmortems", response_model=SearchList)
def search(
    ctx: ApiViewer,
    q: Annotated[str | None, Query(max_length=200)] = None,
    service_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    factor: Annotated[str | None, Query(max_length=100, description="a category or words of a factor")] = None,
    tag: Annotated[str | None, Query(max_length=50)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> SearchList:
    """Search post-mortems by text, service, contributing factor and tag."""
    hits = service.search_postmortems(ctx, q=q, service_id=service_id, factor=factor, tag=tag, limit=limit)
    return SearchList(items=hits, total=len(hits))


@router.get("/incidents/{incident_id}/similar", response_model=SearchList)
def similar(incident_id: IncidentId, ctx: ApiViewer) -> SearchList:
    """Past incidents like this one, ranked by shared services, labels and words."""
    hits = service.similar_incidents(ctx, incidents.get_incident(ctx, incident_id))
    return SearchList(items=hits, total=len(hits))


@router.get("/metrics")
def get_metrics(
    ctx: ApiViewer,
    since: Annotated[
        str | None, Query(max_length=40, description="ISO date or datetime, or 90d; default 90 days")
    ] = None,
    until: Annotated[str | None, Query(max_length=40, description="ISO date or datetime")] = None,
) -> dict[str, Any]:
    """Every response metric (seconds): per incident, and median/p90 by service, team, severity and month."""
    start = parse_since(since, ctx.now())
    end = parse_since(until, ctx.now(), field="until") if until else None
    return service.collect_metrics(ctx, since=start, until=end)
