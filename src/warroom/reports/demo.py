"""Reports part of the demo dataset: stores call about the WMS outage, which confirms the incident."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from warroom.reports import service

if TYPE_CHECKING:
    from warroom.demo import DemoWorld


def seed(world: DemoWorld) -> None:
    """Two reports on the ongoing WMS incident: a support ticket from DE and a phone call from NL."""
    story = world.story
    wms = world.services["WMS"].id
    story.act_as(world.users["dan@example.com"])
    story.at(world.incidents["wms"].detected_at + timedelta(minutes=12))
    service.create_report(
        story.ctx,
        reporter="Hamburg fulfilment centre (ticket #48213)",
        channel="support_ticket",
        service_id=wms,
        region="DE",
        segment="B2C",
        description="Pickers' handhelds show empty pick lists since about 10 minutes; nothing can be picked.",
    )
    story.at(world.incidents["wms"].detected_at + timedelta(minutes=19))
    service.create_report(
        story.ctx,
        reporter="Tilburg warehouse shift lead",
        channel="phone",
        service_id=wms,
        region="NL",
        segment="Marketplace sellers",
        description="Called the hotline: stock lookups time out and no shipping labels print for seller parcels.",
    )
