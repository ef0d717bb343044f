"""The incident as a pure fold over its timeline: `apply_event` updates state, `replay` rebuilds it from scratch.

The service appends an event and then writes `apply_event(current, event)` to the rows, so the incident row,
its role holders, services and tasks can always be rebuilt from the log (see tests/test_incidents_replay.py).
Events are replayed in the order they were recorded (by id), not by `occurred_at`: a backdated note
changes nothing, and every state change happens "now".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from warroom.incidents.models import MULTI_HOLDER_ROLES, ROLES

DECLARED = "incident.declared"
STATUS_CHANGED = "status.changed"
REOPENED = "incident.reopened"
SEVERITY_CHANGED = "severity.changed"
UPDATED = "incident.updated"
IMPACT_UPDATED = "impact.updated"
SERVICES_CHANGED = "services.changed"
ACKNOWLEDGED = "incident.acknowledged"
ROLE_ASSIGNED = "role.assigned"
ROLE_REMOVED = "role.removed"
ROLE_CLEARED = "role.cleared"
TASK_ADDED = "task.added"
TASK_UPDATED = "task.updated"
NOTE_ADDED = "note.added"
NOTE_CORRECTED = "note.corrected"
EVENT_CORRECTED = "event.corrected"
# Kinds this domain owns; other domains append their own kinds (which never change the state).
OWN_KINDS = frozenset(
    {
        *(DECLARED, STATUS_CHANGED, REOPENED, SEVERITY_CHANGED, UPDATED, IMPACT_UPDATED, SERVICES_CHANGED),
        *(ACKNOWLEDGED, ROLE_ASSIGNED, ROLE_REMOVED, ROLE_CLEARED, TASK_ADDED, TASK_UPDATED),
        *(NOTE_ADDED, NOTE_CORRECTED, EVENT_CORRECTED),
    }
)

# Event data names the API's field names; the row uses these columns.
FIELD_COLUMNS = {"private": "is_private", "exercise": "is_exercise"}
DATETIME_FIELDS = ("detected_at", "impact_started_at", "mitigated_at", "due_at")
# Statuses that end the work on a task: entering one stamps completed_at.
TASK_FINISHED = ("done", "cancelled")


class EventLike(Protocol):
    """What the reducer reads from a TimelineEvent (or anything shaped like one)."""

    @property
    def kind(self) -> str: ...

    @property
    def occurred_at(self) -> datetime: ...

    @property
    def recorded_at(self) -> datetime: ...

    @property
    def actor_id(self) -> int | None: ...

    @property
    def data(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class TaskState:
    title: str
    status: str
    assignee_id: int | None
    due_at: datetime | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None


def _no_holders() -> dict[str, tuple[int, ...]]:
    return {role: () for role in ROLES}


@dataclass(frozen=True)
class IncidentState:
    """Everything about an incident that events decide. Empty before its `incident.declared` event."""

    title: str = ""
    summary: str = ""
    severity: str = ""
    status: str = ""
    is_private: bool = False
    is_exercise: bool = False
    impact: str = ""
    customers_affected: int | None = None
    regions: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    impact_started_at: datetime | None = None
    detected_at: datetime | None = None
    declared_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by_id: int | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    declared_by_id: int | None = None
    updated_at: datetime | None = None
    # role → user ids in the order they took the role.
    roles: Mapping[str, tuple[int, ...]] = field(default_factory=_no_holders)
    services: tuple[int, ...] = ()
    tasks: Mapping[int, TaskState] = field(default_factory=dict)


# The Incident columns the projection owns (all but the id).
COLUMNS = (
    "title",
    "summary",
    "severity",
    "status",
    "is_private",
    "is_exercise",
    "impact",
    "customers_affected",
    "regions",
    "segments",
    "impact_started_at",
    "detected_at",
    "declared_at",
    "acknowledged_at",
    "acknowledged_by_id",
    "mitigated_at",
    "resolved_at",
    "closed_at",
    "declared_by_id",
    "updated_at",
)


def parse_instant(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _field_value(name: str, value: Any) -> Any:
    if name in DATETIME_FIELDS:
        return parse_instant(value)
    if name in ("regions", "segments"):
        return tuple(value or ())
    return value


def _apply_changes(state: IncidentState, changes: Mapping[str, Any]) -> IncidentState:
    values = {FIELD_COLUMNS.get(name, name): _field_value(name, change["to"]) for name, change in changes.items()}
    return replace(state, **values)


def _declared(state: IncidentState, event: EventLike) -> IncidentState:
    data = event.data
    return replace(
        state,
        title=data["title"],
        summary=data.get("summary", ""),
        severity=data["severity"],
        status="investigating",
        is_private=bool(data.get("private", False)),
        is_exercise=bool(data.get("exercise", False)),
        impact=data.get("impact", ""),
        customers_affected=data.get("customers_affected"),
        regions=tuple(data.get("regions", ())),
        segments=tuple(data.get("segments", ())),
        detected_at=parse_instant(data.get("detected_at")) or event.occurred_at,
        impact_started_at=parse_instant(data.get("impact_started_at")),
        declared_at=event.occurred_at,
        declared_by_id=event.actor_id,
        services=tuple(sorted(int(s) for s in data.get("services", ()))),
    )


def _status(state: IncidentState, event: EventLike) -> IncidentState:
    to = event.data["to"]
    at = event.occurred_at
    changes: dict[str, Any] = {"status": to}
    if to == "investigating":
        # A reopen: the incident is no longer resolved. mitigated_at keeps its first value.
        changes["resolved_at"] = None
    if to in ("monitoring", "resolved") and state.mitigated_at is None:
        # Mitigated on first entry into monitoring; a skip straight to resolved implies it too.
        changes["mitigated_at"] = at
    if to == "resolved":
        changes["resolved_at"] = at
    if to == "closed":
        changes["closed_at"] = at
    return replace(state, **changes)


def _roles(state: IncidentState, event: EventLike) -> IncidentState:
    role = event.data["role"]
    holders = state.roles.get(role, ())
    if event.kind == ROLE_ASSIGNED:
        user_id = int(event.data["user"]["id"])
        # A single-holder role changes hands; a multi-holder role gains one more.
        multi = role in MULTI_HOLDER_ROLES
        holders = (*holders, user_id) if multi and user_id not in holders else holders if multi else (user_id,)
    elif event.kind == ROLE_REMOVED:
        holders = tuple(h for h in holders if h != int(event.data["user"]["id"]))
    else:
        holders = ()
    return replace(state, roles={**state.roles, role: holders})


def _task(state: IncidentState, event: EventLike) -> IncidentState:
    data = event.data
    task_id = int(data["task_id"])
    at = event.occurred_at
    if event.kind == TASK_ADDED:
        task = TaskState(
            title=data["title"],
            status="open",
            assignee_id=data.get("assignee_id"),
            due_at=parse_instant(data.get("due_at")),
            created_at=at,
            updated_at=at,
        )
    else:
        task = state.tasks[task_id]
        values = {name: _field_value(name, change["to"]) for name, change in data["changes"].items()}
        if "status" in values:
            finished = values["status"] in TASK_FINISHED
            values["completed_at"] = (task.completed_at or at) if finished else None
        task = replace(task, **values, updated_at=at)
    return replace(state, tasks={**state.tasks, task_id: task})


def apply_event(state: IncidentState, event: EventLike) -> IncidentState:
    """The state after `event`. Pure: `state` is not changed. Unknown kinds (notes, other domains) only touch it."""
    kind = event.kind
    data = event.data
    if kind == DECLARED:
        state = _declared(state, event)
    elif kind in (STATUS_CHANGED, REOPENED):
        state = _status(state, event)
    elif kind == SEVERITY_CHANGED:
        state = replace(state, severity=data["to"])
    elif kind in (UPDATED, IMPACT_UPDATED):
        state = _apply_changes(state, data["changes"])
    elif kind == SERVICES_CHANGED:
        state = replace(state, services=tuple(sorted(int(s) for s in data["to"])))
    elif kind == ACKNOWLEDGED and state.acknowledged_at is None:
        state = replace(state, acknowledged_at=event.occurred_at, acknowledged_by_id=event.actor_id)
    elif kind in (ROLE_ASSIGNED, ROLE_REMOVED, ROLE_CLEARED):
        state = _roles(state, event)
    elif kind in (TASK_ADDED, TASK_UPDATED):
        state = _task(state, event)
    return replace(state, updated_at=event.recorded_at)


def replay(events: Iterable[EventLike]) -> IncidentState:
    """Rebuild an incident from its events, in recording order."""
    state = IncidentState()
    for event in events:
        state = apply_event(state, event)
    return state
