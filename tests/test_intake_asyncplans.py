"""PostgreSQL: read first's connections run its two statements on generic plans made of index lookups
(asyncreads.PLANNER_SETTINGS), never planned again per execution; bulk batches go to connections of their own,
left to the planner."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from test_intake_fastpath import _deliveries
from test_intake_support import integration, make_service
from warroom.intake import batchread, readfirst, statements
from warroom.intake import writer as intake_writer
from warroom.intake.asyncreads import LOOKUP_ROWS, AsyncReads, _numbered


@pytest.fixture
def on_postgres(db: Any) -> None:
    if not db.is_postgres:
        pytest.skip("read first's asyncio connections are PostgreSQL's")


def test_the_read_and_the_write_are_never_planned_per_execution(on_postgres, app, alice_api, make_ctx, clock, db):
    key = integration(alice_api, make_service(make_ctx), "prometheus")["key"]
    intake_writer.apply_batch(db, _deliveries(app, key, ("Disk", "d"), ("Load", "l")))  # stored: re-deliveries next
    plans: list[Any] = []

    async def run() -> None:
        reads = AsyncReads(db)
        try:
            for _ in range(8):  # PostgreSQL's own choice plans the first five executions afresh
                clock.advance(seconds=2)  # a new second: each batch is read, then written
                batch = _deliveries(app, key, ("Disk", "d"), ("Load", "l"))
                answers = await readfirst.answer_from_async_reads(reads, db, batch)
                assert [getattr(answer, "status_code", None) for answer in answers] == [200, 200]
            async with reads._connection(lookup=True) as connection:
                plans.extend(
                    await connection.fetch(
                        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
                        " WHERE statement LIKE 'SELECT i.key_hash%' OR statement LIKE 'WITH live%'"
                    )
                )
        finally:
            await reads.close()

    asyncio.run(run())
    assert len(plans) == 2  # the batch read and the batch write, each prepared once on the one connection
    for statement, generic, custom in plans:
        assert custom == 0, statement[:40]
        assert generic >= 8, statement[:40]


def test_their_generic_plans_are_index_lookups_and_nested_loops(on_postgres, db):
    sql = statements.driver(db.engine.dialect)
    found: dict[str, str] = {}

    async def run() -> None:
        reads = AsyncReads(db)
        try:
            async with reads._connection(lookup=True) as connection:
                for name, statement in (("read", batchread.STATEMENT), ("write", sql.update_batch)):
                    await connection.execute(f"PREPARE probe AS {_numbered(statement)}")
                    nulls = ", ".join(["NULL"] * statement.count("%s"))
                    rows = await connection.fetch(f"EXPLAIN EXECUTE probe({nulls})")
                    await connection.execute("DEALLOCATE probe")
                    found[name] = "\n".join(row[0] for row in rows)
        finally:
            await reads.close()

    asyncio.run(run())
    for name, plan in found.items():
        # On a test's near-empty tables the planner's own choice scans intake_integrations sequentially.
        for scan in ("Seq Scan", "Hash Join", "Merge Join", "Bitmap Heap Scan"):
            assert scan not in plan, f"{name}:\n{plan}"
        assert "Index Scan" in plan, f"{name}:\n{plan}"


def test_bulk_batches_are_read_and_written_on_connections_left_to_the_planner(
    on_postgres, app, alice_api, make_ctx, clock, db
):
    key = integration(alice_api, make_service(make_ctx), "prometheus")["key"]
    names = [(f"Bulk{index}", "b") for index in range(LOOKUP_ROWS + 8)]
    intake_writer.apply_batch(db, _deliveries(app, key, *names))
    modes: dict[bool, list[str]] = {}
    kinds: list[list[bool]] = []

    async def run() -> None:
        reads = AsyncReads(db)
        try:
            clock.advance(seconds=2)
            answers = await readfirst.answer_from_async_reads(reads, db, _deliveries(app, key, *names))
            assert {getattr(answer, "status_code", None) for answer in answers} == {200}
            kinds.append(sorted(reads.connections[asyncio.get_running_loop()]))  # read, then written: bulk only
            answers = await readfirst.answer_from_async_reads(reads, db, _deliveries(app, key, ("Bulk1", "b")))
            assert [getattr(answer, "status_code", None) for answer in answers] == [200]
            for lookup, idle in reads.connections[asyncio.get_running_loop()].items():
                modes[lookup] = [await connection.fetchval("SHOW plan_cache_mode") for connection in idle]
        finally:
            await reads.close()

    asyncio.run(run())
    assert kinds == [[False]]
    assert modes == {False: ["auto"], True: ["force_generic_plan"]}  # one connection each, idle again
