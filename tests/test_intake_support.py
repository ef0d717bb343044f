"""Shared helpers for the intake tests (no tests here)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from warroom.catalog import service as catalog


def make_service(make_ctx: Any, name: str = "WMS", tier: int = 1) -> int:
    with make_ctx() as ctx:
        return catalog.create_service(ctx, name=name, tier=tier).id


def integration(api: Any, service_id: int, kind: str) -> dict[str, Any]:
    response = api.post(f"/api/v1/services/{service_id}/integrations", json={"type": kind})
    assert response.status_code == 201, response.text
    return dict(response.json())


def am_alert(name: str, fingerprint: str, *, status: str = "firing", severity: str = "critical") -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": name, "severity": severity, "env": "prod"},
        "annotations": {"summary": f"{name} is failing", "description": "details"},
        "startsAt": "2026-03-01T11:55:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus/graph",
        "fingerprint": fingerprint,
    }


def am_webhook(alerts: list[dict[str, Any]], *, group_key: str = '{}:{alertname="PickerDown"}') -> dict[str, Any]:
    status = "firing" if any(a["status"] == "firing" for a in alerts) else "resolved"
    return {
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "warroom",
        "groupLabels": {"alertname": alerts[0]["labels"]["alertname"]},
        "commonLabels": {"env": "prod"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": alerts,
        "notification_reason": "new alerts",
        "routeLabels": {"team": "wms"},
    }


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@contextmanager
def serving(app: Any, **ssl: str) -> Iterator[int]:
    """Run `app` with uvicorn on a free loopback port in a thread; yields the port."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", **ssl)  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    port = int(server.servers[0].sockets[0].getsockname()[1])
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
