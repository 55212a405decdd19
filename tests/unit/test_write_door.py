"""The write door's backstops: the value guard sees Core statements as it sees flushes, and a
unit of work translates database errors exactly as a single use case's transaction does."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel

from bct_risk.cli.launch import failure_of
from bct_risk.domain.enums import ScoreKind
from bct_risk.domain.errors import ConflictError, ValidationError
from bct_risk.domain.models import RiskCreate
from bct_risk.services.bulk import Batch, ControlIn, RiskIn, ScoreIn, add_batch
from bct_risk.services.context import Context
from bct_risk.services.risks import create_risk
from bct_risk.storage.engine import BUSY_TIMEOUT_ENV
from tests.conftest import make_context
from tests.helpers import fingerprint

RISK = SQLModel.metadata.tables["risk"]
PERSON = SQLModel.metadata.tables["person"]


def _risk_row(ctx: Context, reference: str, title: str) -> dict[str, object]:
    now = ctx.now()
    return {
        "reference": reference, "title": title, "description": "", "cause": "", "effect": "",
        "category": "", "tier": "operational", "status": "open", "owner_role": "",
        "title_derived": False, "additional_fields": {}, "treatment": "treat", "exempt": False,
        "source": "test", "illustrative": [], "version": 1, "created_at": now, "updated_at": now,
    }  # fmt: skip


# -- the guard sees Core writes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (
            lambda ctx, conn: conn.execute(
                RISK.insert(), [_risk_row(ctx, "SR1", "Fine"), _risk_row(ctx, "SR2", "Bad\x00")]
            ),
            r"^title: the text holds a control character \(NUL\); remove it$",
        ),
        (
            lambda ctx, conn: conn.execute(
                PERSON.insert().values(name="Esc\x1b[31m", created_at=ctx.now())
            ),
            r"^name: the text holds a control character \(U\+001B\)",
        ),
        (
            lambda ctx, conn: conn.execute(sa.update(RISK).values(review_frequency_days=2**31)),
            r"^risk review frequency days: 2147483648 is too large to store$",
        ),
        (
            lambda ctx, conn: conn.execute(
                RISK.insert(), {**_risk_row(ctx, "SR3", "Fine"), "id": 2**40}
            ),
            r"^risk id: 1099511627776 is too large to store$",
        ),
    ],
    ids=["executemany-nul", "inline-values-escape", "update-too-large", "id-too-large"],
)
def test_a_core_write_outside_the_door_is_refused(
    ctx: Context,
    write: Callable[[Context, sa.Connection], object],
    message: str,
) -> None:
    create_risk(ctx, RiskCreate(reference="SR0", title="Already here"))
    before = fingerprint(ctx)
    with pytest.raises(ValidationError, match=message), ctx.engine.begin() as conn:
        write(ctx, conn)
    assert fingerprint(ctx) == before


def test_a_core_write_inside_a_unit_of_work_is_refused_and_nothing_is_kept(ctx: Context) -> None:
    before = fingerprint(ctx)
    with pytest.raises(ValidationError, match="control character"), ctx.unit_of_work() as work:
        create_risk(work, RiskCreate(reference="SR1", title="Written first"))
        with work.transaction() as session:
            session.connection().execute(RISK.insert(), [_risk_row(ctx, "SR2", "\x07")])
    assert fingerprint(ctx) == before


def test_the_batch_door_is_checked_too(ctx: Context) -> None:
    before = fingerprint(ctx)
    batch = Batch(
        name="register.csv",
        unit="row",
        risks=[
            RiskIn(
                row=2,
                source="register.csv row 2",
                title="Placement sufficiency",
                scores={},
                controls=[ControlIn(description="Weekly panel\x00")],
            )
        ],
    )
    with pytest.raises(ValidationError, match=r"^description: .*\(NUL\)"):
        add_batch(ctx, batch)
    assert fingerprint(ctx) == before


def test_good_core_writes_pass(ctx: Context) -> None:
    batch = Batch(
        name="register.csv",
        unit="row",
        risks=[
            RiskIn(
                row=2,
                source="register.csv row 2",
                title="Line breaks\nand\ttabs are text",
                scores={
                    kind: ScoreIn(3, 4, "3x4") for kind in (ScoreKind.INHERENT, ScoreKind.CURRENT)
                },
            )
        ],
    )
    assert add_batch(ctx, batch).risks == ["IMP-1"]


# -- one translation for a transaction and a unit of work --------------------------------------


def _in_transaction(ctx: Context) -> AbstractContextManager[Session]:
    return ctx.transaction()


@contextmanager
def _in_unit_of_work(ctx: Context) -> Iterator[Session]:
    """A use case's transaction inside a unit of work, as the importer and loaders run one."""
    with ctx.unit_of_work() as work, work.transaction() as session:
        yield session


