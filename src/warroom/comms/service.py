"""The comms service: the one module other code imports. Logic lives in the feature modules it re-exports."""

from __future__ import annotations

from warroom.comms.bridge import get_bridge, remove_bridge, set_bridge
from warroom.comms.cadence import (
    cadence_for,
    cadence_settings,
    intervals,
    on_declared,
    on_published,
    on_resolved,
    on_severity_changed,
    remind,
    set_cadence,
)
from warroom.comms.cadence import summary as cadence_summary
from warroom.comms.fanout import (
    PublicMessage,
    maintenance_message,
    send_to_subscribers,
    unsubscribe_headers,
    update_message,
)
from warroom.comms.stakeholder_hooks import add_webhook as add_stakeholder_webhook
from warroom.comms.stakeholder_hooks import describe as describe_stakeholder_webhook
from warroom.comms.stakeholder_hooks import get_webhook as get_stakeholder_webhook
from warroom.comms.stakeholder_hooks import host as stakeholder_webhook_host
from warroom.comms.stakeholder_hooks import list_webhooks as list_stakeholder_webhooks
from warroom.comms.stakeholder_hooks import remove_webhook as remove_stakeholder_webhook
from warroom.comms.stakeholders import describe as describe_subscription
from warroom.comms.stakeholders import list_subscriptions, send_notices
from warroom.comms.stakeholders import subscribe as subscribe_stakeholder
from warroom.comms.stakeholders import unsubscribe as unsubscribe_stakeholder
from warroom.comms.subscribers import (
    RateLimited,
    check_rate,
    confirm,
    counts,
    get_subscriber,
    hard_failures,
    list_subscribers,
    public_components,
    quarantine_after,
    release,
    remove_by_email,
    remove_subscriber,
    subscribe_email,
    subscribe_webhook,
    subscriber_for_unsubscribe,
    subscriber_state,
    unsubscribe,
)

__all__ = [
    "PublicMessage",
    "RateLimited",
    "add_stakeholder_webhook",
    "cadence_for",
    "cadence_settings",
    "cadence_summary",
    "check_rate",
    "confirm",
    "counts",
    "describe_stakeholder_webhook",
    "describe_subscription",
    "get_bridge",
    "get_stakeholder_webhook",
    "get_subscriber",
    "hard_failures",
    "intervals",
    "list_stakeholder_webhooks",
    "list_subscribers",
    "list_subscriptions",
    "maintenance_message",
    "on_declared",
    "on_published",
    "on_resolved",
    "on_severity_changed",
    "public_components",
    "quarantine_after",
    "release",
    "remind",
    "remove_bridge",
    "remove_by_email",
    "remove_stakeholder_webhook",
    "remove_subscriber",
    "send_notices",
    "send_to_subscribers",
    "set_bridge",
    "set_cadence",
    "stakeholder_webhook_host",
    "subscribe_email",
    "subscribe_stakeholder",
    "subscribe_webhook",
    "subscriber_for_unsubscribe",
    "subscriber_state",
    "unsubscribe",
    "unsubscribe_headers",
    "unsubscribe_stakeholder",
    "update_message",
]
