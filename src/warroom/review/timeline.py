"""The review timeline: every incident event with its original time and source, plus entries added later."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.incidents.describe import describe_event
from warroom.incidents.models import Incident, TimelineEvent
from warroom.incidents.projection import OWN_KINDS
from warroom.review.models import ManualEntry, Postmortem

MANUAL_KIND = "postmortem.entry"
# The communications domain records this kind when a public update goes out.
PUBLIC_UPDATE_KIND = "status.update_published"
# Incident-domain kinds whose source is the incident itself rather than their prefix ("note", "role").
INSTANTS = ("impact_started", "detected", "declared", "acknowledged", "mitigated", "resolved", "first_public_update")


@dataclass(frozen=True)
class Entry:
    key: str  # "event-12" or "manual-3"
    at: datetime
    kind: str
    source: str
    actor: str
    summary: str
    starred: bool
    hidden: bool
    added_later: bool
    event_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "at": self.at,
            "kind": self.kind,
            "source": self.source,
            "actor": self.actor,
            "summary": self.summary,
            "starred": self.starred,
            "hidden": self.hidden,
            "added_later": self.added_later,
            "event_id": self.event_id,
        }


def source_of(kind: str) -> str:
    """The domain that recorded an event: the part of its kind before the first dot."""
    return kind.split(".", 1)[0] or kind


def summary_of(event: TimelineEvent) -> str:
    """The event's human sentence: data["summary"] from other domains, the incident service's own otherwise."""
    data = event.data if isinstance(event.data, Mapping) else {}
    summary = data.get("summary")
    if event.kind not in OWN_KINDS and isinstance(summary, str) and summary.strip():
        return summary.strip()
    return describe_event(event)


def event_entry(event: TimelineEvent, *, starred: bool, hidden: bool) -> Entry:
    # A note written after the fact (backdated) was added later too.
    return Entry(
        key=f"event-{event.id}",
        at=event.occurred_at,
        kind=event.kind,
        source=source_of(event.kind),
        actor=event.actor_name,
        summary=summary_of(event),
        starred=starred,
        hidden=hidden,
        added_later=event.recorded_at > event.occurred_at,
        event_id=event.id,
    )


def manual_entry(entry: ManualEntry) -> Entry:
    return Entry(
        key=f"manual-{entry.id}",
        at=entry.at,
        kind=MANUAL_KIND,
        source=source_of(MANUAL_KIND),
        actor=entry.author_name,
        summary=entry.summary,
        starred=entry.starred,
        hidden=entry.hidden,
        added_later=True,
    )


def build_timeline(
    events: Sequence[TimelineEvent], manual: Sequence[ManualEntry], postmortem: Postmortem | None
) -> list[Entry]:
    """Events and manual entries in time order (ties: events in recording order, then manual entries)."""
    starred = set(postmortem.starred_events or ()) if postmortem else set()
    hidden = set(postmortem.hidden_events or ()) if postmortem else set()
    entries = [event_entry(e, starred=e.id in starred, hidden=e.id in hidden) for e in events]
    entries += [manual_entry(m) for m in manual]
    order = {entry.key: index for index, entry in enumerate(entries)}
    return sorted(entries, key=lambda entry: (entry.at, order[entry.key]))


def incident_events(session: Session, incident_id: int) -> list[TimelineEvent]:
    query = select(TimelineEvent).where(TimelineEvent.incident_id == incident_id)
    return list(session.scalars(query.order_by(TimelineEvent.occurred_at, TimelineEvent.id)))


def manual_entries(session: Session, postmortem: Postmortem | None) -> list[ManualEntry]:
    if postmortem is None or postmortem.id is None:
        return []
    query = select(ManualEntry).where(ManualEntry.postmortem_id == postmortem.id)
    return list(session.scalars(query.order_by(ManualEntry.at, ManualEntry.id)))


def first_public_updates(session: Session, incident_ids: Sequence[int]) -> dict[int, datetime]:
    """incident id → when its first public update was published (only incidents that have one)."""
    if not incident_ids:
        return {}
    query = (
        select(TimelineEvent.incident_id, func.min(TimelineEvent.occurred_at))
        .where(TimelineEvent.kind == PUBLIC_UPDATE_KIND, TimelineEvent.incident_id.in_(incident_ids))
        .group_by(TimelineEvent.incident_id)
    )
    found: dict[int, datetime] = {}
    for incident_id, at in session.execute(query):
        # MIN() over a UTC column comes back naive on SQLite: the stored values are UTC.
        found[int(incident_id)] = _aware(at)
    return found


def _aware(value: Any) -> datetime:

    instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def key_instants(incident: Incident, first_public_update: datetime | None) -> dict[str, datetime | None]:
    """The instants the metrics are built on, as the incident's events recorded them."""
    return {
        "impact_started": incident.impact_started_at,
        "detected": incident.detected_at,
        "declared": incident.declared_at,
        "acknowledged": incident.acknowledged_at,
        "mitigated": incident.mitigated_at,
        "resolved": incident.resolved_at,
        "first_public_update": first_public_update,
    }
