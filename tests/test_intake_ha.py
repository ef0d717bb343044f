"""HA duplicates: the same Alertmanager webhook delivered twice at once gives one group and one incident."""

from __future__ import annotations

import threading

import httpx
from sqlalchemy import func, select

from test_intake_support import am_alert, am_webhook, integration, make_service, path_of, serving
from warroom.intake.models import Alert, AlertGroup


def test_the_same_webhook_twice_concurrently_gives_one_group_and_one_incident(app, client, alice_api, make_ctx, db):
    service_id = make_service(make_ctx)
    path = path_of(integration(alice_api, service_id, "alertmanager")["url"])
    body = am_webhook([am_alert("PickerDown", f"fp{n}") for n in range(20)])
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    with serving(app) as port:

        def deliver() -> None:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                barrier.wait()
                statuses.append(http.post(path, json=body).status_code)

        threads = [threading.Thread(target=deliver) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert statuses == [200, 200]
    incidents = alice_api.get("/api/v1/incidents").json()["items"]
    assert len(incidents) == 1
    with db.transaction(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(AlertGroup)) == 1
        assert session.scalar(select(func.count()).select_from(Alert)) == 20
        assert set(session.scalars(select(Alert.firing_count))) == {1}
