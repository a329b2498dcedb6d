"""Migrations up and down, and the models agree with them."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from pipeline.webapp.db import engine_for
from pipeline.webapp.migrate import (SchemaError, check_schema, current_revision, downgrade, head_revision,
                                     migrate_to, upgrade)
from pipeline.webapp.models import Base


def test_migrations_up_down_up(empty_db_url):
    engine = engine_for(empty_db_url)
    assert current_revision(engine) is None
    assert upgrade(empty_db_url) == head_revision()
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert downgrade(empty_db_url, "base") is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert migrate_to(empty_db_url, "head") == head_revision()
    assert migrate_to(empty_db_url, head_revision()) == head_revision()  # already there: nothing to do
    check_schema(engine)


def test_migrations_models_match_the_migrations(empty_db_url):
    upgrade(empty_db_url)
    with engine_for(empty_db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_migrations_app_refuses_an_unmigrated_database(empty_db_url):
    from pipeline.webapp.app import create_app

    with pytest.raises(SchemaError, match="web migrate"):
        create_app({"db_url": empty_db_url})
    with pytest.raises(SchemaError, match="unknown schema revision"):
        migrate_to(empty_db_url, "nonsense")
