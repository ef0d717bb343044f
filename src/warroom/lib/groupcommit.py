"""Group commit: many concurrent requests' writes share one transaction, and each caller returns after it.

Alert intake must answer 2xx only after the alert is committed, yet a commit per request caps a SQLite
install at a few thousand requests a second (and costs PostgreSQL a WAL flush each). A single writer
thread drains whatever is queued (up to `max_batch`), applies it in one transaction, commits once, and
then wakes every caller with its own result. Under light load a batch is one item and adds no delay; under
heavy load batches grow and the per-item cost of the commit shrinks.

`apply(session, items)` must return one result per item, in order. It should isolate per-item failures
itself (a SAVEPOINT per item); if the batch's transaction still fails as a whole, each item is retried
alone so one bad item cannot fail the others. When more than `max_pending` items wait, `submit` raises
Overloaded at once: intake answers 503 with Retry-After, which Alertmanager and PagerDuty clients retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from warroom.db import Database

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger("warroom.groupcommit")


class Overloaded(Exception):
    """Too much is queued already; the caller should answer 503 with Retry-After."""


@dataclass
class _Pending(Generic[T, R]):
    item: T
    future: Future[R] | asyncio.Future[R]
    loop: asyncio.AbstractEventLoop | None = None  # set for asyncio futures: completed on their loop


def _complete(done: list[tuple[asyncio.Future[R], R | None, BaseException | None]]) -> None:
    """On the event loop: complete a batch's asyncio futures (one loop callback for the whole batch)."""
    for future, result, error in done:
        if future.done():
            continue  # the caller gave up (cancelled or timed out)
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]


class GroupCommitter(Generic[T, R]):
    def __init__(
        self,
        db: Database,
        apply: Callable[[Any, Sequence[T]], Sequence[R]],
        *,
        name: str = "group-commit",
        max_batch: int = 256,
        max_pending: int = 5_000,
        idle_seconds: float = 5.0,
        own_transactions: bool = False,
        on_exit: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        # apply(session, items) in one transaction per batch; with own_transactions, apply(db, items) opens
        # and commits its transactions itself (intake commits re-deliveries on a bare DBAPI connection).
        self.apply = apply
        self.own_transactions = own_transactions
        self.on_exit = on_exit  # run on the writer thread as it ends (idle or stopped), e.g. to close connections
        self.name = name
        self.max_batch = max_batch
        self.max_pending = max_pending
        self.idle_seconds = idle_seconds  # an idle writer thread ends; the next submit starts one
        # SimpleQueue: put and the writer's wake-up are C code, where queue.Queue runs a Condition in Python.
        self._queue: queue.SimpleQueue[_Pending[T, R] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.batches = 0  # counters for tests and the jobs/health pages
        self.items = 0

    def submit(self, item: T) -> Future[R]:
        """Queue one item; the future completes after the transaction holding it has committed."""
        if self._queue.qsize() >= self.max_pending:
            raise Overloaded(f"{self._queue.qsize()} writes are already waiting")
        future: Future[R] = Future()
        self._queue.put(_Pending(item, future))
        self._ensure_started()  # after the put: a writer that just went idle cannot strand this item
        return future

    def submit_async(self, item: T) -> asyncio.Future[R]:
        """`submit` for a caller on an event loop: its future completes on that loop after the commit.

        The writer completes every asyncio caller of a batch with one `call_soon_threadsafe` per loop, so
        the loop wakes once per batch, not once per item (as `asyncio.wrap_future` on `submit` would).
        """
        if self._queue.qsize() >= self.max_pending:
            raise Overloaded(f"{self._queue.qsize()} writes are already waiting")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._queue.put(_Pending(item, future, loop))
        self._ensure_started()
        return future

    def write(self, item: T, timeout: float = 30.0) -> R:
        """Submit and wait (for synchronous callers such as FastAPI's threadpool handlers)."""
        return self.submit(item).result(timeout)

    def _ensure_started(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then stop the writer thread."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout)

    def _next(self) -> _Pending[T, R] | None:
        """The next item, or None when stopped or idle for `idle_seconds` (the thread then ends)."""
        while True:
            try:
                return self._queue.get(timeout=self.idle_seconds)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None  # submit starts a new writer for its next item
                        return None

    def _run(self) -> None:
        try:
            self._loop()
        finally:
            if self.on_exit is not None:
                try:
                    self.on_exit()
                except Exception:
                    log.exception("%s: cleaning up after the writer thread failed", self.name)

    def _loop(self) -> None:
        while True:
            first = self._next()
            if first is None:
                with self._lock:
                    if self._thread is threading.current_thread():
                        self._thread = None
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            self._commit(batch)
            if stop:
                with self._lock:
                    if self._thread is threading.current_thread():
                        self._thread = None
                return

    def _commit(self, batch: list[_Pending[T, R]]) -> None:
        try:
            if self.own_transactions:
                results = list(self.apply(self.db, [p.item for p in batch]))
            else:
                with self.db.transaction() as session:
                    results = list(self.apply(session, [p.item for p in batch]))
            if len(results) != len(batch):
                raise RuntimeError(f"apply returned {len(results)} results for {len(batch)} items")
        except Exception as exc:
            if len(batch) == 1:
                self._finish(batch, [None], exc)
                return
            log.warning("a batch of %d failed (%s); retrying each item alone", len(batch), exc)
            for pending in batch:
                self._commit([pending])
            return
        self.batches += 1
        self.items += len(batch)
        self._finish(batch, results, None)

    @staticmethod
    def _finish(batch: list[_Pending[T, R]], results: Sequence[R | None], error: BaseException | None) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[R], R | None, BaseException | None]]]
        by_loop = {}
        for pending, result in zip(batch, results, strict=True):
            if pending.loop is None:
                assert isinstance(pending.future, Future)
                if error is not None:
                    pending.future.set_exception(error)
                else:
                    pending.future.set_result(result)  # type: ignore[arg-type]
            else:
                assert isinstance(pending.future, asyncio.Future)
                by_loop.setdefault(pending.loop, []).append((pending.future, result, error))
        for loop, done in by_loop.items():
            with contextlib.suppress(RuntimeError):  # that loop has closed: nobody is waiting any more
                loop.call_soon_threadsafe(_complete, done)
