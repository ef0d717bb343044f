"""Each channel on the wire: signed webhook, Slack-format JSON, Twilio-compatible SMS and voice (loopback fakes)."""

# ruff: noqa: F811 - fixtures imported from test_contacts_support are used as test parameters

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import parse_qs

from test_contacts_support import (  # noqa: F401
    TWILIO_SID,
    TWILIO_TOKEN,
    declare,
    deliveries,
    inbox,
    page,
    receiver,
    run,
    settings,
)
from warroom.contacts import service as contacts
from warroom.lib.signing import verify


def _add(make_ctx, person, kind, target):
    with make_ctx(actor=person) as ctx:
        return contacts.add_contact_method(ctx, user_id=person.id, kind=kind, target=target)


def test_a_webhook_page_is_signed_and_carries_the_delivery_id(db, clock, settings, make_ctx, alice, bob, receiver):
    added = _add(make_ctx, bob.user, "webhook", receiver.url + "/hook")
    incident = declare(make_ctx, alice.user, title="Labels not printing")
    page(make_ctx, incident, bob.user, key="inc9:l0:r0")
    assert run(db, clock, settings, "page-webhook") == 1
    [request] = receiver.requests
    assert request.path == "/hook"
    assert request.headers["x-warroom-delivery-id"] == f"inc9:l0:r0:{added.method.id}"
    assert request.headers["x-warroom-event"] == "page"
    timestamp = int(request.headers["x-warroom-timestamp"])
    assert timestamp == int(clock.now().timestamp())
    assert verify(added.secret, timestamp, request.body, request.headers["x-warroom-signature"])
    body = request.json()
    assert body["type"] == "page"
    assert body["delivery_id"] == f"inc9:l0:r0:{added.method.id}"
    assert body["incident"]["title"] == "Labels not printing"
    assert body["incident"]["severity"] == "SEV1"
    assert body["incident"]["url"] == f"http://testserver/incidents/{incident.id}"
    assert body["ack_url"].startswith("http://testserver/ack/")


def test_a_slack_page_uses_the_incoming_webhook_format(db, clock, settings, make_ctx, alice, bob, receiver):
    _add(make_ctx, bob.user, "slack", receiver.url + "/services/T000/B000/XXXX")
    incident = declare(make_ctx, alice.user, title="Labels not printing", severity="SEV2")
    page(make_ctx, incident, bob.user)
    assert run(db, clock, settings, "page-slack") == 1
    [request] = receiver.requests
    body = request.json()
    assert set(body) == {"text", "blocks"}
    assert body["text"].startswith(
        f"[SEV2] Incident #{incident.id}: Labels not printing. Acknowledge: http://testserver/ack/"
    )
    assert [b["type"] for b in body["blocks"]] == ["header", "section", "section", "actions", "context"]
    buttons = body["blocks"][3]["elements"]
    assert [b["text"]["text"] for b in buttons] == ["Acknowledge", "Open incident"]
    assert buttons[0]["url"].startswith("http://testserver/ack/")
    assert "x-warroom-signature" not in request.headers


def test_sms_and_voice_go_to_the_twilio_api_with_basic_auth(db, clock, settings, make_ctx, alice, bob, receiver):
    _add(make_ctx, bob.user, "sms", "+4915112345678")
    _add(make_ctx, bob.user, "voice", "+4915112345679")
    incident = declare(make_ctx, alice.user, title="WMS down")
    page(make_ctx, incident, bob.user)
    assert run(db, clock, settings, "page-sms") == 2
    by_path = {r.path: r for r in receiver.requests}
    expected_auth = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    sms = by_path[f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"]
    assert sms.headers["authorization"] == expected_auth
    assert sms.headers["content-type"] == "application/x-www-form-urlencoded"
    form = parse_qs(sms.body.decode())
    assert form["To"] == ["+4915112345678"]
    assert form["From"] == ["+15005550006"]
    assert form["Body"][0].startswith(f"Warroom SEV1 #{incident.id}: WMS down. Ack: http://testserver/ack/")
    call = by_path[f"/2010-04-01/Accounts/{TWILIO_SID}/Calls.json"]
    assert call.headers["authorization"] == expected_auth
    call_form = parse_qs(call.body.decode())
    assert call_form["To"] == ["+4915112345679"]
    assert call_form["Twiml"][0].startswith("<Response><Say>Warroom page. Severity 1 incident number")
    assert {d.status for d in deliveries(db)} == {"sent"}


def test_sms_without_provider_settings_is_logged_as_not_configured(db, clock, settings, make_ctx, alice, bob):
    _add(make_ctx, bob.user, "sms", "+4915112345678")
    incident = declare(make_ctx, alice.user)
    bare = settings.with_overrides(twilio_account_sid=None)
    with make_ctx() as ctx:
        ctx.settings = bare
        contacts.page_user(
            ctx, incident=ctx.session.get(type(incident), incident.id), user=bob.user, page_key="k", reason="r"
        )
    [row] = deliveries(db)
    assert row.status == "not_configured"
    assert "WARROOM_TWILIO_ACCOUNT_SID" in (row.last_error or "")
    assert run(db, clock, bare, "page-sms") == 0


def test_a_503_is_retried_at_the_backoff_instant_and_logged(db, clock, settings, make_ctx, alice, bob, receiver):
    receiver.status = 503
    _add(make_ctx, bob.user, "slack", receiver.url + "/slack")
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user)
    start = clock.now()
    assert run(db, clock, settings, "page-slack") == 1
    [row] = deliveries(db)
    assert (row.status, row.attempts) == ("retrying", 1)
    assert row.next_attempt_at == start + timedelta(seconds=settings.job_backoff_seconds)
    port = receiver.server.server_address[1]
    assert row.last_error == f'127.0.0.1:{port} answered 503: {{"message": "refused"}}'
    clock.advance(seconds=settings.job_backoff_seconds - 1)
    assert run(db, clock, settings, "page-slack") == 0
    clock.advance(seconds=1)
    receiver.status = 200
    assert run(db, clock, settings, "page-slack") == 1
    assert len(receiver.requests) == 2
    [row] = deliveries(db)
    assert (row.status, row.attempts, row.last_error, row.sent_at) == ("sent", 2, None, clock.now())
