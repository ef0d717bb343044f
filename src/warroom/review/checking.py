"""Lint glue: the user directory's names, teams' rules from the database, per-section runs and dismissals."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from warroom.auth.models import User
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.incidents.checks import clean_text
from warroom.review.lint import Finding, PhraseRule, check_pattern, lint, lint_action_item, person_names
from warroom.review.models import ActionItem, Dismissal, LintRule, Postmortem
from warroom.review.sections import LINT_SECTIONS, SECTIONS

MAX_LINT_TEXT = 50_000
# The same shape the API schema accepts (LintRuleCreate.rule_id).
RULE_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


def team_rules(ctx: Ctx) -> list[PhraseRule]:
    """Rules admins added, as the linter uses them."""
    return [
        PhraseRule(
            id=rule.rule_id,
            phrases=tuple(rule.phrases or ()),
            pattern=rule.pattern,
            sections=tuple(rule.sections or ()),
            why=rule.why,
            suggestion=rule.suggestion,
        )
        for rule in ctx.session.scalars(select(LintRule).order_by(LintRule.id))
    ]


def directory_names(ctx: Ctx) -> list[str]:
    return person_names(ctx.session.scalars(select(User.name)))


def lint_text(ctx: Ctx, *, text: str, section: str) -> list[Finding]:
    """Lint one piece of text as if it were `section` of a post-mortem."""
    if section not in LINT_SECTIONS:
        raise Invalid(f"unknown section {section!r}; use one of {', '.join(LINT_SECTIONS)}", {"field": "section"})
    if len(text) > MAX_LINT_TEXT:
        raise Invalid(f"the text is {len(text)} characters; lint at most {MAX_LINT_TEXT}", {"field": "text"})
    return lint(text, section=section, names=directory_names(ctx), extra_rules=team_rules(ctx))


def _dismissed(ctx: Ctx, postmortem: Postmortem) -> dict[tuple[str, str, str], Dismissal]:
    if postmortem.id is None:
        return {}
    rows = ctx.session.scalars(select(Dismissal).where(Dismissal.postmortem_id == postmortem.id))
    return {(d.section, d.rule_id, d.match.lower()): d for d in rows}


def lint_postmortem(ctx: Ctx, postmortem: Postmortem, items: list[ActionItem]) -> list[dict[str, Any]]:
    """Findings for every section and action item, each marked with its dismissal (if any)."""
    names = directory_names(ctx)
    extra = team_rules(ctx)
    findings: list[Finding] = []
    for key in SECTIONS:
        text = str((postmortem.sections or {}).get(key, ""))
        if text:
            findings.extend(lint(text, section=key, names=names, extra_rules=extra))
    for item in items:
        found = lint_action_item(item.title, has_owner=item.owner_id is not None, has_due_date=item.due_at is not None)
        findings.extend(found)
    dismissed = _dismissed(ctx, postmortem)
    result = []
    for finding in findings:
        dismissal = dismissed.get((finding.section, finding.rule_id, finding.text.lower()))
        entry = finding.as_dict()
        entry["dismissed"] = (
            {"reason": dismissal.reason, "by": dismissal.user_name, "at": dismissal.created_at} if dismissal else None
        )
        result.append(entry)
    return result


def dismiss(ctx: Ctx, postmortem: Postmortem, *, section: str, rule_id: str, match: str, reason: str) -> Dismissal:
    """Record that a finding stays, and why (findings are advisory)."""
    if section not in LINT_SECTIONS:
        raise Invalid(f"unknown section {section!r}; use one of {', '.join(LINT_SECTIONS)}", {"field": "section"})
    why = clean_text(reason, field="reason", label="the reason", max_length=2000, required=True)
    dismissal = Dismissal(
        postmortem_id=postmortem.id,
        section=section,
        rule_id=clean_text(rule_id, field="rule_id", label="the rule id", max_length=60, required=True),
        match=clean_text(match, field="match", label="the matched text", max_length=300),
        reason=why,
        user_id=ctx.actor.user_id,
        user_name=ctx.actor.name[:200],
        created_at=ctx.now(),
    )
    ctx.session.add(dismissal)
    ctx.session.flush()
    return dismissal


def add_rule(
    ctx: Ctx,
    *,
    rule_id: str,
    why: str,
    suggestion: str,
    phrases: list[str] | None = None,
    pattern: str | None = None,
    sections: list[str] | None = None,
) -> LintRule:
    """Add a team rule: phrases (whole words, any case) or one regular expression."""
    rid = clean_text(rule_id, field="rule_id", label="the rule id", max_length=60, required=True)
    if not RULE_ID.fullmatch(rid):
        raise Invalid(
            f"rule id {rid!r} must be lower-case letters, digits, dots, dashes or underscores, e.g. team.rockstar",
            {"field": "rule_id"},
        )
    if ctx.session.scalar(select(LintRule).where(LintRule.rule_id == rid)) is not None:
        raise Conflict(f"a rule with id {rid!r} exists; pick another id or delete it first", {"field": "rule_id"})
    cleaned = [clean_text(p, field="phrases", label="a phrase", max_length=100) for p in phrases or []]
    cleaned = [p for p in cleaned if p]
    if pattern:
        pattern = clean_text(pattern, field="pattern", label="the pattern", max_length=300)
    if bool(cleaned) == bool(pattern):
        raise Invalid("give either phrases or a pattern (one of them, not both)", {"field": "phrases"})
    if pattern and (problem := check_pattern(pattern)):
        raise Invalid(f"the pattern is not a valid regular expression: {problem}", {"field": "pattern"})
    bad = sorted(set(sections or []) - set(LINT_SECTIONS))
    if bad:
        raise Invalid(f"unknown section(s) {', '.join(bad)}; use {', '.join(LINT_SECTIONS)}", {"field": "sections"})
    rule = LintRule(
        rule_id=rid,
        phrases=cleaned,
        pattern=pattern or None,
        sections=list(sections or []),
        why=clean_text(why, field="why", label="why", max_length=2000, required=True),
        suggestion=clean_text(suggestion, field="suggestion", label="the suggestion", max_length=2000, required=True),
        created_by_id=ctx.actor.user_id,
        created_at=ctx.now(),
    )
    ctx.session.add(rule)
    ctx.session.flush()
    return rule


def list_rules(ctx: Ctx) -> list[LintRule]:
    """The rules teams added, oldest first (the shipped ones are in lint.builtin_summaries)."""
    return list(ctx.session.scalars(select(LintRule).order_by(LintRule.id)))


def delete_rule(ctx: Ctx, *, rule_id: int) -> None:
    """Delete a team rule; its findings disappear from every post-mortem's next check."""
    rule = ctx.session.get(LintRule, rule_id)
    if rule is None:
        raise NotFound(f"lint rule {rule_id} does not exist")
    ctx.session.delete(rule)
    ctx.session.flush()
