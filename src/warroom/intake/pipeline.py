"""The intake hot path: dedup normalised alerts into rows, assign groups, apply noise control, then route.

One call runs in one short transaction. Re-deliveries of a firing alert only touch last_seen, annotations and
ends_at; everything else (groups, incidents, timeline) happens only on a state change. The service row is
locked first, so concurrent deliveries for one service (an HA Alertmanager pair) apply one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from warroom.catalog.models import Service
from warroom.context import Actor, Ctx
from warroom.db import NO_KEY_UPDATE
from warroom.errors import NotFound
from warroom.intake import noise
from warroom.intake.formats import Incoming
from warroom.intake.models import Alert, AlertGroup, Integration
from warroom.intake.routing import Decision, decide, group_key_for, load_rules
from warroom.jobs import service as jobs

RESOLVE_TIMEOUT = timedelta(minutes=5)  # Alertmanager's default resolve_timeout for the push API
LAST_USED_EVERY = timedelta(minutes=1)
EXPIRE_JOB = "intake.expire"


@dataclass
class GroupChange:
    group: AlertGroup
    fired: list[Alert] = field(default_factory=list)
    resolved: list[Alert] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


def integration_ctx(ctx: Ctx, integration: Integration | None, *, via: str | None = None) -> Ctx:
    """The same unit of work acting as the integration (no user) with source "integration"."""
    name = "Warroom intake" if integration is None else f"{via or integration.type}: {integration.name}"
    return Ctx(
        session=ctx.session,
        clock=ctx.clock,
        settings=ctx.settings,
        actor=Actor(user_id=None, name=name[:200], role="system"),
        source="integration",
    )


def lock_service(ctx: Ctx, service_id: int) -> Service:
    """Take the service's row lock (PostgreSQL; SQLite already has one writer) so deliveries serialise."""
    service = ctx.session.get(Service, service_id, with_for_update=NO_KEY_UPDATE)
    if service is None:
        raise NotFound(f"service {service_id} does not exist")
    return service


def touch_integration(ctx: Ctx, integration: Integration) -> None:
    now = ctx.now()
    if integration.last_used_at is None or now - integration.last_used_at >= LAST_USED_EVERY:
        integration.last_used_at = now


def ingest(ctx: Ctx, integration: Integration, items: list[Incoming]) -> list[Alert]:
    """Store `items` for the integration's service and act on state changes. Returns the alert rows."""
    actor_ctx = integration_ctx(ctx, integration)
    service = lock_service(ctx, integration.service_id)
    touch_integration(ctx, integration)
    if not items:
        return []
    now = ctx.now()
    fingerprints = list({item.fingerprint for item in items})
    query = select(Alert).where(Alert.service_id == service.id, Alert.fingerprint.in_(fingerprints))
    existing = {alert.fingerprint: alert for alert in ctx.session.scalars(query)}
    batch = Batch(actor_ctx, service)
    out: list[Alert] = []
    for item in items:
        if item.explicit_end and item.ends_at is not None and item.ends_at <= now:
            item.status = "resolved"
        alert = existing.get(item.fingerprint)
        if alert is None:
            alert = _new_alert(ctx, integration, service, item, now)
            existing[item.fingerprint] = alert
            batch.created.append((alert, item))
        else:
            _update(batch, alert, item, now)
        out.append(alert)
    batch.finish()
    return out


def _ends_at(item: Incoming, now: datetime) -> datetime | None:
    if item.status == "resolved":
        return item.ends_at or now
    if item.expires:
        # The push API: a firing alert without endsAt expires 5 minutes after its last receipt.
        return item.ends_at or now + RESOLVE_TIMEOUT
    return None


def _new_alert(ctx: Ctx, integration: Integration, service: Service, item: Incoming, now: datetime) -> Alert:
    alert = Alert(
        integration_id=integration.id,
        service_id=service.id,
        fingerprint=item.fingerprint,
        status=item.status,
        severity=item.severity,
        title=item.title or "alert",
        description=item.description,
        labels=item.labels,
        annotations=item.annotations,
        source=item.source,
        links=item.links,
        starts_at=item.starts_at or now,
        ends_at=_ends_at(item, now),
        first_seen=now,
        last_seen=now,
        firing_count=1 if item.status == "firing" else 0,
        state_changes=[now.isoformat()],
        flapping=False,
    )
    return alert  # added to the session by Batch.finish, once its group and suppression are known


