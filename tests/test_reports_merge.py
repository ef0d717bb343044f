"""POST /api/v1/incidents/{id}/merge: alerts and reports move to the survivor, both timelines record it."""

from __future__ import annotations

from typing import Any

import pytest

from warroom.catalog import service as catalog
from warroom.incidents import service as incidents
from warroom.intake.models import Alert


@pytest.fixture
def pair(make_ctx: Any, alice: Any, clock: Any) -> dict[str, int]:
    with make_ctx(actor=alice.user) as ctx:
        wms = catalog.create_service(ctx, name="WMS", tier=1)
        labels = catalog.create_service(ctx, name="Labels", tier=2)
        survivor = incidents.declare_incident(ctx, title="WMS down", severity="SEV1", services=[wms.id])
        dup = incidents.declare_incident(ctx, title="Labels failing", severity="SEV2", services=[labels.id])
        now = clock.now()
        for number in (1, 2):
            ctx.session.add(
                Alert(
                    service_id=labels.id, fingerprint=f"fp{number}", status="firing", severity="critical",
                    title=f"labels {number}", labels={}, starts_at=now, first_seen=now, last_seen=now,
                    firing_count=1, incident_id=dup.id,
                )
            )  # fmt: skip
        return {"survivor": survivor.id, "dup": dup.id, "wms": wms.id, "labels": labels.id}


def _kinds_and_summaries(api: Any, incident_id: int, kind: str) -> list[str]:
    events = api.get(f"/api/v1/incidents/{incident_id}/timeline").json()
    items = events["items"] if isinstance(events, dict) else events
    return [e["data"]["summary"] for e in items if e["kind"] == kind]


def test_merge_moves_alerts_and_reports_and_records_both_timelines(pair, bob_api, charlie_api) -> None:
    report = bob_api.post(
        "/api/v1/reports",
        json={"reporter": "DHL desk", "channel": "chat", "description": "no labels", "service_id": pair["labels"]},
    ).json()
    assert report["incident_id"] == pair["dup"]
    response = bob_api.post(f"/api/v1/incidents/{pair['dup']}/merge", json={"into": pair["survivor"]})
    assert response.status_code == 200, response.text
    merged = response.json()
    assert (merged["incident_id"], merged["into_id"], merged["alerts_moved"], merged["reports_moved"]) == (
        pair["dup"], pair["survivor"], 2, 1,
    )  # fmt: skip
    assert merged["merged_by"] == "Bob"
    evidence = charlie_api.get(f"/api/v1/incidents/{pair['survivor']}/evidence").json()
    assert sorted(a["title"] for a in evidence["alerts"]) == ["labels 1", "labels 2"]
    assert [r["id"] for r in evidence["reports"]] == [report["id"]]
    assert evidence["reports"][0]["matched_by"] == "merge"
    assert evidence["merged_from"] == [pair["dup"]]
    assert charlie_api.get(f"/api/v1/incidents/{pair['dup']}/evidence").json()["merged_into"] == pair["survivor"]
    from_summaries = _kinds_and_summaries(charlie_api, pair["survivor"], "reports.merged_from")
    assert len(from_summaries) == 1
    assert from_summaries[0].startswith(
        f"Incident #{pair['dup']} “Labels failing” was merged into this one: 2 alerts and 1 report moved here; "
    )
    assert _kinds_and_summaries(charlie_api, pair["dup"], "reports.merged_into") == [
        f"Merged into incident #{pair['survivor']} “WMS down”: 2 alerts and 1 report moved."
    ]
    dup = charlie_api.get(f"/api/v1/incidents/{pair['dup']}").json()
    assert dup["status"] == "resolved"


def test_merge_refuses_itself_twice_and_chains(pair, bob_api, make_ctx, alice) -> None:
    same = bob_api.post(f"/api/v1/incidents/{pair['dup']}/merge", json={"into": pair["dup"]})
    assert same.status_code == 422
    assert same.json()["error"] == "an incident cannot be merged into itself; pick the incident that survives"
    assert bob_api.post(f"/api/v1/incidents/{pair['dup']}/merge", json={"into": pair["survivor"]}).status_code == 200
    twice = bob_api.post(f"/api/v1/incidents/{pair['dup']}/merge", json={"into": pair["survivor"]})
    assert twice.status_code == 409
    assert twice.json()["error"] == f"incident {pair['dup']} was already merged into incident {pair['survivor']}"
    with make_ctx(actor=alice.user) as ctx:
        third = incidents.declare_incident(ctx, title="third", severity="SEV3").id
    chained = bob_api.post(f"/api/v1/incidents/{third}/merge", json={"into": pair["dup"]})
    assert chained.status_code == 409
    assert chained.json()["error"] == (
        f"incident {pair['dup']} was itself merged into incident {pair['survivor']}; "
        f"merge into {pair['survivor']} instead"
    )


def test_merging_into_a_resolved_incident_is_a_conflict(pair, bob_api) -> None:
    bob_api.post(f"/api/v1/incidents/{pair['survivor']}/status", json={"status": "resolved"})
    response = bob_api.post(f"/api/v1/incidents/{pair['dup']}/merge", json={"into": pair["survivor"]})
    assert response.status_code == 409
    assert response.json()["error"] == (
        f"incident {pair['survivor']} is resolved; reopen it or merge into an open incident"
    )


def test_viewers_cannot_merge_and_bad_bodies_are_422(pair, charlie_api, bob_api) -> None:
    assert (
        charlie_api.post(f"/api/v1/incidents/{pair['dup']}/merge", json={"into": pair["survivor"]}).status_code == 403
    )
    for body in ({}, {"into": 0}, {"into": "x"}, {"into": pair["survivor"], "extra": 1}):
        assert bob_api.post(f"/api/v1/incidents/{pair['dup']}/merge", json=body).status_code == 422, body
    assert bob_api.post(f"/api/v1/incidents/{pair['dup']}/merge", json={"into": 99999}).status_code == 404
