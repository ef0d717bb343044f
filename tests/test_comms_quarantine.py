"""Subscribers whose deliveries fail for good (SMTP 5xx, webhook refusals) are quarantined after N failures."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from comms_support import BASE_URL, Inbox, free_port, link_in, run_jobs, smtp_server, subscribe
from warroom.lib.signing import verify
from warroom.settings import Settings


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def settings(database_url: str, port: int) -> Settings:
    return Settings(
        database_url=database_url,
        mode="dev",
        secret_key="test-secret-" + "x" * 40,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="status@example.com",
        smtp_timeout_seconds=5.0,
        base_url=BASE_URL,
    )


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    box = Inbox()
    with smtp_server(port, box):
        yield box


class Receiver:
    """Loopback HTTP receiver answering every POST with `status`, keeping what it got."""

    def __init__(self, status: int) -> None:
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append({"headers": dict(self.headers.items()), "body": body})
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _setup_incident(api: Any) -> tuple[int, int]:
    service = api.post("/api/v1/services", json={"name": "Checkout", "tier": 1, "public": True}).json()["id"]
    incident = api.post("/api/v1/incidents", json={"title": "Down", "severity": "SEV2", "services": [service]})
    return int(service), int(incident.json()["id"])


def _publish(api: Any, incident_id: int, service_id: int, n: int) -> None:
    response = api.post(
        f"/api/v1/incidents/{incident_id}/public-updates",
        json={"status": "investigating", "body": f"Update {n}", "name": "Checkout errors"},
    )
    assert response.status_code == 201, response.text


def test_an_address_refused_with_5xx_three_times_is_quarantined(client, alice_api, db, clock, settings, inbox) -> None:
    service, incident = _setup_incident(alice_api)
    subscribe(client, "gone@example.org")
    run_jobs(db, clock, settings)
    client.get(link_in(inbox.to("gone@example.org")[0], "subscribe/confirm"))
    inbox.refuse.add("gone@example.org")
    for n in range(3):
        clock.advance(minutes=1)
        _publish(alice_api, incident, service, n)
        run_jobs(db, clock, settings)
    [row] = alice_api.get("/api/v1/status-subscribers").json()["items"]
    assert (row["state"], row["hard_failures"]) == ("quarantined", 3)
    inbox.refuse.clear()
    clock.advance(minutes=1)
    _publish(alice_api, incident, service, 4)
    run_jobs(db, clock, settings)
    assert len(inbox.to("gone@example.org")) == 1  # only the confirm mail ever arrived

    released = alice_api.post(f"/api/v1/status-subscribers/{row['id']}/release")
    assert (released.json()["state"], released.json()["hard_failures"]) == ("confirmed", 0)
    clock.advance(minutes=1)
    _publish(alice_api, incident, service, 5)
    run_jobs(db, clock, settings)
    assert len(inbox.to("gone@example.org")) == 2


def test_a_webhook_subscriber_gets_a_signed_statuspage_payload(client, alice_api, db, clock, settings, inbox) -> None:
    receiver = Receiver(200)
    try:
        service, incident = _setup_incident(alice_api)
        created = alice_api.post("/api/v1/status-subscribers", json={"url": receiver.url, "components": [service]})
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]
        assert secret.startswith("whsec_")
        _publish(alice_api, incident, service, 1)
        run_jobs(db, clock, settings)
        [request] = receiver.requests
        headers = request["headers"]
        assert verify(secret, int(headers["X-Warroom-Timestamp"]), request["body"], headers["X-Warroom-Signature"])
        payload = json.loads(request["body"])
        assert sorted(payload) == ["incident", "meta", "page"]
        assert payload["incident"]["name"] == "Checkout errors"
        assert payload["incident"]["impact"] == "major"
        assert payload["incident"]["incident_updates"][0]["body"] == "Update 1"
        assert payload["meta"]["unsubscribe"].startswith(f"{BASE_URL}/status/unsubscribe/")
        listed = alice_api.get("/api/v1/status-subscribers").json()["items"][0]
        assert "secret" not in listed and "webhook_secret" not in listed
    finally:
        receiver.close()


def test_a_webhook_refused_three_times_is_quarantined(client, alice_api, db, clock, settings, inbox) -> None:
    receiver = Receiver(410)
    try:
        service, incident = _setup_incident(alice_api)
        alice_api.post("/api/v1/status-subscribers", json={"url": receiver.url})
        for n in range(4):
            clock.advance(minutes=1)
            _publish(alice_api, incident, service, n)
            run_jobs(db, clock, settings)
        assert len(receiver.requests) == 3
        [row] = alice_api.get("/api/v1/status-subscribers?state=quarantined").json()["items"]
        assert row["hard_failures"] == 3
    finally:
        receiver.close()
