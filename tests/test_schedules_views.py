"""The schedules pages: list, schedule page (now/next, timeline, gaps), forms with errors beside fields, health."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from conftest import ui_login
from warroom.schedules import service as schedules


@pytest.fixture
def primary(make_ctx, alice, bob, clock):
    clock.set(datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    with make_ctx(actor=alice.user) as ctx:
        schedule = schedules.create_schedule(ctx, name="WMS primary", time_zone="Europe/Berlin")
        schedules.add_layer(
            ctx, schedule, name="Weekdays", rotation_start=datetime(2026, 3, 2, 8, tzinfo=UTC), turn_length=1,
            turn_unit="weeks", members=[alice.id, bob.id],
            restrictions=[{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}],
        )  # fmt: skip
        return schedule.id


def test_the_list_shows_who_is_on_call_now(client, alice, primary):
    ui_login(client, alice)
    page = client.get("/schedules")
    assert page.status_code == 200
    assert "WMS primary" in page.text
    assert "☎</span> Alice" in page.text


def test_the_schedule_page_shows_now_next_the_timeline_and_a_gap_warning(client, charlie, primary):
    ui_login(client, charlie)
    page = client.get(f"/schedules/{primary}")
    assert page.status_code == 200
    text = page.text
    assert "Gaps: nobody is on call during" in text
    assert "2026-03-04 17:00 CET → 2026-03-05 09:00 CET" in text
    assert "Mon–Fri 09:00–17:00" in text
    assert re.search(r"Next: <strong>Alice</strong> from 2026-03-05 09:00 CET", text)
    # A viewer sees no forms to change anything.
    assert "Add override" not in text
    assert "<summary>Add a layer</summary>" not in text


def test_a_responder_adds_an_override_and_a_clash_shows_the_error_beside_the_field(client, bob, primary):
    csrf = ui_login(client, bob)
    form = {"csrf_token": csrf, "user_id": str(bob.id), "start": "2026-03-04T18:00", "end": "2026-03-04T22:00"}
    done = client.post(f"/schedules/{primary}/overrides", data=form, follow_redirects=False)
    assert done.status_code == 303
    again = client.post(f"/schedules/{primary}/overrides", data=form)
    assert again.status_code == 422
    assert 'id="start-error"' in again.text and "this override overlaps override" in again.text
    with_override = client.get(f"/schedules/{primary}").text
    assert "2026-03-04 18:00 CET → 2026-03-04 22:00 CET" in with_override


def test_an_admin_adds_a_layer_and_a_bad_zone_free_turn_is_refused_beside_the_field(client, alice, primary):
    csrf = ui_login(client, alice)
    base = {"csrf_token": csrf, "name": "Nights", "rotation_start": "2026-03-02T17:00", "turn_unit": "days"}
    bad = client.post(f"/schedules/{primary}/layers", data={**base, "turn_length": "0"})
    assert bad.status_code == 422
    assert 'id="turn_length-error"' in bad.text
    ok = client.post(f"/schedules/{primary}/layers", data={**base, "turn_length": "1", "members": [str(alice.id)]})
    assert ok.status_code == 200  # followed the redirect
    assert "Nights" in ok.text and "every 1 days at 17:00" in ok.text


def test_creating_a_feed_url_shows_it_once(client, bob, primary):
    csrf = ui_login(client, bob)
    page = client.post(f"/schedules/{primary}/feeds", data={"csrf_token": csrf})
    url = re.search(r'id="issued-url">([^<]+)<', page.text)
    assert url is not None and f"/schedules/{primary}/feed.ics?token=wrf_" in url.group(1)
    assert client.get(url.group(1).replace("http://testserver", "")).status_code == 200


def test_the_health_page_draws_an_svg_chart_with_text_labels(client, charlie, primary):
    ui_login(client, charlie)
    page = client.get("/oncall", params={"since": "14d"})
    assert page.status_code == 200
    assert "<svg" in page.text and "0 pages</text>" in page.text and "0 at night</text>" in page.text
    assert 'class="chart-label">Alice</text>' in page.text
    assert client.get("/oncall", params={"team": "abc"}).status_code == 422