WAYS: dict[str, Callable[[Context], AbstractContextManager[Session]]] = {
    "transaction": _in_transaction,
    "unit_of_work": _in_unit_of_work,
}


def _caught(ctx: Context, way: str, body: Callable[[Session], object]) -> BaseException:
    with pytest.raises(Exception) as caught, WAYS[way](ctx) as session:
        body(session)
    return caught.value


def test_a_duplicate_is_the_same_conflict_in_both(ctx: Context) -> None:
    create_risk(ctx, RiskCreate(reference="SR1", title="First"))
    before = fingerprint(ctx)

    def duplicate(session: Session) -> None:
        session.connection().execute(RISK.insert(), [_risk_row(ctx, "SR1", "Same reference")])

    alone, inside = (_caught(ctx, way, duplicate) for way in WAYS)
    assert isinstance(alone, ConflictError) and isinstance(inside, ConflictError)
    assert str(alone) == str(inside)
    assert "someone else saved the same record" in str(inside)
    assert failure_of(alone) == failure_of(inside) == (f"Error: {inside}", 1)
    assert fingerprint(ctx) == before


def test_a_stale_version_is_the_same_conflict_in_both(ctx: Context) -> None:
    from bct_risk.domain.models import Risk

    create_risk(ctx, RiskCreate(reference="SR1", title="First"))

    def stale(session: Session) -> None:
        risk = session.exec(sa.select(Risk)).scalars().one()  # type: ignore[call-overload]
        with ctx.engine.connect() as other:  # another writer's change, as a race would make it
            other.execute(sa.update(RISK).values(version=RISK.c.version + 5))
            other.commit()
        risk.title = "Mine"
        session.flush()

    if ctx.engine.dialect.name == "sqlite":
        pytest.skip("on SQLite the writer holds the write lock: no other writer gets between")
    alone, inside = (_caught(ctx, way, stale) for way in WAYS)
    assert isinstance(alone, ConflictError) and str(alone) == str(inside)


@pytest.fixture
def locked_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Context]:
    """A SQLite register another program holds the write lock on (busy timeout: 0.2 s)."""
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "0.2")
    path = tmp_path / "locked.sqlite"
    ctx = make_context(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE person SET name = name")
    yield ctx
    holder.execute("ROLLBACK")
    holder.close()
    ctx.engine.dispose()


def test_a_locked_register_gives_the_same_one_line_failure_in_both(
    locked_register: Context,
) -> None:
    alone, inside = (
        _caught(locked_register, way, lambda s: s.execute(sa.text("SELECT 1"))) for way in WAYS
    )
    assert type(alone) is type(inside) is OperationalError
    line, code = failure_of(alone)
    assert failure_of(inside) == (line, code)
    assert code == 3
    assert line.startswith("Error: the register is locked by another program (it waited 0.2 s)")


def test_a_unit_of_work_keeps_a_broken_rule_as_it_is(ctx: Context) -> None:
    with pytest.raises(ValidationError, match="too early"), ctx.unit_of_work():
        raise ValidationError("too early")
    # And it commits what went well.
    with ctx.unit_of_work() as work:
        create_risk(work, RiskCreate(reference="SR1", title="Kept"))
    assert [r.reference for r in _risks(ctx)] == ["SR1"]


def _risks(ctx: Context) -> list[sa.Row[tuple[str]]]:
    with ctx.engine.connect() as conn:
        return list(conn.execute(sa.select(RISK.c.reference)).all())
