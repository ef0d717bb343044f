"""Merging two incidents about the same problem: the merged one's alerts and reports move to the survivor,
both timelines record it (the merged timeline stays in place, referenced from the survivor's), and the merged
incident is resolved with a note."""

from __future__ import annotations

from sqlalchemy import func, select, update

from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotConfigured
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident, TimelineEvent
from warroom.reports.evidence import _intake
from warroom.reports.models import IncidentMerge, UserReport

MERGED_INTO_EVENT = "reports.merged_into"
MERGED_FROM_EVENT = "reports.merged_from"


def merge_of(ctx: Ctx, incident: Incident) -> IncidentMerge | None:
    """The merge that folded this incident into another, if any."""
    return ctx.session.get(IncidentMerge, incident.id)


def merged_from(ctx: Ctx, incident: Incident) -> list[IncidentMerge]:
    """Merges that folded other incidents into this one, oldest first."""
    query = select(IncidentMerge).where(IncidentMerge.into_id == incident.id)
    return list(ctx.session.scalars(query.order_by(IncidentMerge.merged_at, IncidentMerge.incident_id)))


def _check(ctx: Ctx, incident: Incident, into: Incident) -> None:
    if incident.id == into.id:
        raise Invalid("an incident cannot be merged into itself; pick the incident that survives", {"field": "into"})
    done = merge_of(ctx, incident)
    if done is not None:
        raise Conflict(
            f"incident {incident.id} was already merged into incident {done.into_id}", {"into": done.into_id}
        )
    onward = merge_of(ctx, into)
    if onward is not None:
        raise Conflict(
            f"incident {into.id} was itself merged into incident {onward.into_id}; merge into {onward.into_id} instead",
            {"into": onward.into_id},
        )
    if not incidents.is_open(into):
        raise Conflict(
            f"incident {into.id} is {into.status}; reopen it or merge into an open incident", {"status": into.status}
        )


def merge_incidents(ctx: Ctx, incident: Incident, *, into: Incident) -> IncidentMerge:
    """Fold `incident` into `into`: move its alerts and reports, record both timelines, resolve it."""
    # Lock both rows in id order, so two opposite merges cannot deadlock; then check under the lock.
    for row in sorted((incident, into), key=lambda i: i.id):
        ctx.session.flush()
        ctx.session.refresh(row, with_for_update=True)
    _check(ctx, incident, into)
    intake = _intake()
    mover = getattr(intake, "move_alerts", None)
    alerts_moved = 0
    if mover is not None:
        alerts_moved = int(mover(ctx, from_incident_id=incident.id, to_incident_id=into.id))
    elif intake is not None:
        raise NotConfigured("alert intake cannot move alerts yet, so incidents cannot be merged")
    moved = ctx.session.execute(
        update(UserReport)
        .where(UserReport.incident_id == incident.id)
        .values(incident_id=into.id, matched_by="merge")
        .execution_options(synchronize_session=False)
    )
    reports_moved = int(getattr(moved, "rowcount", 0) or 0)
    events = ctx.session.scalar(select(func.count()).where(TimelineEvent.incident_id == incident.id)) or 0
    title, into_title = incident.title, into.title
    counts = f"{alerts_moved} alert{'s' * (alerts_moved != 1)} and {reports_moved} report{'s' * (reports_moved != 1)}"
    incidents.record_event(
        ctx,
        into,
        kind=MERGED_FROM_EVENT,
        data={
            "merged_incident_id": incident.id,
            "alerts_moved": alerts_moved,
            "reports_moved": reports_moved,
            "events": int(events),
            "summary": f"Incident #{incident.id} “{title[:120]}” was merged into this one: {counts} moved here; "
            f"its timeline ({int(events)} entries) stays on incident #{incident.id}.",
        },
    )
    incidents.record_event(
        ctx,
        incident,
        kind=MERGED_INTO_EVENT,
        data={"into_id": into.id, "summary": f"Merged into incident #{into.id} “{into_title[:120]}”: {counts} moved."},
    )
    if incidents.is_open(incident):
        incidents.change_status(ctx, incident, status="resolved", note=f"Merged into incident #{into.id}.")
    merge = IncidentMerge(
        incident_id=incident.id,
        into_id=into.id,
        merged_at=ctx.now(),
        merged_by_id=ctx.actor.user_id,
        merged_by_name=ctx.actor.name[:200],
        alerts_moved=alerts_moved,
        reports_moved=reports_moved,
        events_referenced=int(events),
    )
    ctx.session.add(merge)
    ctx.session.flush()
    return merge
