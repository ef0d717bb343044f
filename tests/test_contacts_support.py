"""Shared helpers for the contacts tests: a loopback SMTP inbox, a loopback HTTP receiver, settings, incidents.

Test modules import the fixtures from here (`from test_contacts_support import ...`); this file has no tests.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from warroom.contacts import service as contacts
from warroom.contacts.models import PageDelivery
from warroom.db import Database
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.jobs.worker import Worker
from warroom.lib.clock import Clock
from warroom.settings import Settings

TWILIO_SID = "AC0123456789"
TWILIO_TOKEN = "twilio-test-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            raw = [e.content.replace(b"\r\n", b"\n") for e in self.envelopes]
        return [message_from_bytes(content, policy=default_policy) for content in raw]  # type: ignore[misc]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A tiny threading HTTP server on loopback: records each POST, answers `status` after `delay` seconds."""

    status: int = 200
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if receiver.status < 400 else b'{"message": "refused"}')

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port(), ready_timeout=5)
    controller.start()
    box.port = controller.port  # type: ignore[attr-defined]
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def settings(database_url: str, inbox: Inbox, receiver: Receiver) -> Settings:
    """SMTP to the loopback inbox, Twilio to the loopback receiver, links on http://testserver."""
    return Settings(
        database_url=database_url,
        mode="dev",
        secret_key="test-secret-" + "x" * 40,
        base_url="http://testserver",
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,  # type: ignore[attr-defined]
        smtp_from="warroom@example.com",
        smtp_timeout_seconds=5.0,
        webhook_timeout_seconds=5.0,
        twilio_base_url=receiver.url,
        twilio_account_sid=TWILIO_SID,
        twilio_auth_token=TWILIO_TOKEN,
        twilio_from="+15005550006",
    )


def declare(make_ctx: Any, actor: Any, *, severity: str = "SEV1", title: str = "Pick lists stuck") -> Incident:
    with make_ctx(actor=actor) as ctx:
        incident = incidents.declare_incident(ctx, title=title, severity=severity, summary="")
        return incident


def page(make_ctx: Any, incident: Incident, person: Any, key: str = "p1", reason: str = "on call for WMS") -> None:
    with make_ctx() as ctx:
        fresh = ctx.session.get(Incident, incident.id)
        assert fresh is not None
        contacts.page_user(ctx, incident=fresh, user=person, page_key=key, reason=reason)


def run(db: Database, clock: Clock, settings: Settings, *queues: str) -> int:
    """Run due jobs of the given queues (all when none) on this thread."""
    return Worker(db, clock, settings, queues=list(queues) or None).run_due()


def deliveries(db: Database) -> list[PageDelivery]:
    with db.session(readonly=True) as session:
        rows = list(session.scalars(select(PageDelivery).order_by(PageDelivery.id)))
        session.expunge_all()
        return rows
