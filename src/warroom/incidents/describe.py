"""One human sentence per timeline event, e.g. "changed status from investigating to identified".

The sentence leaves out who did it (the timeline shows the actor beside it) and reads only the event's own
data, so it needs no database and stays true to what was recorded at the time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from warroom.incidents.models import ROLES, TimelineEvent
from warroom.incidents.projection import (
    ACKNOWLEDGED,
    DECLARED,
    EVENT_CORRECTED,
    IMPACT_UPDATED,
    NOTE_ADDED,
    NOTE_CORRECTED,
    REOPENED,
    ROLE_ASSIGNED,
    ROLE_CLEARED,
    ROLE_REMOVED,
    SERVICES_CHANGED,
    SEVERITY_CHANGED,
    STATUS_CHANGED,
    TASK_ADDED,
    TASK_UPDATED,
    UPDATED,
    parse_instant,
)

FIELD_LABELS = {
    "title": "title",
    "summary": "summary",
    "private": "private flag",
    "exercise": "exercise flag",
    "detected_at": "detection time",
    "impact_started_at": "impact start",
    "mitigated_at": "mitigation time",
    "impact": "impact description",
    "customers_affected": "customers affected",
    "regions": "regions",
    "segments": "segments",
    "status": "status",
    "assignee_id": "assignee",
    "due_at": "due time",
}
MAX_QUOTE = 200
FIELD_ORDER = {name: index for index, name in enumerate(FIELD_LABELS)}


def _in_order(changes: Mapping[str, Any]) -> list[tuple[str, Any]]:
    # PostgreSQL's JSONB does not keep key order, so sentences follow a fixed field order instead.
    return sorted(changes.items(), key=lambda item: (FIELD_ORDER.get(item[0], len(FIELD_ORDER)), item[0]))


def _quote(text: Any) -> str:
    value = str(text or "").strip()
    return value if len(value) <= MAX_QUOTE else value[: MAX_QUOTE - 1] + "…"


def _role(role: Any) -> str:
    return ROLES.get(str(role), str(role))


def _name(person: Any) -> str:
    if isinstance(person, Mapping):
        return str(person.get("name") or f"user {person.get('id')}")
    return "someone"


def _names(people: Any) -> str:
    return ", ".join(_name(p) for p in people) if isinstance(people, Sequence) and people else "nobody"


def _value(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name.endswith("_at"):
        instant = parse_instant(value)
        return instant.strftime("%Y-%m-%d %H:%M UTC") if instant else "none"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return _quote(value)


def _changes(changes: Any) -> str:
    """Impact or task edits as "the <field> to <value>, …"."""
    if not isinstance(changes, Mapping) or not changes:
        return "nothing"
    parts = []
    for name, change in _in_order(changes):
        label = FIELD_LABELS.get(name, name)
        if name == "assignee_id" and isinstance(change, Mapping):
            parts.append(f"the assignee to {change.get('to_name') or 'nobody'}")
        elif isinstance(change, Mapping):
            parts.append(f"the {label} to {_value(name, change.get('to'))}")
    return ", ".join(parts)


def _field_changes(changes: Any) -> str:
    """Incident field edits as verbs: "changed the title to …; made the incident private"."""
    if not isinstance(changes, Mapping) or not changes:
        return "changed nothing"
    phrases = []
    for name, change in _in_order(changes):
        to = change.get("to") if isinstance(change, Mapping) else None
        if name == "private":
            phrases.append("made the incident private" if to else "made the incident public")
        elif name == "exercise":
            phrases.append(
                "marked the incident as an exercise" if to else "marked the incident as real, not an exercise"
            )
        elif name == "summary":
            phrases.append("updated the summary")
        else:
            phrases.append(f"changed the {FIELD_LABELS.get(name, name)} to {_value(name, to)}")
    return "; ".join(phrases)


def _declared(d: Mapping[str, Any]) -> str:
    return f"declared a {d.get('severity')} incident: {_quote(d.get('title'))}"


def _status(d: Mapping[str, Any]) -> str:
    text = f"changed status from {d.get('from')} to {d.get('to')}"
    return f"{text}: {_quote(d['note'])}" if d.get("note") else text


def _reopened(d: Mapping[str, Any]) -> str:
    text = f"reopened the incident ({d.get('from')} → {d.get('to')})"
    return f"{text}: {_quote(d['note'])}" if d.get("note") else text


def _severity(d: Mapping[str, Any]) -> str:
    text = f"changed severity from {d.get('from')} to {d.get('to')}"
    return f"{text}: {_quote(d['reason'])}" if d.get("reason") else text


def _services(d: Mapping[str, Any]) -> str:
    added = [_name(s) for s in d.get("added", [])]
    removed = [_name(s) for s in d.get("removed", [])]
    parts = []
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    return ("changed affected services: " + "; ".join(parts)) if parts else "changed affected services"


def _assigned(d: Mapping[str, Any]) -> str:
    text = f"assigned {_name(d.get('user'))} as {_role(d.get('role'))}"
    if d.get("handover"):
        return f"{text} (handover from {_names(d.get('previous'))})"
    return text


def _task_updated(d: Mapping[str, Any]) -> str:
    return f"updated task “{_quote(d.get('title'))}”: {_changes(d.get('changes'))}"


def _task_added(d: Mapping[str, Any]) -> str:
    text = f"added task “{_quote(d.get('title'))}”"
    if d.get("assignee_name"):
        text += f" for {d['assignee_name']}"
    if d.get("due_at"):
        text += f", due {_value('due_at', d['due_at'])}"
    return text


SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    DECLARED: _declared,
    STATUS_CHANGED: _status,
    REOPENED: _reopened,
    SEVERITY_CHANGED: _severity,
    UPDATED: lambda d: _field_changes(d.get("changes")),
    IMPACT_UPDATED: lambda d: f"updated the customer impact: {_changes(d.get('changes'))}",
    SERVICES_CHANGED: _services,
    ACKNOWLEDGED: lambda d: "acknowledged the incident",
    ROLE_ASSIGNED: _assigned,
    ROLE_REMOVED: lambda d: f"removed {_name(d.get('user'))} as {_role(d.get('role'))}",
    ROLE_CLEARED: lambda d: f"cleared the {_role(d.get('role'))} role (was {_names(d.get('previous'))})",
    TASK_ADDED: _task_added,
    TASK_UPDATED: _task_updated,
    # A note's sentence is the note itself, in full.
    NOTE_ADDED: lambda d: str(d.get("body", "")),
    NOTE_CORRECTED: lambda d: f"corrected a note: {d.get('body', '')}",
    EVENT_CORRECTED: lambda d: f"corrected the record: {d.get('body', '')}",
}


def describe_event(event: TimelineEvent) -> str:
    """One sentence saying what the event did, without the actor's name."""
    sentence = SENTENCES.get(event.kind)
    data = event.data if isinstance(event.data, Mapping) else {}
    if sentence is None:
        summary = data.get("summary") or data.get("text") or data.get("title")
        return f"{event.kind.replace('.', ' ').replace('_', ' ')}" + (f": {_quote(summary)}" if summary else "")
    try:
        return sentence(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        # Data from an older release may lack a key; say what kind of event it was rather than fail the page.
        return event.kind.replace(".", " ").replace("_", " ")
