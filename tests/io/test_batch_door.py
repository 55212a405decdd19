"""The batch door's tracker actions, written many a statement: the same checks, rows and sealed
audit events as one at a time; and a batch marked illustrative."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from bct_risk.domain.enums import ActionStatus, ReviewOutcome, ScoreKind
from bct_risk.domain.errors import ValidationError
from bct_risk.services.audit_chain import verify_register
from bct_risk.services.bulk import (
    ERROR,
    NOTE,
    AssessmentIn,
    Batch,
    ControlIn,
    FurtherActionIn,
    ReviewIn,
    RiskIn,
    TrackerIn,
    UpdateIn,
    add_batch,
)
from bct_risk.services.context import Context
from tests.helpers import fingerprint

ACTION = SQLModel.metadata.tables["action"]
AUDIT = SQLModel.metadata.tables["auditevent"]
UPDATE = SQLModel.metadata.tables["actionupdate"]

FR = "Finance and Resources Committee"


def tracker(row: int, text: str, **given: object) -> TrackerIn:
    fields: dict[str, object] = {
        "rows": [row],
        "source": f"log.csv row {row}",
        "committee": FR,
        "meeting_date": date(2026, 9, 10),
        "description": text,
    }
    fields.update(given)
    return TrackerIn(**fields)  # type: ignore[arg-type]


def trackers(ctx: Context) -> list[Any]:
    with ctx.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(ACTION.c.id, ACTION.c.description, ACTION.c.risk_id, ACTION.c.status)
                .where(ACTION.c.kind == "tracker", ACTION.c.source.like("log.csv%"))
                .order_by(ACTION.c.id)
            ).all()
        )


def test_many_tracker_actions_each_with_its_event_and_notes(seeded_ctx: Context) -> None:
    events = verify_register(seeded_ctx).events
    items = [
        tracker(
            n + 2,
            f"Report placement sufficiency, part {n}",
            owner="Ada Lovelace" if n % 2 else None,
            risk="sr3" if n % 3 == 0 else None,
            status=ActionStatus.IN_PROGRESS,
            due_date=date(2026, 12, 1),
            updates=[(date(2026, 10, 1), f"Note {n}")] if n % 4 == 0 else [],
        )
        for n in range(25)
    ]
    counts = add_batch(seeded_ctx, Batch(name="log.csv", unit="row", actions=items))
    assert counts.tracker_actions == 25 and counts.updates == 7
    assert counts.people == ["Ada Lovelace"]  # named once, added once
    rows = trackers(seeded_ctx)
    assert [r.description for r in rows] == [i.description for i in items]
    with seeded_ctx.engine.connect() as conn:
        sr3 = conn.execute(sa.text("SELECT id FROM risk WHERE reference = 'SR3'")).scalar_one()
        told = conn.execute(
            sa.select(AUDIT.c.entity_id, AUDIT.c.risk_id, AUDIT.c.summary)
            .where(AUDIT.c.entity == "action", AUDIT.c.action == "import")
            .order_by(AUDIT.c.id)
        ).all()
        notes = conn.execute(
            sa.select(UPDATE.c.action_id, UPDATE.c.text).order_by(UPDATE.c.id.desc()).limit(7)
        ).all()
    assert [r.risk_id for r in rows] == [sr3 if n % 3 == 0 else None for n in range(25)]
    assert [(e.entity_id, e.risk_id) for e in told[-25:]] == [(r.id, r.risk_id) for r in rows]
    assert told[-1].summary == f"Imported tracker action #{rows[-1].id} from log.csv row 26"
    assert sorted((a, t) for a, t in notes) == sorted(
        (rows[n].id, f"Note {n}") for n in range(0, 25, 4)
    )
    chain = verify_register(seeded_ctx)
    assert chain.intact, chain.describe()
    # One for each action and one for the person added.
    assert chain.events == events + 26


def test_a_bad_action_is_refused_with_its_row_and_nothing_is_kept(seeded_ctx: Context) -> None:
    before = fingerprint(seeded_ctx)
    batch = Batch(
        name="log.csv",
        unit="row",
        actions=[
            tracker(2, "Fine"),
            tracker(3, "Due too early", due_date=date(2026, 9, 1)),
            tracker(4, "About a risk nobody holds", risk="XR99"),
        ],
    )
    with pytest.raises(ValidationError), seeded_ctx.unit_of_work() as work:
        add_batch(work, batch)
        raise ValidationError("the importer rolls back when a problem is an error")
    errors = [(p.row, p.message) for p in batch.problems if p.severity == ERROR]
    assert errors == [
        (3, "due date 2026-09-01 is before the meeting of 2026-09-10 that raised the action"),
        (4, "no risk has the reference 'XR99'"),
    ]
    assert fingerprint(seeded_ctx) == before


def test_the_same_action_twice_is_written_once(seeded_ctx: Context) -> None:
    first = Batch(name="log.csv", unit="row", actions=[tracker(2, "Agree the recovery plan")])
    add_batch(seeded_ctx, first)
    (kept,) = trackers(seeded_ctx)
    batch = Batch(
        name="log.csv",
        unit="row",
        actions=[
            tracker(2, "agree the recovery plan"),  # in the register already
            tracker(3, "Brief the Board"),
            tracker(4, "Brief the board", owner="Someone Else"),  # twice in this batch
        ],
    )
    counts = add_batch(seeded_ctx, batch)
    rows = trackers(seeded_ctx)
    assert [r.description for r in rows] == ["Agree the recovery plan", "Brief the Board"]
    notes = [(p.row, p.message) for p in batch.problems if p.severity == NOTE]
    assert notes == [
        (2, f"already in the register (action #{kept.id} at the same meeting); not imported "
            "again"),
        (4, f"already in the register (action #{rows[1].id} at the same meeting); not imported "
            "again"),
    ]  # fmt: skip
    assert counts.tracker_actions == 1 and counts.matched == [f"#{kept.id}", f"#{rows[1].id}"]


def test_an_illustrative_batch_marks_every_record(ctx: Context) -> None:
    risk = RiskIn(
        row=1,
        source="demo",
        reference="HP1",
        title="Placement breakdowns",
        created_on=date(2025, 4, 1),
        history=[
            AssessmentIn(kind, 3, 3, date(2025, 4, 1), "First", "tester")
            for kind in (ScoreKind.INHERENT, ScoreKind.CURRENT, ScoreKind.TARGET)
        ],
        controls=[ControlIn(description="Weekly panel", assurance_line=2)],
        further_actions=[
            FurtherActionIn(
                description="Recruit carers",
                raised_on=date(2025, 5, 1),
                updates=[UpdateIn(date(2025, 6, 1), "Under way", "tester")],
            )
        ],
        reviews=[
            ReviewIn(
                committee="Trust Board",
                meeting_date=date(2025, 6, 10),
                outcome=ReviewOutcome.NOTED,
                recorded_by="tester",
            )
        ],
    )
    add_batch(ctx, Batch(name="demo", unit="record", risks=[risk], illustrative=True))
    add_batch(
        ctx,
        Batch(
            name="demo",
            unit="record",
            actions=[tracker(1, "Tracked", committee="Trust Board", risk="HP1")],
            illustrative=True,
        ),
    )
    with ctx.engine.connect() as conn:
        marks = conn.execute(sa.text("SELECT illustrative FROM risk")).scalar_one()
        for table in ("assessment", "control", "action", "committeereview"):
            unmarked = conn.execute(
                sa.text(f"SELECT count(*) FROM {table} WHERE NOT illustrative")
            ).scalar_one()
            total = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            assert (unmarked, total > 0) == (0, True), table
        line = conn.execute(sa.text("SELECT assurance_line FROM control")).scalar_one()
    assert marks in (["all"], '["all"]') and line == 2
