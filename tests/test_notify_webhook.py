"""Signed webhooks against a real HTTP receiver on loopback, with retries on fake time."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from warroom.context import Ctx
from warroom.errors import Invalid
from warroom.jobs.models import Job
from warroom.jobs.worker import Worker
from warroom.lib.signing import verify
from warroom.notify import service
from warroom.notify.channels.webhook import retry_after_seconds
from warroom.notify.models import Delivery

SECRET = "whsec_test-secret"


class Receiver:
    """A loopback HTTP server that checks each request's HMAC and answers from a script of replies."""

    def __init__(self, secret: str = SECRET, replies: list[tuple[int, dict[str, str]]] | None = None) -> None:
        self.secret = secret
        self.replies = list(replies or [])
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                timestamp = int(self.headers.get("X-Warroom-Timestamp", "0"))
                signature = self.headers.get("X-Warroom-Signature", "")
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers.items()),
                        "body": body,
                        "timestamp": timestamp,
                        "verified": verify(receiver.secret, timestamp, body, signature),
                    }
                )
                status, headers = receiver.replies.pop(0) if receiver.replies else (200, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                text = b"boom" if status >= 500 else b"ok"
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def hook_settings(settings):
    return settings.with_overrides(webhook_timeout_seconds=5.0)


@contextmanager
def ctx_for(db, clock, settings) -> Iterator[Ctx]:
    with db.transaction() as session:
        yield Ctx(session=session, clock=clock, settings=settings, source="api")


def fetch(db, delivery_id: int) -> Delivery:
    with db.transaction() as session:
        found = session.get(Delivery, delivery_id)
        assert found is not None
        return found


def queue(db, clock, settings, url: str, payload: Any = None, **kwargs: Any) -> Delivery:
    with ctx_for(db, clock, settings) as ctx:
        return service.send_webhook(
            ctx, url=url, secret=SECRET, payload=payload or {"hello": "world"}, event="test.ping", **kwargs
        )


def test_a_webhook_is_posted_as_json_with_a_valid_signature(db, clock, hook_settings):
    with Receiver() as receiver:
        queued = queue(db, clock, hook_settings, receiver.url, {"b": 2, "a": "ü"})
        assert Worker(db, clock, hook_settings).run_due() == 1
    [request] = receiver.requests
    assert request["verified"] is True
    assert request["body"] == '{"a":"ü","b":2}'.encode()
    assert request["timestamp"] == int(clock.now().timestamp())
    headers = request["headers"]
    assert (headers["Content-Type"], headers["X-Warroom-Event"], headers["X-Warroom-Delivery"]) == (
        "application/json",
        "test.ping",
        str(queued.id),
    )
    assert headers["User-Agent"].startswith("Warroom/")
    sent = fetch(db, queued.id)
    assert (sent.status, sent.response_code, sent.attempts, sent.sent_at) == ("sent", 200, 1, clock.now())


def test_a_500_is_retried_at_the_backoff_instant_with_the_same_body_and_a_fresh_signature(db, clock, hook_settings):
    start = clock.now()
    with Receiver(replies=[(500, {}), (200, {})]) as receiver:
        queued = queue(db, clock, hook_settings, receiver.url)
        worker = Worker(db, clock, hook_settings)
        worker.run_due()
        waiting = fetch(db, queued.id)
        assert (waiting.status, waiting.response_code, waiting.attempts) == ("retrying", 500, 1)
        assert waiting.next_attempt_at == start + timedelta(seconds=10)
        assert waiting.last_error == f"{receiver.url} answered 500: boom"
        clock.set(start + timedelta(seconds=9))
        assert worker.run_due() == 0
        clock.set(start + timedelta(seconds=10))
        assert worker.run_due() == 1
    first, second = receiver.requests
    assert first["body"] == second["body"]
    assert (first["timestamp"], second["timestamp"]) == (int(start.timestamp()), int(start.timestamp()) + 10)
    assert first["verified"] and second["verified"]
    sent = fetch(db, queued.id)
    assert (sent.status, sent.response_code, sent.attempts, sent.last_error) == ("sent", 200, 2, None)


def test_a_400_fails_at_once_and_is_not_retried(db, clock, hook_settings):
    with Receiver(replies=[(400, {})]) as receiver:
        queued = queue(db, clock, hook_settings, receiver.url)
        worker = Worker(db, clock, hook_settings)
        worker.run_due()
        clock.advance(hours=2)
        assert worker.run_due() == 0
    assert len(receiver.requests) == 1
    failed = fetch(db, queued.id)
    assert (failed.status, failed.response_code, failed.attempts, failed.next_attempt_at) == ("failed", 400, 1, None)
    assert failed.last_error == (
        f"{receiver.url} answered 400: ok (not retried; fix the receiver or the URL, then retry the job)"
    )
    with db.transaction() as session:
        assert session.scalar(select(Job.status).where(Job.idempotency_key == f"delivery:{queued.id}")) == "dead"


def test_a_429_is_retried_when_retry_after_says(db, clock, hook_settings):
    start = clock.now()
    with Receiver(replies=[(429, {"Retry-After": "120"}), (200, {})]) as receiver:
        queued = queue(db, clock, hook_settings, receiver.url)
        worker = Worker(db, clock, hook_settings)
        worker.run_due()
        assert fetch(db, queued.id).next_attempt_at == start + timedelta(seconds=120)
        clock.set(start + timedelta(seconds=119))
        assert worker.run_due() == 0
        clock.set(start + timedelta(seconds=120))
        assert worker.run_due() == 1
    assert len(receiver.requests) == 2
    assert fetch(db, queued.id).status == "sent"


def test_a_redirect_is_not_followed(db, clock, hook_settings):
    with Receiver(replies=[(301, {"Location": "http://127.0.0.1:1/elsewhere"})]) as receiver:
        queued = queue(db, clock, hook_settings, receiver.url)
        Worker(db, clock, hook_settings).run_due()
    assert len(receiver.requests) == 1
    assert (fetch(db, queued.id).status, fetch(db, queued.id).response_code) == ("failed", 301)


def test_an_unreachable_receiver_is_retried_then_given_up(db, clock, hook_settings):
    few = hook_settings.with_overrides(job_max_attempts=2)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    queued = queue(db, clock, few, url)
    worker = Worker(db, clock, few)
    worker.run_due()
    waiting = fetch(db, queued.id)
    assert waiting.status == "retrying"
    assert waiting.last_error.startswith(f"no response from {url}: ConnectError")
    clock.advance(seconds=10)
    worker.run_due()
    failed = fetch(db, queued.id)
    assert (failed.status, failed.attempts, failed.response_code) == ("failed", 2, None)


def test_the_receiver_rejects_a_signature_made_with_another_secret(db, clock, hook_settings):
    with Receiver(secret="whsec_someone-else") as receiver:
        queue(db, clock, hook_settings, receiver.url)
        Worker(db, clock, hook_settings).run_due()
    assert [r["verified"] for r in receiver.requests] == [False]


def test_one_key_means_one_webhook(db, clock, hook_settings):
    with Receiver() as receiver:
        first = queue(db, clock, hook_settings, receiver.url, key="hook:1")
        again = queue(db, clock, hook_settings, receiver.url, {"other": True}, key="hook:1")
        Worker(db, clock, hook_settings).run_due()
    assert again.id == first.id
    assert len(receiver.requests) == 1


@pytest.mark.parametrize("url", ["ftp://example.com/x", "example.com/hook", "http:///nohost", "http://a b.com/"])
def test_a_url_that_is_not_http_is_refused(db, clock, hook_settings, url):
    with ctx_for(db, clock, hook_settings) as ctx, pytest.raises(Invalid, match="is not a usable URL"):
        service.send_webhook(ctx, url=url, secret=SECRET, payload={})


def test_retry_after_accepts_seconds_or_a_date_and_is_capped():
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("30", now=now, cap=3600) == 30
    assert retry_after_seconds("Sun, 01 Mar 2026 12:02:00 GMT", now=now, cap=3600) == 120
    assert retry_after_seconds("99999", now=now, cap=3600) == 3600
    assert retry_after_seconds("Sun, 01 Mar 2026 11:00:00 GMT", now=now, cap=3600) == 0
    assert retry_after_seconds("soon", now=now, cap=3600) is None
    assert retry_after_seconds(None, now=now, cap=3600) is None
