"""Two `warroom worker` processes on one PostgreSQL database, one killed with SIGKILL mid-run.

500 incidents each page one person by email and webhook (1,000 deliveries). After the 200th delivery arrives,
worker A is killed. Every delivery id must still arrive (at-least-once), and the only duplicates are re-sends
of deliveries that were in flight on A (at most A's page-queue concurrency).
"""

# ruff: noqa: F811 - fixtures imported from test_contacts_support are used as test parameters

from __future__ import annotations

import collections
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from test_contacts_support import inbox, receiver, settings  # noqa: F401
from warroom.contacts import service as contacts
from warroom.contacts.models import CHANNEL_QUEUES, PageDelivery
from warroom.incidents import service as incidents
from warroom.jobs import registry
from warroom.jobs.models import Job

pytestmark = pytest.mark.skipif(
    not os.environ.get("WARROOM_TEST_DATABASE_URL"), reason="the two-worker test needs PostgreSQL"
)
INCIDENTS = int(os.environ.get("CONTACTS_TWO_WORKER_INCIDENTS", "500"))  # smaller only for local debugging
KILL_AFTER = 2 * INCIDENTS * 2 // 5  # the 200th of 1,000 deliveries
TIME_LIMIT = 90.0  # for the workers' part; creating the 500 incidents beforehand is not timed
PAGE_QUEUES = ("page-email", "page-webhook")


def _worker(settings, name: str, log_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "WARROOM_DATABASE_URL": settings.database_url,
        "WARROOM_MODE": "dev",
        "WARROOM_SECRET_KEY": settings.secret_key,
        "WARROOM_BASE_URL": settings.base_url,
        "WARROOM_SMTP_HOST": "127.0.0.1",
        "WARROOM_SMTP_PORT": str(settings.smtp_port),
        "WARROOM_SMTP_FROM": "warroom@example.com",
        "WARROOM_WORKER_POLL": "0.1",
    }
    log = (log_dir / f"{name}.log").open("wb")
    return subprocess.Popen([sys.executable, "-m", "warroom", "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)


def _progress(db, inbox, receiver) -> str:
    with db.transaction(readonly=True) as session:
        jobs = session.execute(text("SELECT queue, status, count(*) FROM jobs GROUP BY 1, 2 ORDER BY 1, 2")).all()
        rows = session.execute(text("SELECT status, count(*) FROM page_deliveries GROUP BY 1 ORDER BY 1")).all()
    return f"received {len(_received(inbox, receiver))}; jobs {jobs}; deliveries {rows}"


_HEADER = re.compile(rb"^X-Warroom-Delivery-Id: (.+?)\r?$", re.MULTILINE)


def _received(inbox, receiver) -> list[str]:
    # Read only the one header of each mail: parsing 1,000 messages on every poll would starve the workers.
    with inbox.lock:
        contents = [e.content for e in inbox.envelopes]
    ids = [found.group(1).decode() for content in contents if (found := _HEADER.search(content))]
    ids += [r.headers["x-warroom-delivery-id"] for r in list(receiver.requests)]
    return ids


def test_every_page_arrives_and_duplicates_are_only_in_flight_resends(
    db, clock, settings, make_ctx, alice, bob, inbox, receiver, tmp_path
):
    with make_ctx(actor=bob.user) as ctx:
        contacts.add_contact_method(ctx, user_id=bob.id, kind="email", target="bob@work.example.com")
        contacts.add_contact_method(ctx, user_id=bob.id, kind="webhook", target=receiver.url + "/pages")
    for batch in range(0, INCIDENTS, 50):
        with make_ctx(actor=alice.user) as ctx:
            for n in range(batch, min(batch + 50, INCIDENTS)):
                incident = incidents.declare_incident(ctx, title=f"Load test {n}", severity="SEV2")
                contacts.page_user(ctx, incident=incident, user=bob.user, page_key=f"load:{n}", reason="load test")
    with db.transaction(readonly=True) as session:
        expected = set(session.scalars(text("SELECT delivery_id FROM page_deliveries")))
    assert len(expected) == 2 * INCIDENTS
    with db.transaction() as session:
        # Only page delivery is under test: leave the other domains' reactions to 500 declarations unrun.
        session.execute(text("UPDATE jobs SET status = 'cancelled' WHERE queue NOT IN ('page-email', 'page-webhook')"))

    started = time.monotonic()
    worker_a = _worker(settings, "a", tmp_path)
    worker_b = _worker(settings, "b", tmp_path)
    try:
        while len(_received(inbox, receiver)) < KILL_AFTER:
            assert time.monotonic() - started < TIME_LIMIT, _progress(db, inbox, receiver)
            assert worker_a.poll() is None and worker_b.poll() is None, (tmp_path / "a.log").read_text()
            time.sleep(0.05)
        os.kill(worker_a.pid, signal.SIGKILL)
        worker_a.wait(10)
        with db.transaction() as session:
            mine = f"%:{worker_a.pid}:%"
            in_flight = session.execute(
                select(Job.payload).where(Job.status == "running", Job.locked_by.like(mine), Job.queue.in_(PAGE_QUEUES))
            ).all()
            in_flight_ids = {
                session.get(PageDelivery, payload["page_delivery_id"]).delivery_id for (payload,) in in_flight
            }
            # Leases last minutes; stand in for the clock running out so worker B may claim A's jobs now.
            session.execute(
                text("UPDATE jobs SET locked_until = now() - interval '1 second' WHERE locked_by LIKE :mine"),
                {"mine": mine},
            )
        while set(_received(inbox, receiver)) != expected:
            assert time.monotonic() - started < TIME_LIMIT, (
                f"only {len(set(_received(inbox, receiver)))} of {len(expected)} delivery ids arrived"
            )
            assert worker_b.poll() is None, (tmp_path / "b.log").read_text()
            time.sleep(0.2)
    finally:
        for process in (worker_a, worker_b):
            if process.poll() is None:
                process.kill()
                process.wait(10)

    received = _received(inbox, receiver)
    counts = collections.Counter(received)
    duplicates = {delivery_id for delivery_id, n in counts.items() if n > 1}
    concurrency = sum(registry.DEDICATED_QUEUES[q] for q in {CHANNEL_QUEUES["email"], CHANNEL_QUEUES["webhook"]})
    assert set(received) == expected
    assert duplicates <= in_flight_ids
    assert len(in_flight_ids) <= concurrency
    assert all(counts[d] == 2 for d in duplicates)
    assert time.monotonic() - started < TIME_LIMIT
