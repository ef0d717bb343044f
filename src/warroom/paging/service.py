"""The paging service: escalation policies, service paging settings, the escalation engine and manual actions.

Other domains import from here only. The logic lives in small modules by feature.
"""

from __future__ import annotations

from warroom.paging.actions import (
    EscalationView,
    acknowledge_incident,
    add_responder,
    describe_escalation,
    escalate_now,
    next_step_at,
    page_role,
    reassign,
)
from warroom.paging.auditor import AuditResult, audit
from warroom.paging.engine import (
    current_escalation,
    ensure_auditor,
    start_for_incident,
    urgency_for,
)
from warroom.paging.hours import describe_support_hours, next_support_start, within_support_hours
from warroom.paging.policies import (
    all_schedules,
    clear_service_paging,
    create_policy,
    delete_policy,
    get_policy,
    get_service_paging,
    list_policies,
    services_using,
    set_service_paging,
    update_policy,
)

__all__ = [
    "AuditResult",
    "EscalationView",
    "acknowledge_incident",
    "add_responder",
    "all_schedules",
    "audit",
    "clear_service_paging",
    "create_policy",
    "current_escalation",
    "delete_policy",
    "describe_escalation",
    "describe_support_hours",
    "ensure_auditor",
    "escalate_now",
    "get_policy",
    "get_service_paging",
    "list_policies",
    "next_step_at",
    "next_support_start",
    "page_role",
    "reassign",
    "services_using",
    "set_service_paging",
    "start_for_incident",
    "update_policy",
    "urgency_for",
    "within_support_hours",
]
