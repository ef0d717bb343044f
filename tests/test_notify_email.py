"""Email over a real SMTP server on loopback (aiosmtpd), with the queue on fake time."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from warroom.context import Ctx
from warroom.errors import Invalid
from warroom.jobs.models import Job
from warroom.jobs.worker import Worker
from warroom.notify import service
from warroom.notify.models import Delivery


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An aiosmtpd handler that keeps what it receives; `refuse` makes RCPT fail with that reply."""

    def __init__(self, refuse: str | None = None) -> None:
        self.refuse = refuse
        self.envelopes: list[Any] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        # On the wire lines end in CRLF; compare text with plain newlines.
        raw = [e.content.replace(b"\r\n", b"\n") for e in self.envelopes]
        return [message_from_bytes(content, policy=default_policy) for content in raw]  # type: ignore[misc]


@contextmanager
def smtp_server(port: int, inbox: Inbox) -> Iterator[Controller]:
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def smtp_settings(settings, port):
    return settings.with_overrides(
        smtp_host="127.0.0.1", smtp_port=port, smtp_from="warroom@example.com", smtp_timeout_seconds=5.0
    )


@pytest.fixture
def inbox(port) -> Iterator[Inbox]:
    box = Inbox()
    with smtp_server(port, box):
        yield box


@contextmanager
def ctx_for(db, clock, settings) -> Iterator[Ctx]:
    with db.transaction() as session:
        yield Ctx(session=session, clock=clock, settings=settings, source="api")


def fetch(db, delivery_id: int) -> Delivery:
    with db.transaction() as session:
        found = session.get(Delivery, delivery_id)
        assert found is not None
        return found


def test_an_email_arrives_with_its_from_to_subject_and_body(db, clock, smtp_settings, inbox):
    with ctx_for(db, clock, smtp_settings) as ctx:
        queued = service.send_email(
            ctx, to="bob@example.com", subject="SEV1: checkout down", body="Checkout fails.\nJoin the bridge."
        )
        assert queued.status == "queued"
    assert Worker(db, clock, smtp_settings).run_due() == 1

    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert (envelope.mail_from, envelope.rcpt_tos) == ("warroom@example.com", ["bob@example.com"])
    message = inbox.messages()[0]
    assert (message["From"], message["To"], message["Subject"]) == (
        "warroom@example.com",
        "bob@example.com",
        "SEV1: checkout down",
    )
    assert message.get_content() == "Checkout fails.\nJoin the bridge.\n"
    created = int(queued.created_at.timestamp())
    assert message["Message-ID"] == f"<warroom.delivery.{queued.id}.{created}@example.com>"
    assert message["Auto-Submitted"] == "auto-generated"
    sent = fetch(db, queued.id)
    assert (sent.status, sent.attempts, sent.sent_at, sent.last_error) == ("sent", 1, clock.now(), None)


def test_one_key_means_one_email(db, clock, smtp_settings, inbox):
    with ctx_for(db, clock, smtp_settings) as ctx:
        first = service.send_email(ctx, to="bob@example.com", subject="Page", body="1", key="page:9:bob:email")
        again = service.send_email(ctx, to="bob@example.com", subject="Page", body="2", key="page:9:bob:email")
    assert again.id == first.id
    Worker(db, clock, smtp_settings).run_due()
    assert [m.get_content() for m in inbox.messages()] == ["1\n"]


def test_a_down_server_is_retried_at_the_exact_backoff_instant_then_the_mail_goes_out(db, clock, smtp_settings, port):
    start = clock.now()
    with ctx_for(db, clock, smtp_settings) as ctx:
        queued = service.send_email(ctx, to="bob@example.com", subject="Hello", body="Are you there?")
    worker = Worker(db, clock, smtp_settings)
    assert worker.run_due() == 1
    waiting = fetch(db, queued.id)
    assert (waiting.status, waiting.attempts, waiting.next_attempt_at) == (
        "retrying",
        1,
        start + timedelta(seconds=10),
    )
    assert waiting.last_error.startswith(f"127.0.0.1:{port}: ConnectionRefusedError")
    with db.transaction() as session:
        job = session.scalar(select(Job).where(Job.idempotency_key == f"delivery:{queued.id}"))
        assert (job.queue, job.run_at) == ("email", start + timedelta(seconds=10))

    inbox = Inbox()
    with smtp_server(port, inbox):
        clock.set(start + timedelta(seconds=9))
        assert worker.run_due() == 0
        clock.set(start + timedelta(seconds=10))
        assert worker.run_due() == 1
    assert [m["Subject"] for m in inbox.messages()] == ["Hello"]
    sent = fetch(db, queued.id)
    assert (sent.status, sent.attempts, sent.sent_at, sent.next_attempt_at) == (
        "sent",
        2,
        start + timedelta(seconds=10),
        None,
    )


def test_an_smtp_5xx_refusal_fails_the_delivery_at_once(db, clock, smtp_settings, port):
    with smtp_server(port, Inbox(refuse="550 5.1.1 no such user")):
        with ctx_for(db, clock, smtp_settings) as ctx:
            queued = service.send_email(ctx, to="ghost@example.com", subject="Hi", body="x")
        Worker(db, clock, smtp_settings).run_due()
    failed = fetch(db, queued.id)
    assert (failed.status, failed.attempts, failed.response_code, failed.next_attempt_at) == ("failed", 1, 550, None)
    assert failed.last_error == "recipient refused: ghost@example.com: 550 5.1.1 no such user"


def test_an_smtp_4xx_reply_is_retried_with_backoff(db, clock, smtp_settings, port):
    with smtp_server(port, Inbox(refuse="451 4.3.0 mailbox busy, try later")):
        with ctx_for(db, clock, smtp_settings) as ctx:
            queued = service.send_email(ctx, to="bob@example.com", subject="Hi", body="x")
        Worker(db, clock, smtp_settings).run_due()
    waiting = fetch(db, queued.id)
    assert (waiting.status, waiting.response_code) == ("retrying", 451)
    assert waiting.next_attempt_at == clock.now() + timedelta(seconds=10)


def test_line_breaks_in_a_subject_cannot_add_headers(db, clock, smtp_settings, inbox):
    with ctx_for(db, clock, smtp_settings) as ctx:
        service.send_email(ctx, to="bob@example.com", subject="Hi\r\nBcc: eve@example.com", body="x")
    Worker(db, clock, smtp_settings).run_due()
    message = inbox.messages()[0]
    assert message["Subject"] == "Hi Bcc: eve@example.com"
    assert message["Bcc"] is None
    assert inbox.envelopes[0].rcpt_tos == ["bob@example.com"]


@pytest.mark.parametrize("address", ["bob", "Bob <bob@example.com>", "a@b@example.com", "bob@example.com\nx"])
def test_something_that_is_not_one_address_is_refused(db, clock, smtp_settings, address):
    with ctx_for(db, clock, smtp_settings) as ctx, pytest.raises(Invalid, match="is not an email address"):
        service.send_email(ctx, to=address, subject="x", body="x")


def test_smtp_settings_removed_after_queueing_leave_the_delivery_not_configured(db, clock, smtp_settings, settings):
    with ctx_for(db, clock, smtp_settings) as ctx:
        queued = service.send_email(ctx, to="bob@example.com", subject="x", body="x")
    Worker(db, clock, settings).run_due()
    stuck = fetch(db, queued.id)
    assert (stuck.status, stuck.sent_at) == ("not_configured", None)
    assert stuck.last_error == service.NOT_CONFIGURED_MESSAGE
