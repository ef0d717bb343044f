"""Every timeline event is published as `incident.event`; key moments also get their own topics."""

from __future__ import annotations

import pytest

from test_incidents_support import declare, events, jobs_named, move
from warroom import handlers
from warroom.jobs import registry
from warroom.jobs.worker import Worker

TOPICS = (
    "incident.event",
    "incident.declared",
    "incident.status_changed",
    "incident.acknowledged",
    "incident.resolved",
    "incident.reopened",
    "incident.severity_changed",
)


@pytest.fixture
def sinks(monkeypatch):
    """Subscribe only a test job to each topic; monkeypatch restores the real subscribers afterwards."""
    # Import every domain's jobs.py first, so none subscribes into our temporary lists and is then lost.
    handlers.load_all()
    received: list[dict] = []
    for topic in TOPICS:
        monkeypatch.setitem(registry.SUBSCRIBERS, topic, [f"test.sink.{topic}"])
        monkeypatch.setitem(registry.HANDLERS, f"test.sink.{topic}", lambda ctx, payload: received.append(payload))
    return received


def test_every_event_enqueues_one_incident_event_job(alice_api, make_ctx, sinks):
    incident = declare(alice_api)
    alice_api.post(f"/api/v1/incidents/{incident['id']}/notes", json={"body": "looking at the database"})
    move(alice_api, incident["id"], "identified")
    timeline = events(alice_api, incident["id"])
    jobs = jobs_named(make_ctx, "test.sink.incident.event")
    assert [(j["incident_id"], j["event_id"], j["kind"], j["topic"]) for j in jobs] == [
        (incident["id"], e["id"], e["kind"], "incident.event") for e in timeline
    ]
    assert [j["_key"] for j in jobs] == [f"incident-event:{e['id']}:test.sink.incident.event" for e in timeline]


def test_declaring_publishes_incident_declared(alice_api, make_ctx, sinks):
    incident = declare(alice_api, title="WMS down", severity="SEV1", private=True)
    [job] = jobs_named(make_ctx, "test.sink.incident.declared")
    assert job["incident_id"] == incident["id"]
    assert job["title"] == "WMS down"
    assert job["severity"] == "SEV1"
    assert job["private"] is True
    assert job["services"] == []
    assert job["_key"] == f"incident-declared:{incident['id']}:test.sink.incident.declared"


def test_status_resolve_and_reopen_are_published(alice_api, make_ctx, sinks):
    incident = declare(alice_api)
    move(alice_api, incident["id"], "resolved")
    move(alice_api, incident["id"], "investigating")
    changed = jobs_named(make_ctx, "test.sink.incident.status_changed")
    assert [(j["from"], j["to"], j["reopened"]) for j in changed] == [
        ("investigating", "resolved", False),
        ("resolved", "investigating", True),
    ]
    [resolved] = jobs_named(make_ctx, "test.sink.incident.resolved")
    assert resolved["resolved_at"] == "2026-03-01T12:00:00+00:00"
    [reopened] = jobs_named(make_ctx, "test.sink.incident.reopened")
    assert reopened["from"] == "resolved"


def test_acknowledge_is_recorded_once_and_a_repeat_still_reaches_listeners(alice_api, bob_api, bob, make_ctx, sinks):
    incident = declare(alice_api)
    bob_api.post(f"/api/v1/incidents/{incident['id']}/acknowledge")
    alice_api.post(f"/api/v1/incidents/{incident['id']}/acknowledge")
    first, repeat = jobs_named(make_ctx, "test.sink.incident.acknowledged")
    assert (first["incident_id"], first["user_id"]) == (incident["id"], bob.id)
    assert first["event_id"] is not None
    # The repeat changes nothing on the incident (no event) but tells listeners, e.g. to stop a re-triggered
    # escalation.
    assert (repeat["incident_id"], repeat["event_id"]) == (incident["id"], None)
    assert [e["kind"] for e in events(alice_api, incident["id"])].count("incident.acknowledged") == 1


def test_severity_changes_are_published(alice_api, make_ctx, sinks):
    incident = declare(alice_api, severity="SEV3")
    alice_api.post(f"/api/v1/incidents/{incident['id']}/severity", json={"severity": "SEV1"})
    [job] = jobs_named(make_ctx, "test.sink.incident.severity_changed")
    assert (job["from"], job["to"]) == ("SEV3", "SEV1")


def test_a_refused_change_publishes_nothing(alice_api, make_ctx, sinks):
    incident = declare(alice_api)
    before = len(jobs_named(make_ctx, "test.sink.incident.event"))
    assert move(alice_api, incident["id"], "closed").status_code == 409
    assert len(jobs_named(make_ctx, "test.sink.incident.event")) == before
    assert jobs_named(make_ctx, "test.sink.incident.status_changed") == []


def test_the_worker_delivers_published_jobs_to_subscribers(alice_api, db, clock, settings, sinks):
    incident = declare(alice_api)
    ran = Worker(db, clock, settings).run_due()
    assert ran == 2  # incident.event for the declared event, and incident.declared
    assert sorted(p["topic"] for p in sinks) == ["incident.declared", "incident.event"]
    assert {p["incident_id"] for p in sinks} == {incident["id"]}


def test_without_subscribers_nothing_is_queued(alice_api, make_ctx, monkeypatch):
    handlers.load_all()
    for topic in TOPICS:
        monkeypatch.setitem(registry.SUBSCRIBERS, topic, [])
    declare(alice_api)
    from sqlalchemy import func, select

    from warroom.jobs.models import Job

    with make_ctx() as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(Job)) == 0
