"""Read first: a delivery that only repeats what is stored is answered from reads, without the writer.

Most intake traffic repeats what is already stored (re-sends every group_interval, HA duplicates, Prometheus
pushing every firing alert on each evaluation). For such a delivery a write transaction (and on PostgreSQL
the services' row locks and a WAL flush) is wasted, and the writer thread's hand-offs (waking it, the GIL
passing back and forth, waking the loop again) cost more than the reads that decide it. So `submit` offers
each delivery to `ReadFirst`, which collects those of one event-loop iteration and, when it ends, answers
what the reads can (`answer_from_reads`); only the rest goes to the intake writer (intake/writer.py).

On SQLite the reads run on the event loop itself (a page-cache lookup; SQLite's readers never wait for its
writer). On PostgreSQL a read is a network round trip: the loop sends the batch's one statement on an
asyncio connection (intake/asyncreads.py) and serves on until its answer comes, and the deliveries that arrive
meanwhile make up the next batch.

Each delivery's way back is a `Waiter`: `answered` for an answer from reads (nothing to commit), `queued`
with the writer's future, `refused` when the writer is full. No future and no extra loop callback per
delivery on the read path: its sender's answer is written in the same loop iteration as the batch's.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Sequence
from typing import Any, Protocol

from fastapi.responses import Response

from warroom.db import Database
from warroom.intake import batchread, fastpath, rowcache, statements
from warroom.intake.asyncreads import AsyncReads
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
    """Offer a delivery to the reads; what they cannot answer goes to the writer (or `waiter.refused`)."""
    found = _read_first.get(state)
    if found is None:
        found = _read_first[state] = ReadFirst(state.db, writer_for(state))
    found.submit(delivery, waiter)


def answer_from_reads(db: Database, deliveries: Sequence[Delivery]) -> list[Response | None]:
    """The answer of each delivery in the batch that repeats what is already stored (to the second), decided
    by reads alone (`answers`), with a blocking read on a connection from the pool: SQLite's way, on the loop.
    (ReadFirst reads PostgreSQL on the loop without blocking, `answer_from_async_reads`; this form reads it
    with `batchread.read`.)

    On SQLite the batch's rows are read afresh in one SELECT per service (and the row cache is refreshed from
    them), so a delivery is answered only from what is stored now, never from a cached plan.
    """
    sql = statements.driver(db.engine.dialect)
    with db.raw_connection() as raw:
        if sql.postgres:
            integrations, stored = batchread.read(raw, sql, deliveries)
        else:
            integrations, wanted = named(raw, sql, deliveries)
            stored = fastpath.prefetch(raw, sql, wanted, rowcache.cache_for(db), fresh=True)
    return answers(sql, deliveries, integrations, stored)


async def answer_from_async_reads(
    reads: AsyncReads, db: Database, deliveries: Sequence[Delivery], cache: rowcache.LoopCache | None = None
) -> list[Response | None]:
    """`answer_from_reads` for PostgreSQL: the batch's one statement, awaited on the loop (intake/asyncreads.py).

    With `cache`: a batch whose every delivery has a row to write (the usual re-delivery, once a second) is
    planned from the rows last read or written here, without the read: the write's conditions check each row
    and integration, and a row that moved sends the batch to the writer. Any other batch is read.
    """
    sql = statements.driver(db.engine.dialect)
    stamp = fastpath.Stamp(sql, deliveries[0].clock.now())
    known = cache.known(deliveries, stamp.second) if cache is not None else None
    if known is not None:
        writes = fastpath.Pending()
        out = answers(sql, deliveries, *known, writes=writes, stamp=stamp)
        if len(writes.waiting) == len(deliveries) and all(
            row_id in writes.updates for _index, ids in writes.waiting for row_id in ids
        ):
            return await _written(reads, sql, deliveries, out, writes, cache)
    query = batchread.Query(deliveries)
    integrations, stored = query.collect(sql, await reads.rows(query) if query.hashes else [])
    if cache is not None:
        cache.learn(integrations, stored)
    writes = fastpath.Pending()
    out = answers(sql, deliveries, integrations, stored, writes=writes)
    return await _written(reads, sql, deliveries, out, writes, cache) if writes.waiting else out


async def _written(
    reads: AsyncReads,
    sql: statements.Driver,
    deliveries: Sequence[Delivery],
    out: list[Response | None],
    writes: fastpath.Pending,
    cache: rowcache.LoopCache | None,
) -> list[Response | None]:
    """`out` with the waiting deliveries answered once `writes` commit; left to the writer if they did not."""
    try:
        await reads.write(writes, sql)
    except Exception as error:  # a row moved (Moved), or the driver's (asyncpg's) error, or the connection's
        if cache is not None:  # read afresh next time
            cache.drop([update.row for update in writes.updates.values()], [delivery.key for delivery in deliveries])
        if not isinstance(error, fastpath.Moved):
            log.info("intake: a re-delivery write on the loop failed (%s); the writer takes it", error)
        return out  # the waiting deliveries' places are None: the writer plans them again
    writes.applied()
    for index, ids in writes.waiting:
        respond = deliveries[index].respond
        assert respond is not None
        out[index] = respond(ids)
    return out


def answers(
    sql: statements.Driver,
    deliveries: Sequence[Delivery],
    integrations: dict[str, fastpath.Live | None],
    stored: dict[int, dict[str, fastpath.Stored]],
    *,
    writes: fastpath.Pending | None = None,
    stamp: fastpath.Stamp | None = None,
) -> list[Response | None]:
    """Each delivery's answer when what it says is stored already, from a fresh read of its rows: no write,
    no lock, no transaction to commit. None in a delivery's place when it needs the writer (something to
    write, an unknown key, not an alert). (Given `rowcache.LoopCache`'s rows instead, the caller keeps the
    result only when every delivery has a row to write, which the write's conditions check.)

    The deliveries of one batch all arrived before any of them was answered, on different connections (a
    request pipelined behind another is answered in turn), so none was sent after another's answer:
    answering a repeat before a change in the same batch is committed is an order their senders could have
    seen.

    `writes` (PostgreSQL): a repeat whose only change is to move last_seen and the expiry into this second,
    or new annotations, is queued there instead, and its index and answer's ids go to `writes.waiting`: the
    caller answers it once those writes commit (or leaves it to the writer).
    """
    stamp = stamp or fastpath.Stamp(sql, deliveries[0].clock.now())
    now = stamp.now
    pending = writes if writes is not None else fastpath.Pending()  # SQLite: the writer plans them again
    out: list[Response | None] = []
    for delivery in deliveries:
        answer = None
        found = integrations[delivery.key]
        if found is not None and delivery.alerts is not None and delivery.respond is not None:
            planned = fastpath.plan(delivery.alerts, stored[found.service_id], now)
            if planned is not None:
                touched = len(pending.touched)
                pending.queue(stamp, planned)
                pending.touch(stamp, found)  # a use to record, once a minute (once for the batch)
                pending.live.add(found.id)
                ids = [row.id for row, _item in planned]
                if len(pending.touched) > touched or any(row_id in pending.updates for row_id in ids):
                    pending.waiting.append((len(out), ids))  # something to write first
                else:
                    answer = delivery.respond(ids)
        out.append(answer)
    return out


class ReadFirst:
    """The deliveries queued during one event-loop iteration are first offered, once that iteration ends, to
    `answer_from_reads`; only the deliveries it cannot answer go to the writer thread.

    SQLite: the reads run on the loop itself (its readers never wait for its writer); when the pool has no
    idle connection the batch goes to the writer rather than wait for one on the loop. PostgreSQL: they run on
    the loop too, awaited, IN_FLIGHT batches at a time per loop; what arrives meanwhile waits for the next. A
    batch not read within READ_TIMEOUT goes to the writer.

    When the reads have not answered any of the last MISSES deliveries they tried (a stream that mostly
    changes something, such as each alert once a second), only every PROBE-th batch tries them, so that stream
    does not plan everything twice. Deliveries, not batches: under a steady re-delivery load on PostgreSQL,
    where about a quarter of the deliveries need a write, counting four unanswered batches in a row (often of
    one or two deliveries each) sent 20-40 % of all deliveries past the reads.
    """

    MISSES = 32
    PROBE = 16
    READ_TIMEOUT = 10.0
    IN_FLIGHT = 2

    def __init__(self, db: Database, writer: GroupCommitter[Delivery, Outcome]) -> None:
        self.db = db
        self.writer = writer
        self.waiting: dict[asyncio.AbstractEventLoop, list[tuple[Delivery, Waiter]]] = {}
        self.misses = 0  # deliveries in a row the reads did not answer
        self.skipped = 0  # batches sent straight to the writer since the last try
        self.reads = AsyncReads(db) if db.is_postgres else None
        self.cache = rowcache.LoopCache() if db.is_postgres else None
        self.reading: dict[asyncio.AbstractEventLoop, set[_Read]] = {}  # PostgreSQL: each loop's batches in flight

    def submit(self, delivery: Delivery, waiter: Waiter) -> None:
        loop = asyncio.get_running_loop()
        waiting = self.waiting.setdefault(loop, [])
        if not waiting and len(self.reading.get(loop, ())) < self.IN_FLIGHT:
            loop.call_soon(self._flush, loop)
        waiting.append((delivery, waiter))

    async def close(self) -> None:
        if self.reads is not None:
            await self.reads.close()

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        batch = self.waiting.pop(loop, [])
        if not batch:
            return
        if not self._worth_trying():
            self._answer(batch, None)
        elif self.reads is not None:
            if not self.reads.available():  # no connection lately: the writer's, meanwhile
                self._answer(batch, None)
                return
            read = _Read(batch)
            self.reading.setdefault(loop, set()).add(read)
            read.task = loop.create_task(self._read_async(loop, read, self.reads))
        elif _idle_connection(self.db):
            replies = None
            try:
                replies = answer_from_reads(self.db, [delivery for delivery, _waiter in batch])
            except Exception:  # the writer decides, and replies, whatever went wrong here
                log.warning("intake: reading a batch on the event loop failed; the writer takes it", exc_info=True)
            self._answer(batch, replies, tried=True)
        else:
            self._answer(batch, None)

    async def _read_async(self, loop: asyncio.AbstractEventLoop, read: _Read, reads: AsyncReads) -> None:
        replies = None
        try:
            async with asyncio.timeout(self.READ_TIMEOUT):
                batch = [delivery for delivery, _waiter in read.batch]
                replies = await answer_from_async_reads(reads, self.db, batch, self.cache)
        except Exception:  # the writer decides, and replies, whatever went wrong here
            if reads.available():  # a failed connection attempt has said why already
                log.warning("intake: reading a batch on PostgreSQL failed; the writer takes it", exc_info=True)
        finally:  # cancelled too: no sender is left waiting
            self._read(loop, read, replies)

    def _read(self, loop: asyncio.AbstractEventLoop, read: _Read, replies: list[Response | None] | None) -> None:
        """The reads' replies (None if they failed or READ_TIMEOUT passed): answer them, then the next batch."""
        in_flight = self.reading.get(loop)
        if in_flight is not None:
            in_flight.discard(read)
        self._answer(read.batch, replies, tried=True)
        if self.waiting.get(loop) and len(self.reading.get(loop, ())) < self.IN_FLIGHT:
            self._flush(loop)

    def _answer(
        self, batch: list[tuple[Delivery, Waiter]], replies: list[Response | None] | None, *, tried: bool = False
    ) -> None:
        """Each delivery's answer from reads, or else its place in the writer's queue."""
        if tried:
            answered = replies is not None and any(answer is not None for answer in replies)
            self.misses = 0 if answered else self.misses + len(batch)
        for index, (delivery, waiter) in enumerate(batch):
            answer = replies[index] if replies is not None else None
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


class _Read:
    """A batch being read (PostgreSQL)."""

    __slots__ = ("batch", "task")

    def __init__(self, batch: list[tuple[Delivery, Waiter]]) -> None:
        self.batch = batch
        self.task: asyncio.Task[None] | None = None  # held: the loop keeps only a weak reference to a task


async def close(state: Any) -> None:
    """Close the app's read connection on the running loop, if it has one (at shutdown)."""
    found = _read_first.pop(state, None)
    if found is not None:
        await found.close()


def _idle_connection(db: Database) -> bool:
    checked_in = getattr(db.engine.pool, "checkedin", None)
    return checked_in is None or checked_in() > 0


_read_first: weakref.WeakKeyDictionary[Any, ReadFirst] = weakref.WeakKeyDictionary()
