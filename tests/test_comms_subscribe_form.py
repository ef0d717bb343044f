"""The public subscribe form: CSRF by double-submit cookie, per-IP rate limit, honest when email is off."""

from __future__ import annotations

import re

from comms_support import form_token, subscribe
from conftest import ui_login


def test_the_form_needs_no_login_and_says_when_email_is_off(client) -> None:
    page = client.get("/status/subscribe")
    assert page.status_code == 200
    assert "Email updates are not available" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Frame-Options"] == "DENY"
    response = subscribe(client, "reader@example.org")
    assert response.status_code == 409
    assert "cannot send mail yet" in response.text


def test_a_post_without_the_form_cookie_is_refused(client) -> None:
    token = form_token(client)
    client.cookies.clear()
    response = client.post(
        "/status/subscribe", data={"kind": "webhook", "url": "https://hooks.example/x", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "The form expired" in response.text


def test_the_sixth_attempt_in_ten_minutes_from_one_address_gets_429(client, clock) -> None:
    for n in range(5):
        response = subscribe(client, f"bad-address-{n}")  # invalid input still counts
        assert response.status_code == 409
    limited = subscribe(client, "reader@example.org")
    assert limited.status_code == 429
    assert "Too many attempts" in limited.text
    assert limited.headers["Retry-After"] == "601"
    clock.advance(minutes=10, seconds=1)
    assert subscribe(client, "reader@example.org").status_code == 409


def test_a_webhook_subscription_shows_its_secret_once(client, alice_api) -> None:
    response = client.post(
        "/status/subscribe",
        data={"kind": "webhook", "url": "https://hooks.example.org/status", "csrf_token": form_token(client)},
    )
    assert response.status_code == 200
    assert re.search(r'readonly value="whsec_[A-Za-z0-9_-]{32}" id="webhook-secret"', response.text)
    [row] = alice_api.get("/api/v1/status-subscribers").json()["items"]
    assert (row["kind"], row["state"], row["webhook_url"]) == (
        "webhook",
        "confirmed",
        "https://hooks.example.org/status",
    )


def test_a_bad_webhook_url_is_shown_next_to_the_field(client) -> None:
    response = client.post(
        "/status/subscribe", data={"kind": "webhook", "url": "ftp://x", "csrf_token": form_token(client)}
    )
    assert response.status_code == 422
    assert 'id="sub-url-error"' in response.text


def test_unknown_components_are_refused(client) -> None:
    response = client.post(
        "/status/subscribe",
        data={"kind": "webhook", "url": "https://h.example/x", "components": ["999"], "csrf_token": form_token(client)},
    )
    assert response.status_code == 422
    assert "unknown component 999" in response.text


def test_the_admin_page_warns_when_smtp_is_off(client, alice) -> None:
    ui_login(client, alice)
    page = client.get("/admin/subscribers")
    assert page.status_code == 200
    assert "Email is off: SMTP is not configured." in page.text
    assert "All (0)" in page.text


def test_responders_cannot_open_the_admin_page(client, bob) -> None:
    ui_login(client, bob)
    assert client.get("/admin/subscribers").status_code == 403
