"""/api/v1/notify: deliveries, test email, webhook endpoints. Admins change; everyone signed in reads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from warroom.jobs.models import Job
from warroom.notify.models import WebhookEndpoint
from warroom.settings import Settings


@pytest.fixture
def settings(database_url: str) -> Settings:
    # SMTP configured (nothing listens there; these tests never run the worker).
    return Settings(
        database_url=database_url,
        mode="dev",
        secret_key="test-secret-" + "x" * 40,
        smtp_host="127.0.0.1",
        smtp_port=2525,
        smtp_from="warroom@example.com",
        smtp_user="mailer",
        smtp_password="hunter2-password",
        smtp_tls="starttls",
    )


def test_status_shows_the_server_but_never_the_password(charlie_api):
    response = charlie_api.get("/api/v1/notify/status")
    assert response.json() == {
        "configured": True,
        "host": "127.0.0.1",
        "port": 2525,
        "sender": "warroom@example.com",
        "tls": "starttls",
        "user": "mailer",
        "message": None,
    }
    assert "hunter2" not in response.text


def test_an_admin_queues_a_test_email_on_the_email_queue(alice_api, db):
    response = alice_api.post("/api/v1/notify/test-email", json={"to": "alice@example.com"})
    assert response.status_code == 202
    body = response.json()
    assert (body["channel"], body["target"], body["subject"], body["status"]) == (
        "email",
        "alice@example.com",
        "Warroom test email",
        "queued",
    )
    with db.transaction() as session:
        job = session.scalar(select(Job).where(Job.idempotency_key == f"delivery:{body['id']}"))
        assert (job.name, job.queue, job.payload) == ("notify.deliver", "email", {"delivery_id": body["id"]})


def test_a_test_email_to_a_non_address_is_a_422(alice_api):
    response = alice_api.post("/api/v1/notify/test-email", json={"to": "not an address"})
    assert response.status_code == 422
    assert response.json()["error"] == "'not an address' is not an email address; use the form name@example.com"


def test_responders_cannot_send_test_email(bob_api):
    assert bob_api.post("/api/v1/notify/test-email", json={"to": "bob@example.com"}).status_code == 403


def test_unknown_fields_are_refused(alice_api):
    response = alice_api.post("/api/v1/notify/test-email", json={"to": "a@example.com", "cc": "b@example.com"})
    assert response.status_code == 422


def test_deliveries_are_listed_newest_first_with_filters(alice_api, charlie_api):
    alice_api.post("/api/v1/notify/test-email", json={"to": "one@example.com"})
    alice_api.post("/api/v1/notify/test-email", json={"to": "two@example.com"})
    body = charlie_api.get("/api/v1/notify/deliveries", params={"status": "queued", "channel": "email"}).json()
    assert (body["total"], [d["target"] for d in body["items"]]) == (2, ["two@example.com", "one@example.com"])
    assert charlie_api.get("/api/v1/notify/deliveries", params={"status": "sent"}).json()["total"] == 0
    assert charlie_api.get("/api/v1/notify/deliveries", params={"status": "lost"}).status_code == 422
    one = body["items"][1]
    assert charlie_api.get(f"/api/v1/notify/deliveries/{one['id']}").json()["target"] == "one@example.com"
    assert charlie_api.get("/api/v1/notify/deliveries/9999").status_code == 404


def test_creating_an_endpoint_returns_its_secret_once(alice_api, db):
    response = alice_api.post(
        "/api/v1/notify/webhooks",
        json={"url": "https://hooks.example.com/w", "description": "chat bot", "event_kinds": ["status.changed"]},
    )
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert (created["event_kinds"], created["is_active"], created["include_private"]) == (
        ["status.changed"],
        True,
        False,
    )
    listing = alice_api.get("/api/v1/notify/webhooks")
    assert listing.json()["total"] == 1
    assert created["secret"] not in listing.text
    assert "secret" not in alice_api.get(f"/api/v1/notify/webhooks/{created['id']}").json()
    with db.transaction() as session:
        assert session.get(WebhookEndpoint, created["id"]).secret == created["secret"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"url": "ftp://hooks.example.com/w"}, "'ftp://hooks.example.com/w' is not a usable URL"),
        ({"url": "https://hooks.example.com/w", "event_kinds": ["Nope!"]}, "'Nope!' is not an event kind"),
    ],
)
def test_bad_endpoints_are_a_422_that_says_why(alice_api, body, message):
    response = alice_api.post("/api/v1/notify/webhooks", json=body)
    assert response.status_code == 422
    assert response.json()["error"].startswith(message)


def test_endpoints_can_be_disabled_tested_and_deleted(alice_api):
    created = alice_api.post("/api/v1/notify/webhooks", json={"url": "https://hooks.example.com/w"}).json()
    endpoint = f"/api/v1/notify/webhooks/{created['id']}"
    tested = alice_api.post(f"{endpoint}/test")
    assert tested.status_code == 202
    assert (tested.json()["event"], tested.json()["endpoint_id"]) == ("test", created["id"])
    patched = alice_api.patch(endpoint, json={"is_active": False, "description": "paused"})
    assert (patched.json()["is_active"], patched.json()["description"]) == (False, "paused")
    refused = alice_api.post(f"{endpoint}/test")
    assert refused.status_code == 409
    assert refused.json()["error"] == f"webhook endpoint {created['id']} is disabled; enable it before sending a test"
    assert alice_api.delete(endpoint).status_code == 204
    assert alice_api.get(endpoint).status_code == 404
    assert alice_api.delete(endpoint).status_code == 404


def test_viewers_read_endpoints_but_cannot_change_them(alice_api, charlie_api):
    created = alice_api.post("/api/v1/notify/webhooks", json={"url": "https://hooks.example.com/w"}).json()
    assert charlie_api.get("/api/v1/notify/webhooks").json()["total"] == 1
    assert charlie_api.post("/api/v1/notify/webhooks", json={"url": "https://x.example.com/"}).status_code == 403
    assert charlie_api.patch(f"/api/v1/notify/webhooks/{created['id']}", json={"is_active": False}).status_code == 403
    assert charlie_api.delete(f"/api/v1/notify/webhooks/{created['id']}").status_code == 403
    assert charlie_api.post(f"/api/v1/notify/webhooks/{created['id']}/test").status_code == 403


def test_the_notify_api_needs_authentication(client):
    assert client.get("/api/v1/notify/deliveries").status_code == 401
