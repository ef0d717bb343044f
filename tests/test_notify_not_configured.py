"""Without WARROOM_SMTP_HOST, nothing pretends to send email, and every surface says so."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from conftest import ui_login
from warroom.cli import CliApp, main
from warroom.jobs.models import Job
from warroom.notify import service

MESSAGE = (
    "email is off because SMTP is not configured: set WARROOM_SMTP_HOST (and WARROOM_SMTP_PORT, "
    "WARROOM_SMTP_FROM, WARROOM_SMTP_TLS; WARROOM_SMTP_USER and WARROOM_SMTP_PASSWORD if the server "
    "needs a login), then restart Warroom"
)


def test_send_email_records_not_configured_and_queues_nothing(make_ctx, db):
    with make_ctx() as ctx:
        delivery = service.send_email(ctx, to="bob@example.com", subject="SEV1", body="x", incident_id=None)
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("not_configured", 0, None)
    assert delivery.last_error == MESSAGE
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_the_test_email_api_answers_409_with_the_variables_to_set(alice_api):
    response = alice_api.post("/api/v1/notify/test-email", json={"to": "alice@example.com"})
    assert response.status_code == 409
    assert response.json() == {
        "error": MESSAGE,
        "detail": {
            "variables": [
                "WARROOM_SMTP_HOST",
                "WARROOM_SMTP_PORT",
                "WARROOM_SMTP_FROM",
                "WARROOM_SMTP_TLS",
                "WARROOM_SMTP_USER",
                "WARROOM_SMTP_PASSWORD",
            ]
        },
    }


def test_the_status_api_says_email_is_off(charlie_api):
    body = charlie_api.get("/api/v1/notify/status").json()
    assert (body["configured"], body["host"]) == (False, None)
    assert body["message"] == MESSAGE[0].upper() + MESSAGE[1:]


def test_the_notify_page_shows_a_banner_and_no_send_form(client, alice):
    ui_login(client, alice)
    page = client.get("/notify")
    assert page.status_code == 200
    assert "Email is off: SMTP is not configured." in page.text
    assert "<code>WARROOM_SMTP_HOST</code> (required)" in page.text
    assert 'action="/notify/test-email"' not in page.text


def test_posting_the_test_form_anyway_shows_the_message(client, alice):
    csrf = ui_login(client, alice)
    response = client.post("/notify/test-email", data={"to": "alice@example.com", "csrf_token": csrf})
    assert response.status_code == 409
    assert "email is off because SMTP is not configured" in response.text


def test_the_cli_test_email_exits_non_zero_with_the_message(settings, clock, capsys):
    app = CliApp(settings=settings, clock=clock, out=io.StringIO())
    try:
        assert main(["notify", "test-email", "bob@example.com"], app=app) == 1
    finally:
        app.close()
    assert capsys.readouterr().err == f"warroom: error: {MESSAGE}\n"
    assert app.out.getvalue() == ""


def test_the_cli_status_says_email_is_off(settings, clock):
    app = CliApp(settings=settings, clock=clock, out=io.StringIO())
    try:
        assert main(["notify", "status"], app=app) == 0
    finally:
        app.close()
    assert app.out.getvalue().splitlines()[0] == f"email: OFF, {MESSAGE}"
