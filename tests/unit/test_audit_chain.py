"""The sealed audit trail: every event chained to the one before; a hand edit is found."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

from sqlmodel import col, select
from typer.testing import CliRunner

from bct_risk.cli.app import app
from bct_risk.domain.models import AuditEvent
from bct_risk.services import audit_chain, risks
from bct_risk.services.context import Context
from bct_risk.storage import migrate
from bct_risk.storage.engine import make_engine
from tests.conftest import make_context

runner = CliRunner()


def tamper(ctx: Context, statement: str) -> None:
    """Change the trail behind the app's back, as the database's owner could."""
    with ctx.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            connection.exec_driver_sql(statement)
        else:
            for event in ("update", "delete"):
                connection.exec_driver_sql(f"DROP TRIGGER auditevent_no_{event}")
            connection.exec_driver_sql(statement)


def event_ids(ctx: Context) -> list[int]:
    with ctx.engine.connect() as connection:
        return list(connection.exec_driver_sql("SELECT id FROM auditevent ORDER BY id").scalars())


def test_the_seed_register_is_a_sealed_chain(seeded_ctx: Context) -> None:
    report = audit_chain.verify_register(seeded_ctx)
    ids = event_ids(seeded_ctx)
    assert report.intact and report.events == len(ids) > 100
    assert report.head_id == ids[-1] and len(report.head) == 64
    assert "audit trail intact" in report.describe()


def test_events_of_one_transaction_chain_in_order(seeded_ctx: Context) -> None:
    before = event_ids(seeded_ctx)[-1]
    with seeded_ctx.unit_of_work() as work:
        risks.score_risk(work, "SR2", likelihood=4, impact=4, rationale="one")
        risks.score_risk(work, "SR3", likelihood=2, impact=3, rationale="two")
    with seeded_ctx.read() as session:
        events = list(
            session.exec(
                select(AuditEvent).where(col(AuditEvent.id) > before).order_by(col(AuditEvent.id))
            )
        )
    assert len(events) >= 2
    for earlier, later in itertools.pairwise(events):
        assert later.prev_hash == earlier.hash
    assert audit_chain.verify_register(seeded_ctx).intact


def test_an_edited_event_is_named(seeded_ctx: Context) -> None:
    target = event_ids(seeded_ctx)[40]
    tamper(seeded_ctx, f"UPDATE auditevent SET summary = 'nothing happened' WHERE id = {target}")
    report = audit_chain.verify_register(seeded_ctx)
    assert report.broken is not None
    assert (report.broken.event_id, report.broken.kind) == (target, "altered")
    assert report.events == 40


def test_a_removed_event_breaks_the_link_of_the_next(seeded_ctx: Context) -> None:
    ids = event_ids(seeded_ctx)
    tamper(seeded_ctx, f"DELETE FROM auditevent WHERE id = {ids[10]}")
    report = audit_chain.verify_register(seeded_ctx)
    assert report.broken is not None
    assert (report.broken.event_id, report.broken.kind) == (ids[11], "out_of_order")
    assert f"does not follow event {ids[9]}" in report.broken.message


def test_an_event_written_without_the_app_has_no_seal(seeded_ctx: Context) -> None:
    tamper(
        seeded_ctx,
        "INSERT INTO auditevent (id, at, actor, entity, entity_id, action, summary, changes) "
        "VALUES (100000, '2026-01-01 09:00:00+00:00', 'someone', 'risk', 1, 'update', "
        "'backdated', '{}')",
    )
    report = audit_chain.verify_register(seeded_ctx)
    assert report.broken is not None
    assert (report.broken.event_id, report.broken.kind) == (100000, "unsealed")


def test_a_sqlite_file_edited_by_hand_fails_verify(seeded_db_path: Path) -> None:
    """The README's example: sqlite3 drops the trigger, edits an event, puts the trigger back."""
    args = ["--database", str(seeded_db_path), "audit", "verify"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("audit trail intact: ")
    with sqlite3.connect(seeded_db_path) as db:
        db.execute("DROP TRIGGER auditevent_no_update")
        db.execute("UPDATE auditevent SET actor = 'Someone Else' WHERE id = 7")
        db.execute(
            "CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: audit trail broken at event 7: its content no longer matches its seal: it was "
        "changed after it was written"
    )
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert found["intact"] is False and found["events"] == 6
    assert found["broken"]["event_id"] == 7 and found["broken"]["kind"] == "altered"


def test_a_new_sqlite_register_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "mine.sqlite"
    result = runner.invoke(app, ["--database", str(path), "init"])
    assert result.exit_code == 0, result.output
    assert path.stat().st_mode & 0o777 == 0o600


def test_events_written_before_the_chain_are_sealed_by_the_upgrade(blank_database: str) -> None:
    url = blank_database if "://" in blank_database else f"sqlite:///{blank_database}"
    engine = make_engine(url)
    migrate.upgrade(engine, "0003")
    with engine.begin() as c:
        for n in (1, 2, 3):
            c.exec_driver_sql(
                "INSERT INTO auditevent (id, at, actor, entity, entity_id, action, summary, "
                f"changes) VALUES ({n}, '2026-0{n}-01 09:00:00+00:00', 'ann', 'risk', 1, "
                f"'update', 'change {n}', '{{\"title\": [\"a\", \"b{n}\"]}}')"
            )
    migrate.upgrade(engine)
    with engine.connect() as c:
        report = audit_chain.verify(c)
    engine.dispose()
    assert report.intact and (report.events, report.head_id) == (3, 3)
    ctx = make_context(blank_database)
    assert audit_chain.verify_register(ctx).events == 3
    ctx.engine.dispose()


def test_verify_names_the_first_event_when_the_trail_starts_wrong(seeded_ctx: Context) -> None:
    first = event_ids(seeded_ctx)[0]
    tamper(seeded_ctx, f"DELETE FROM auditevent WHERE id = {first}")
    report = audit_chain.verify_register(seeded_ctx)
    assert report.broken is not None and report.broken.kind == "out_of_order"
    assert "does not follow the start" in report.broken.message
