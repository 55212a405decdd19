"""Alembic environment: migrations run on the engine the app passes in, or on the configured URL."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import bct_risk.domain.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from bct_risk.config import Settings
from bct_risk.storage.engine import make_engine

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        engine = make_engine(Settings.from_env().database_url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
