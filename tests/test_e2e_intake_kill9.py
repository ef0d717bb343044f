"""Nothing accepted is lost: kill -9 Warroom under load, restart it, and find every alert it answered 2xx for.

Several clients stream single-alert Prometheus pushes (each a distinct label set) at a real `warroom serve`
process. Right after the 500th 2xx reply the process gets SIGKILL, so the test is deterministic about *when*
it dies, whatever is in flight. After a restart, every label set that got a 2xx must be stored.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from warroom.db import Database

CLIENTS = 4
KILL_AFTER = 500
PER_CLIENT_LIMIT = 1_000  # bound the loop even if the kill never happens
RUN_LIMIT_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(settings: Any, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "WARROOM_DATABASE_URL": settings.database_url,
        "WARROOM_MODE": "dev",
        "WARROOM_SECRET_KEY": settings.secret_key,
    }
    command = [sys.executable, "-c", "from warroom.cli import main; main()"]
    args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate", "--no-worker"]
    process = subprocess.Popen(command + args, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"warroom serve exited early: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise AssertionError("warroom serve did not answer /healthz within 30 s")


def _alert(client: int, seq: int) -> dict[str, Any]:
    return {
        "labels": {"alertname": "KillTest", "severity": "warning", "client": str(client), "seq": str(seq)},
        "annotations": {"summary": f"alert {client}/{seq}"},
    }


def test_every_acknowledged_alert_survives_kill_9(alice_api, settings, tmp_path):
    service = alice_api.post("/api/v1/services", json={"name": "kill-target", "tier": 3}).json()
    created = alice_api.post(f"/api/v1/services/{service['id']}/integrations", json={"type": "prometheus"})
    assert created.status_code == 201, created.text
    path = urlsplit(created.json()["url"]).path
    port = _free_port()
    log = tmp_path / "serve.log"
    process = _serve(settings, port, log)
    url = f"http://127.0.0.1:{port}{path}"

    accepted: list[tuple[int, int]] = []
    lock = threading.Lock()
    killed = threading.Event()
    started = time.monotonic()

    def client(number: int) -> None:
        with httpx.Client(timeout=5) as http:
            for seq in range(PER_CLIENT_LIMIT):
                if killed.is_set() or time.monotonic() - started > RUN_LIMIT_SECONDS:
                    return
                try:
                    reply = http.post(url, json=[_alert(number, seq)])
                except httpx.HTTPError:
                    return  # the server is gone
                if 200 <= reply.status_code < 300:
                    with lock:
                        accepted.append((number, seq))
                        if len(accepted) == KILL_AFTER and not killed.is_set():
                            os.kill(process.pid, signal.SIGKILL)
                            killed.set()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RUN_LIMIT_SECONDS + 10)
    process.wait(10)
    tail = log.read_text()[-2000:]
    assert killed.is_set(), f"only {len(accepted)} alerts were accepted before the time limit: {tail}"
    assert process.returncode == -signal.SIGKILL

    restarted = _serve(settings, port, log)
    try:
        from warroom.intake.models import Alert

        database = Database(settings)
        try:
            with database.transaction(readonly=True) as session:
                stored = {
                    (int(labels["client"]), int(labels["seq"]))
                    for labels in session.scalars(select(Alert.labels))
                    if labels.get("alertname") == "KillTest"
                }
        finally:
            database.dispose()
        missing = sorted(set(accepted) - stored)
        assert missing == [], f"{len(missing)} acknowledged alerts were lost, e.g. {missing[:5]}"
        assert len(accepted) >= KILL_AFTER
    finally:
        restarted.terminate()
        restarted.wait(10)
