"""The demo has a weekly primary and a daily secondary WMS rotation and one override."""

from __future__ import annotations

from datetime import timedelta

from warroom import demo
from warroom.schedules import service as schedules


def test_the_demo_has_the_wms_rotations_and_someone_on_call_for_each(make_ctx, clock):
    with make_ctx() as ctx:
        demo.load(ctx)
    with make_ctx() as ctx:
        primary = schedules.find_schedule(ctx, "WMS primary")
        secondary = schedules.find_schedule(ctx, "WMS secondary")
        layers = schedules.layers_of(ctx.session, primary.id)
        assert [(layer.turn_unit, layer.handoff_time, len(layer.members)) for layer in layers] == [
            ("weeks", "09:00", 3)
        ]
        assert [(layer.turn_unit, len(layer.members)) for layer in schedules.layers_of(ctx.session, secondary.id)] == [
            ("days", 2)
        ]
        overrides = schedules.list_overrides(ctx, primary)
        assert [(o.end_at - o.start_at, o.reason) for o in overrides] == [
            (timedelta(hours=5), "covering a dentist visit")
        ]
        now = clock.now()
        primary_now = schedules.on_call_users(ctx.session, primary.id, now)
        assert next(u.email for u in primary_now) in {"alice@example.com", "bob@example.com", "dan@example.com"}
        assert next(u.email for u in schedules.on_call_users(ctx.session, secondary.id, now)) in {
            "erin@example.com",
            "dan@example.com",
        }
        assert [u.email for u in schedules.on_call_users(ctx.session, primary.id, overrides[0].start_at)] == [
            "bob@example.com"
        ]
