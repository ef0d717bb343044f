"""Schedules part of the demo dataset: a weekly primary and a daily secondary rotation for the WMS, one override."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from warroom.catalog import service as catalog
from warroom.errors import NotFound
from warroom.schedules import service as schedules

if TYPE_CHECKING:
    from warroom.demo import DemoWorld

ZONE = "Europe/Berlin"


def _monday_0900_weeks_before(now: datetime, weeks: int) -> datetime:
    local = now.astimezone(ZoneInfo(ZONE)).date() - timedelta(weeks=weeks)
    monday = local - timedelta(days=local.weekday())
    return datetime.combine(monday, time(9, 0), ZoneInfo(ZONE)).astimezone(UTC)


def seed(world: DemoWorld) -> None:
    """Add this domain's demo data (called after the demo incidents exist)."""
    ctx = world.story.ctx
    users = world.users
    alice, bob, dan, erin = (users[f"{n}@example.com"] for n in ("alice", "bob", "dan", "erin"))
    world.story.at(world.now - timedelta(days=21))
    world.story.act_as(erin)
    try:
        team_id: int | None = catalog.find_team(ctx, "Warehouse Platform").id
    except NotFound:
        team_id = None
    start = _monday_0900_weeks_before(world.now, 3)
    primary = schedules.create_schedule(
        ctx,
        name="WMS primary",
        time_zone=ZONE,
        team_id=team_id,
        description="First line for the WMS and Inventory DB. Weekly handoff Monday 09:00 Berlin time.",
        handoff_notices=True,
    )
    schedules.add_layer(
        ctx,
        primary,
        name="Weekly rotation",
        rotation_start=start,
        turn_length=1,
        turn_unit="weeks",
        members=[alice.id, bob.id, dan.id],
    )
    secondary = schedules.create_schedule(
        ctx,
        name="WMS secondary",
        time_zone=ZONE,
        team_id=team_id,
        description="Backup when primary does not acknowledge. Daily handoff at 09:00.",
    )
    schedules.add_layer(
        ctx,
        secondary,
        name="Daily rotation",
        rotation_start=start,
        turn_length=1,
        turn_unit="days",
        members=[erin.id, dan.id],
    )
    world.story.at(world.now - timedelta(hours=2))
    world.story.act_as(bob)
    # Bob covers tomorrow evening for whoever holds primary then (a dentist appointment, say).
    evening = datetime.combine(
        world.now.astimezone(ZoneInfo(ZONE)).date() + timedelta(days=1), time(17, 0), ZoneInfo(ZONE)
    ).astimezone(UTC)
    schedules.add_override(
        ctx, primary, user_id=bob.id, start=evening, end=evening + timedelta(hours=5), reason="covering a dentist visit"
    )
