"""PostgreSQL's read first reads on the event loop itself, through an asyncio connection of its own.

On SQLite a read is a page-cache lookup, so read first reads with a blocking call on the loop. On PostgreSQL a
read is a network round trip. Blocking the loop for it leaves the loop idle while the server works; handing it
to a thread (as this module's predecessor did) costs the thread a wait for the GIL when the answer comes, up
to the interpreter's switch interval (5 ms) while the loop parses requests: under the single-alert load a
read-first answer then took 5-8 ms on average. Here the loop sends the batch's one statement
(intake/batchread.py) and goes on serving until the answer arrives: no thread, no GIL hand-off.

The connections are asyncpg's: measured per batch, psycopg's asyncio mode cost about twice the Python of
asyncpg for the same statement, and the client side is most of a batch's cost here (docs/architecture.md).
One connection per batch in flight on each event loop, in autocommit mode (each statement reads what is
committed when it runs, and a write is its own transaction), opened from the engine's URL. A failed or
timed-out statement closes its connection; the next one opens another.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import weakref
from collections.abc import AsyncIterator, Sequence
from typing import Any

import orjson

from warroom.db import Database
from warroom.intake import batchread, fastpath, statements

log = logging.getLogger("warroom.intake")


# These connections run only the batch read and the batch write, each a prepared statement (asyncpg prepares
# every query). Left to itself, PostgreSQL re-decides at each execution whether to plan the statement afresh
# for its arguments (a custom plan) or reuse a generic one, and after an ANALYZE of intake_alerts it often
# settled on planning afresh: in the single-alert benchmark, up to 5,100 of 7,700 reads and 1,250 of 1,750
# writes of a run were planned again, 0.12-0.3 ms of the server's CPU each, which doubled its CPU per alert
# in those runs. For a batch of a few rows both statements should be index lookups per row whatever the
# statistics say (batchread.STATEMENT's note), so on the lookups' connections the generic plan is forced and
# made of index scans and nested loops only (without the enable_* settings it hash-joined a sequential scan
# of intake_alerts). Bulk batches (100 alerts a request) are better served by what the planner picks for
# their size, a hash join, than by a probe per row into indexes that re-deliveries' updates keep bloated
# (forcing the lookup plan on them cost a quarter of the 100-alert throughput), and their planning is a
# small part of their cost: they get connections of their own, left to the planner.
LOOKUP_ROWS = 32
PLANNER_SETTINGS = {
    "plan_cache_mode": "force_generic_plan",
    "enable_seqscan": "off",
    "enable_bitmapscan": "off",
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
}


class AsyncReads:
    STATEMENT_TIMEOUT_MS = 5_000  # the server cancels a read that takes longer (read first's own timeout is 10 s)
    RETRY_AFTER = 5.0  # seconds without a new connection attempt after one failed

    def __init__(self, db: Database) -> None:
        self.db = db
        # Each loop's idle connections (one per batch read first has in flight on the loop), by kind: True for
        # the lookups' (PLANNER_SETTINGS), False for bulk batches'.
        self.connections: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[bool, list[Any]]] = (
            weakref.WeakKeyDictionary()
        )
        self.closing: set[asyncio.Task[None]] = set()
        self.down_until = 0.0  # the loop's time before which no connection is tried again

    def available(self) -> bool:
        """Whether to try a read now: not within RETRY_AFTER of a failed connection attempt."""
        return asyncio.get_running_loop().time() >= self.down_until

    async def rows(self, query: batchread.Query) -> Sequence[Any]:
        """The batch statement's rows, read on the running loop's connection."""
        async with self._connection(lookup=len(query.params[0]) <= LOOKUP_ROWS) as connection:
            return list(await connection.fetch(_numbered(batchread.STATEMENT), *query.params))

    async def write(self, pending: fastpath.Pending, sql: statements.Driver) -> None:
        """The batch's re-delivery updates, and its integrations' last use, in one statement (`Pending.batch`),
        so in one transaction and one round trip. It writes nothing unless each integration the batch came
        through is still live, and each update holds only if its row is still the alert, in the status (and
        with the annotations) it was planned from; the count is known after the commit, so
        Moved then means: the rows that still held were updated, which is what their re-delivery means for
        them, and the caller leaves every delivery of the batch to the writer, which plans them again. A row
        another transaction holds is waited for at most batchread.LOCK_TIMEOUT_MS; the driver's error then
        rolls everything back."""
        params, expected = pending.batch()
        async with self._connection(lookup=expected <= LOOKUP_ROWS) as connection:
            live, updated = await connection.fetchrow(_numbered(sql.update_batch), *params)
            if not live or updated != expected:
                raise fastpath.Moved

    @contextlib.asynccontextmanager
    async def _connection(self, *, lookup: bool) -> AsyncIterator[Any]:
        """One of the running loop's idle connections of the kind, or a new one; back to idle unless it failed."""
        loop = asyncio.get_running_loop()
        idle = self.connections.setdefault(loop, {}).setdefault(lookup, [])
        if idle:
            connection = idle.pop()
        else:
            try:
                connection = await self._connect(lookup=lookup)
            except Exception:
                # Refused, or a URL asyncpg does not take: the writer (psycopg) serves meanwhile, and one
                # warning says why instead of one per batch.
                log.warning(
                    "intake: no PostgreSQL connection for read first; the writer takes every delivery for %.0f s",
                    self.RETRY_AFTER,
                    exc_info=True,
                )
                self.down_until = loop.time() + self.RETRY_AFTER
                raise
        try:
            yield connection
        except fastpath.Moved:
            idle.append(connection)  # committed: still good
            raise
        except BaseException:  # failed, or cancelled mid-statement: its state is unknown, so start afresh
            closing = loop.create_task(_close(connection))
            self.closing.add(closing)  # held until done: the loop keeps only a weak reference to a task
            closing.add_done_callback(self.closing.discard)
            raise
        idle.append(connection)

    async def _connect(self, *, lookup: bool) -> Any:
        import asyncpg  # only PostgreSQL installs get here

        url = self.db.engine.url.set(drivername="postgresql")
        connection = await asyncpg.connect(
            url.render_as_string(hide_password=False),
            server_settings={
                "statement_timeout": str(int(self.STATEMENT_TIMEOUT_MS)),
                "lock_timeout": str(int(batchread.LOCK_TIMEOUT_MS)),
                **(PLANNER_SETTINGS if lookup else {}),
            },
        )
        try:  # JSONB annotations: orjson parses them several times faster
            await connection.set_type_codec(
                "jsonb", schema="pg_catalog", decoder=orjson.loads, encoder=_dumps, format="text"
            )
        except BaseException:
            await _close(connection)
            raise
        return connection

    async def close(self) -> None:
        """Close the running loop's connections (at shutdown)."""
        for idle in self.connections.pop(asyncio.get_running_loop(), {}).values():
            for connection in idle:
                await _close(connection)


@functools.cache
def _numbered(statement: str) -> str:
    """A statement with the DBAPI's %s placeholders as asyncpg's $1, $2, ..."""
    parts = statement.split("%s")
    return "".join(f"{part}${index}" for index, part in enumerate(parts[:-1], 1)) + parts[-1]


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


async def _close(connection: Any) -> None:
    if connection is not None:
        try:
            await connection.close()
        except Exception:  # already gone
            log.debug("intake: closing the read connection failed", exc_info=True)
