"""/notify: SMTP status, test email, endpoints with a secret shown once, and the delivery log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from conftest import ui_login
from warroom.notify.models import Delivery, WebhookEndpoint
from warroom.settings import Settings


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        mode="dev",
        secret_key="test-secret-" + "x" * 40,
        smtp_host="mail.internal",
        smtp_port=587,
        smtp_from="warroom@example.com",
        smtp_user="mailer",
        smtp_password="hunter2-password",
        smtp_tls="starttls",
    )


def test_the_page_shows_the_smtp_server_but_never_the_password(client, charlie):
    ui_login(client, charlie)
    page = client.get("/notify")
    assert page.status_code == 200
    assert '<dd class="mono">mail.internal:587</dd>' in page.text
    assert "mailer (password set in the environment)" in page.text
    assert "hunter2" not in page.text
    # Viewers read; they get no forms that change anything.
    assert 'action="/notify/test-email"' not in page.text
    assert 'action="/notify/webhooks"' not in page.text


def test_an_admin_sends_a_test_email_and_sees_it_queued(client, alice, db):
    csrf = ui_login(client, alice)
    response = client.post("/notify/test-email", data={"to": "alice@example.com", "csrf_token": csrf})
    assert response.status_code == 200  # followed the redirect
    with db.transaction() as session:
        delivery = session.scalar(select(Delivery))
    assert (delivery.target, delivery.status) == ("alice@example.com", "queued")
    assert f"Test email queued as delivery #{delivery.id}." in response.text
    assert '<span aria-hidden="true">◷</span> queued</span>' in response.text


def test_a_bad_test_address_is_shown_next_to_the_field(client, alice):
    csrf = ui_login(client, alice)
    response = client.post("/notify/test-email", data={"to": "alice", "csrf_token": csrf})
    assert response.status_code == 400
    assert 'aria-invalid="true" aria-describedby="test-to-error"' in response.text
    assert re.search(r'id="test-to-error" class="field-error">&#39;alice&#39; is not an email address', response.text)


def test_adding_an_endpoint_shows_the_secret_once(client, alice, db):
    csrf = ui_login(client, alice)
    response = client.post(
        "/notify/webhooks",
        data={
            "url": "https://hooks.example.com/w",
            "description": "chat",
            "event_kinds": "status.changed, note.added",
            "include_private": "on",
            "csrf_token": csrf,
        },
    )
    assert response.status_code == 201
    with db.transaction() as session:
        endpoint = session.scalar(select(WebhookEndpoint))
    assert (endpoint.event_kinds, endpoint.include_private) == (["status.changed", "note.added"], True)
    assert "Copy this signing secret now." in response.text
    assert f'value="{endpoint.secret}"' in response.text
    later = client.get("/notify")
    assert endpoint.secret not in later.text
    assert "status.changed, note.added" in later.text


def test_a_bad_endpoint_url_is_shown_next_to_the_field_and_kept(client, alice):
    csrf = ui_login(client, alice)
    response = client.post("/notify/webhooks", data={"url": "hooks.example.com", "csrf_token": csrf})
    assert response.status_code == 400
    assert 'id="wh-url-error" class="field-error">&#39;hooks.example.com&#39; is not a usable URL' in response.text
    assert 'value="hooks.example.com"' in response.text


def test_disable_enable_test_and_delete_buttons_work(client, alice, db):
    csrf = ui_login(client, alice)
    client.post("/notify/webhooks", data={"url": "https://hooks.example.com/w", "csrf_token": csrf})
    with db.transaction() as session:
        endpoint_id = session.scalar(select(WebhookEndpoint.id))
    tested = client.post(f"/notify/webhooks/{endpoint_id}/test", data={"csrf_token": csrf}, follow_redirects=False)
    assert tested.status_code == 303
    assert tested.headers["location"].startswith("/notify?done=test-webhook&id=")
    disabled = client.post(f"/notify/webhooks/{endpoint_id}/disable", data={"csrf_token": csrf})
    assert f"Webhook endpoint {endpoint_id} is disabled" in disabled.text
    assert '<span aria-hidden="true">○</span> disabled</span>' in disabled.text
    enabled = client.post(f"/notify/webhooks/{endpoint_id}/enable", data={"csrf_token": csrf})
    assert '<span aria-hidden="true">●</span> active</span>' in enabled.text
    deleted = client.post(f"/notify/webhooks/{endpoint_id}/delete", data={"csrf_token": csrf})
    assert f"Webhook endpoint {endpoint_id} is deleted" in deleted.text
    with db.transaction() as session:
        assert session.get(WebhookEndpoint, endpoint_id) is None


def test_forms_without_csrf_and_viewers_are_refused(client, alice, charlie):
    ui_login(client, alice)
    assert client.post("/notify/test-email", data={"to": "alice@example.com"}).status_code == 403
    client.cookies.clear()
    csrf = ui_login(client, charlie)
    assert (
        client.post("/notify/webhooks", data={"url": "https://x.example.com/", "csrf_token": csrf}).status_code == 403
    )


def test_delivery_filters_live_in_the_url(client, alice):
    csrf = ui_login(client, alice)
    client.post("/notify/test-email", data={"to": "alice@example.com", "csrf_token": csrf})
    queued = client.get("/notify?status=queued&channel=email")
    assert "Delivery log (1)" in queued.text
    assert '<option value="queued" selected>' in queued.text
    assert "Delivery log (0)" in client.get("/notify?status=sent").text
    bad = client.get("/notify?status=lost")
    assert bad.status_code == 400
    assert "Unknown status &#39;lost&#39;" in bad.text
