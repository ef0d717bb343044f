"""The status service: the one module other domains import (comms, review, the demo)."""

from __future__ import annotations

from warroom.status.components import (
    STATUS_WORDS,
    bump_generation,
    component_statuses,
    configure_component,
    create_group,
    delete_group,
    get_group,
    layout,
    list_groups,
    public_components,
    set_component_statuses,
    update_group,
)
from warroom.status.public import IMPACT_BY_SEVERITY, indicator_for, snapshot
from warroom.status.settings import save_page_settings
from warroom.status.updates import (
    EVENT_KIND,
    PUBLISHED_TOPIC,
    check_publishable,
    fill_template,
    first_public_update_at,
    mark_postmortem_published,
    public_incident_for,
    public_incident_url,
    public_updates_for,
    publish_update,
    save_template,
    template_bodies,
)
from warroom.status.uptime import record_day

__all__ = [
    "EVENT_KIND",
    "IMPACT_BY_SEVERITY",
    "PUBLISHED_TOPIC",
    "STATUS_WORDS",
    "bump_generation",
    "check_publishable",
    "component_statuses",
    "configure_component",
    "create_group",
    "delete_group",
    "fill_template",
    "first_public_update_at",
    "get_group",
    "indicator_for",
    "layout",
    "list_groups",
    "mark_postmortem_published",
    "public_components",
    "public_incident_for",
    "public_incident_url",
    "public_updates_for",
    "publish_update",
    "record_day",
    "save_page_settings",
    "save_template",
    "set_component_statuses",
    "snapshot",
    "template_bodies",
    "update_group",
]
