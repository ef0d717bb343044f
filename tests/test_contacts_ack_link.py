"""A page by email over real SMTP (aiosmtpd), and its signed acknowledge link: GET shows, POST acknowledges."""

# ruff: noqa: F811 - fixtures imported from test_contacts_support are used as test parameters

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from test_contacts_support import declare, deliveries, inbox, page, receiver, run, settings  # noqa: F401
from warroom.contacts.ack import make_token
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident

ACK_LINK = re.compile(r"http://testserver(/ack/[0-9a-f.]+)")


def _ack_path(inbox: Any) -> str:
    [message] = inbox.messages()
    found = ACK_LINK.search(message.get_content())
    assert found is not None
    return found.group(1)


def test_a_page_reaches_the_smtp_server_with_the_title_and_an_ack_link(
    db, clock, settings, make_ctx, alice, bob, inbox
):
    incident = declare(make_ctx, alice.user, title="WMS pick lists stuck")
    page(make_ctx, incident, bob.user, key="inc1:loop0:rule0")
    assert run(db, clock, settings, "page-email") == 1
    [message] = inbox.messages()
    assert message["To"] == "bob@example.com"
    assert message["Subject"] == f"[SEV1] Incident #{incident.id}: WMS pick lists stuck"
    assert message["Message-ID"] == "<inc1%3Aloop0%3Arule0%3Aaccount-email@warroom>"
    assert message["X-Warroom-Delivery-Id"] == "inc1:loop0:rule0:account-email"
    body = message.get_content()
    assert "WMS pick lists stuck" in body
    assert "Severity: SEV1" in body
    assert f"http://testserver/incidents/{incident.id}" in body
    assert "/ack/" in _ack_path(inbox)
    [row] = deliveries(db)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, clock.now())


def test_following_the_link_shows_the_incident_and_only_the_post_acknowledges(
    db, clock, settings, make_ctx, alice, bob, inbox, client
):
    incident = declare(make_ctx, alice.user, title="WMS pick lists stuck")
    page(make_ctx, incident, bob.user)
    run(db, clock, settings, "page-email")
    path = _ack_path(inbox)

    shown = client.get(path)
    assert shown.status_code == 200
    assert "WMS pick lists stuck" in shown.text
    assert "SEV1" in shown.text
    assert f'action="{path}"' in shown.text
    assert shown.headers["referrer-policy"] == "no-referrer"
    with make_ctx() as ctx:
        assert ctx.session.get(Incident, incident.id).acknowledged_at is None  # a scanner's GET did nothing

    clock.advance(minutes=3)
    done = client.post(path)
    assert done.status_code == 200
    assert "Acknowledged" in done.text
    with make_ctx() as ctx:
        fresh = ctx.session.get(Incident, incident.id)
        assert fresh.acknowledged_at == clock.now()
        assert fresh.acknowledged_by_id == bob.id
        [event] = [e for e in incidents.timeline(ctx, fresh) if e.kind == "incident.acknowledged"]
        assert (event.actor_id, event.actor_name, event.source) == (bob.id, "Bob", "ack-link")

    again = client.post(path)
    assert again.status_code == 200
    assert "already acknowledged" in again.text
    with make_ctx() as ctx:
        fresh = ctx.session.get(Incident, incident.id)
        kinds = [e.kind for e in incidents.timeline(ctx, fresh)]
        assert kinds.count("incident.acknowledged") == 1


def test_a_forged_token_is_refused_with_a_clear_page(db, clock, settings, make_ctx, alice, bob, inbox, client):
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user)
    run(db, clock, settings, "page-email")
    path = _ack_path(inbox)
    forged = path[:-1] + ("0" if path[-1] != "0" else "1")
    for response in (client.get(forged), client.post(forged), client.post("/ack/not-a-token")):
        assert response.status_code == 403
        assert "not valid" in response.text
    # A token for another person (the signature covers the user id) is forged too.
    row_id, _user, expires, signature = path.removeprefix("/ack/").split(".")
    assert client.post(f"/ack/{row_id}.{alice.id}.{expires}.{signature}").status_code == 403
    with make_ctx() as ctx:
        assert ctx.session.get(Incident, incident.id).acknowledged_at is None


def test_an_expired_link_is_refused_after_24_hours(db, clock, settings, make_ctx, alice, bob, inbox, client):
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user)
    run(db, clock, settings, "page-email")
    path = _ack_path(inbox)
    clock.advance(hours=23, minutes=59)
    assert client.get(path).status_code == 200
    clock.advance(minutes=1)
    expired = client.post(path)
    assert expired.status_code == 410
    assert "expired" in expired.text
    with make_ctx() as ctx:
        assert ctx.session.get(Incident, incident.id).acknowledged_at is None


def test_a_link_signed_with_another_secret_key_is_refused(db, clock, settings, make_ctx, alice, bob, inbox, client):
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user)
    [row] = deliveries(db)
    other = settings.with_overrides(secret_key="another-secret-" + "y" * 40)
    token = make_token(other, page_delivery_id=row.id, user_id=bob.id, expires_at=clock.now() + timedelta(hours=1))
    assert client.post(f"/ack/{token}").status_code == 403
    good = make_token(settings, page_delivery_id=row.id, user_id=bob.id, expires_at=clock.now() + timedelta(hours=1))
    assert client.post(f"/ack/{good}").status_code == 200
