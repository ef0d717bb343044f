"""Status part of the demo dataset: the WMS outage on the public page with two updates and 90 days of history."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from warroom.maintenance import service as maintenance
from warroom.status import service

if TYPE_CHECKING:
    from warroom.demo import DemoWorld

PUBLIC_COMPONENTS = ("WMS", "Picking", "Carrier Label API", "Storefront", "Returns Portal")
# (days ago, hours into that day, duration in minutes, component, status): small past outages for the bars.
PAST_OUTAGES = (
    (83, 9, 45, "Storefront", "degraded_performance"),
    (61, 14, 120, "Carrier Label API", "partial_outage"),
    (47, 3, 30, "Returns Portal", "major_outage"),
    (33, 16, 90, "Picking", "degraded_performance"),
    (19, 10, 95, "Carrier Label API", "major_outage"),
    (6, 8, 240, "Storefront", "degraded_performance"),
)


def seed(world: DemoWorld) -> None:
    """Add this domain's demo data (called after the demo incidents exist)."""
    story, ctx, now = world.story, world.story.ctx, world.now
    ids = {name: world.services[name].id for name in PUBLIC_COMPONENTS if name in world.services}
    story.act_as(world.users["alice@example.com"])
    service.save_page_settings(
        ctx,
        name="Acme Logistics Status",
        support_url="https://support.example.com",
        links=[("Acme Logistics", "https://www.example.com")],
    )
    day_zero = datetime.combine((now - timedelta(days=90)).date(), time(0), tzinfo=UTC)
    story.at(day_zero)
    service.set_component_statuses(ctx, {service_id: "operational" for service_id in ids.values()})
    for days_ago, hour, minutes, name, status in PAST_OUTAGES:
        start = datetime.combine((now - timedelta(days=days_ago)).date(), time(hour), tzinfo=UTC)
        story.at(start)
        service.set_component_statuses(ctx, {ids[name]: status})
        story.at(start + timedelta(minutes=minutes))
        service.set_component_statuses(ctx, {ids[name]: "operational"})
    _wms_updates(world, ids)
    story.at(now)
    # Daily totals as the nightly job would have kept them.
    day = day_zero.date()
    while day < now.date():
        service.record_day(ctx, day)
        day += timedelta(days=1)
    next_week = datetime.combine((now + timedelta(days=7)).date(), time(2), tzinfo=UTC)
    maintenance.schedule(
        ctx,
        title="Inventory database upgrade",
        message="Stock lookups may pause for up to 10 minutes during the window.",
        service_ids=[ids["WMS"], ids["Picking"]],
        starts_at=next_week,
        ends_at=next_week + timedelta(hours=2),
    )


def _wms_updates(world: DemoWorld, ids: dict[str, int]) -> None:
    story, ctx, now = world.story, world.story.ctx, world.now
    wms = world.incidents["wms"]
    story.act_as(world.users["erin@example.com"])
    first = now - timedelta(minutes=95) + timedelta(minutes=20)
    story.at(first)
    service.publish_update(
        ctx,
        wms,
        status="investigating",
        name="Delays in warehouse order processing",
        body="Orders are being processed slowly in our warehouses and some shipments will leave late. "
        "We are investigating.",
        components={ids["WMS"]: "major_outage", ids["Picking"]: "partial_outage"},
        next_update_by=first + timedelta(minutes=30),
    )
    second = now - timedelta(minutes=95) + timedelta(minutes=45)
    story.at(second)
    service.publish_update(
        ctx,
        wms,
        status="identified",
        body="We have found the cause: a damaged database index. Repairs are under way, and urgent orders are "
        "being picked manually in the meantime.",
        components={ids["Carrier Label API"]: "degraded_performance"},
        next_update_by=now + timedelta(minutes=20),
    )
