"""Review part of the demo dataset: published post-mortems with action items for both past incidents."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from warroom.incidents import service as incidents
from warroom.review import service

if TYPE_CHECKING:
    from warroom.demo import DemoWorld
    from warroom.incidents.models import Incident

LABELS = {
    "summary": "For 80 minutes DPD labels could not be printed: the carrier rotated its API credentials and the "
    "label service kept using the old ones.",
    "impact": "Duration: 1 h 20 min. 2,300 DPD parcels in the DE warehouse waited for labels; 0 parcels missed the "
    "evening truck. Other carriers (DHL, UPS) were unaffected.",
    "detection": "The carrier label error-rate alert fired 4 minutes after the first 401 response.",
    "response": "The Shipping on-call engineer declared a SEV2, took the Incident Commander role and asked the DPD "
    "account manager for the rotation notice.",
    "root_cause": "Trigger: DPD rotated API credentials on a fixed schedule. Root cause: the label service reads "
    "credentials only at start-up and nothing tracked the carrier's rotation calendar.",
    "contributing_factors": "The rotation e-mail went to a shared mailbox nobody watches.",
    "mitigation": "New credentials were deployed at minute 41; labels printed again and the backlog cleared by "
    "minute 80.",
    "went_well": "The alert fired quickly and named the carrier.",
    "went_wrong": "The rotation notice sat unread for a week.",
    "got_lucky": "The outage started after the noon truck had left.",
    "debrief": "Erin handled the incident alone over lunch; pair the on-call next time.",
}
STOREFRONT = {
    "summary": "Checkout p95 latency rose to 6 s for 35 minutes when a flash sale started; the database connection "
    "pool of 20 connections was exhausted.",
    "impact": "Duration: 37 min. Conversion dipped about 8% (roughly 410 orders delayed, 0 lost payments).",
    "detection": "A checkout latency alert fired 2 minutes into the sale.",
    "response": "Bob took the Incident Commander role and raised the pool size after checking the database load.",
    "root_cause": "Trigger: the flash sale tripled checkout traffic. Root cause: the pool size was set for average "
    "traffic and no load test covered sale peaks.",
    "mitigation": "The pool was raised from 20 to 80 connections; latency returned to normal within 12 minutes.",
    "went_well": "The sale banner was never taken down; customers could still buy.",
    "went_wrong": "The pool size lived in a config file nobody reviewed since launch.",
    "got_lucky": "The database had spare capacity for the larger pool.",
}


def _publish(world: DemoWorld, incident: Incident, sections: dict[str, str], **fields: Any) -> None:
    ctx = world.story.ctx
    postmortem, _created = service.ensure_postmortem(ctx, incident)
    service.update_postmortem(ctx, postmortem, sections=sections, **fields)
    service.change_status(ctx, incident, postmortem, status="in_review")
    service.change_status(ctx, incident, postmortem, status="published")


def _item(world: DemoWorld, incident: Incident, title: str, kind: str, owner: str, due: datetime, **extra: Any) -> None:
    user = world.users[owner]
    service.create_action_item(
        world.story.ctx, incident, title=title, type=kind, owner_id=user.id, due_at=due, allow_past_due=True, **extra
    )


def seed(world: DemoWorld) -> None:
    """Both resolved incidents get published post-mortems with action items (one overdue); close "storefront"."""
    labels, storefront = world.incidents["labels"], world.incidents["storefront"]
    erin, bob, alice = (world.users[e] for e in ("erin@example.com", "bob@example.com", "alice@example.com"))
    assert labels.resolved_at is not None and storefront.resolved_at is not None
    world.story.at(labels.resolved_at + timedelta(days=1))
    world.story.act_as(erin)
    _item(
        world,
        labels,
        "Add an alert on carrier API 401 responses",
        "detect",
        "dan@example.com",
        world.now - timedelta(days=5),
        priority="high",
        ticket_url="https://tracker.example.com/SHIP-41",
    )
    _item(
        world,
        labels,
        "Track carrier credential rotations in the on-call calendar",
        "process",
        "erin@example.com",
        world.now + timedelta(days=10),
    )
    _publish(
        world,
        labels,
        LABELS,
        factors=[
            {"category": "technical", "text": "Credentials are read only at start-up."},
            {"category": "process", "text": "Rotation notices go to an unwatched shared mailbox."},
        ],
        tags=["carrier", "credentials"],
        public_sections=["summary", "root_cause", "mitigation", "action_items"],
    )
    world.story.at(storefront.resolved_at + timedelta(days=1))
    world.story.act_as(bob)
    _item(
        world,
        storefront,
        "Load-test checkout at three times peak traffic before each sale",
        "prevent",
        "bob@example.com",
        world.now + timedelta(days=14),
    )
    _publish(
        world,
        storefront,
        STOREFRONT,
        factors=[{"category": "monitoring", "text": "No alert on connection-pool saturation."}],
        tags=["capacity", "flash-sale"],
        public_sections=["summary", "mitigation"],
    )
    world.story.at(storefront.resolved_at + timedelta(days=2))
    world.story.act_as(alice)
    incidents.change_status(world.story.ctx, storefront, status="closed")
