"""Managing routing rules (the evaluation itself lives in routing.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from warroom.catalog import service as catalog
from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.intake.models import ALERT_SEVERITIES, RoutingRule
from warroom.intake.routing import MATCH_OPS, load_rules
from warroom.lib.schema import MAX_ID

RULE_SEVERITIES = ("by_tier", "SEV1", "SEV2", "SEV3", "SEV4")


def _text(value: str, field: str, limit: int) -> str:
    text = value.strip()
    if len(text) > limit or any(ord(c) < 32 for c in text):
        raise Invalid(f"{field} must be at most {limit} printable characters", {"field": field})
    return text


def list_rules(ctx: Ctx, *, service_id: int) -> list[RoutingRule]:
    """The service's rules in evaluation order (first match wins)."""
    catalog.get_service(ctx, service_id)
    return load_rules(ctx.session, service_id)


def create_rule(
    ctx: Ctx,
    *,
    service_id: int,
    name: str = "",
    matchers: Sequence[dict[str, Any]] = (),
    severities: Sequence[str] = (),
    open_incident: bool = True,
    incident_severity: str = "by_tier",
    group_by: Sequence[str] = (),
    monitoring_on_resolve: bool = False,
    position: int | None = None,
) -> RoutingRule:
    """Add a rule; without `position` it goes last."""
    catalog.get_service(ctx, service_id)
    clean = []
    for matcher in matchers:
        op = str(matcher.get("op", "="))
        label = _text(str(matcher.get("label", "")), "matchers", 200)
        if op not in MATCH_OPS or not label:
            raise Invalid("each matcher needs a label and an op of = or !=", {"field": "matchers"})
        clean.append({"label": label, "op": op, "value": _text(str(matcher.get("value", "")), "matchers", 2000)})
    unknown = [s for s in severities if s not in ALERT_SEVERITIES]
    if unknown:
        raise Invalid(f"unknown alert severities {unknown}; use {', '.join(ALERT_SEVERITIES)}", {"field": "severities"})
    if incident_severity not in RULE_SEVERITIES:
        raise Invalid(f"incident_severity must be one of {', '.join(RULE_SEVERITIES)}", {"field": "incident_severity"})
    if position is None:
        last = ctx.session.scalar(select(func.max(RoutingRule.position)).where(RoutingRule.service_id == service_id))
        position = (last or 0) + 10 if last is not None else 10
    rule = RoutingRule(
        service_id=service_id,
        position=position,
        name=_text(name, "name", 200),
        matchers=clean,
        severities=list(severities),
        open_incident=open_incident,
        incident_severity=incident_severity,
        group_by=[_text(g, "group_by", 200) for g in group_by if g.strip()],
        monitoring_on_resolve=monitoring_on_resolve,
        created_at=ctx.now(),
    )
    ctx.session.add(rule)
    ctx.session.flush()
    return rule


def get_rule(ctx: Ctx, rule_id: int) -> RoutingRule:
    rule = ctx.session.get(RoutingRule, rule_id) if 1 <= rule_id <= MAX_ID else None
    if rule is None:
        raise NotFound(f"routing rule {rule_id} does not exist")
    return rule


def delete_rule(ctx: Ctx, rule: RoutingRule) -> None:
    """Remove a rule; alerts already routed keep their groups and incidents."""
    ctx.session.delete(rule)
    ctx.session.flush()
