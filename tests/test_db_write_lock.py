"""SQLite: threads of one process queue on a Python lock for the write lock instead of SQLite's busy sleeps."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from warroom import db as db_module


@pytest.fixture
def sqlite_only(db):  # type: ignore[no-untyped-def]
    if db.is_postgres:
        pytest.skip("the process write lock is for SQLite; PostgreSQL has row locks")
    return db


def _lock(database):  # type: ignore[no-untyped-def]
    path = database.engine.url.database
    from pathlib import Path

    return db_module._write_lock_for(str(Path(path).resolve()))


def test_a_write_transaction_holds_the_lock_until_commit_or_rollback(sqlite_only):
    lock = _lock(sqlite_only)
    with sqlite_only.transaction() as session:
        session.execute(text("SELECT 1"))
        assert lock.locked()
    assert not lock.locked()
    with pytest.raises(RuntimeError), sqlite_only.transaction() as session:
        session.execute(text("SELECT 1"))
        assert lock.locked()
        raise RuntimeError("roll back")
    assert not lock.locked()


def test_read_only_sessions_never_take_it(sqlite_only):
    lock = _lock(sqlite_only)
    with sqlite_only.transaction(readonly=True) as session:
        session.execute(text("SELECT 1"))
        assert not lock.locked()


def test_a_second_writer_waits_for_the_first_and_then_goes_ahead(sqlite_only):
    order: list[str] = []
    first_in = threading.Event()
    release_first = threading.Event()

    def first() -> None:
        with sqlite_only.transaction() as session:
            session.execute(text("SELECT 1"))
            order.append("first began")
            first_in.set()
            release_first.wait(timeout=10)
            order.append("first commits")

    def second() -> None:
        first_in.wait(timeout=10)
        with sqlite_only.transaction() as session:
            session.execute(text("SELECT 1"))
            order.append("second began")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_in.wait(timeout=10)
    release_first.set()
    for thread in threads:
        thread.join(timeout=20)

    assert order == ["first began", "first commits", "second began"]
    assert not _lock(sqlite_only).locked()


CHILD = """
import sys
from sqlalchemy import text
from warroom.db import Database
from warroom.settings import Settings
db = Database(Settings.from_env())
with db.transaction() as session:
    session.execute(text("SELECT 1"))
    print("holding", flush=True)
    sys.stdin.readline()  # hold the write transaction until the test says so
print("committed", flush=True)
"""


def test_another_process_waits_on_the_sidecar_flock_until_the_holder_commits(sqlite_only, tmp_path):
    import fcntl
    import os
    import subprocess
    import sys
    from pathlib import Path

    database = str(Path(sqlite_only.engine.url.database).resolve())
    env = dict(os.environ, WARROOM_DATABASE_URL=f"sqlite:///{database}")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "holding"
        fd = os.open(database + "-writer.lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):  # the child's write transaction holds it
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            child.stdin.write("go\n")
            child.stdin.flush()
            assert child.stdout.readline().strip() == "committed"
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released with the commit
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        with sqlite_only.transaction() as session:  # and this process's writers take it as before
            session.execute(text("SELECT 1"))
            assert _lock(sqlite_only).locked()
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(10)


def test_the_background_checkpointer_lets_the_log_restart_under_steady_writes(sqlite_only, monkeypatch):
    import sqlite3
    from pathlib import Path

    from warroom.db import Checkpointer, Database

    path = str(Path(sqlite_only.engine.url.database).resolve())
    database = Database(sqlite_only.settings)
    try:
        database.start_checkpointer()
        with database.transaction() as session:  # connections opened from now on carry the safety net only
            assert session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 20_000
        database._checkpointer.stop()  # type: ignore[union-attr]  # driven by hand below, not by its timer

        def write(n: int) -> None:
            for _ in range(n):
                with database.transaction() as session:
                    session.execute(text("CREATE TABLE IF NOT EXISTS cp_probe (n INTEGER)"))
                    session.execute(text("INSERT INTO cp_probe VALUES (1)"))

        def log_pages() -> int:
            probe = sqlite3.connect(path)
            try:
                return int(probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])
            finally:
                probe.close()

        write(60)
        grown = log_pages()
        assert grown >= 60  # nothing checkpointed inside the commits
        monkeypatch.setattr(Checkpointer, "RESTART_AT", 10)
        checkpointer = Checkpointer(path)
        taken: list[bool] = []
        real_acquire = checkpointer.lock.acquire
        monkeypatch.setattr(checkpointer.lock, "acquire", lambda timeout: taken.append(True) or real_acquire(timeout))
        own = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

        def locks_taken_by_checkpoint() -> int:  # the lock is shared with this process's writers: count around
            before = len(taken)
            checkpointer.checkpoint(own)
            return len(taken) - before

        try:
            assert locks_taken_by_checkpoint() == 1  # a long log: copied beside writers, finished under the lock
            assert not checkpointer.lock.locked()
            write(1)  # the next writer starts the log afresh
            assert log_pages() < 10
            assert locks_taken_by_checkpoint() == 0  # a short log: copied, writers never held up for it
        finally:
            own.close()
    finally:
        database.dispose()
