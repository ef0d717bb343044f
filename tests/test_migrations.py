from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from warroom.db import Database, migrate
from warroom.models import metadata


def test_migrations_build_exactly_the_schema_the_models_describe(db: Database):
    with db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert differences == []


def test_migrate_is_safe_to_run_again_on_an_up_to_date_database(settings, db: Database):
    before = sorted(inspect(db.engine).get_table_names())
    migrate(settings)
    assert sorted(inspect(db.engine).get_table_names()) == before
    assert {"incidents", "timeline_events", "jobs", "users", "services"} <= set(before)
