"""Engines and sessions: an SQLite file by default, PostgreSQL by URL.

SQLite is opened in WAL mode with a busy timeout, so a few dozen reviewers saving at once queue
for the write lock instead of failing; foreign keys are switched on for it as PostgreSQL has them.
"""
from __future__ import annotations

import threading

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import SettingsError

SQLITE_BUSY_MS = 30_000


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")


WRITE_OPTION = "screen_write"


def begin_write(db: Session) -> None:
    """Start a write transaction: on SQLite it holds the write lock from its first statement.

    Call it before the first read of a request that writes; whatever the session read before
    is discarded (rolled back), so read the rows to change after it.
    """
    if db.in_transaction():
        db.rollback()
    db.connection(execution_options={WRITE_OPTION: True})


def normalize_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (the driver the ``web`` extra installs)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingsError(f"not a database URL: {url!r}; use sqlite:///path/file.db or "
                            "postgresql://user:password@host:port/database") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not (parsed.drivername.startswith("sqlite") or parsed.drivername.startswith("postgresql")):
        raise SettingsError(f"database {parsed.drivername!r} is not supported; use SQLite or PostgreSQL")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        # SQLAlchemy issues BEGIN itself (pysqlite's own handling is off); a transaction that
        # will write takes the write lock at BEGIN (see ``begin_write``), so that it waits for
        # the lock instead of failing half-way with "database is locked".
        event.listen(engine, "connect", lambda conn, _r: setattr(conn, "isolation_level", None))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_size=10, max_overflow=30, pool_pre_ping=True)


_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def engine_for(url: str) -> Engine:
    """One engine per URL per process (the app, the CLI and ``export_reviews`` share it)."""
    url = normalize_url(url)
    with _LOCK:
        if url not in _ENGINES:
            _ENGINES[url] = make_engine(url)
        return _ENGINES[url]


def dispose(url: str | None = None) -> None:
    """Close the pooled connections of one URL's engine (or of all) and forget it."""
    with _LOCK:
        for key in [normalize_url(url)] if url else list(_ENGINES):
            engine = _ENGINES.pop(key, None)
            if engine is not None:
                engine.dispose()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
