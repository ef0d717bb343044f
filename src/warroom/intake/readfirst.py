"""Read first: on SQLite, a delivery that only repeats what is stored is answered on the event loop, from reads.

Most intake traffic repeats what is already stored (re-sends every group_interval, HA duplicates, Prometheus
pushing every firing alert on each evaluation). For such a delivery the writer thread's hand-offs (waking it,
the GIL passing back and forth, waking the loop again) cost more than the reads that decide it. So `submit`
offers each delivery to `ReadFirst`, which collects those of one event-loop iteration and, when it ends,
answers what the reads can (`answer_from_reads`); only the rest goes to the intake writer (intake/writer.py).
PostgreSQL sends everything to the writer: a read there is a network round trip.

Each delivery's way back is a `Waiter`: `answered` for an answer from reads (nothing to commit), `queued`
with the writer's future, `refused` when the writer is full. No future and no extra loop callback per
delivery on the read path: its sender's answer is written in the same loop iteration.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Sequence
from typing import Any, Protocol

from fastapi.responses import Response

from warroom.db import Database
from warroom.intake import fastpath
from warroom.intake.writer import Delivery, Outcome, named, writer_for
from warroom.lib.groupcommit import GroupCommitter, Overloaded

log = logging.getLogger("warroom.intake")


class Waiter(Protocol):
    """How a delivery's answer gets back to its sender (see receivers._Waiter)."""

    def answered(self, response: Response) -> None:
        """Answered from reads: what it says is stored already."""

    def queued(self, future: asyncio.Future[Outcome]) -> None:
        """In the writer's queue: `future` completes after its commit."""

    def refused(self, error: Overloaded) -> None:
        """The writer is full: the sender should retry."""


def submit(state: Any, delivery: Delivery, waiter: Waiter) -> None:
    """Offer a delivery to the reads (SQLite) or queue it for the writer (PostgreSQL). May raise Overloaded
    (the writer is full) only on PostgreSQL; on SQLite that comes later, through `waiter.refused`."""
    if state.db.is_postgres:
        waiter.queued(writer_for(state).submit_async(delivery))
        return
    found = _read_first.get(state)
    if found is None:
        found = _read_first[state] = ReadFirst(state.db, writer_for(state))
    found.submit(delivery, waiter)


def answer_from_reads(db: Database, deliveries: Sequence[Delivery]) -> list[Response | None] | None:
    """SQLite: the answer of each delivery in the batch that repeats what is already stored (to the second),
    decided by reads alone: no write, no lock, so it may run on the event loop (SQLite's readers never wait
    for its writer). None in a delivery's place when it needs the writer (something to write, an unknown key,
    not an alert), and None for the whole batch on PostgreSQL.

    The batch's rows are read afresh in one SELECT per service (and the row cache refreshed from them), so
    a delivery is answered only from what is stored now, never from a cached plan. The deliveries of one
    batch arrived during one event-loop iteration, on different connections (a request pipelined behind
    another is answered in turn), so none was sent after another's answer: answering a repeat before a
    change in the same batch is committed is an order their senders could have seen.
    """
    sql = fastpath.driver(db.engine.dialect)
    if sql.postgres:
        return None
    now = deliveries[0].clock.now()
    with db.raw_connection() as raw:
        integrations, wanted = named(raw, sql, deliveries)
        stored = fastpath.prefetch(raw, sql, wanted, fastpath.cache_for(db), fresh=True)
    stamp = fastpath.Stamp(sql, now)
    answers: list[Response | None] = []
    for delivery in deliveries:
        answer = None
        found = integrations[delivery.key]
        if found is not None and delivery.alerts is not None and delivery.respond is not None:
            planned = fastpath.plan(delivery.alerts, stored[found.service_id], now)
            if planned is not None:
                pending = fastpath.Pending()
                pending.queue(stamp, planned)
                pending.touch(stamp, found)  # a use to record: the writer records it (once for the batch)
                if pending.empty():
                    answer = delivery.respond([row.id for row, _item in planned])
        answers.append(answer)
    return answers


class ReadFirst:
    """SQLite: the deliveries queued during one event-loop iteration are first offered, once that iteration
    ends, to `answer_from_reads` on the loop itself; only the deliveries it cannot answer go to the writer
    thread.

    Reads never wait on SQLite (its readers do not block on the writer); when the pool has no idle
    connection the batch goes to the writer rather than wait for one on the loop. When the reads have not
    answered a single delivery of MISSES batches in a row (a stream that mostly changes something, such as
    each alert once a second), only every PROBE-th batch tries them, so that stream does not plan everything
    twice.
    """

    MISSES = 4
    PROBE = 16

    def __init__(self, db: Database, writer: GroupCommitter[Delivery, Outcome]) -> None:
        self.db = db
        self.writer = writer
        self.waiting: dict[asyncio.AbstractEventLoop, list[tuple[Delivery, Waiter]]] = {}
        self.misses = 0  # batches in a row the reads did not answer
        self.skipped = 0  # batches sent straight to the writer since the last try

    def submit(self, delivery: Delivery, waiter: Waiter) -> None:
        loop = asyncio.get_running_loop()
        waiting = self.waiting.setdefault(loop, [])
        if not waiting:
            loop.call_soon(self._flush, loop)
        waiting.append((delivery, waiter))

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        batch = self.waiting.pop(loop, [])
        answers: list[Response | None] | None = None
        if batch and self._worth_trying() and _idle_connection(self.db):
            try:
                answers = answer_from_reads(self.db, [delivery for delivery, _waiter in batch])
            except Exception:  # the writer decides, and answers, whatever went wrong here
                log.warning("intake: reading a batch on the event loop failed; the writer takes it", exc_info=True)
            answered = answers is not None and any(answer is not None for answer in answers)
            self.misses = 0 if answered else self.misses + 1
        for index, (delivery, waiter) in enumerate(batch):
            answer = answers[index] if answers is not None else None
            try:
                if answer is not None:
                    waiter.answered(answer)
                    continue
                try:
                    queued = self.writer.submit_async(delivery)
                except Overloaded as error:
                    waiter.refused(error)
                else:
                    waiter.queued(queued)
            except Exception:  # one sender's failure must not strand the others of the batch
                log.exception("intake: answering a delivery failed")

    def _worth_trying(self) -> bool:
        if self.misses < self.MISSES or self.skipped >= self.PROBE:
            self.skipped = 0
            return True
        self.skipped += 1
        return False


def _idle_connection(db: Database) -> bool:
    checked_in = getattr(db.engine.pool, "checkedin", None)
    return checked_in is None or checked_in() > 0


_read_first: weakref.WeakKeyDictionary[Any, ReadFirst] = weakref.WeakKeyDictionary()
