"""Comms part of the demo dataset: a bridge on the WMS incident, stakeholders, confirmed subscribers."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from warroom.comms import service as comms
from warroom.comms.models import StatusSubscriber

if TYPE_CHECKING:
    from warroom.demo import DemoWorld

DEMO_SUBSCRIBERS = (
    ("ops-lead@customer.example", ("WMS", "Picking")),
    ("it-desk@retailer.example", ()),
    ("shipping@partner.example", ("Carrier Label API",)),
)


def seed(world: DemoWorld) -> None:
    """Add this domain's demo data (called after the demo incidents exist)."""
    story = world.story
    wms = world.incidents["wms"]
    story.at(wms.declared_at + timedelta(minutes=3))
    comms.set_bridge(story.ctx, wms, url="https://meet.example.com/wms-sev1", label="WMS SEV1 bridge (Meet)")
    people = sorted(world.users.values(), key=lambda u: u.id)
    # Carol (a viewer, the stakeholder type) follows every SEV1; Dan follows the WMS.
    first = world.users.get("carol@example.com", people[0])
    second = world.users.get("dan@example.com", people[-1])
    story.act_as(first)
    comms.subscribe_stakeholder(story.ctx, scope="severity", severity="SEV1")
    story.act_as(second)
    comms.subscribe_stakeholder(story.ctx, scope="service", service_id=world.services["WMS"].id)
    # Confirmed as if each had followed its link: the demo has no mailbox to click in.
    for email, names in DEMO_SUBSCRIBERS:
        story.ctx.session.add(
            StatusSubscriber(
                kind="email",
                email=email,
                component_ids=sorted(world.services[n].id for n in names if n in world.services),
                token_nonce=secrets.token_hex(16),
                confirmed_at=world.now - timedelta(days=20),
                created_at=world.now - timedelta(days=20),
            )
        )
    story.ctx.session.flush()
