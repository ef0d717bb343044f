"""`warroom notify status|test-email|deliveries|webhook …`."""

from __future__ import annotations

import io
import json

import pytest

from warroom.cli import CliApp, main


@pytest.fixture
def smtp_settings(settings):
    return settings.with_overrides(smtp_host="mail.internal", smtp_port=587, smtp_from="warroom@example.com")


def run(settings, clock, *argv: str) -> tuple[int, str]:
    app = CliApp(settings=settings, clock=clock, out=io.StringIO())
    try:
        code = main(list(argv), app=app)
    finally:
        app.close()
    return code, app.out.getvalue()


def test_webhook_add_prints_the_secret_once_on_the_last_line(settings, clock):
    code, out = run(settings, clock, "notify", "webhook", "add", "https://hooks.example.com/w", "--event", "note.added")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "added webhook endpoint 1 for https://hooks.example.com/w (note.added)"
    assert lines[1] == "Signing secret. It is shown once; store it in the receiver now:"
    assert lines[2].startswith("whsec_")
    code, listed = run(settings, clock, "notify", "webhook", "list", "--json")
    assert json.loads(listed) == [
        {
            "id": 1,
            "url": "https://hooks.example.com/w",
            "description": "",
            "event_kinds": ["note.added"],
            "include_private": False,
            "is_active": True,
        }
    ]
    assert lines[2] not in listed


def test_webhook_add_with_a_bad_url_fails_with_one_line(settings, clock, capsys):
    code, out = run(settings, clock, "notify", "webhook", "add", "hooks.example.com")
    assert (code, out) == (1, "")
    assert capsys.readouterr().err == (
        "warroom: error: 'hooks.example.com' is not a usable URL; use an absolute http:// or https:// URL\n"
    )


def test_webhook_disable_and_test(settings, clock, capsys):
    run(settings, clock, "notify", "webhook", "add", "https://hooks.example.com/w")
    assert run(settings, clock, "notify", "webhook", "test", "1") == (
        0,
        "queued a test event to endpoint 1 as delivery 1\n",
    )
    assert run(settings, clock, "notify", "webhook", "disable", "1") == (0, "webhook endpoint 1 is disabled\n")
    assert run(settings, clock, "notify", "webhook", "test", "1")[0] == 1
    assert "is disabled; enable it before sending a test" in capsys.readouterr().err


def test_test_email_queues_when_smtp_is_configured(smtp_settings, clock):
    code, out = run(smtp_settings, clock, "notify", "test-email", "bob@example.com")
    assert code == 0
    assert out == (
        "queued test email to bob@example.com as delivery 1; a worker sends it "
        "(`warroom notify deliveries` shows the outcome)\n"
    )
    code, listed = run(smtp_settings, clock, "notify", "deliveries", "--json")
    body = json.loads(listed)
    assert body["total"] == 1
    assert (body["items"][0]["target"], body["items"][0]["status"]) == ("bob@example.com", "queued")


def test_status_describes_the_configured_server(smtp_settings, clock):
    code, out = run(smtp_settings, clock, "notify", "status")
    assert code == 0
    assert out.splitlines() == [
        "email: configured, mail.internal:587 tls=none from warroom@example.com",
        "webhooks: 0 active of 0 endpoint(s)",
        "deliveries: 0 queued, 0 retrying, 0 failed",
    ]
