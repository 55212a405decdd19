"""A register for a team: roles, an append-only audit trail, concurrent edits, upgrades, backups."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from bct_risk.domain.enums import Appetite, Assurance, Direction, ReviewOutcome, Role
from bct_risk.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from bct_risk.domain.models import RiskUpdate
from bct_risk.domain.scoring import Score
from bct_risk.services import actions, committees, people, queries, risks
from bct_risk.services.backup import backup_register, restore_register
from bct_risk.services.context import Context
from bct_risk.storage import migrate
from bct_risk.storage.engine import make_engine
from tests.conftest import make_context
from tests.helpers import fingerprint


@pytest.fixture
def team(seeded_ctx: Context) -> Context:
    """The seed register with logins: an administrator, the finance director, a clerk, a viewer."""
    people.add_person(seeded_ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    admin = seeded_ctx.acting_as("ada")
    people.set_access(admin, "dfr", login="dfr")
    people.add_person(admin, "Sam Secretary", login="sam", role=Role.SECRETARIAT)
    people.add_person(admin, "Val Viewer", login="val", role=Role.VIEWER)
    return seeded_ctx


def test_a_viewer_cannot_change_anything(team: Context) -> None:
    viewer = team.acting_as("val")
    before = fingerprint(team)
    with pytest.raises(PermissionDeniedError, match=r"Val Viewer \(viewer\) may not score risks"):
        risks.score_risk(viewer, "SR9", likelihood=2, impact=2, rationale="x")
    with pytest.raises(PermissionDeniedError, match="may not raise tracker actions"):
        actions.raise_tracker_action(
            viewer, committee="fr", meeting_date=date(2026, 9, 10), agenda_item="x", description="y"
        )
    assert fingerprint(team) == before
    assert queries.list_risks(viewer), "a viewer still reads the register"


def test_a_risk_owner_rescores_their_own_risks_only(team: Context) -> None:
    owner = team.acting_as("dfr")
    risks.score_risk(owner, "SR9", likelihood=4, impact=5, rationale="Savings plan agreed")
    before = fingerprint(team)
    with pytest.raises(
        PermissionDeniedError, match="only on their own risks; SR2 belongs to James"
    ):
        risks.score_risk(owner, "SR2", likelihood=2, impact=2, rationale="x")
    with pytest.raises(PermissionDeniedError, match="may not change risk appetite"):
        risks.update_risk(owner, "SR9", RiskUpdate(appetite=Appetite.OPEN))
    with pytest.raises(
        PermissionDeniedError,
        match="may close only operational risks; SR9 is on the strategic register",
    ):
        risks.close_risk(owner, "SR9", reason="x")
    assert fingerprint(team) == before


def test_the_secretariat_records_reviews_but_does_not_score(team: Context) -> None:
    clerk = team.acting_as("sam")
    committees.record_review(
        clerk, "SR9", committee="fr", meeting_date=date(2026, 9, 10),
        outcome=ReviewOutcome.NOTED, assurance=Assurance.REASONABLE,
    )  # fmt: skip
    with pytest.raises(PermissionDeniedError, match="may not score risks"):
        risks.score_risk(clerk, "SR9", likelihood=1, impact=1, rationale="x")


def test_someone_unknown_may_only_read(team: Context) -> None:
    with pytest.raises(PermissionDeniedError, match="'mallory' is not a person of this register"):
        risks.score_risk(team.acting_as("mallory"), "SR9", likelihood=1, impact=1, rationale="x")


def test_roles_cannot_be_turned_on_without_an_administrator(seeded_ctx: Context) -> None:
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match="give an administrator a login first"):
        people.set_access(seeded_ctx, "dfr", login="dfr")
    assert fingerprint(seeded_ctx) == before


def test_the_audit_trail_cannot_be_edited_or_deleted_in_the_database(seeded_ctx: Context) -> None:
    for statement in ("UPDATE auditevent SET actor = 'someone else'", "DELETE FROM auditevent"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), seeded_ctx.engine.begin() as c:
            c.exec_driver_sql(statement)
    assert queries.audit_events(seeded_ctx, limit=1)


def test_the_second_of_two_editors_is_told_and_nothing_is_lost(seeded_database: str) -> None:
    alice, bob = make_context(seeded_database, "alice"), make_context(seeded_database, "bob")
    opened = queries.risk_detail(alice, "SR2").version
    assert queries.risk_detail(bob, "SR2").version == opened
    risks.update_risk(
        alice, "SR2", RiskUpdate(title="Workforce sufficiency"), expected_version=opened
    )
    with pytest.raises(ConflictError, match="SR2 was changed by alice at 23 Nov 2026 10:00 UTC"):
        risks.update_risk(bob, "SR2", RiskUpdate(title="Workforce"), expected_version=opened)
    detail = queries.risk_detail(bob, "SR2")
    assert detail.row.title == "Workforce sufficiency"
    assert [e.actor for e in detail.audit if e.action == "update"] == ["alice"]
    for ctx in (alice, bob):
        ctx.engine.dispose()


def test_the_conflict_names_whoever_changed_the_risk_last(seeded_database: str) -> None:
    alice, bob = make_context(seeded_database, "alice"), make_context(seeded_database, "bob")
    opened = queries.risk_detail(alice, "SR2").version
    risks.score_risk(bob, "SR2", likelihood=4, impact=4, rationale="Agency share up again")
    with pytest.raises(ConflictError, match="SR2 was changed by bob at 23 Nov 2026 10:00 UTC"):
        risks.update_risk(alice, "SR2", RiskUpdate(category="People"), expected_version=opened)
    for ctx in (alice, bob):
        ctx.engine.dispose()


def test_history_appended_by_several_people_at_once_loses_nothing(seeded_database: str) -> None:
    contexts = [make_context(seeded_database, f"user{n}") for n in range(4)]
    before = len(queries.risk_detail(contexts[0], "SR3").history)
    errors: list[BaseException] = []

    def rescore(ctx: Context) -> None:
        try:
            for n in range(10):
                risks.score_risk(ctx, "SR3", likelihood=1 + n % 5, impact=3, rationale=f"{n}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=rescore, args=(c,)) for c in contexts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    detail = queries.risk_detail(contexts[0], "SR3")
    assert len(detail.history) == before + 40
    assert sum(1 for e in detail.audit if e.action == "score" and e.actor.startswith("user")) == 40
    for ctx in contexts:
        ctx.engine.dispose()


def test_upgrading_a_database_from_the_first_migration_keeps_every_row(blank_database: str) -> None:
    url = blank_database if "://" in blank_database else f"sqlite:///{blank_database}"
    engine = make_engine(url)
    migrate.upgrade(engine, "0001")
    now = "2026-01-01 09:00:00+00:00"
    with engine.begin() as c:
        c.exec_driver_sql(
            "INSERT INTO person (id, name, job_title, source, illustrative, created_at) "
            f"VALUES (1, 'Ann Owner', 'Director', '', false, '{now}')"
        )
        c.exec_driver_sql(
            "INSERT INTO risk (id, reference, title, description, cause, effect, category, tier, "
            "treatment, exempt, source, status, illustrative, version, owner_id, created_at, "
            f"updated_at) VALUES (1, 'SR1', 'Old risk', '', '', '', '', 'strategic', 'treat', "
            f"false, '', 'open', '[]', 1, 1, '{now}', '{now}')"
        )
        c.exec_driver_sql(
            "INSERT INTO assessment (id, risk_id, kind, likelihood, impact, score, assessed_on, "
            "rationale, assessed_by, illustrative, created_at) VALUES "
            f"(1, 1, 'current', 4, 4, 16, '2026-01-01', 'first', 'ann', false, '{now}'), "
            f"(2, 1, 'current', 5, 4, 20, '2025-10-01', 'earlier', 'ann', false, '{now}')"
        )
    migrate.upgrade(engine)
    engine.dispose()
    ctx = make_context(blank_database)
    detail = queries.risk_detail(ctx, "SR1")
    # The latest scores are copied onto the risk as the schema gains them (0003).
    row = detail.row
    assert (row.title, row.owner, row.current, row.previous_score, row.direction) == (
        "Old risk",
        "Ann Owner",
        Score(4, 4),
        20,
        Direction.BETTER,
    )
    assert queries.people(ctx)[0].role is Role.RISK_OWNER
    ctx.engine.dispose()


def test_backup_and_restore_round_trip(seeded_db_path: Path, tmp_path: Path) -> None:
    ctx = make_context(seeded_db_path)
    before = fingerprint(ctx)
    backup_register(ctx, tmp_path / "copy.sqlite")
    risks.score_risk(ctx, "SR2", likelihood=5, impact=5, rationale="after the backup")
    restore_register(ctx, tmp_path / "copy.sqlite")
    after = fingerprint(ctx)
    trail = after.pop("auditevent")
    assert {k: v for k, v in before.items() if k != "auditevent"} == after
    assert len(trail) == len(before["auditevent"]) + 1  # type: ignore[arg-type]
    ctx.engine.dispose()


def test_restore_refuses_a_file_that_is_not_a_register(
    seeded_db_path: Path, tmp_path: Path
) -> None:
    ctx = make_context(seeded_db_path)
    before = fingerprint(ctx)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ValidationError, match="is not a SQLite database"):
        restore_register(ctx, junk)
    with pytest.raises(ValidationError, match="already exists"):
        backup_register(ctx, junk)
    assert fingerprint(ctx) == before
    ctx.engine.dispose()


def test_backup_on_postgresql_points_to_pg_dump(ctx: Context, tmp_path: Path) -> None:
    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")
    with pytest.raises(ValidationError, match="pg_dump"):
        backup_register(ctx, tmp_path / "x.sqlite")


WRITER = """
import sys, time
from tests.conftest import make_context
from bct_risk.domain.models import Risk
ctx = make_context(sys.argv[1], "writer")
with ctx.transaction() as session:
    for n in range(3000):
        now = ctx.now()
        session.add(Risk(reference=f"BULK{n}", title="bulk", created_at=now, updated_at=now))
    session.flush()
    print("written", flush=True)
    time.sleep(60)
"""


def test_a_process_killed_mid_write_leaves_the_register_as_it_was(seeded_database: str) -> None:
    ctx = make_context(seeded_database)
    before = fingerprint(ctx)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, seeded_database],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "written"
    writer.kill()
    writer.wait()
    assert fingerprint(ctx) == before
    if ctx.engine.dialect.name == "sqlite":
        with ctx.engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    ctx.engine.dispose()


def test_only_an_administrator_imports_once_roles_apply(team: Context, tmp_path: Path) -> None:
    from bct_risk.io import import_file

    path = tmp_path / "register.csv"
    path.write_text("Ref,Title,Likelihood,Impact\nX1,New risk,3,4\n", "utf-8")
    before = fingerprint(team)
    with pytest.raises(
        PermissionDeniedError, match=r"Sam Secretary \(secretariat\) may not import"
    ):
        import_file(team.acting_as("sam"), path)
    assert fingerprint(team) == before
    preview = import_file(team.acting_as("sam"), path, dry_run=True)
    assert preview.counts.risks == ["X1"] and not preview.written
    assert import_file(team.acting_as("ada"), path).written
