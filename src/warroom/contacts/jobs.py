"""Contacts background jobs: one page delivery per job, on one queue per channel."""

from __future__ import annotations

from warroom.contacts import delivery
from warroom.contacts.models import CHANNEL_QUEUES
from warroom.contacts.pages import DELIVER_JOB
from warroom.jobs.registry import job

# Threads per channel queue in every worker process. Email gets more: it is the page most people rely on.
QUEUE_THREADS = {"page-email": 4, "page-webhook": 2, "page-slack": 2, "page-sms": 2}

try:
    from warroom.jobs.registry import declare_queue
except ImportError:  # an older jobs package: every queue shares the general worker thread
    pass
else:
    for _queue in sorted(set(CHANNEL_QUEUES.values())):
        declare_queue(_queue, threads=QUEUE_THREADS[_queue])

job(DELIVER_JOB, prepare=delivery.prepare, on_failure=delivery.record_failure)(delivery.deliver)
