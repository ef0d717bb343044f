"""Routing rules: first match wins; without a match, the defaults by severity and service tier apply."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.catalog.models import Service
from warroom.intake.formats import Incoming, short_key
from warroom.intake.models import Alert, RoutingRule

TIER_SEVERITY = {1: "SEV1", 2: "SEV2", 3: "SEV3", 4: "SEV3"}
MATCH_OPS = ("=", "!=")
SEVERITY_ORDER = ("SEV1", "SEV2", "SEV3", "SEV4")


@dataclass(frozen=True)
class Decision:
    open_incident: bool
    incident_severity: str | None  # SEV1..SEV4 when it opens one
    group_by: tuple[str, ...]
    monitoring_on_resolve: bool
    rule_id: int | None


def load_rules(session: Session, service_id: int) -> list[RoutingRule]:
    query = select(RoutingRule).where(RoutingRule.service_id == service_id)
    return list(session.scalars(query.order_by(RoutingRule.position, RoutingRule.id)))


def by_tier(tier: int) -> str:
    return TIER_SEVERITY.get(tier, "SEV3")


def default_decision(severity: str, service: Service) -> Decision:
    """critical → by tier (1→SEV1, 2→SEV2, 3–4→SEV3); error → SEV3; warning and info never open one."""
    if severity == "critical":
        return Decision(True, by_tier(service.tier), (), True, None)
    if severity == "error":
        return Decision(True, "SEV3", (), True, None)
    return Decision(False, None, (), True, None)


def rule_matches(rule: RoutingRule, labels: dict[str, str], severity: str) -> bool:
    if rule.severities and severity not in rule.severities:
        return False
    for matcher in rule.matchers:
        value = labels.get(matcher.get("label", ""), "")
        if matcher.get("op", "=") == "=" and value != matcher.get("value", ""):
            return False
        if matcher.get("op") == "!=" and value == matcher.get("value", ""):
            return False
    return True


def decide(rules: Sequence[RoutingRule], alert: Alert, service: Service) -> Decision:
    """The first rule matching the alert's labels and severity, else the defaults."""
    for rule in rules:
        if rule_matches(rule, alert.labels or {}, alert.severity):
            severity = by_tier(service.tier) if rule.incident_severity == "by_tier" else rule.incident_severity
            return Decision(
                rule.open_incident,
                severity if rule.open_incident else None,
                tuple(rule.group_by or ()),
                rule.monitoring_on_resolve,
                rule.id,
            )
    return default_decision(alert.severity, service)


def group_key_for(decision: Decision, alert: Alert, item: Incoming | None) -> str:
    """The rule's label keys when it has them, else the format's key, else the alert itself."""
    if decision.group_by:
        values = ",".join(f"{k}={(alert.labels or {}).get(k, '')}" for k in decision.group_by)
        return short_key(f"rule:{decision.rule_id}:{values}")
    if item is not None and item.group_key:
        return short_key(item.group_key)
    return short_key("alert:" + alert.fingerprint)


def most_severe(decisions: Sequence[Decision]) -> Decision | None:
    opening = [d for d in decisions if d.open_incident and d.incident_severity]
    if not opening:
        return None
    return min(opening, key=lambda d: SEVERITY_ORDER.index(d.incident_severity or "SEV4"))
