"""The demo's contact methods, rules and a week of page history (night pages in each person's zone)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from warroom import demo
from warroom.auth.models import User
from warroom.contacts import service as contacts
from warroom.contacts.models import PageDelivery


def test_the_demo_has_contact_methods_rules_and_a_week_of_pages(make_ctx, clock):
    with make_ctx() as ctx:
        demo.load(ctx)
    with make_ctx() as ctx:
        users = {u.email: u for u in ctx.session.scalars(select(User))}
        alice, bob, dan = users["alice@example.com"], users["bob@example.com"], users["dan@example.com"]
        assert [(m.kind, m.status) for m in contacts.list_contact_methods(ctx, user_id=alice.id)] == [
            ("email", "verified"),
            ("sms", "unverified"),
        ]
        assert [(r.delay_minutes, r.urgency) for r in contacts.list_rules(ctx, user_id=alice.id)] == [
            (0, "any"),
            (2, "high"),
        ]
        assert contacts.list_contact_methods(ctx, user_id=dan.id) == []
        now = clock.now()
        received = contacts.pages_received(ctx.session, [alice.id, bob.id, dan.id], now - timedelta(days=7), now)
        # Only the history rows: other domains' demo steps may page people live as well.
        week = [r for r in received if r.page_key.startswith("demo-history:")]
        per_person = {u.id: [r for r in week if r.user_id == u.id] for u in (alice, bob, dan)}
        assert [len(per_person[u.id]) for u in (alice, bob, dan)] == [5, 3, 3]

        def night(user: User) -> int:
            hours = [r.at.astimezone(ZoneInfo(user.timezone)).hour for r in per_person[user.id]]
            return sum(1 for h in hours if h >= 22 or h < 7)

        assert [night(u) for u in (alice, bob, dan)] == [4, 1, 1]
        rows = list(ctx.session.scalars(select(PageDelivery).where(PageDelivery.is_demo.is_(True))))
        assert all(r.page_key.startswith("demo-history:") and r.status == "sent" and r.created_at < now for r in rows)
        assert len(rows) == 11 + 3  # Alice's three night pages also went by SMS
