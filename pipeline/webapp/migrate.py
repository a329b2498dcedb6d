"""Schema migrations (Alembic, shipped in ``migrations/``): up to the newest, or down to a revision."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from ..errors import ScreenError
from .db import engine_for, normalize_url

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaError(ScreenError):
    """The database's schema is not the one this version of the app needs."""


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


def _run(url: str, fn, revision: str) -> None:
    engine = engine_for(normalize_url(url))
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        fn(cfg, revision)


def upgrade(url: str, revision: str = "head") -> str | None:
    """Bring the database to ``revision`` (default: the newest). Returns the revision it is at."""
    _run(url, command.upgrade, revision)
    return current_revision(engine_for(normalize_url(url)))


def downgrade(url: str, revision: str) -> str | None:
    """Take the schema back to ``revision`` (``base`` drops every table)."""
    _run(url, command.downgrade, revision)
    return current_revision(engine_for(normalize_url(url)))


def migrate_to(url: str, target: str = "head") -> str | None:
    """Upgrade or downgrade, whichever reaches ``target`` (head, base or a revision id)."""
    script = ScriptDirectory.from_config(alembic_config(url))
    order = [r.revision for r in script.walk_revisions()][::-1]  # oldest first
    if target == "head":
        return upgrade(url)
    if target == "base":
        return downgrade(url, "base")
    if target not in order:
        raise SchemaError(f"unknown schema revision {target!r}; known: head, base, {', '.join(order)}")
    current = current_revision(engine_for(normalize_url(url)))
    if current is not None and order.index(current) > order.index(target):
        return downgrade(url, target)
    return upgrade(url, target)


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_schema(engine: Engine) -> None:
    """Raise when the database is not migrated to the newest revision, with the command that fixes it."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaError(f"the database {engine.url.render_as_string(hide_password=True)} is at schema revision "
                          f"{current or '(empty)'}, this version needs {head}; run `scenario-screen web migrate "
                          f"--db URL` first")
