"""The context every use case runs in: the database, the acting person, the matrix, the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Engine, inspect
from sqlmodel import Session

from bct_risk.config import Settings
from bct_risk.domain.scoring import Matrix, load_matrix
from bct_risk.storage import migrate
from bct_risk.storage.engine import make_engine, transaction


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (the form timestamps are stored in)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Context:
    """What a use case needs. Build one with :func:`open_register`; tests pass a fixed clock."""

    engine: Engine
    actor: str
    matrix: Matrix
    clock: Callable[[], datetime] = field(default=utc_now)
    """Returns the current time, aware, in UTC."""

    def now(self) -> datetime:
        """The current time (aware, UTC)."""
        return self.clock()

    def today(self) -> date:
        """Today's date, by the context's clock."""
        return self.clock().date()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed whole at the end, or rolled back on any error."""
        with transaction(self.engine) as session:
            yield session

    def acting_as(self, actor: str) -> Context:
        """The same register, with changes recorded against someone else."""
        return Context(self.engine, actor, self.matrix, self.clock)


def open_register(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    seed_if_new: bool = False,
) -> Context:
    """Connect to the register, bringing its schema to the newest migration.

    With ``seed_if_new``, a database that had no schema yet is filled from ``seeds/``.
    """
    engine = make_engine(settings.database_url)
    was_empty = not inspect(engine).has_table("risk")
    if not migrate.is_current(engine):
        migrate.upgrade(engine)
    ctx = Context(engine, settings.actor, load_matrix(settings.matrix_path), clock)
    if was_empty and seed_if_new:
        from bct_risk.services.seed import load_seeds

        load_seeds(ctx)
    return ctx
