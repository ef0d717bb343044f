"""Admin page for the blameless-language rules: the shipped ones (read-only) and the team's own."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.context import Ctx
from warroom.errors import AppError
from warroom.incidents.view_forms import Form, FormReader, field_of
from warroom.lib.schema import MAX_ID
from warroom.review import service
from warroom.review.sections import LINT_SECTIONS, SECTIONS
from warroom.web import UiAdmin, render

router = APIRouter()
PAGE = "/admin/postmortem-rules"
KINDS = {"phrases": "Words or phrases (whole words, any case)", "pattern": "Regular expression (any case)"}
FIELDS = ("rule_id", "kind", "phrases", "pattern", "sections", "why", "suggestion")
SECTION_LABELS = {**SECTIONS, "action_items": "Action items"}


def _page(
    request: Request,
    ctx: Ctx,
    *,
    errors: dict[str, str] | None = None,
    sent: dict[str, object] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "review/rules.html",
        status_code=status_code,
        builtin=service.builtin_rules(),
        rules=service.list_rules(ctx),
        kinds=KINDS,
        section_labels={key: SECTION_LABELS[key] for key in LINT_SECTIONS},
        errors=errors or {},
        sent=sent or {"kind": "phrases", "sections": []},
        notice=notice,
    )


@router.get(PAGE, response_class=HTMLResponse)
def rules_page(
    request: Request,
    ctx: UiAdmin,
    added: Annotated[str, Query(max_length=60)] = "",
    deleted: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    """Every rule the post-mortem check applies, and a form to add the team's own."""
    notice = f"Added rule {added}." if added else f"Deleted rule {deleted}." if deleted else None
    return _page(request, ctx, notice=notice)


@router.post(PAGE, response_class=HTMLResponse)
def add_rule(request: Request, ctx: UiAdmin, form: Form) -> Response:
    """Add a team rule: phrases or one regular expression, with why and a suggestion."""
    reader = FormReader(form, prefix="rule-")
    rule_id = reader.text("rule_id", label="Rule id", max_length=60, required=True)
    kind = reader.choice("kind", KINDS, label="Kind")
    phrases = reader.list_items("phrases", label="Phrases", max_items=100, max_length=100)
    pattern = reader.text("pattern", label="Pattern", max_length=300)
    sections = list(dict.fromkeys(str(value) for value in form.getlist("sections")))
    why = reader.text("why", label="Why", max_length=2000, required=True)
    suggestion = reader.text("suggestion", label="Suggestion", max_length=2000, required=True)
    if kind == "phrases" and not phrases and "rule-phrases" not in reader.errors:
        reader.errors["rule-phrases"] = "Phrases: give at least one word or phrase, separated by commas or lines."
    if kind == "pattern" and not pattern and "rule-pattern" not in reader.errors:
        reader.errors["rule-pattern"] = "Pattern: give a regular expression, e.g. \\bhero(es)?\\b."
    sent: dict[str, object] = {
        "rule_id": rule_id,
        "kind": kind,
        "phrases": reader.raw("phrases"),
        "pattern": pattern,
        "sections": sections,
        "why": why,
        "suggestion": suggestion,
    }
    if reader.errors:
        return _page(request, ctx, errors=reader.errors, sent=sent, status_code=422)
    try:
        with ctx.session.begin_nested():
            service.add_rule(
                ctx,
                rule_id=rule_id,
                why=why,
                suggestion=suggestion,
                phrases=phrases if kind == "phrases" else None,
                pattern=pattern if kind == "pattern" else None,
                sections=sections,
            )
    except AppError as exc:
        field = field_of(exc, prefix="rule-", names=FIELDS, default="rule-rule_id")
        return _page(request, ctx, errors={field: exc.message}, sent=sent, status_code=exc.status_code)
    return RedirectResponse(f"{PAGE}?{urlencode({'added': rule_id})}", status_code=303)


@router.post(PAGE + "/{rule_id}/delete", response_class=HTMLResponse)
def delete_rule(ctx: UiAdmin, rule_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    """Delete a team rule (the shipped ones cannot be deleted)."""
    name = next((rule.rule_id for rule in service.list_rules(ctx) if rule.id == rule_id), "")
    service.delete_rule(ctx, rule_id=rule_id)
    return RedirectResponse(f"{PAGE}?{urlencode({'deleted': name})}", status_code=303)
