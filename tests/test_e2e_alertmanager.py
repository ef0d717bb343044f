"""End to end with a real peer: Debian's prometheus-alertmanager sends its webhook to a live Warroom.

An alert pushed into Alertmanager's own API opens an incident in Warroom; resolving it in Alertmanager
resolves the alert in Warroom. Clustering is off and group timers are 1 s so the round trip takes seconds.
Skipped off CI when the binary is missing (`apt-get install prometheus-alertmanager`); under CI it must run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn

from warroom.app import create_app
from warroom.lib.clock import SystemClock

BINARY = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
ROUND_TRIP_TIMEOUT = 40.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(what: str, probe: Callable[[], Any], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


@pytest.fixture
def real_time_server(settings: Any, db: Any) -> Iterator[str]:
    """Warroom on the test database with the real clock (Alertmanager stamps real instants)."""
    if BINARY is None:
        if os.environ.get("CI"):
            pytest.fail("prometheus-alertmanager is missing; CI must run this test (apt-get install it)")
        pytest.skip("prometheus-alertmanager is not installed")
    app = create_app(settings, clock=SystemClock(), db=db)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    _wait_for("Warroom to start", lambda: server.started, 15)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def alertmanager(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Start Alertmanager with its webhook pointed at a given URL; yields a starter returning its API base."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(webhook_url: str) -> str:
        port = _free_port()
        config = tmp_path / "alertmanager.yml"
        config.write_text(
            "route:\n"
            "  receiver: warroom\n"
            "  group_by: ['alertname', 'service']\n"
            "  group_wait: 1s\n"
            "  group_interval: 1s\n"
            "  repeat_interval: 1h\n"
            "receivers:\n"
            "  - name: warroom\n"
            "    webhook_configs:\n"
            f"      - url: '{webhook_url}'\n"
            "        send_resolved: true\n"
        )
        log = (tmp_path / "alertmanager.log").open("wb")
        process = subprocess.Popen(
            [
                str(BINARY),
                f"--config.file={config}",
                f"--storage.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"alertmanager exited: {(tmp_path / 'alertmanager.log').read_text()[-2000:]}")
            try:
                return httpx.get(f"{base}/-/ready", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        _wait_for("Alertmanager to be ready", ready, 20)
        return base

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def test_an_alert_in_alertmanager_opens_and_resolves_in_warroom(real_time_server, alertmanager, alice):
    api = httpx.Client(base_url=real_time_server, headers=alice.headers, timeout=10)
    service = api.post("/api/v1/services", json={"name": "checkout", "tier": 1})
    assert service.status_code == 201, service.text
    service_id = service.json()["id"]
    created = api.post(f"/api/v1/services/{service_id}/integrations", json={"type": "alertmanager"})
    assert created.status_code == 201, created.text
    path = urlsplit(created.json()["url"]).path
    assert path.startswith("/integrations/alertmanager/")
    am = alertmanager(real_time_server + path)

    now = datetime.now(UTC)
    alert = {
        "labels": {"alertname": "CheckoutDown", "service": "checkout", "severity": "critical", "region": "eu"},
        "annotations": {"summary": "Checkout returns 503 for every request"},
        "startsAt": now.isoformat(),
        "endsAt": (now + timedelta(minutes=10)).isoformat(),
        "generatorURL": "http://prometheus.example/graph?g0.expr=up",
    }
    assert httpx.post(f"{am}/api/v2/alerts", json=[alert], timeout=5).status_code == 200

    def opened() -> dict[str, Any] | None:
        for incident in api.get("/api/v1/incidents", params={"limit": 50}).json()["items"]:
            if service_id in [s["id"] for s in incident["services"]]:
                return dict(incident)
        return None

    incident = _wait_for("Warroom to open the incident", opened, ROUND_TRIP_TIMEOUT)
    assert incident["severity"] == "SEV1"  # critical on a tier-1 service
    alerts = api.get(f"/api/v1/incidents/{incident['id']}/alerts").json()
    items = alerts["items"] if isinstance(alerts, dict) else alerts
    assert [a["status"] for a in items] == ["firing"]
    assert items[0]["labels"]["alertname"] == "CheckoutDown"

    resolved_at = datetime.now(UTC)
    alert["endsAt"] = resolved_at.isoformat()
    assert httpx.post(f"{am}/api/v2/alerts", json=[alert], timeout=5).status_code == 200

    def resolved() -> bool:
        data = api.get(f"/api/v1/incidents/{incident['id']}/alerts").json()
        rows = data["items"] if isinstance(data, dict) else data
        return bool(rows) and all(a["status"] == "resolved" for a in rows)

    _wait_for("Warroom to see the resolution", resolved, ROUND_TRIP_TIMEOUT)
    api.close()
