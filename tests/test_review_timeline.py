"""The review timeline is generated from the incident's events, with original times and sources."""

from __future__ import annotations

from datetime import timedelta

from test_review_support import T0, run_jobs
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident


def _scripted_incident(make_ctx, clock, alice, bob) -> int:
    """Alert, declare, page, acknowledge, public update, backdated note, mitigate, resolve."""
    with make_ctx(actor=alice.user) as ctx:
        incident = incidents.declare_incident(
            ctx,
            title="Labels fail",
            severity="SEV2",
            detected_at=T0 - timedelta(minutes=5),
            impact_started_at=T0 - timedelta(minutes=9),
        )
        incidents.record_event(
            ctx,
            incident,
            kind="intake.alert_attached",
            data={"summary": "Alert LabelErrors firing"},
            occurred_at=T0 - timedelta(minutes=5),
        )
        incident_id = incident.id
    clock.advance(minutes=2)
    with make_ctx(actor=alice.user) as ctx:
        incident = ctx.session.get(Incident, incident_id)
        incidents.record_event(ctx, incident, kind="paging.page_sent", data={"summary": "Paged Bob"})
    clock.advance(minutes=3)
    with make_ctx(actor=bob.user) as ctx:
        incident = ctx.session.get(Incident, incident_id)
        incidents.acknowledge(ctx, incident)
    clock.advance(minutes=5)
    with make_ctx(actor=alice.user) as ctx:
        incident = ctx.session.get(Incident, incident_id)
        incidents.record_event(ctx, incident, kind="status.update_published", data={"summary": "Posted: investigating"})
        incidents.add_note(ctx, incident, body="Saw 401s earlier", occurred_at=T0 - timedelta(minutes=1))
    clock.advance(minutes=10)
    with make_ctx(actor=bob.user) as ctx:
        incident = ctx.session.get(Incident, incident_id)
        incidents.change_status(ctx, incident, status="monitoring", note="new credentials")
    clock.advance(minutes=20)
    with make_ctx(actor=bob.user) as ctx:
        incident = ctx.session.get(Incident, incident_id)
        incidents.change_status(ctx, incident, status="resolved")
    return incident_id


def test_the_draft_timeline_lists_every_event_with_its_time_source_and_summary(make_ctx, clock, alice, bob, alice_api):
    incident_id = _scripted_incident(make_ctx, clock, alice, bob)
    body = alice_api.get(f"/api/v1/incidents/{incident_id}/postmortem").json()
    rows = [(e["at"], e["kind"], e["source"], e["actor"], e["summary"], e["added_later"]) for e in body["timeline"]]
    assert rows == [
        ("2026-03-01T11:55:00+00:00", "intake.alert_attached", "intake", "Alice", "Alert LabelErrors firing", True),
        ("2026-03-01T11:59:00+00:00", "note.added", "note", "Alice", "Saw 401s earlier", True),
        (
            "2026-03-01T12:00:00+00:00",
            "incident.declared",
            "incident",
            "Alice",
            "declared a SEV2 incident: Labels fail",
            False,
        ),
        ("2026-03-01T12:02:00+00:00", "paging.page_sent", "paging", "Alice", "Paged Bob", False),
        ("2026-03-01T12:05:00+00:00", "incident.acknowledged", "incident", "Bob", "acknowledged the incident", False),
        ("2026-03-01T12:10:00+00:00", "status.update_published", "status", "Alice", "Posted: investigating", False),
        (
            "2026-03-01T12:20:00+00:00",
            "status.changed",
            "status",
            "Bob",
            "changed status from investigating to monitoring: new credentials",
            False,
        ),
        (
            "2026-03-01T12:40:00+00:00",
            "status.changed",
            "status",
            "Bob",
            "changed status from monitoring to resolved",
            False,
        ),
    ]
    assert all(e["starred"] is False and e["hidden"] is False for e in body["timeline"])


