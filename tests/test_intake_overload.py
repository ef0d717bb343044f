"""Overload answers 503 with Retry-After (senders retry 5xx, but drop 4xx and 429), never 429."""

from __future__ import annotations

import threading

from sqlalchemy.exc import OperationalError

from test_intake_support import am_alert, am_webhook, integration, make_service, path_of
from warroom.intake import receivers, service


def test_too_many_requests_in_flight_get_503_with_retry_after(client, alice_api, make_ctx, monkeypatch):
    url = path_of(integration(alice_api, make_service(make_ctx), "alertmanager")["url"])
    full = threading.BoundedSemaphore(1)
    full.acquire()
    monkeypatch.setattr(receivers, "_in_flight", full)

    response = client.post(url, json=am_webhook([am_alert("PickerDown", "f")]))

    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["error"] == "Warroom is overloaded; retry shortly"
    assert alice_api.get("/api/v1/alerts").json()["total"] == 0


def test_a_busy_database_gets_503_and_nothing_half_stored(client, alice_api, make_ctx, monkeypatch):
    key = integration(alice_api, make_service(make_ctx), "pagerduty")["key"]
    real_ingest = service.ingest

    def busy(ctx, integration, items):
        real_ingest(ctx, integration, items)
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(service, "ingest", busy)
    body = {
        "routing_key": key,
        "event_action": "trigger",
        "dedup_key": "d",
        "payload": {"summary": "s", "source": "x", "severity": "critical"},
    }

    response = client.post("/v2/enqueue", json=body)

    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["status"] == "invalid event"
    assert alice_api.get("/api/v1/alerts").json()["total"] == 0
    assert alice_api.get("/api/v1/incidents").json()["total"] == 0


def test_a_driver_error_on_the_re_delivery_path_gets_503_not_500(client, alice_api, make_ctx, monkeypatch, db):
    from warroom.intake import fastpath

    url = path_of(integration(alice_api, make_service(make_ctx), "alertmanager")["url"])
    body = am_webhook([am_alert("PickerDown", "f")])
    assert client.post(url, json=body).status_code == 200  # stored: the next one is a re-delivery
    driver_error = db.engine.dialect.loaded_dbapi.OperationalError

    def locked(raw, sql, wanted):  # type: ignore[no-untyped-def]
        raise driver_error("database is locked")  # what the driver raises, not SQLAlchemy's wrapper

    monkeypatch.setattr(fastpath, "prefetch", locked)
    response = client.post(url, json=body)

    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    (alert,) = alice_api.get("/api/v1/alerts").json()["items"]
    assert alert["status"] == "firing"
