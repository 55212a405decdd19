"""The demonstration register generator: exact counts, the same register for the same seed,
and a refusal to mix demonstration risks into a register that already holds risks."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel
from typer.testing import CliRunner

from bct_risk.cli.app import app
from bct_risk.domain.enums import ScoreKind
from bct_risk.domain.errors import ConflictError, ValidationError
from bct_risk.services.context import Context
from bct_risk.services.demo import SIZES, DemoSize, generate, size_named
from bct_risk.services.queries import heat_map, list_risks, risk_detail
from bct_risk.services.register_rows import RiskFilter
from tests.conftest import FROZEN_NOW, make_context
from tests.helpers import fingerprint

pytestmark = pytest.mark.bench

RISK = SQLModel.metadata.tables["risk"]
AUDIT = SQLModel.metadata.tables["auditevent"]

TINY = DemoSize(risks=30, actions=300, assessments=150, reviews=8)


def count(ctx: Context, table: str, where: str = "") -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table} {where}")).scalar_one())


def contents(ctx: Context) -> list[tuple[object, ...]]:
    """The generated rows that matter to a reader, in a stable order."""
    with ctx.engine.connect() as conn:
        risks = conn.execute(
            sa.text(
                "SELECT r.reference, r.title, r.tier, r.status, r.appetite, r.next_review_date,"
                " p.name, c.name FROM risk r JOIN person p ON p.id = r.owner_id"
                " JOIN committee c ON c.id = r.lead_committee_id ORDER BY r.reference"
            )
        ).all()
        scores = conn.execute(
            sa.text(
                "SELECT risk_id, kind, likelihood, impact, assessed_on FROM assessment ORDER BY id"
            )
        ).all()
        actions = conn.execute(
            sa.text("SELECT kind, risk_id, description, status, due_date FROM action ORDER BY id")
        ).all()
    # Raw SQL gives dates as text on SQLite and as dates on PostgreSQL: compare them as ISO text.
    return [
        tuple(v.isoformat() if isinstance(v, date) else v for v in r)
        for r in (*risks, *scores, *actions)
    ]


def test_gives_the_counts_asked_for(ctx: Context) -> None:
    report = generate(ctx, TINY, seed=3)
    assert (report.risks, report.actions, report.assessments, report.reviews) == (30, 300, 150, 8)
    assert count(ctx, "risk") == 30
    assert count(ctx, "action") == 300
    assert count(ctx, "assessment") == 150
    assert count(ctx, "committeereview") == 8
    assert count(ctx, "control") == report.controls == 60
    assert count(ctx, "actionupdate") == report.updates
    # Every risk has the three kinds of score, so the register shows bands and directions.
    assert count(ctx, "assessment", "WHERE kind = 'inherent'") == 30
    assert count(ctx, "assessment", "WHERE kind = 'target'") == 30


def test_same_seed_same_register_and_another_seed_differs(ctx: Context, tmp_path: Path) -> None:
    generate(ctx, TINY, seed=7)
    again = make_context(tmp_path / "again.sqlite")
    generate(again, TINY, seed=7)
    other = make_context(tmp_path / "other.sqlite")
    generate(other, TINY, seed=8)
    assert contents(ctx) == contents(again)
    assert contents(ctx) != contents(other)


def test_the_register_reads_like_a_register(ctx: Context) -> None:
    generate(ctx, TINY, seed=1)
    rows = list_risks(ctx, RiskFilter(include_closed=True))
    assert len(rows) == 30
    assert all(r.owner and r.lead_committee and r.current and r.band for r in rows)
    assert len({r.tier for r in rows}) >= 2
    assert any(r.review_overdue for r in rows)
    assert sum(len(refs) for refs in heat_map(rows, ScoreKind.CURRENT).values()) == 30
    detail = risk_detail(ctx, rows[0].reference)
    assert detail.history and detail.controls and detail.audit


def test_refuses_a_register_that_holds_risks(seeded_ctx: Context) -> None:
    before = fingerprint(seeded_ctx)
    with pytest.raises(ConflictError, match=r"already holds \d+ risks"):
        generate(seeded_ctx, TINY)
    assert fingerprint(seeded_ctx) == before


def test_force_adds_beside_existing_risks(seeded_ctx: Context) -> None:
    risks = count(seeded_ctx, "risk")
    generate(seeded_ctx, TINY, force=True)
    generate(seeded_ctx, TINY, seed=2, force=True)
    assert count(seeded_ctx, "risk") == risks + 60
    assert list_risks(seeded_ctx, RiskFilter(committee="Finance and Resources"))


def test_generated_events_are_sealed_onto_the_audit_trail(seeded_ctx: Context) -> None:
    from bct_risk.domain.models import RiskCreate
    from bct_risk.services.audit_chain import verify_register
    from bct_risk.services.risks import create_risk

    events = verify_register(seeded_ctx).events
    meetings = count(seeded_ctx, "meeting")
    trackers = count(seeded_ctx, "action", "WHERE kind = 'tracker'")
    report = generate(seeded_ctx, TINY, force=True)
    assert report.people == 40 and report.committees == 3  # the seed has the Board committees
    create_risk(seeded_ctx, RiskCreate(reference="SR90", title="Added after the generator"))
    chain = verify_register(seeded_ctx)
    assert chain.intact, chain.describe()
    # An event for every person, committee, meeting, risk (its history, further actions and
    # reviews told in it, as the batch door tells them) and tracker item added.
    added = (
        report.people + report.committees + report.risks
        + count(seeded_ctx, "meeting") - meetings
        + count(seeded_ctx, "action", "WHERE kind = 'tracker'") - trackers
    )  # fmt: skip
    assert chain.events == events + added + 1
    assert count(seeded_ctx, "auditevent", "WHERE entity = 'risk' AND action = 'import'") >= 30


def test_a_viewer_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    from bct_risk.domain.enums import Role
    from bct_risk.domain.errors import PermissionDeniedError
    from bct_risk.services.people import add_person

    ctx = make_context(tmp_path / "roles.sqlite")
    add_person(ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    add_person(ctx.acting_as("ada"), "Val Viewer", login="val", role=Role.VIEWER)
    before = fingerprint(ctx)
    with pytest.raises(PermissionDeniedError):
        generate(ctx.acting_as("val"), TINY)
    assert fingerprint(ctx) == before
    # An administrator may: every use case the generator runs lets them through.
    assert generate(ctx.acting_as("ada"), TINY).risks == 30


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"risks": 0, "actions": 1, "assessments": 3, "reviews": 0}, "at least one risk"),
        ({"risks": 5, "actions": -1, "assessments": 15, "reviews": 0}, "cannot be negative"),
        ({"risks": 5, "actions": 1, "assessments": 14, "reviews": 0}, "three assessments"),
    ],
)
def test_bad_sizes_are_refused(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DemoSize(**kwargs)


def test_named_sizes() -> None:
    assert size_named(" m ") == SIZES["M"]
    assert SIZES["M"] == DemoSize(risks=10_000, actions=100_000, assessments=50_000, reviews=1_000)
    assert SIZES["L"].risks == 100_000 and SIZES["L"].actions == 1_000_000
    with pytest.raises(ValidationError, match="'XL' is not a size; use one of: S, M, L"):
        size_named("XL")


def test_cli_writes_and_refuses(db_path: Path) -> None:
    runner = CliRunner()
    args = ["--database", str(db_path), "--as", "tester", "demo-data"]
    bad = runner.invoke(app, [*args, "--size", "huge"])
    assert bad.exit_code == 1
    assert "Error: 'huge' is not a size; use one of: S, M, L" in bad.stderr
    ctx = make_context(db_path)
    assert count(ctx, "risk") == 0
    first = runner.invoke(app, [*args, "--size", "S", "--seed", "4"])
    assert first.exit_code == 0, first.stderr
    assert "1,000 risks" in first.stdout
    before = fingerprint(ctx)
    again = runner.invoke(app, [*args, "--size", "S"])
    assert again.exit_code == 1
    assert "already holds 1,000 risks" in again.stderr and "--force" in again.stderr
    assert fingerprint(ctx) == before


def test_every_record_is_marked_illustrative_and_audited(ctx: Context) -> None:
    report = generate(ctx, TINY, seed=5)
    for table in ("assessment", "control", "action", "committeereview", "meeting", "person"):
        assert count(ctx, table, "WHERE NOT illustrative") == 0, table
    assert count(ctx, "control", "WHERE assurance_line IS NULL") == 0
    assert count(ctx, "risk", "WHERE source <> 'demo-data'") == 0
    with ctx.engine.connect() as conn:
        marks = conn.execute(sa.select(RISK.c.illustrative)).scalars().all()
        told = conn.execute(
            sa.select(AUDIT.c.changes).where(AUDIT.c.entity == "risk", AUDIT.c.action == "import")
        ).scalars()
        reviews = sum(int(changes.get("reviews", 0)) for changes in told)
    assert marks == [["all"]] * 30
    # The batch door's event for every risk, telling its history and reviews; one for every
    # tracker item; none written by the generator itself.
    assert count(ctx, "auditevent", "WHERE entity = 'risk' AND action = 'import'") == 30
    assert reviews == report.reviews == count(ctx, "committeereview")
    trackers = count(ctx, "action", "WHERE kind = 'tracker'")
    assert count(ctx, "auditevent", "WHERE entity = 'action' AND action = 'import'") == trackers
    assert trackers > 0
    # Each risk's current score is its latest assessment's.
    with ctx.engine.connect() as conn:
        stale = conn.execute(
            sa.text(
                "SELECT count(*) FROM risk r WHERE COALESCE(r.current_score, -1) <> COALESCE(("
                "SELECT a.score FROM assessment a WHERE a.risk_id = r.id AND a.kind = 'current'"
                " ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1), -1)"
            )
        ).scalar_one()
    assert stale == 0


def test_each_risk_is_raised_on_its_own_day_and_scored_from_then(ctx: Context) -> None:
    generate(ctx, TINY, seed=6)
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT r.created_at, min(a.assessed_on), max(a.assessed_on) FROM risk r"
                " JOIN assessment a ON a.risk_id = r.id GROUP BY r.id, r.created_at"
            )
        ).all()
    assert len(rows) == 30
    for created, first, last in rows:
        raised = created if isinstance(created, datetime) else datetime.fromisoformat(created)
        first, last = (d if isinstance(d, date) else date.fromisoformat(d) for d in (first, last))
        assert raised.date() == first <= last <= FROZEN_NOW.date()


def test_nothing_is_written_to_a_table_but_through_the_door() -> None:
    """The generator reads the register, and writes only through the use cases and the batch
    door: no INSERT, UPDATE or DELETE of its own."""
    import ast
    import inspect

    from bct_risk.services import demo

    tree = ast.parse(inspect.getsource(demo))
    writes = [
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in {"insert", "update", "delete", "executemany", "exec_driver_sql"}
    ]
    assert writes == []
