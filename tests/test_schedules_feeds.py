"""iCal feeds per schedule and per person, behind revocable tokens (stored hashed)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from warroom.schedules.feeds import escape_text, fold
from warroom.schedules.models import FeedToken


@pytest.fixture
def schedule_id(alice_api, alice, bob, clock):
    clock.set(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    schedule_id = alice_api.post("/api/v1/schedules", json={"name": "Ops, night; team", "time_zone": "UTC"}).json()[
        "id"
    ]
    body = {
        "name": "Daily",
        "rotation_start": "2026-03-01T00:00:00Z",
        "turn_length": 1,
        "turn_unit": "days",
        "members": [alice.id, bob.id],
    }
    assert alice_api.post(f"/api/v1/schedules/{schedule_id}/layers", json=body).status_code == 201
    return schedule_id


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def events(text: str) -> list[dict[str, str]]:
    found, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            key, _, value = line.partition(":")
            current[key] = value
    return found


def test_a_schedule_feed_lists_each_shift_as_a_vevent_with_crlf_and_escaping(client, bob_api, schedule_id, db):
    issued = bob_api.post(f"/api/v1/schedules/{schedule_id}/feed-tokens")
    assert issued.status_code == 201
    token = issued.json()["token"]
    assert issued.json()["url"].endswith(f"/schedules/{schedule_id}/feed.ics?token={token}")
    response = client.get(f"/schedules/{schedule_id}/feed.ics", params={"token": token})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    text = response.text
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "X-WR-CALNAME:Ops\\, night\\; team on call" in unfold(text)
    found = events(text)
    # From 7 days back (rotation starts on 1 March) to 60 days ahead, one event per daily turn.
    assert len(found) == 60 + 1  # 1 March 00:00 .. 30 April 12:00 → 61 turns (last clipped)
    assert found[0]["DTSTART"] == "20260301T000000Z" and found[0]["DTEND"] == "20260302T000000Z"
    assert found[0]["SUMMARY"] == "On call: Alice (Ops\\, night\\; team)"
    assert found[1]["SUMMARY"] == "On call: Bob (Ops\\, night\\; team)"
    with db.transaction() as session:
        stored = session.scalars(select(FeedToken)).one()
    assert stored.token_hash != token and len(stored.token_hash) == 64


def test_a_revoked_or_wrong_token_is_refused(client, bob_api, schedule_id):
    issued = bob_api.post(f"/api/v1/schedules/{schedule_id}/feed-tokens").json()
    assert client.get(f"/schedules/{schedule_id}/feed.ics", params={"token": "wrf_nope"}).status_code == 403
    assert client.get(f"/schedules/{schedule_id}/feed.ics").status_code == 403
    assert client.get(f"/schedules/{schedule_id + 1}/feed.ics", params={"token": issued["token"]}).status_code == 403
    revoked = bob_api.delete(f"/api/v1/schedules/{schedule_id}/feed-tokens/{issued['id']}")
    assert revoked.json()["revoked_at"] == "2026-03-01T12:00:00Z"
    assert client.get(f"/schedules/{schedule_id}/feed.ics", params={"token": issued["token"]}).status_code == 403


def test_a_personal_feed_has_only_that_persons_shifts_and_only_they_or_an_admin_manage_it(
    client, bob_api, charlie_api, alice_api, bob, schedule_id
):
    issued = bob_api.post("/api/v1/oncall/feed-tokens", json={})
    assert issued.status_code == 201
    response = client.get(f"/users/{bob.id}/oncall.ics", params={"token": issued.json()["token"]})
    assert response.status_code == 200
    found = events(response.text)
    assert {e["SUMMARY"] for e in found} == {"On call: Ops\\, night\\; team"}
    assert found[0]["DTSTART"] == "20260302T000000Z"
    assert len(found) == 30
    assert charlie_api.post("/api/v1/oncall/feed-tokens", json={"user_id": bob.id}).status_code == 403
    assert charlie_api.delete(f"/api/v1/oncall/feed-tokens/{issued.json()['id']}").status_code == 403
    assert (
        alice_api.get("/api/v1/oncall/feed-tokens", params={"user_id": bob.id}).json()["items"][0]["prefix"]
        == (issued.json()["token"][:10])
    )
    assert bob_api.delete(f"/api/v1/oncall/feed-tokens/{issued.json()['id']}").status_code == 200
    assert client.get(f"/users/{bob.id}/oncall.ics", params={"token": issued.json()["token"]}).status_code == 403


def test_text_escaping_and_folding_follow_rfc_5545():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    folded = fold("SUMMARY:" + "é" * 60)
    lines = folded.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert lines[1].startswith(" ")
    assert "".join(line[1:] if i else line for i, line in enumerate(lines)) == "SUMMARY:" + "é" * 60
    assert re.fullmatch(r"[^\r\n]+(\r\n [^\r\n]+)*", folded)
