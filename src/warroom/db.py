"""Engine, sessions, column types and migrations. SQLite runs in WAL mode with one writer at a time."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from warroom.settings import Settings

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns aware UTC datetimes on every backend; refuses naive input."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


# Row locks taken to serialise work on a parent row (a service, an incident, an escalation) never change its
# key, so PostgreSQL's FOR NO KEY UPDATE is enough: unlike FOR UPDATE it does not block other transactions'
# inserts of rows that reference it (their foreign-key checks take KEY SHARE), e.g. a page's timeline entry
# while intake holds the service. SQLite ignores it (BEGIN IMMEDIATE already serialises writers).
NO_KEY_UPDATE: dict[str, bool] = {"key_share": True}
log = logging.getLogger("warroom.db")
BUSY_SECONDS = 30.0
_write_locks: dict[str, _FileWriteLock] = {}
_write_locks_guard = threading.Lock()


class _FileWriteLock:
    """One database file's write lock: threads of a process queue on a Python lock, processes on `flock`.

    A thread first takes this process's lock, then an exclusive `flock` on a sidecar file
    (`<database>-writer.lock`), so a writer in another process (`warroom serve --workers N`, the CLI) waits
    in the kernel and wakes the moment the holder commits, where SQLite's busy handler would sleep 1, 2,
    5 ... 100 ms between tries. The kernel drops the lock of a process that dies; SQLite's own lock and busy
    timeout still guard every write, so a process without this lock (an older version, a tool) stays safe.
    The `flock` has no timeout: it is only ever held for one write transaction, and a transaction's own
    statements give up after SQLite's busy timeout.
    """

    def __init__(self, database: str) -> None:
        self.threads = threading.Lock()
        self.path = database + "-writer.lock"
        self._fd: int | None = None
        self._pid = 0
        self._filed = False  # whether the current holder also holds the flock

    def locked(self) -> bool:
        return self.threads.locked()

    def acquire(self, timeout: float) -> bool:
        if not self.threads.acquire(timeout=timeout):
            return False
        try:
            if self._fd is None or self._pid != os.getpid():  # a forked child shares its parent's fd
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                self._pid = os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            self._filed = True
        except OSError:
            self._filed = False  # no sidecar file here (a read-only directory): SQLite's own lock still rules
        return True

    def release(self) -> None:
        if self._filed and self._fd is not None:
            self._filed = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self.threads.release()


def _write_lock_for(database: str) -> _FileWriteLock:
    with _write_locks_guard:
        found = _write_locks.get(database)
        if found is None:
            found = _write_locks[database] = _FileWriteLock(database)
        return found


class _SQLiteConnection(sqlite3.Connection):
    """A sqlite3 connection whose write transactions also hold this process's lock for the database file.

    SQLite lets one writer in at a time and makes the others poll: a blocked BEGIN IMMEDIATE sleeps 1, 2, 5,
    10 ... up to 100 ms between tries, so with a dozen threads (intake writer, job workers, requests) a
    page could sit behind such sleeps long after the lock was free. Threads of one process queue on a
    Python lock instead, which hands over the moment the holder commits or rolls back; other processes
    still meet SQLite's own lock. The lock is taken where BEGIN IMMEDIATE would have blocked anyway, so it
    adds no waiting of its own.
    """

    _warroom_lock: _FileWriteLock | None = None
    _warroom_holds = False

    def take_write_lock(self) -> None:
        if self._warroom_lock is not None and not self._warroom_holds:
            # On timeout go on without it: SQLite's busy timeout then decides, as before.
            self._warroom_holds = self._warroom_lock.acquire(BUSY_SECONDS)

    def drop_write_lock(self) -> None:
        if not self.in_transaction:
            self._release()

    def _release(self) -> None:
        if self._warroom_holds:
            self._warroom_holds = False
            assert self._warroom_lock is not None
            self._warroom_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.drop_write_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.drop_write_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()


def create_db_engine(settings: Settings) -> Engine:
    url = settings.sqlalchemy_url
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": BUSY_SECONDS, "factory": _SQLiteConnection}
        # A serve process has a dozen job-worker threads, the intake writer and request threads: a pool of the
        # default 5 (+10 overflow) opened and closed overflow connections (and their PRAGMAs) on every poll.
        memory = url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url
        pool = {} if memory else {"pool_size": 20, "max_overflow": 40}
        engine = create_engine(url, connect_args=connect_args, **pool)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        database = engine.url.database
        if isinstance(dbapi_connection, _SQLiteConnection) and database and database != ":memory:":
            dbapi_connection._warroom_lock = _write_lock_for(str(Path(database).resolve()))
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute(f"PRAGMA wal_autocheckpoint={int(getattr(engine, AUTOCHECKPOINT, 1000))}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the lock up front: a deferred transaction that later writes can fail with
        # SQLITE_BUSY without waiting. Read-only sessions begin deferred and never block writers (WAL).
        if conn.get_execution_options().get("warroom_readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            raw = conn.connection.dbapi_connection
            if isinstance(raw, _SQLiteConnection):
                raw.take_write_lock()
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                if isinstance(raw, _SQLiteConnection):
                    raw.drop_write_lock()
                raise


AUTOCHECKPOINT = "_warroom_wal_autocheckpoint"  # an engine attribute: pages per commit-time checkpoint


class Checkpointer:
    """Copies SQLite's write-ahead log into the database file from a background thread, once a second.

    By default SQLite checkpoints inside a commit every 1,000 log pages, and that commit, with every writer
    queued behind it, waits the 10-40 ms the copy takes: under steady intake that was the p99. Here a
    PASSIVE checkpoint copies the log beside the writers (it takes no write lock). Under constant writes a
    passive pass never catches up with the last commit, so the log could only grow; once it holds
    RESTART_AT pages, a second pass runs under the write lock, copying just the pages written since (about
    4 ms measured), and the next writer then starts the log afresh. The commits' own autocheckpoint stays
    as a safety net, at a far higher threshold.
    """

    EVERY = 1.0
    RESTART_AT = 2_000  # log pages (about 8 MB) before the write lock is taken to let the log restart

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = _write_lock_for(str(Path(path).resolve()))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)

    def start(self) -> Checkpointer:
        self._thread.start()
        return self

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            connection.execute("PRAGMA busy_timeout=20")  # never keep writers waiting on slow readers
            while not self._stop.wait(self.EVERY):
                self.checkpoint(connection)
        finally:
            connection.close()

    def checkpoint(self, connection: sqlite3.Connection) -> None:
        try:
            _busy, pages, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if pages >= self.RESTART_AT and self.lock.acquire(BUSY_SECONDS):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                finally:
                    self.lock.release()
        except sqlite3.Error:
            log.warning("background checkpoint failed; the next commit past the safety net will do it", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)


class Database:
    """Owns the engine and hands out sessions. One per process (app, worker, CLI)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = create_db_engine(settings)
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(self.engine.execution_options(warroom_readonly=True), expire_on_commit=False)
        self._checkpointer: Checkpointer | None = None

    def start_checkpointer(self) -> None:
        """For long-running processes on a SQLite file (serve, worker): checkpoint in the background."""
        path = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not path or path == ":memory:" or self._checkpointer:
            return
        setattr(self.engine, AUTOCHECKPOINT, 20_000)  # the safety net, should the background thread fall behind
        self.engine.dispose()  # connections opened so far have the default; new ones get the net
        self._checkpointer = Checkpointer(path).start()

    def session(self, *, readonly: bool = False) -> Session:
        return (self._reader if readonly else self._writer)()

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Session]:
        """A session that commits on success and rolls back on any exception."""
        session = self.session(readonly=readonly)
        try:
            yield session
            if readonly:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def raw_connection(self) -> Iterator[Any]:
        """A bare DBAPI connection from the pool, outside any transaction until one is begun on it.

        On SQLite (autocommit) each statement outside `write_on` reads a snapshot of its own and takes no write
        lock; on PostgreSQL the first statement begins the transaction that `write_on` commits.
        """
        pooled = self.engine.raw_connection()
        try:
            yield pooled.dbapi_connection
        finally:
            pooled.close()  # the pool rolls back whatever is still open

    @staticmethod
    @contextmanager
    def write_on(connection: Any) -> Iterator[Any]:
        """A write transaction on a `raw_connection`: commit on success, else roll back.

        SQLite takes the same write lock as a Session's write transaction (`_SQLiteConnection.take_write_lock`,
        then BEGIN IMMEDIATE); PostgreSQL's transaction began with its first statement.
        """
        try:
            if isinstance(connection, _SQLiteConnection):
                connection.take_write_lock()
                connection.execute("BEGIN IMMEDIATE")
            yield connection
            connection.commit()
        except BaseException:
            connection.rollback()
            raise

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        self.engine.dispose()


def migrations_path() -> Path:
    return Path(str(resources.files("warroom") / "migrations"))


def alembic_config(settings: Settings) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    config.set_main_option("sqlalchemy.url", settings.sqlalchemy_url.replace("%", "%%"))
    config.attributes["warroom_settings"] = settings
    return config


def migrate(settings: Settings, revision: str = "heads") -> None:
    """Bring the schema to `revision` (default: every head). Safe to run on every start."""
    from alembic import command

    command.upgrade(alembic_config(settings), revision)


def ping(db: Database) -> None:
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
