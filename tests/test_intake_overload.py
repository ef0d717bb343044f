"""Overload answers 503 with Retry-After (senders retry 5xx, but drop 4xx and 429), never 429."""

from __future__ import annotations

import threading
import time

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
    from warroom.intake import batchread, fastpath

    url = path_of(integration(alice_api, make_service(make_ctx), "alertmanager")["url"])
    body = am_webhook([am_alert("PickerDown", "f")])
    assert client.post(url, json=body).status_code == 200  # stored: the next one is a re-delivery
    driver_error = db.engine.dialect.loaded_dbapi.OperationalError

    def locked(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise driver_error("database is locked")  # what the driver raises, not SQLAlchemy's wrapper

    monkeypatch.setattr(fastpath, "prefetch", locked)
    monkeypatch.setattr(batchread.Query, "collect", locked)  # PostgreSQL reads a batch in one statement
    response = client.post(url, json=body)

    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    (alert,) = alice_api.get("/api/v1/alerts").json()["items"]
    assert alert["status"] == "firing"


def test_a_delivery_whose_commit_does_not_come_in_time_gets_503(client, alice_api, make_ctx, monkeypatch, db):
    """The writer waits on a write another transaction holds; the sender hears 503 after WRITE_TIMEOUT, not never,
    and the delivery still lands once the write is free (so the retry is a re-delivery)."""
    service_id = make_service(make_ctx)
    url = path_of(integration(alice_api, service_id, "alertmanager")["url"])
    body = am_webhook([am_alert("PickerDown", "f")])
    monkeypatch.setattr(receivers, "WRITE_TIMEOUT", 0.5)
    monkeypatch.setattr(receivers, "SWEEP_SECONDS", 0.1)
    held, release = threading.Event(), threading.Event()

    def hold_the_write() -> None:
        with db.raw_connection() as raw, db.write_on(raw):  # SQLite: the single writer's lock
            if db.is_postgres:  # PostgreSQL: the service row intake locks
                cursor = raw.cursor()
                cursor.execute("SELECT id FROM services WHERE id = %s FOR UPDATE", (service_id,))
                cursor.close()
            held.set()
            release.wait(20)

    holder = threading.Thread(target=hold_the_write)
    holder.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        response = client.post(url, json=body)
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(20)

    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert 0.5 <= waited < 5
    assert client.post(url, json=body).status_code == 200
    (alert,) = alice_api.get("/api/v1/alerts").json()["items"]
    assert alert["status"] == "firing"