def _update(batch: Batch, alert: Alert, item: Incoming, now: datetime) -> None:
    alert.last_seen = now
    if alert.status == item.status:
        # A re-delivery: keep it cheap. Only the latest annotations and the expiry move.
        if item.annotations and alert.annotations != item.annotations:
            alert.annotations = item.annotations
        if item.status == "firing":
            ends = _ends_at(item, now)
            if ends is not None:
                alert.ends_at = ends
        return
    noise.note_state_change(alert, now, batch.ctx.settings)
    alert.status = item.status
    alert.ends_at = _ends_at(item, now)
    if item.status == "firing":
        alert.firing_count += 1
        alert.starts_at = item.starts_at or now
        alert.acknowledged_at = None
        alert.severity = item.severity
        alert.title = item.title or alert.title
        alert.description = item.description or alert.description
        alert.labels = item.labels or alert.labels
        alert.annotations = item.annotations or alert.annotations
        alert.links = item.links or alert.links
        batch.refired.append((alert, item))
    else:
        batch.resolved.append(alert)


class Batch:
    """The state changes of one delivery, applied to groups and incidents once at the end."""

    def __init__(self, ctx: Ctx, service: Service) -> None:
        self.ctx = ctx
        self.service = service
        self.created: list[tuple[Alert, Incoming]] = []
        self.refired: list[tuple[Alert, Incoming]] = []
        self.resolved: list[Alert] = []
        self.requeued: list[Alert] = []  # firing alerts whose suppression ended (silence or maintenance over)
        self._groups: dict[str, AlertGroup] = {}
        self.in_force = noise.InForce()  # silences and maintenance windows, read once for the batch

    def finish(self) -> None:
        if not (self.created or self.refired or self.resolved or self.requeued):
            return
        session = self.ctx.session
        now = self.ctx.now()
        changes: dict[int, GroupChange] = {}
        # New alerts join the session only once their group and suppression are set, so each is one INSERT
        # (it was an INSERT, then an UPDATE for those); no autoflush meanwhile, for the same reason.
        with session.no_autoflush:
            rules = load_rules(session, self.service.id)
            for alert, item in [*self.created, *self.refired]:
                decision = decide(rules, alert, self.service)
                target = self._group(group_key_for(decision, alert, item), alert, decision, now)
                previous = alert.group_id
                alert.group_id = target.id
                if previous is not None and previous != target.id:
                    # The alert moved groups (its rule changed): the old group may have nothing firing now.
                    old = session.get(AlertGroup, previous)
                    if old is not None:
                        changes.setdefault(old.id, GroupChange(old)).resolved.append(alert)
                change = changes.setdefault(target.id, GroupChange(target))
                if alert.status == "firing":
                    noise.evaluate(self.ctx, alert, now, self.in_force)
                    change.fired.append(alert)
                    change.decisions.append(decision)
        session.add_all([alert for alert, _item in self.created])
        session.flush()  # ids for the new alerts (one INSERT batch)
        expiries: list[tuple[dict[str, Any], datetime | None, str]] = []
        for alert, _item in [*self.created, *self.refired]:
            if alert.status == "firing" and alert.ends_at is not None:
                payload = {"alert_id": alert.id, "firing_count": alert.firing_count}
                expiries.append((payload, alert.ends_at, f"intake-expire:{alert.id}:{alert.firing_count}"))
        jobs.enqueue_many(self.ctx, EXPIRE_JOB, expiries)
        for alert in self.requeued:
            held = session.get(AlertGroup, alert.group_id) if alert.group_id else None
            if held is not None:
                change = changes.setdefault(held.id, GroupChange(held))
                change.fired.append(alert)
                change.decisions.append(decide(rules, alert, self.service))
        for alert in self.resolved:
            owner = session.get(AlertGroup, alert.group_id) if alert.group_id else None
            if owner is not None:
                changes.setdefault(owner.id, GroupChange(owner)).resolved.append(alert)
        from warroom.intake.escalate import apply_group_change

        for change in changes.values():
            apply_group_change(self.ctx, self.service, change, now)

    def _group(self, key: str, alert: Alert, decision: Decision, now: datetime) -> AlertGroup:
        found: AlertGroup | None = self._groups.get(key)
        if found is None:
            query = select(AlertGroup).where(AlertGroup.service_id == self.service.id, AlertGroup.key == key)
            found = self.ctx.session.scalar(query)
        if found is None:
            found = AlertGroup(
                service_id=self.service.id,
                key=key,
                title=alert.title[:300],
                status="resolved" if alert.status == "resolved" else "firing",
                monitoring_on_resolve=decision.monitoring_on_resolve,
                opened_incident=False,
                created_at=now,
                updated_at=now,
            )
            self.ctx.session.add(found)
            self.ctx.session.flush()
        self._groups[key] = found
        return found
