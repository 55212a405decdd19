"""Concurrent saves by separate processes released together: no edit is lost, no append either.

Each racer is its own process with its own connection, opened before a barrier releases them
all at once, as twenty people pressing "save" in the same second would. An edit carries the
version its form was opened at: exactly one save may win, every other is refused with the
conflict message, and the audit trail stays a chain (each event's old value is the previous
event's new one). Appends (scores, action notes) never conflict: every one lands, once.
Runs on SQLite files and, under ``scripts/with-postgres``, on PostgreSQL.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import Counter
from datetime import date
from queue import Empty
from typing import Any

import pytest
from sqlmodel import col, select

from bct_risk.domain.enums import ActionStatus
from bct_risk.domain.errors import ConflictError, ValidationError
from bct_risk.domain.models import (
    Action,
    ActionUpdate,
    Assessment,
    AuditEvent,
    RiskCreate,
    RiskUpdate,
)
from bct_risk.services import actions, risks
from bct_risk.services.context import Context
from tests.conftest import make_context

RACERS = 20
FORK = multiprocessing.get_context("fork")


def _race(database: str, job: str, index: int, target: Any, expected: int, barrier: Any,
          results: Any) -> None:  # fmt: skip
    ctx = make_context(database, actor=f"racer {index}")
    try:
        barrier.wait(timeout=60)
        if job == "edit":
            risks.update_risk(
                ctx, target, RiskUpdate(title=f"Demand pressure (save {index})"),
                expected_version=expected,
            )  # fmt: skip
        elif job == "due":
            actions.update_action(
                ctx, target, due_date=date(2027, 1, 1 + index), expected_version=expected
            )
        elif job == "score":
            risks.score_risk(
                ctx, target, likelihood=1 + index % 5, impact=1 + (index // 5) % 5,
                rationale=f"Score {index}",
            )  # fmt: skip
        elif job == "add":
            risks.create_risk(ctx, RiskCreate(reference=target, title=f"New risk {index}"))
        elif job == "notes":
            for n in range(2):
                actions.add_update(ctx, target, text=f"Note {index}.{n}")
        results.put((index, "saved", ""))
    except (ConflictError, ValidationError) as exc:
        results.put((index, "conflict", str(exc)))
    except BaseException as exc:  # reported to the test, which fails with it
        results.put((index, "error", repr(exc)))
    finally:
        ctx.engine.dispose()


def race(database: str, job: str, target: Any, expected: int, racers: int = RACERS) -> list[Any]:
    """Run ``racers`` processes released together; their outcomes, by racer."""
    barrier, results = FORK.Barrier(racers), FORK.Queue()
    processes = [
        FORK.Process(target=_race, args=(database, job, i, target, expected, barrier, results))
        for i in range(racers)
    ]
    for process in processes:
        process.start()
    outcomes = []
    for _ in processes:
        try:
            outcomes.append(results.get(timeout=180))
        except Empty:
            break
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
    assert len(outcomes) == racers, f"only {len(outcomes)} of {racers} racers reported"
    errors = [o for o in outcomes if o[1] == "error"]
    assert not errors, errors
    return sorted(outcomes)


def chain_of(ctx: Context, entity: str, entity_id: int, field: str) -> list[list[Any]]:
    """The [old, new] of a field in every audit event of a record, in the order written."""
    with ctx.read() as session:
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
            .order_by(col(AuditEvent.id))
        ).all()
    return [e.changes[field] for e in events if field in e.changes and e.action == "update"]


def assert_chain(pairs: list[list[Any]]) -> None:
    for earlier, later in itertools.pairwise(pairs):
        assert later[0] == earlier[1], f"{later} does not follow {earlier}"


def test_twenty_saves_of_one_risk_at_one_version_one_wins(
    seeded_ctx: Context, seeded_database: str
) -> None:
    with seeded_ctx.read() as session:
        risk = risks.find_risk(session, "SR3")
        version, risk_id = risk.version, risk.id
    outcomes = race(seeded_database, "edit", "SR3", version)
    assert Counter(o[1] for o in outcomes) == {"saved": 1, "conflict": RACERS - 1}
    assert all("SR3 was changed" in o[2] for o in outcomes if o[1] == "conflict")
    [winner] = [o[0] for o in outcomes if o[1] == "saved"]
    with seeded_ctx.read() as session:
        risk = risks.find_risk(session, "SR3")
        assert (risk.title, risk.version) == (f"Demand pressure (save {winner})", version + 1)
    assert risk_id is not None
    titles = chain_of(seeded_ctx, "risk", risk_id, "title")
    assert len(titles) == 1
    assert_chain(titles)


def test_twenty_changes_of_one_action_at_one_version_one_wins(
    seeded_ctx: Context, seeded_database: str
) -> None:
    with seeded_ctx.read() as session:
        action = session.exec(
            select(Action).where(Action.status == ActionStatus.OPEN).order_by(col(Action.id))
        ).first()
        assert action is not None and action.id is not None
        action_id, version = action.id, action.version
    outcomes = race(seeded_database, "due", action_id, version)
    assert Counter(o[1] for o in outcomes) == {"saved": 1, "conflict": RACERS - 1}
    [winner] = [o[0] for o in outcomes if o[1] == "saved"]
    with seeded_ctx.read() as session:
        stored = session.get(Action, action_id)
        assert stored is not None
        assert (stored.due_date, stored.version) == (date(2027, 1, 1 + winner), version + 1)
    dues = chain_of(seeded_ctx, "action", action_id, "due_date")
    assert len(dues) == 1 and dues[0][1] == f"2027-01-{1 + winner:02d}"


def test_twenty_concurrent_scores_all_land_once_each(
    seeded_ctx: Context, seeded_database: str
) -> None:
    with seeded_ctx.read() as session:
        risk = risks.find_risk(session, "SR2")
        before = len(session.exec(select(Assessment).where(Assessment.risk_id == risk.id)).all())
    outcomes = race(seeded_database, "score", "SR2", 0)
    assert Counter(o[1] for o in outcomes) == {"saved": RACERS}
    with seeded_ctx.read() as session:
        risk = risks.find_risk(session, "SR2")
        rows = session.exec(select(Assessment).where(Assessment.risk_id == risk.id)).all()
        rationales = Counter(a.rationale for a in rows if a.rationale.startswith("Score "))
        events = session.exec(
            select(AuditEvent).where(AuditEvent.risk_id == risk.id, AuditEvent.action == "score")
        ).all()
    assert len(rows) == before + RACERS
    assert rationales == {f"Score {i}": 1 for i in range(RACERS)}
    assert Counter(e.changes["rationale"] for e in events if e.actor.startswith("racer")) == {
        f"Score {i}": 1 for i in range(RACERS)
    }


def test_fifty_concurrent_action_notes_all_land_once_each(
    seeded_ctx: Context, seeded_database: str
) -> None:
    with seeded_ctx.read() as session:
        action = session.exec(
            select(Action).where(Action.status == ActionStatus.OPEN).order_by(col(Action.id))
        ).first()
        assert action is not None and action.id is not None
        action_id = action.id
    racers = 25
    outcomes = race(seeded_database, "notes", action_id, 0, racers=racers)
    assert Counter(o[1] for o in outcomes) == {"saved": racers}
    with seeded_ctx.read() as session:
        notes = Counter(
            u.text
            for u in session.exec(select(ActionUpdate).where(ActionUpdate.action_id == action_id))
            if u.text.startswith("Note ")
        )
    assert notes == {f"Note {i}.{n}": 1 for i in range(racers) for n in range(2)}


@pytest.mark.parametrize("job", ["edit"])
def test_a_save_after_the_winner_names_who_changed_it(seeded_ctx: Context, job: str) -> None:
    with seeded_ctx.read() as session:
        version = risks.find_risk(session, "SR3").version
    risks.update_risk(
        seeded_ctx.acting_as("Ada"), "SR3", RiskUpdate(title="New title"), expected_version=version
    )
    with pytest.raises(ConflictError, match="SR3 was changed by Ada"):
        risks.update_risk(seeded_ctx, "SR3", RiskUpdate(title="Mine"), expected_version=version)


def test_twenty_adds_of_one_reference_one_wins(seeded_ctx: Context, seeded_database: str) -> None:
    outcomes = race(seeded_database, "add", "SR40", 0)
    saved = [o for o in outcomes if o[1] == "saved"]
    assert len(saved) == 1
    assert all(
        "SR40 is already in use" in o[2] or "SR40 was taken by someone else" in o[2]
        for o in outcomes
        if o[1] != "saved"
    ), outcomes
