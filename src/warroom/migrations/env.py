"""Alembic environment. Migrations run inside the package, so `warroom migrate` works after pip install."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine, pool

from warroom.models import metadata

config = context.config


def _include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Autogenerate for one domain only when `only_tables` is set (see scripts/new-migration)."""
    only = config.attributes.get("only_tables")
    if only is None or type_ != "table":
        return True
    return name in only


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=True,
            compare_type=True,
            include_object=_include,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
