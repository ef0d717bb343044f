"""The contract with alert intake: a matching silence holds an alert back, and its end lets intake re-evaluate."""

from __future__ import annotations

from typing import Any

from conftest import ui_login
from warroom.catalog import service as catalog
from warroom.jobs.worker import Worker


def _generic_url(alice_api: Any, make_ctx: Any, alice: Any) -> tuple[int, str]:
    with make_ctx(actor=alice.user) as ctx:
        service_id = catalog.create_service(ctx, name="WMS", tier=1).id
    created = alice_api.post(f"/api/v1/services/{service_id}/integrations", json={"type": "generic"})
    assert created.status_code == 201, created.text
    return service_id, created.json()["url"].split("://", 1)[1].split("/", 1)[1]


def test_a_silenced_alert_is_stored_but_opens_nothing_until_the_silence_ends(
    client: Any,
    alice_api: Any,
    bob_api: Any,
    make_ctx: Any,
    alice: Any,
    bob: Any,
    db: Any,
    clock: Any,
    settings: Any,
) -> None:
    service_id, path = _generic_url(alice_api, make_ctx, alice)
    silence = bob_api.post(
        "/api/v1/silences",
        json={
            "matchers": [{"name": "env", "value": "staging"}],
            "comment": "load test",
            "ends_at": "2026-03-01T13:00Z",
        },
    ).json()
    alert = {"title": "WMS down", "severity": "critical", "state": "firing", "labels": {"env": "staging"}}
    assert client.post(f"/{path}", json=alert).status_code in (200, 201, 202)
    stored = alice_api.get(f"/api/v1/alerts?service_id={service_id}").json()["items"]
    assert [(a["title"], a["silenced_by_id"]) for a in stored] == [("WMS down", silence["id"])]
    assert alice_api.get("/api/v1/incidents").json()["total"] == 0
    preview = bob_api.post("/api/v1/silences/preview", json={"matchers": [{"name": "env", "value": "staging"}]})
    assert [a["title"] for a in preview.json()["items"]] == ["WMS down"]
    ui_login(client, bob)
    form = client.get("/silences/new?m=env%3Dstaging")
    assert "Firing alerts these matchers silence now" in form.text
    assert ">WMS down</a>" in form.text
    bob_api.post(f"/api/v1/silences/{silence['id']}/expire")
    worker = Worker(db, clock, settings)
    worker.run_due()
    worker.run_due()
    assert alice_api.get("/api/v1/incidents").json()["total"] == 1
