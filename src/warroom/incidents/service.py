"""The incidents service: every read and change of an incident goes through these functions.

Each change appends a timeline event and projects it onto the rows (journal.record → projection.apply_event),
so the incident row never drifts from its log. The logic lives in small modules by feature; this module is
the one place other code imports from.
"""

from __future__ import annotations

from warroom.incidents.access import can_see, get_incident, list_incidents, sees_everything
from warroom.incidents.checks import UNSET, Unset
from warroom.incidents.editing import (
    blast_radius,
    declare_incident,
    incident_services,
    set_services,
    update_incident,
)
from warroom.incidents.journal import load_state
from warroom.incidents.lifecycle import (
    TRANSITIONS,
    acknowledge,
    allowed_transitions,
    change_severity,
    change_status,
    is_open,
)
from warroom.incidents.roles import (
    assign_role,
    current_roles,
    needs_commander,
    remove_role_holder,
    role_history,
    unfilled_roles,
)
from warroom.incidents.tasks import add_task, get_task, list_tasks, update_task
from warroom.incidents.timeline import add_note, correct_event, get_event, record_event, timeline

__all__ = [
    "TRANSITIONS",
    "UNSET",
    "Unset",
    "acknowledge",
    "add_note",
    "add_task",
    "allowed_transitions",
    "assign_role",
    "blast_radius",
    "can_see",
    "change_severity",
    "change_status",
    "correct_event",
    "current_roles",
    "declare_incident",
    "get_event",
    "get_incident",
    "get_task",
    "incident_services",
    "is_open",
    "list_incidents",
    "list_tasks",
    "load_state",
    "needs_commander",
    "record_event",
    "remove_role_holder",
    "role_history",
    "sees_everything",
    "set_services",
    "timeline",
    "unfilled_roles",
    "update_incident",
    "update_task",
]
