"""The seed register loads from seeds/, idempotently, and a bad file loads nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bct_risk.domain.enums import RiskStatus, Tier
from bct_risk.domain.errors import ValidationError
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.register_rows import RiskFilter
from bct_risk.services.seed import load_seeds
from bct_risk.storage.paths import SEEDS_DIR
from tests.helpers import fingerprint

NINE = {
    "SR1": "Relationship between Trust and Council",
    "SR2": "Workforce",
    "SR3": "Demand pressure",
    "SR5": "Regulatory issues",
    "SR7": "Placement sufficiency",
    "SR8": "Oracle",
    "SR9": "Financial Pressure",
}


def test_the_nine_strategic_risks_of_the_2025_30_plan(seeded_ctx: Context) -> None:
    rows = {r.reference: r for r in queries.list_risks(seeded_ctx) if r.reference.startswith("SR")}
    assert sorted(rows) == [f"SR{n}" for n in range(1, 10)]
    for ref, title in NINE.items():
        assert rows[ref].title == title
    assert all(r.owner and r.lead_committee and r.band and r.current for r in rows.values())
    assert rows["SR9"].lead_committee == "Finance and Resources"


def test_historical_key_risks_are_closed_with_reasons(seeded_ctx: Context) -> None:
    closed = queries.list_risks(seeded_ctx, RiskFilter(status=RiskStatus.CLOSED))
    assert len(closed) >= 13
    detail = queries.risk_detail(seeded_ctx, closed[0].reference)
    assert detail.closed_reason and detail.closed_on


def test_every_record_names_its_source() -> None:
    for path in sorted(SEEDS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for section in ("people", "committees", "risks", "tracker"):
            for record in data.get(section) or []:
                assert record.get("source"), (
                    f"{path.name} {section}: {record.get('key') or record.get('reference')}"
                )


def test_seeding_twice_adds_nothing(seeded_ctx: Context) -> None:
    before = fingerprint(seeded_ctx)
    report = load_seeds(seeded_ctx)
    assert (report.risks, report.actions, report.people, report.meetings) == (0, 0, 0, 0)
    assert fingerprint(seeded_ctx) == before


def test_a_bad_seed_file_names_the_file_and_record_and_loads_nothing(
    ctx: Context, tmp_path: Path
) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, folder)
    path = folder / "30_strategic_risks_2025.yaml"
    path.write_text(path.read_text("utf-8").replace("likelihood: 4", "likelihood: 7", 1), "utf-8")
    before = fingerprint(ctx)
    with pytest.raises(ValidationError) as raised:
        load_seeds(ctx, folder)
    message = str(raised.value)
    assert message.startswith("30_strategic_risks_2025.yaml: risks[")
    assert "likelihood must be a whole number from 1 to 5, not 7" in message
    assert fingerprint(ctx) == before


def test_the_seeded_tiers(seeded_ctx: Context) -> None:
    sr1 = queries.risk_detail(seeded_ctx, "SR1")
    assert sr1.row.tier is Tier.BOARD, "SR1 was escalated to the Board in Sep 2026"
    assert sr1.escalations


def test_seeded_history_is_recorded_on_its_own_dates(seeded_ctx: Context) -> None:
    from datetime import date

    from sqlmodel import select

    from bct_risk.domain.models import ActionUpdate, Assessment, Meeting, Risk

    with seeded_ctx.read() as session:
        for a in session.exec(select(Assessment)):
            expected = min(a.assessed_on, seeded_ctx.today())
            assert a.created_at.date() == expected, a.id
        assert {u.author for u in session.exec(select(ActionUpdate))} == {"imported"}
        sr9 = session.exec(select(Risk).where(Risk.reference == "SR9")).one()
        assert sr9.created_at.date() < date(2026, 1, 1)
        # A title is stored for good: "(next meeting)" would be wrong once the date has passed.
        titles = [m.title for m in session.exec(select(Meeting))]
        assert titles and not any("next meeting" in t for t in titles)


def test_the_december_2020_key_risks_and_unfolded_words(seeded_ctx: Context) -> None:
    everything = queries.list_risks(seeded_ctx, RiskFilter(include_closed=True))
    refs = {r.reference: r for r in everything}
    assert {"KR2012-1", "KR2012-2", "KR2012-3"} <= set(refs)
    assert refs["KR2012-3"].title == "Maintaining an adequate social work workforce"
    texts = " ".join(queries.risk_detail(seeded_ctx, r).description for r in refs)
    for folded in ("city- wide", "co- produce", "post- Eclipse"):
        assert folded not in texts


def test_notes_on_the_source_are_not_updates_and_invented_wording_cites_nothing(
    seeded_ctx: Context,
) -> None:
    from sqlmodel import select

    from bct_risk.domain.enums import ActionKind
    from bct_risk.domain.models import Action, ActionUpdate, Risk

    with seeded_ctx.read() as session:
        texts = [u.text for u in session.exec(select(ActionUpdate))]
        tracker = list(session.exec(select(Action).where(Action.kind == ActionKind.TRACKER)))
        strategic = list(
            session.exec(
                select(Action.source)
                .join(Risk, Risk.id == Action.risk_id)
                .where(Risk.reference.startswith("SR"))  # type: ignore[union-attr]
            )
        )
    for editorial in ("CAVEAT", "misaligned", "action notes", "cannot be met as asked"):
        assert not any(editorial in text for text in texts), editorial
    noted = [a for a in tracker if "Note:" in a.source]
    assert len(noted) == 8
    assert all(len(a.source) <= 300 for a in tracker)
    row3 = next(a for a in tracker if a.description == "WSoA Action Plan and Progress.")
    assert str(row3.completed_on) == "2020-10-28"
    assert strategic.count("illustrative") == 8
