"""Test notifications verify a method; a method that fails is marked failing with the reason, never skipped."""

# ruff: noqa: F811 - fixtures imported from test_contacts_support are used as test parameters

from __future__ import annotations

from datetime import datetime

from test_contacts_support import declare, deliveries, inbox, page, receiver, run, settings  # noqa: F401
from warroom.contacts import service as contacts
from warroom.contacts.models import ContactMethod
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident


def _method(db, method_id):
    with db.session(readonly=True) as session:
        method = session.get(ContactMethod, method_id)
        session.expunge_all()
        return method


def test_the_test_button_sends_a_test_and_marks_the_method_verified(db, clock, settings, bob_api, inbox):
    created = bob_api.post("/api/v1/users/me/contact-methods", json={"kind": "email", "target": "bob@work.example.com"})
    assert created.status_code == 201, created.text
    method_id = created.json()["id"]
    assert created.json()["status"] == "unverified"
    queued = bob_api.post(f"/api/v1/users/me/contact-methods/{method_id}/test")
    assert queued.status_code == 202
    assert queued.json()["is_test"] is True
    assert queued.json()["status"] == "queued"
    assert run(db, clock, settings, "page-email") == 1
    [message] = inbox.messages()
    assert message["Subject"] == "Warroom test notification"
    shown = bob_api.get(f"/api/v1/users/me/contact-methods/{method_id}").json()
    assert shown["status"] == "verified"
    assert datetime.fromisoformat(shown["verified_at"]) == clock.now()


def test_a_rejected_webhook_marks_the_method_failing_with_the_reason(
    db, clock, settings, make_ctx, alice, bob, receiver
):
    receiver.status = 410
    with make_ctx(actor=bob.user) as ctx:
        method = contacts.add_contact_method(ctx, user_id=bob.id, kind="webhook", target=receiver.url + "/gone").method
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user, key="k")
    assert run(db, clock, settings, "page-webhook") == 1
    [row] = deliveries(db)
    port = receiver.server.server_address[1]
    reason = (
        f'127.0.0.1:{port} answered 410: {{"message": "refused"}} '
        "(not retried; fix the address or the receiver, then send a test)"
    )
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, reason)
    failing = _method(db, method.id)
    assert (failing.status, failing.last_error, failing.last_error_at) == ("failing", reason, clock.now())
    with make_ctx() as ctx:
        events = incidents.timeline(ctx, ctx.session.get(Incident, incident.id))
        [failed] = [e for e in events if e.kind == "contacts.page_failed"]
        assert failed.data["summary"] == f"Page to Bob by Webhook failed after 1 attempt(s): {reason[:200]}"


def test_a_failing_method_is_still_used_for_the_next_page(db, clock, settings, make_ctx, alice, bob, receiver):
    receiver.status = 400
    with make_ctx(actor=bob.user) as ctx:
        method = contacts.add_contact_method(ctx, user_id=bob.id, kind="slack", target=receiver.url + "/s").method
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user, key="first")
    run(db, clock, settings, "page-slack")
    assert _method(db, method.id).status == "failing"
    receiver.status = 200
    page(make_ctx, incident, bob.user, key="second")
    assert run(db, clock, settings, "page-slack") == 1
    assert len(receiver.requests) == 2
    assert _method(db, method.id).status == "verified"


def test_the_ui_shows_a_failing_method_with_its_reason(db, clock, settings, client, make_ctx, bob, receiver):
    from conftest import ui_login

    receiver.status = 404
    with make_ctx(actor=bob.user) as ctx:
        method = contacts.add_contact_method(ctx, user_id=bob.id, kind="webhook", target=receiver.url + "/x").method
        contacts.send_test_notification(ctx, user_id=bob.id, method_id=method.id)
    run(db, clock, settings, "page-webhook")
    ui_login(client, bob)
    page_html = client.get("/me/contacts").text
    assert "✕</span> failing" in page_html
    assert "answered 404" in page_html
