"""The context every use case runs in: the database, the acting person, the matrix, the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from bct_risk.config import Settings
from bct_risk.domain.errors import ConflictError, PermissionDeniedError
from bct_risk.domain.scoring import Matrix, load_matrix
from bct_risk.services import guard as _guard  # noqa: F401  (checks every flush: see the module)
from bct_risk.storage import migrate
from bct_risk.storage.engine import make_engine, reading, transaction


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (the form timestamps are stored in)."""
    return datetime.now(UTC)


@contextmanager
def translated() -> Iterator[None]:
    """Database errors of a transaction in the register's words, for :meth:`Context.transaction`
    and :meth:`Context.unit_of_work` alike.

    A version that changed under the writer, or a unique record added by two writers at the
    same moment, is a :class:`ConflictError`; a change PostgreSQL's grants or row-level security
    refuse is a :class:`PermissionDeniedError`. Anything else the database or the disk says (a
    lock held past the busy timeout, a full disk) passes on unchanged, for the one-line failure
    the command line and the app give it (:func:`bct_risk.storage.errors.failure`).
    """
    try:
        yield
    except StaleDataError as exc:
        raise ConflictError(
            "someone else saved a change to this record while yours was being saved; "
            "nothing of yours was written: reload it and make your change again"
        ) from exc
    except IntegrityError as exc:
        # The use cases check uniqueness first; two people adding the same record in the
        # same moment on PostgreSQL meet here instead.
        raise ConflictError(
            "someone else saved the same record at the same moment; nothing of yours was "
            "written: look at the register and make your change again"
        ) from exc
    except DBAPIError as exc:
        # On PostgreSQL the grants and row-level security stand behind the role checks.
        if getattr(exc.orig, "sqlstate", None) != "42501":
            raise
        reason = str(exc.orig).splitlines()[0]
        raise PermissionDeniedError(f"the database refused the change: {reason}") from exc


@dataclass(frozen=True)
class Context:
    """What a use case needs. Build one with :func:`open_register`; tests pass a fixed clock."""

    engine: Engine
    actor: str
    matrix: Matrix
    clock: Callable[[], datetime] = field(default=utc_now)
    """Returns the current time, aware, in UTC."""
    session: Session | None = None
    """The caller's unit of work, when use cases run inside it (see :meth:`unit_of_work`)."""

    def now(self) -> datetime:
        """The current time (aware, UTC)."""
        return self.clock()

    def today(self) -> date:
        """Today's date, by the context's clock."""
        return self.clock().date()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed whole at the end, or rolled back on any error.

        Inside :meth:`unit_of_work` a use case joins the caller's transaction instead: the
        caller commits everything together, or nothing.
        """
        if self.session is not None:
            yield self.session
            return
        with translated(), transaction(self.engine) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (inside a unit of work, the caller's own)."""
        if self.session is not None:
            yield self.session
            return
        with reading(self.engine) as session:
            yield session

    @contextmanager
    def unit_of_work(self) -> Iterator[Context]:
        """Many use cases in one transaction: an import, the seed register, generated data.

        The context it yields runs every use case inside one transaction, with the same checks
        and audit events as when each runs alone; all are committed at the end, or none. A
        database error is translated as :meth:`transaction` translates it (:func:`translated`).
        """
        if self.session is not None:
            yield self
            return
        with translated(), transaction(self.engine) as session:
            yield replace(self, session=session)

    def acting_as(self, actor: str) -> Context:
        """The same register, with changes recorded against someone else."""
        return replace(self, actor=actor)


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
    actor = settings.actor
    if engine.dialect.name == "postgresql":
        # The server says who is acting; only the DBA upgrades the schema (services.identity).
        from bct_risk.services.identity import open_postgres

        actor = open_postgres(engine, settings.actor)
    elif not migrate.is_current(engine):
        migrate.upgrade(engine)
    ctx = Context(engine, actor, load_matrix(settings.matrix_path), clock)
    if was_empty and seed_if_new:
        from bct_risk.services.seed import load_seeds

        load_seeds(ctx)
    return ctx