def test_key_instants_and_metrics_come_from_the_events(make_ctx, clock, alice, bob, alice_api):
    incident_id = _scripted_incident(make_ctx, clock, alice, bob)
    body = alice_api.get(f"/api/v1/incidents/{incident_id}/postmortem").json()
    assert body["key_instants"] == {
        "impact_started": "2026-03-01T11:51:00+00:00",
        "detected": "2026-03-01T11:55:00+00:00",
        "declared": "2026-03-01T12:00:00+00:00",
        "acknowledged": "2026-03-01T12:05:00+00:00",
        "mitigated": "2026-03-01T12:20:00+00:00",
        "resolved": "2026-03-01T12:40:00+00:00",
        "first_public_update": "2026-03-01T12:10:00+00:00",
    }
    assert body["metrics"] == {
        "time_to_detect": 240,
        "time_to_acknowledge": 600,
        "time_to_mitigate": 1500,
        "time_to_resolve": 2700,
        "time_to_first_public_update": 600,
    }


def test_resolving_drafts_the_postmortem_on_the_queue(make_ctx, clock, alice, bob, alice_api, db, settings):
    incident_id = _scripted_incident(make_ctx, clock, alice, bob)
    assert alice_api.get(f"/api/v1/incidents/{incident_id}/postmortem").json()["saved"] is False
    run_jobs(db, clock, settings)
    body = alice_api.get(f"/api/v1/incidents/{incident_id}/postmortem").json()
    assert (body["saved"], body["status"]) == (True, "draft")
    assert body["sections"]["detection"] == "Detected at 2026-03-01 11:55 UTC; declared 5 min later."
    assert body["sections"]["impact"] == "Duration: 49 min (impact start to resolved)."


def test_an_open_incident_has_no_postmortem_until_one_is_started(alice_api):
    incident = alice_api.post("/api/v1/incidents", json={"title": "Slow", "severity": "SEV3"}).json()
    response = alice_api.get(f"/api/v1/incidents/{incident['id']}/postmortem")
    assert response.status_code == 404
    assert "POST /api/v1/incidents/" in response.json()["error"]
    started = alice_api.post(f"/api/v1/incidents/{incident['id']}/postmortem")
    assert (started.status_code, started.json()["status"]) == (201, "draft")
    again = alice_api.post(f"/api/v1/incidents/{incident['id']}/postmortem")
    assert (again.status_code, again.json()["id"]) == (200, started.json()["id"])


def test_entries_can_be_starred_hidden_and_added_later(make_ctx, clock, alice, bob, alice_api):
    incident_id = _scripted_incident(make_ctx, clock, alice, bob)
    base = f"/api/v1/incidents/{incident_id}/postmortem"
    first = alice_api.get(base).json()["timeline"][0]
    assert alice_api.patch(f"{base}/timeline/{first['key']}", json={"starred": True}).status_code == 200
    page = alice_api.patch(f"{base}/timeline/{alice_api.get(base).json()['timeline'][3]['key']}", json={"hidden": True})
    added = alice_api.post(
        f"{base}/entries", json={"at": "2026-03-01T11:52:00Z", "summary": "Carrier emailed a warning"}
    )
    assert added.status_code == 201
    timeline = added.json()["timeline"]
    assert [(e["kind"], e["starred"], e["hidden"], e["added_later"]) for e in timeline[:3]] == [
        ("postmortem.entry", False, False, True),
        ("intake.alert_attached", True, False, True),
        ("note.added", False, False, True),
    ]
    assert [e["kind"] for e in page.json()["timeline"] if e["hidden"]] == ["paging.page_sent"]
    markdown = alice_api.get(f"/api/v1/incidents/{incident_id}/postmortem.md").text
    assert "Paged Bob" not in markdown
    assert "| 2026-03-01 11:52 UTC | postmortem | Alice | Carrier emailed a warning _(added later)_ |" in markdown
    assert "★ Alert LabelErrors firing _(added later)_" in markdown


def test_a_manual_entry_in_the_future_is_refused(make_ctx, clock, alice, bob, alice_api):
    incident_id = _scripted_incident(make_ctx, clock, alice, bob)
    response = alice_api.post(
        f"/api/v1/incidents/{incident_id}/postmortem/entries", json={"at": "2030-01-01T00:00:00Z", "summary": "later"}
    )
    assert response.status_code == 422
    assert "in the future" in response.json()["error"]
