"""Update cadence on fake time: deadlines, reminders to the Communications Lead / IC, met and missed intervals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from comms_support import run_jobs
from conftest import ui_login
from warroom.notify.models import Delivery


def _emails(db: Any) -> list[tuple[str, str]]:
    with db.transaction() as session:
        rows = session.scalars(select(Delivery).where(Delivery.channel == "email").order_by(Delivery.id))
        return [(d.target, d.subject.split(":")[0]) for d in rows]


def _events(api: Any, incident_id: int, prefix: str = "comms.update_") -> list[tuple[str, str]]:
    items = api.get(f"/api/v1/incidents/{incident_id}/timeline").json()["items"]
    return [(e["kind"], e["data"]["summary"]) for e in items if e["kind"].startswith(prefix)]


def _publish(api: Any, incident_id: int, status: str = "investigating", **extra: Any) -> None:
    body = {"status": status, "body": "Working on it.", "name": "Picking outage", **extra}
    response = api.post(f"/api/v1/incidents/{incident_id}/public-updates", json=body)
    assert response.status_code == 201, response.text


def test_a_sev1_cadence_with_reminders_and_recorded_intervals(alice_api, bob, db, clock, settings) -> None:
    t0 = clock.now()
    iid = alice_api.post("/api/v1/incidents", json={"title": "Pickers offline", "severity": "SEV1"}).json()["id"]
    alice_api.post(
        f"/api/v1/incidents/{iid}/roles", json={"role": "incident_commander", "user_id": alice_api.persona.id}
    )
    alice_api.post(f"/api/v1/incidents/{iid}/roles", json={"role": "communications_lead", "user_id": bob.id})
    run_jobs(db, clock, settings)
    cadence = alice_api.get(f"/api/v1/incidents/{iid}/cadence").json()
    assert cadence["next_update_due_at"].startswith((t0 + timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%S"))
    assert (cadence["state"], cadence["seconds_until_due"]) == ("due", 900)

    clock.advance(minutes=15)
    run_jobs(db, clock, settings)
    assert _emails(db) == [("bob@example.com", "Due")]
    assert _events(alice_api, iid) == [
        (
            "comms.update_due",
            "The first public update is due now ("
            + (t0 + timedelta(minutes=15)).strftime("%H:%M")
            + " UTC); reminded 1 people",
        )
    ]
    clock.advance(minutes=10)
    run_jobs(db, clock, settings)
    assert _emails(db)[1:] == [("bob@example.com", "OVERDUE"), ("alice@example.com", "OVERDUE")]
    assert _events(alice_api, iid)[1][0] == "comms.update_overdue"
    assert alice_api.get(f"/api/v1/incidents/{iid}/cadence").json()["state"] == "overdue"

    clock.advance(minutes=5)  # t0 + 30: the first update is 15 minutes late
    _publish(alice_api, iid, next_update_by=(t0 + timedelta(minutes=60)).isoformat())
    run_jobs(db, clock, settings)
    clock.advance(minutes=20)  # t0 + 50: on time
    _publish(alice_api, iid, "identified")
    run_jobs(db, clock, settings)
    clock.advance(minutes=15)  # t0 + 65: the stale t0+60 reminder must not fire
    run_jobs(db, clock, settings)
    assert len(_events(alice_api, iid)) == 2

    cadence = alice_api.get(f"/api/v1/incidents/{iid}/cadence").json()
    assert cadence["time_to_first_update_seconds"] == 1800
    assert (cadence["met"], cadence["missed"], cadence["seconds_until_due"]) == (1, 1, 15 * 60)
    rows = [(i["kind"], i["outcome"]) for i in cadence["intervals"]]
    assert rows == [("first", "missed"), ("next", "met"), ("next", "open")]
    clock.advance(minutes=5)
    _publish(alice_api, iid, "resolved")
    run_jobs(db, clock, settings)
    final = alice_api.get(f"/api/v1/incidents/{iid}/cadence").json()
    assert [(i["kind"], i["outcome"]) for i in final["intervals"]] == [
        ("first", "missed"),
        ("next", "met"),
        ("next", "met"),
    ]
    assert (final["state"], final["next_update_due_at"]) == ("none", None)


def test_without_a_communications_lead_the_commander_is_reminded(alice_api, db, clock, settings) -> None:
    iid = alice_api.post("/api/v1/incidents", json={"title": "Down", "severity": "SEV2"}).json()["id"]
    alice_api.post(
        f"/api/v1/incidents/{iid}/roles", json={"role": "incident_commander", "user_id": alice_api.persona.id}
    )
    run_jobs(db, clock, settings)
    clock.advance(minutes=29)
    run_jobs(db, clock, settings)
    assert _emails(db) == []
    clock.advance(minutes=1)
    run_jobs(db, clock, settings)
    assert _emails(db) == [("alice@example.com", "Due")]


def test_admins_configure_the_cadence_per_severity(alice_api, bob_api, db, clock, settings) -> None:
    body = {"first_update_minutes": 20, "interval_minutes": 45}
    assert bob_api.put("/api/v1/comms/cadence-settings/SEV3", json=body).status_code == 403
    assert alice_api.put("/api/v1/comms/cadence-settings/SEV3", json=body).status_code == 200
    assert alice_api.put("/api/v1/comms/cadence-settings/SEV9", json=body).status_code == 422
    assert (
        alice_api.put(
            "/api/v1/comms/cadence-settings/SEV3", json={"interval_minutes": 0, "first_update_minutes": None}
        ).status_code
        == 422
    )
    listed = {c["severity"]: c for c in bob_api.get("/api/v1/comms/cadence-settings").json()["items"]}
    assert listed["SEV3"] == {"severity": "SEV3", "first_update_minutes": 20, "interval_minutes": 45}
    assert listed["SEV4"] == {"severity": "SEV4", "first_update_minutes": None, "interval_minutes": 30}
    iid = alice_api.post("/api/v1/incidents", json={"title": "Minor", "severity": "SEV3"}).json()["id"]
    run_jobs(db, clock, settings)
    assert alice_api.get(f"/api/v1/incidents/{iid}/cadence").json()["seconds_until_due"] == 20 * 60


def test_raising_the_severity_before_the_first_update_sets_a_deadline(alice_api, db, clock, settings) -> None:
    iid = alice_api.post("/api/v1/incidents", json={"title": "Minor", "severity": "SEV4"}).json()["id"]
    run_jobs(db, clock, settings)
    assert alice_api.get(f"/api/v1/incidents/{iid}/cadence").json()["intervals"] == []
    clock.advance(minutes=5)
    alice_api.post(f"/api/v1/incidents/{iid}/severity", json={"severity": "SEV1"})
    run_jobs(db, clock, settings)
    assert alice_api.get(f"/api/v1/incidents/{iid}/cadence").json()["seconds_until_due"] == 10 * 60


def test_private_incidents_have_no_cadence(alice_api, db, clock, settings) -> None:
    iid = alice_api.post("/api/v1/incidents", json={"title": "Secret", "severity": "SEV1", "private": True}).json()[
        "id"
    ]
    run_jobs(db, clock, settings)
    cadence = alice_api.get(f"/api/v1/incidents/{iid}/cadence").json()
    assert (cadence["tracked"], cadence["intervals"], cadence["state"]) == (False, [], "none")


def test_the_incident_page_shows_the_countdown(client, alice, alice_api, db, clock, settings) -> None:
    iid = alice_api.post("/api/v1/incidents", json={"title": "Pickers offline", "severity": "SEV1"}).json()["id"]
    run_jobs(db, clock, settings)
    ui_login(client, alice)
    page = client.get(f"/incidents/{iid}")
    assert "Next public update due</strong> in 15 min" in page.text
    clock.advance(minutes=20)
    assert "<strong>Overdue</strong> by 5 min" in client.get(f"/incidents/{iid}").text
