"""Silences part of the demo dataset: staging is being load-tested, so its alerts are silenced."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from warroom.silences import service

if TYPE_CHECKING:
    from warroom.demo import DemoWorld


def seed(world: DemoWorld) -> None:
    """An active silence on env=staging, created by Bob 40 minutes ago for six hours."""
    story = world.story
    story.at(world.now - timedelta(minutes=40))
    story.act_as(world.users["bob@example.com"])
    service.create_silence(
        story.ctx,
        matchers=[{"name": "env", "op": "=", "value": "staging"}],
        comment="Peak-season load test on staging until this evening; staging alerts are expected and page nobody.",
        ends_at=world.now + timedelta(hours=6),
    )
