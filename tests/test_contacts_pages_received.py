"""pages_received: one record per page and person (not per method), in the window, tests left out."""

from __future__ import annotations

from datetime import timedelta

from test_contacts_support import declare, inbox, page, receiver, settings  # noqa: F401
from warroom.contacts import service as contacts


def test_one_record_per_page_key_and_person(db, clock, make_ctx, alice, bob):
    with make_ctx(actor=bob.user) as ctx:
        email = contacts.add_contact_method(ctx, user_id=bob.id, kind="email", target="bob@work.example.com").method
        sms = contacts.add_contact_method(ctx, user_id=bob.id, kind="sms", target="+4915112345678").method
        contacts.add_rule(ctx, user_id=bob.id, contact_method_id=email.id, delay_minutes=0)
        contacts.add_rule(ctx, user_id=bob.id, contact_method_id=sms.id, delay_minutes=2)
        contacts.send_test_notification(ctx, user_id=bob.id, method_id=email.id)
    first = declare(make_ctx, alice.user)
    start = clock.now()
    page(make_ctx, first, bob.user, key="a")
    page(make_ctx, first, alice.user, key="a")
    clock.advance(hours=3)
    second = declare(make_ctx, alice.user)
    page(make_ctx, second, bob.user, key="b")
    with make_ctx() as ctx:
        records = contacts.pages_received(ctx.session, [bob.id, alice.id], start, start + timedelta(days=1))
        assert [(r.user_id, r.page_key, r.at, r.incident_id) for r in records] == [
            (alice.id, "a", start, first.id),
            (bob.id, "a", start, first.id),
            (bob.id, "b", start + timedelta(hours=3), second.id),
        ]
        assert (
            contacts.pages_received(ctx.session, [bob.id], start + timedelta(hours=1), start + timedelta(hours=3)) == []
        )
        assert contacts.pages_received(ctx.session, [], start, start + timedelta(days=1)) == []
        assert contacts.pages_received(ctx.session, [bob.id], start, start + timedelta(hours=3))[0].page_key == "a"
