"""Helpers for the comms tests: a loopback SMTP inbox, the public subscribe form, running the queue."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from warroom.jobs.worker import Worker

BASE_URL = "https://status.example.com"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """Keeps what it receives; addresses in `refuse` get a 550 at RCPT time."""

    def __init__(self) -> None:
        self.refuse: set[str] = set()
        self.envelopes: list[Any] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        raw = [e.content.replace(b"\r\n", b"\n") for e in self.envelopes]
        return [message_from_bytes(content, policy=default_policy) for content in raw]  # type: ignore[misc]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages() if m["To"] == address]


@contextmanager
def smtp_server(port: int, inbox: Inbox) -> Iterator[Controller]:
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def form_token(client: TestClient) -> str:
    page = client.get("/status/subscribe")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def subscribe(client: TestClient, email: str, components: list[int] | None = None, **extra: Any) -> Any:
    data: dict[str, Any] = {"kind": "email", "email": email, "csrf_token": form_token(client), **extra}
    if components:
        data["components"] = [str(c) for c in components]
    return client.post("/status/subscribe", data=data)


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage, kind: str) -> str:
    found = re.search(rf"{re.escape(BASE_URL)}(/status/{kind}/\S+)", body(message))
    assert found is not None, body(message)
    return found.group(1)


def run_jobs(db: Any, clock: Any, settings: Any) -> int:
    """Run due jobs until the queue is quiet (handlers enqueue more jobs)."""
    total = 0
    for _ in range(10):
        ran = Worker(db, clock, settings).run_due()
        total += ran
        if ran == 0:
            break
    return total
