"""Notification rules on the fake clock: delays at exact instants, skipped after ack or resolve, urgency, ids."""

# ruff: noqa: F811 - fixtures imported from test_contacts_support are used as test parameters

from __future__ import annotations

from datetime import timedelta

from test_contacts_support import declare, deliveries, inbox, page, receiver, run, settings  # noqa: F401
from warroom.contacts import service as contacts
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident


def _setup_email_then_sms(make_ctx, person, urgency="any"):
    with make_ctx(actor=person) as ctx:
        email = contacts.add_contact_method(ctx, user_id=person.id, kind="email", target="bob@work.example.com").method
        sms = contacts.add_contact_method(ctx, user_id=person.id, kind="sms", target="+4915112345678").method
        contacts.add_rule(ctx, user_id=person.id, contact_method_id=email.id, delay_minutes=0, urgency=urgency)
        contacts.add_rule(ctx, user_id=person.id, contact_method_id=sms.id, delay_minutes=2, urgency=urgency)
    return email, sms


def test_email_goes_at_once_and_sms_two_minutes_later(db, clock, settings, make_ctx, alice, bob, inbox, receiver):
    email, sms = _setup_email_then_sms(make_ctx, bob.user)
    incident = declare(make_ctx, alice.user)
    start = clock.now()
    page(make_ctx, incident, bob.user, key="k1")
    assert run(db, clock, settings, "page-email", "page-sms") == 1
    assert [m["To"] for m in inbox.messages()] == ["bob@work.example.com"]
    clock.advance(minutes=1, seconds=59)
    assert run(db, clock, settings, "page-sms") == 0
    clock.advance(seconds=1)
    assert run(db, clock, settings, "page-sms") == 1
    assert len(receiver.requests) == 1
    rows = {r.delivery_id: r for r in deliveries(db)}
    assert rows[f"k1:{email.id}"].sent_at == start
    assert rows[f"k1:{sms.id}"].due_at == start + timedelta(minutes=2)
    assert rows[f"k1:{sms.id}"].sent_at == start + timedelta(minutes=2)


def test_a_delayed_rule_is_skipped_once_the_incident_is_acknowledged(
    db, clock, settings, make_ctx, alice, bob, receiver
):
    _email, sms = _setup_email_then_sms(make_ctx, bob.user)
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user, key="k1")
    run(db, clock, settings, "page-email")
    clock.advance(minutes=1)
    with make_ctx(actor=bob.user) as ctx:
        incidents.acknowledge(ctx, ctx.session.get(Incident, incident.id))
    clock.advance(minutes=1)
    assert run(db, clock, settings, "page-sms") == 1
    assert receiver.requests == []
    row = {r.delivery_id: r for r in deliveries(db)}[f"k1:{sms.id}"]
    assert row.status == "skipped"
    assert row.last_error == "not sent: the incident was acknowledged before this step was due"
    assert row.sent_at is None


def test_a_delayed_rule_is_skipped_once_the_incident_is_resolved(db, clock, settings, make_ctx, alice, bob, receiver):
    _setup_email_then_sms(make_ctx, bob.user)
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user, key="k1")
    with make_ctx(actor=alice.user) as ctx:
        incidents.change_status(ctx, ctx.session.get(Incident, incident.id), status="resolved")
    clock.advance(minutes=2)
    run(db, clock, settings, "page-sms")
    assert receiver.requests == []
    statuses = sorted(r.status for r in deliveries(db))
    assert statuses == ["queued", "skipped"]  # the email job was not run in this test


def test_a_page_started_after_an_acknowledgement_still_goes_out(db, clock, settings, make_ctx, alice, bob, inbox):
    incident = declare(make_ctx, alice.user)
    with make_ctx(actor=alice.user) as ctx:
        incidents.acknowledge(ctx, ctx.session.get(Incident, incident.id))
    clock.advance(minutes=30)
    page(make_ctx, incident, bob.user, key="retrigger-1")
    assert run(db, clock, settings, "page-email") == 1
    assert len(inbox.messages()) == 1


def test_rules_match_the_urgency_of_the_incident(db, clock, settings, make_ctx, alice, bob):
    with make_ctx(actor=bob.user) as ctx:
        email = contacts.add_contact_method(ctx, user_id=bob.id, kind="email", target="bob@work.example.com").method
        sms = contacts.add_contact_method(ctx, user_id=bob.id, kind="sms", target="+4915112345678").method
        contacts.add_rule(ctx, user_id=bob.id, contact_method_id=email.id, delay_minutes=0, urgency="any")
        contacts.add_rule(ctx, user_id=bob.id, contact_method_id=sms.id, delay_minutes=0, urgency="high")
    low = declare(make_ctx, alice.user, severity="SEV3")
    high = declare(make_ctx, alice.user, severity="SEV2")
    page(make_ctx, low, bob.user, key="low")
    page(make_ctx, high, bob.user, key="high")
    ids = sorted(r.delivery_id for r in deliveries(db))
    assert ids == sorted([f"high:{email.id}", f"high:{sms.id}", f"low:{email.id}"])


def test_the_same_method_twice_gets_a_delay_suffix(db, clock, settings, make_ctx, alice, bob):
    with make_ctx(actor=bob.user) as ctx:
        email = contacts.add_contact_method(ctx, user_id=bob.id, kind="email", target="bob@work.example.com").method
        contacts.add_rule(ctx, user_id=bob.id, contact_method_id=email.id, delay_minutes=0)
        contacts.add_rule(ctx, user_id=bob.id, contact_method_id=email.id, delay_minutes=5)
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user, key="k")
    assert [r.delivery_id for r in deliveries(db)] == [f"k:{email.id}", f"k:{email.id}:+5m"]


def test_paging_twice_with_one_key_sends_once(db, clock, settings, make_ctx, alice, bob, inbox):
    _setup_email_then_sms(make_ctx, bob.user)
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user, key="same")
    page(make_ctx, incident, bob.user, key="same")
    assert len(deliveries(db)) == 2
    run(db, clock, settings, "page-email")
    assert len(inbox.messages()) == 1
    with make_ctx() as ctx:
        events = [
            e for e in incidents.timeline(ctx, ctx.session.get(Incident, incident.id)) if e.kind == "contacts.paged"
        ]
        assert [e.data["summary"] for e in events] == ["Paged Bob: Email now, SMS after 2 min"]


def test_a_person_without_contact_methods_is_paged_at_the_account_email(
    db, clock, settings, make_ctx, alice, bob, inbox
):
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user, key="k", reason="on call")
    [row] = deliveries(db)
    assert (row.delivery_id, row.channel, row.target) == ("k:account-email", "email", "bob@example.com")
    assert "no contact methods" in row.reason
    run(db, clock, settings, "page-email")
    assert [m["To"] for m in inbox.messages()] == ["bob@example.com"]
    with make_ctx() as ctx:
        [event] = [
            e for e in incidents.timeline(ctx, ctx.session.get(Incident, incident.id)) if e.kind == "contacts.paged"
        ]
        assert (
            event.data["summary"] == "Paged Bob: Email now (Bob has no contact methods, so the account email was used)"
        )
