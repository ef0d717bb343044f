"""PostgreSQL's read first plans a re-delivery that has something to write from the rows it last read or wrote
(rowcache.LoopCache), without a read; the write's conditions check every row and integration."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from test_intake_fastpath import _deliveries
from test_intake_support import integration, make_service, path_of
from warroom.intake import readfirst, rowcache
from warroom.intake import writer as intake_writer
from warroom.intake.asyncreads import AsyncReads


@pytest.fixture
def on_postgres(db: Any) -> None:
    if not db.is_postgres:
        pytest.skip("SQLite's read first reads on the loop and never writes there")


def _by_title(alice_api: Any) -> dict[str, dict[str, Any]]:
    return {a["title"]: a for a in alice_api.get("/api/v1/alerts", params={"limit": 50}).json()["items"]}


def _on_loop(db: Any, steps: Callable[[AsyncReads], Awaitable[None]]) -> None:
    reads = AsyncReads(db)

    async def run() -> None:
        try:
            await steps(reads)
        finally:
            await reads.close()

    asyncio.run(run())


def _status(answers: list[Any]) -> list[int | None]:
    return [getattr(answer, "status_code", None) for answer in answers]


def test_a_re_delivery_into_a_new_second_is_planned_from_the_cache_without_a_read(
    on_postgres, app, alice_api, make_ctx, clock, db
):
    key = integration(alice_api, make_service(make_ctx), "prometheus")["key"]
    intake_writer.apply_batch(db, _deliveries(app, key, ("Gone", "g"), ("Kept", "k")))
    cache = rowcache.LoopCache()
    reads_made: list[int] = []

    async def steps(reads: AsyncReads) -> None:
        read = reads.rows

        async def counted(query: Any) -> Any:
            reads_made.append(len(query.params[0]))
            return await read(query)

        reads.rows = counted  # type: ignore[method-assign]
        clock.advance(seconds=2)
        first = await readfirst.answer_from_async_reads(reads, db, _deliveries(app, key, ("Gone", "g")), cache)
        assert _status(first) == [200] and reads_made == [1]  # nothing cached yet: read, then written
        clock.advance(seconds=2)
        batch = _deliveries(app, key, ("Gone", "g"), ("Kept", "k"))
        assert _status(await readfirst.answer_from_async_reads(reads, db, batch, cache)) == [200, 200]
        assert reads_made == [1, 2]  # "k" was not cached: the batch is read
        clock.advance(seconds=2)
        batch = _deliveries(app, key, ("Gone", "g"), ("Kept", "k"))
        assert _status(await readfirst.answer_from_async_reads(reads, db, batch, cache)) == [200, 200]
        assert reads_made == [1, 2]  # both cached, both with a new second to write: no read
        batch = _deliveries(app, key, ("Kept", "k"))  # the same second: nothing to write, so it must be read
        assert _status(await readfirst.answer_from_async_reads(reads, db, batch, cache)) == [200]
        assert reads_made == [1, 2, 1]

    _on_loop(db, steps)
    alerts = _by_title(alice_api)
    assert alerts["g"]["last_seen"].startswith(clock.now().isoformat()[:19])
    assert alerts["k"]["last_seen"].startswith(clock.now().isoformat()[:19])


def test_a_cached_plan_for_a_row_that_moved_writes_nothing_for_it_and_leaves_the_batch_to_the_writer(
    on_postgres, app, alice_api, make_ctx, clock, db
):
    key = integration(alice_api, make_service(make_ctx), "prometheus")["key"]
    intake_writer.apply_batch(db, _deliveries(app, key, ("Gone", "g"), ("Kept", "k")))
    cache = rowcache.LoopCache()

    async def steps(reads: AsyncReads) -> None:
        clock.advance(seconds=2)
        batch = _deliveries(app, key, ("Gone", "g"), ("Kept", "k"))
        assert _status(await readfirst.answer_from_async_reads(reads, db, batch, cache)) == [200, 200]
        gone = cache.rows[(cache.keys[key].service_id, batch[0].alerts[0].fingerprint)]  # type: ignore[index]
        with db.raw_connection() as raw, db.write_on(raw):  # another process resolves it
            raw.execute("UPDATE intake_alerts SET status = 'resolved' WHERE id = %s", (gone.id,))
        clock.advance(seconds=2)
        batch = _deliveries(app, key, ("Gone", "g"), ("Kept", "k"))
        assert _status(await readfirst.answer_from_async_reads(reads, db, batch, cache)) == [None, None]
        assert gone.fingerprint not in {fingerprint for _service, fingerprint in cache.rows}  # read afresh next

    _on_loop(db, steps)
    alerts = _by_title(alice_api)
    assert alerts["g"]["status"] == "resolved"  # the writer re-fires it when it takes the batch, not the loop
    assert not alerts["g"]["last_seen"].startswith(clock.now().isoformat()[:19])
    assert alerts["k"]["last_seen"].startswith(clock.now().isoformat()[:19])  # still as planned: written


def test_a_cached_plan_through_a_revoked_key_writes_nothing(on_postgres, app, alice_api, make_ctx, clock, db):
    hook = integration(alice_api, make_service(make_ctx), "prometheus")
    key = hook["key"]
    intake_writer.apply_batch(db, _deliveries(app, key, ("Kept", "k")))
    cache = rowcache.LoopCache()

    async def steps(reads: AsyncReads) -> None:
        clock.advance(seconds=2)
        batch = _deliveries(app, key, ("Kept", "k"))
        assert _status(await readfirst.answer_from_async_reads(reads, db, batch, cache)) == [200]
        assert key in cache.keys
        assert alice_api.post(f"/api/v1/integrations/{hook['id']}/revoke").status_code == 200
        clock.advance(seconds=2)
        batch = _deliveries(app, key, ("Kept", "k"))
        assert _status(await readfirst.answer_from_async_reads(reads, db, batch, cache)) == [None]  # the writer's 404
        assert key not in cache.keys

    _on_loop(db, steps)
    assert not _by_title(alice_api)["k"]["last_seen"].startswith(clock.now().isoformat()[:19])


def test_without_a_loop_connection_the_writer_answers_and_the_loop_waits_before_trying_again(
    on_postgres, client, alice_api, make_ctx, monkeypatch
):
    """asyncpg refused (or a URL it does not take): every delivery is still stored and answered, by the
    writer, and read first tries no new connection for RETRY_AFTER instead of one per batch."""
    url = path_of(integration(alice_api, make_service(make_ctx), "prometheus")["url"])
    attempts: list[int] = []

    async def refused(self: AsyncReads, *, lookup: bool) -> Any:
        attempts.append(1)
        raise OSError("connection refused")

    monkeypatch.setattr(AsyncReads, "_connect", refused)
    body = [{"labels": {"alertname": "NoLoop", "instance": "a"}, "annotations": {"summary": "s"}}]

    statuses = [client.post(url, json=body).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 200]
    assert attempts == [1]
    (alert,) = alice_api.get("/api/v1/alerts").json()["items"]
    assert alert["status"] == "firing"
