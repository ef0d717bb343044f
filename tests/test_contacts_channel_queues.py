"""Per-channel queues: a webhook receiver that hangs never delays email pages."""

# ruff: noqa: F811 - fixtures imported from test_contacts_support are used as test parameters

from __future__ import annotations

import threading
import time

from test_contacts_support import declare, deliveries, inbox, page, receiver, settings  # noqa: F401
from warroom.contacts import service as contacts
from warroom.jobs import registry
from warroom.jobs.worker import Worker


def test_each_channel_has_its_own_declared_queue():
    assert {q: registry.DEDICATED_QUEUES[q] for q in ("page-email", "page-webhook", "page-slack", "page-sms")} == {
        "page-email": 4,
        "page-webhook": 2,
        "page-slack": 2,
        "page-sms": 2,
    }


def test_a_hanging_webhook_does_not_delay_email_pages(db, clock, settings, make_ctx, alice, bob, inbox, receiver):
    receiver.delay = 4.0  # the receiver reads the request, then sits on it
    with make_ctx(actor=bob.user) as ctx:
        contacts.add_contact_method(ctx, user_id=bob.id, kind="webhook", target=receiver.url + "/slow")
        contacts.add_contact_method(ctx, user_id=bob.id, kind="email", target="bob@work.example.com")
    incidents = [declare(make_ctx, alice.user, title=f"Outage {n}") for n in range(3)]
    for n, incident in enumerate(incidents):
        page(make_ctx, incident, bob.user, key=f"k{n}")

    webhook_worker = Worker(db, clock, settings, queues=["page-webhook"])
    hanging = threading.Thread(target=webhook_worker.run_one, daemon=True)
    hanging.start()
    deadline = time.monotonic() + 5
    while not receiver.requests and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(receiver.requests) == 1  # the webhook worker is now stuck inside the POST

    started = time.monotonic()
    assert Worker(db, clock, settings, queues=["page-email"]).run_due() == 3
    elapsed = time.monotonic() - started
    assert sorted(m["Subject"].split(": ", 1)[1] for m in inbox.messages()) == ["Outage 0", "Outage 1", "Outage 2"]
    assert hanging.is_alive()  # all three emails went out while the webhook still hung
    assert elapsed < 3.5
    hanging.join(10)
    statuses = sorted((r.channel, r.status) for r in deliveries(db))
    assert statuses == [("email", "sent")] * 3 + [("webhook", "queued")] * 2 + [("webhook", "sent")]
