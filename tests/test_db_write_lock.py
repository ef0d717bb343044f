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
