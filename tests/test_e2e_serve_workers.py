"""`warroom serve --workers 2`: several web processes share one port, each answering the same app."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import httpx
from sqlalchemy import func, select

from warroom.catalog import service as catalog
from warroom.db import Database
from warroom.intake import integrations
from warroom.intake.models import Alert


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alert(number: int) -> list[dict[str, Any]]:
    return [{"labels": {"alertname": "DiskFilling", "instance": f"node-{number}"}, "annotations": {"summary": "disk"}}]


def test_two_web_processes_serve_the_same_app_without_access_logs(settings, make_ctx, tmp_path):
    with make_ctx() as ctx:
        service = catalog.create_service(ctx, name="Fleet", tier=3)
        ctx.session.flush()
        issued = integrations.create_integration(ctx, service_id=service.id, type="prometheus")
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "WARROOM_DATABASE_URL": settings.database_url,
        "WARROOM_MODE": "dev",
        "WARROOM_SECRET_KEY": settings.secret_key,
    }
    command = [sys.executable, "-c", "from warroom.cli import main; main()", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--no-migrate", "--no-worker", "--workers", "2", "--no-access-log"]
    process = subprocess.Popen(command, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "no answer on /healthz within 60 s"
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        path = f"/integrations/prometheus/{issued.key}/api/v2/alerts"
        # A fresh connection per request, so both processes take some of them.
        answers = [httpx.post(base + path, json=_alert(n), timeout=10).status_code for n in range(20)]
        page = httpx.get(f"{base}/status", timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    assert answers == [200] * 20
    assert page.status_code == 200
    database = Database(settings)
    try:
        with database.transaction(readonly=True) as session:
            stored = session.scalar(select(func.count()).select_from(Alert).where(Alert.service_id == service.id))
    finally:
        database.dispose()
    assert stored == 20
    text = log.read_text()
    assert "(2 processes)" in text
    assert text.count("Started server process") == 2  # two web processes, each saying so once
    assert "POST /integrations" not in text  # --no-access-log
