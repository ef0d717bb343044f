"""The review service: the one module other code imports from (logic lives in the sibling modules)."""

from __future__ import annotations

from warroom.review.actions import (
    create_action_item,
    get_action_item,
    is_overdue,
    list_action_items,
    reminder_instants,
    send_reminder,
    update_action_item,
)
from warroom.review.checking import add_rule, delete_rule, dismiss, lint_postmortem, lint_text, list_rules
from warroom.review.collaboration import add_comment, add_entry, add_reviewer, approve, mark_entry, remove_reviewer
from warroom.review.export import to_html, to_markdown
from warroom.review.learning import search_postmortems, similar_incidents
from warroom.review.lint import builtin_summaries as builtin_rules
from warroom.review.metrics import collect as collect_metrics
from warroom.review.metrics import metrics_for, nearest_rank
from warroom.review.postmortems import (
    change_status,
    draft_for,
    ensure_postmortem,
    get_postmortem,
    public_postmortem,
    require_published,
    update_postmortem,
)
from warroom.review.present import action_item_dict, postmortem_dict

__all__ = [
    "action_item_dict",
    "add_comment",
    "add_entry",
    "add_reviewer",
    "add_rule",
    "approve",
    "builtin_rules",
    "change_status",
    "collect_metrics",
    "create_action_item",
    "delete_rule",
    "dismiss",
    "draft_for",
    "ensure_postmortem",
    "get_action_item",
    "get_postmortem",
    "is_overdue",
    "lint_postmortem",
    "lint_text",
    "list_action_items",
    "list_rules",
    "mark_entry",
    "metrics_for",
    "nearest_rank",
    "postmortem_dict",
    "public_postmortem",
    "reminder_instants",
    "remove_reviewer",
    "require_published",
    "search_postmortems",
    "send_reminder",
    "similar_incidents",
    "to_html",
    "to_markdown",
    "update_action_item",
    "update_postmortem",
]
