"""Contacts part of the demo dataset: contact methods and rules, and a week of page history for on-call health."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from warroom.contacts import service as contacts
from warroom.contacts.methods import mark_verified
from warroom.contacts.models import PageDelivery

if TYPE_CHECKING:
    from warroom.auth.models import User
    from warroom.demo import DemoWorld
    from warroom.incidents.models import Incident

# (email, days before now, local hour, local minute, also by SMS): pages the rotation received last week,
# in each person's own zone. Alice's four night pages trip the on-call health threshold (> 3 in 7 days).
HISTORY = (
    ("alice@example.com", 6, 3, 10, True),
    ("alice@example.com", 5, 14, 20, False),
    ("alice@example.com", 4, 2, 40, True),
    ("alice@example.com", 3, 23, 30, False),
    ("alice@example.com", 1, 4, 5, True),
    ("bob@example.com", 6, 10, 0, False),
    ("bob@example.com", 2, 22, 45, False),
    ("bob@example.com", 1, 13, 15, False),
    ("dan@example.com", 5, 9, 30, False),
    ("dan@example.com", 3, 1, 20, False),
    ("dan@example.com", 2, 16, 0, False),
)


def seed(world: DemoWorld) -> None:
    """Add this domain's demo data (called after the demo incidents exist)."""
    ctx = world.story.ctx
    users = world.users
    world.story.at(world.now - timedelta(days=8))
    alice, bob, erin = users["alice@example.com"], users["bob@example.com"], users["erin@example.com"]
    # Alice: email at once, SMS two minutes later for urgent pages. SMS shows "not configured" until a
    # Twilio-compatible provider is set, which is the honest state of a demo install.
    world.story.act_as(alice)
    alice_email = contacts.add_contact_method(ctx, user_id=alice.id, kind="email", target=alice.email, label="work")
    alice_sms = contacts.add_contact_method(ctx, user_id=alice.id, kind="sms", target="+4915112340001", label="mobile")
    contacts.add_rule(ctx, user_id=alice.id, contact_method_id=alice_email.method.id, delay_minutes=0, urgency="any")
    contacts.add_rule(ctx, user_id=alice.id, contact_method_id=alice_sms.method.id, delay_minutes=2, urgency="high")
    mark_verified(ctx, alice_email.method)
    # Bob: email only, and a second email five minutes in as a nudge.
    world.story.act_as(bob)
    bob_email = contacts.add_contact_method(ctx, user_id=bob.id, kind="email", target=bob.email, label="work")
    contacts.add_rule(ctx, user_id=bob.id, contact_method_id=bob_email.method.id, delay_minutes=0)
    contacts.add_rule(ctx, user_id=bob.id, contact_method_id=bob_email.method.id, delay_minutes=5, urgency="high")
    mark_verified(ctx, bob_email.method)
    world.story.act_as(erin)
    erin_email = contacts.add_contact_method(ctx, user_id=erin.id, kind="email", target=erin.email)
    mark_verified(ctx, erin_email.method)
    # Dan has no contact methods: his page log shows the account-email fallback warning.
    email_methods = {m.user_id: m.id for m in (alice_email.method, bob_email.method, erin_email.method)}
    _history(world, sms_id=alice_sms.method.id, email_methods=email_methods)


def _history(world: DemoWorld, *, sms_id: int, email_methods: dict[int, int]) -> None:
    """Rows in the page log with past instants, marked as demo history: nothing is sent."""
    session = world.story.ctx.session
    incidents = sorted(world.incidents.values(), key=lambda i: i.declared_at)
    for number, (email, days, hour, minute, by_sms) in enumerate(HISTORY):
        user = world.users[email]
        at = _local(world.now, user, days=days, hour=hour, minute=minute)
        if at >= world.now:
            continue
        key = f"demo-history:{number}"
        incident = _incident_before(incidents, at)
        channels: list[tuple[str, int | None, str]] = [("email", email_methods.get(user.id), user.email)]
        if by_sms:
            channels.append(("sms", sms_id, "+4915112340001"))
        for channel, method_id, target in channels:
            session.add(
                PageDelivery(
                    delivery_id=f"{key}:{method_id or 'account-email'}",
                    page_key=key,
                    user_id=user.id,
                    incident_id=incident.id if incident else None,
                    contact_method_id=method_id,
                    channel=channel,
                    target=target,
                    reason="demo history: on call for WMS primary",
                    delay_minutes=0,
                    status="sent",
                    attempts=1,
                    due_at=at,
                    sent_at=at,
                    created_at=at,
                    updated_at=at,
                    is_demo=True,
                )
            )
    session.flush()


def _local(now: datetime, user: User, *, days: int, hour: int, minute: int) -> datetime:
    zone = ZoneInfo(user.timezone)
    day = now.astimezone(zone).date() - timedelta(days=days)
    return datetime.combine(day, time(hour, minute), zone).astimezone(UTC)


def _incident_before(incidents: list[Incident], at: datetime) -> Incident | None:
    earlier = [i for i in incidents if i.declared_at <= at]
    return earlier[-1] if earlier else None
