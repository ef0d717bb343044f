"""Group commit: concurrent writes share transactions, each caller returns after its commit, bad items isolate."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.catalog.models import Team
from warroom.lib.groupcommit import GroupCommitter, Overloaded


def add_teams(session: Session, names: Sequence[str]) -> list[int]:
    ids = []
    for name in names:
        if name == "explode":
            raise ValueError("a bad item")
        team = Team(name=name, description="", created_at=datetime.now(UTC))
        session.add(team)
        session.flush()
        ids.append(team.id)
    return ids


def team_count(db) -> int:
    with db.transaction(readonly=True) as session:
        return int(session.scalar(select(func.count()).select_from(Team)) or 0)


def test_concurrent_writers_all_commit_and_share_transactions(db):
    committer: GroupCommitter[str, int] = GroupCommitter(db, add_teams, max_batch=50)
    barrier = threading.Barrier(20)
    results: list[int] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        barrier.wait()
        for i in range(10):
            team_id = committer.write(f"team-{n}-{i}")
            with lock:
                results.append(team_id)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    committer.stop()
    assert len(results) == 200 and len(set(results)) == 200
    assert team_count(db) == 200  # every caller's write was committed before it returned
    assert committer.items == 200
    assert committer.batches < 200  # at least some writes shared a commit


def test_a_bad_item_fails_alone_and_the_rest_of_its_batch_commits(db):
    committer: GroupCommitter[str, int] = GroupCommitter(db, add_teams)
    futures = [committer.submit(name) for name in ("a", "explode", "b")]
    assert isinstance(futures[0].result(10), int)
    with pytest.raises(ValueError, match="a bad item"):
        futures[1].result(10)
    assert isinstance(futures[2].result(10), int)
    committer.stop()
    assert team_count(db) == 2


def test_too_much_waiting_is_refused_at_once(db):
    gate = threading.Event()

    def slow(session: Session, names: Sequence[str]) -> list[int]:
        gate.wait(10)
        return [0 for _ in names]

    committer: GroupCommitter[str, int] = GroupCommitter(db, slow, max_pending=3)
    first = committer.submit("x")  # taken by the writer, which now waits on the gate
    for _ in range(50):
        if committer._queue.qsize() == 0:
            break
        threading.Event().wait(0.01)
    queued = [committer.submit(str(i)) for i in range(3)]
    with pytest.raises(Overloaded):
        committer.submit("one too many")
    gate.set()
    assert first.result(10) == 0 and [f.result(10) for f in queued] == [0, 0, 0]
    committer.stop()


def test_an_idle_writer_thread_ends_and_the_next_write_starts_another(db):
    import time

    committer: GroupCommitter[str, int] = GroupCommitter(db, add_teams, idle_seconds=0.05)
    assert committer.write("first") > 0
    deadline = time.monotonic() + 5
    while committer._thread is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert committer._thread is None  # no thread is left behind by an app that stopped writing

    assert committer.write("second") > 0
    assert team_count(db) == 2
    committer.stop()


def test_async_callers_complete_on_their_loop_with_one_wakeup_per_batch(db):
    import asyncio

    committer: GroupCommitter[str, int] = GroupCommitter(db, add_teams, max_batch=100)
    wakeups = 0

    async def main() -> tuple[list[int | BaseException], int]:
        loop = asyncio.get_running_loop()
        real = loop.call_soon_threadsafe

        def counting(callback, *args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal wakeups
            wakeups += 1
            return real(callback, *args, **kwargs)

        loop.call_soon_threadsafe = counting  # type: ignore[method-assign]
        futures = [committer.submit_async(f"async-{i}") for i in range(40)]
        abandoned = committer.submit_async("abandoned")
        abandoned.cancel()  # a caller that gave up: the writer must skip it, not fail
        results: list[int | BaseException] = list(await asyncio.gather(*futures, return_exceptions=True))
        batch_wakeups = wakeups
        results += await asyncio.gather(committer.submit_async("explode"), return_exceptions=True)
        return results, batch_wakeups

    results, batch_wakeups = asyncio.run(main())
    committer.stop()
    ids = [r for r in results[:40] if isinstance(r, int)]
    assert len(set(ids)) == 40  # every caller got its own committed row
    assert isinstance(results[40], ValueError)  # a bad item's error reaches its caller
    assert team_count(db) == 41  # the 40 and the abandoned one (it was queued before the caller left)
    assert batch_wakeups < 20  # completions were grouped per batch, not one loop wake-up per item
