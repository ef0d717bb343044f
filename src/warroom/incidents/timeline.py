"""The append-only timeline: notes (optionally backdated), corrections, reading, and events from other domains."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.incidents import journal
from warroom.incidents.checks import MAX_NOTE, clean_text, past_instant
from warroom.incidents.models import Incident, TimelineEvent
from warroom.incidents.projection import EVENT_CORRECTED, NOTE_ADDED, NOTE_CORRECTED, OWN_KINDS
from warroom.lib.schema import MAX_ID

NOTE_KINDS = (NOTE_ADDED, NOTE_CORRECTED)


def add_note(ctx: Ctx, incident: Incident, *, body: str, occurred_at: datetime | None = None) -> TimelineEvent:
    """Add a note; `occurred_at` backdates it (never into the future)."""
    text = clean_text(body, field="body", label="the note", max_length=MAX_NOTE, required=True)
    when = past_instant(ctx, occurred_at, field="occurred_at") if occurred_at is not None else None
    journal.lock(ctx, incident)
    return journal.record(ctx, incident, NOTE_ADDED, {"body": text}, occurred_at=when)


def get_event(ctx: Ctx, incident: Incident, event_id: int) -> TimelineEvent:
    event = ctx.session.get(TimelineEvent, event_id) if 1 <= event_id <= MAX_ID else None
    if event is None or event.incident_id != incident.id:
        raise NotFound(f"event {event_id} is not on the timeline of incident {incident.id}")
    return event


def correct_event(ctx: Ctx, incident: Incident, *, event_id: int, body: str) -> TimelineEvent:
    """Record a correction of an earlier entry. The original stays as it was; the new one points at it."""
    text = clean_text(body, field="body", label="the correction", max_length=MAX_NOTE, required=True)
    original = get_event(ctx, incident, event_id)
    kind = NOTE_CORRECTED if original.kind in NOTE_KINDS else EVENT_CORRECTED
    journal.lock(ctx, incident)
    data = {"body": text, "corrects_kind": original.kind}
    return journal.record(ctx, incident, kind, data, corrects_id=original.id)


def record_event(
    ctx: Ctx, incident: Incident, *, kind: str, data: dict[str, Any], occurred_at: datetime | None = None
) -> TimelineEvent:
    """Append an event from another domain (an alert, a page, a status update). It never changes the state."""
    if not kind or len(kind) > 60 or "." not in kind:
        raise Invalid(f"event kind {kind!r} must look like 'domain.verb' and fit 60 characters", {"field": "kind"})
    if kind in OWN_KINDS:
        raise Invalid(
            f"event kind {kind!r} belongs to the incidents service; call its function instead", {"field": "kind"}
        )
    when = past_instant(ctx, occurred_at, field="occurred_at") if occurred_at is not None else None
    journal.lock(ctx, incident)
    return journal.record(ctx, incident, kind, data, occurred_at=when)


def timeline(ctx: Ctx, incident: Incident, *, after_id: int | None = None) -> list[TimelineEvent]:
    """The incident's events ordered by when they happened; `after_id` keeps only ones recorded since."""
    query = select(TimelineEvent).where(TimelineEvent.incident_id == incident.id)
    if after_id is not None:
        query = query.where(TimelineEvent.id > min(max(after_id, 0), MAX_ID))
    return list(ctx.session.scalars(query.order_by(TimelineEvent.occurred_at, TimelineEvent.id)))
