"""The register as CSV and JSON, in the form the importer reads back."""

from __future__ import annotations

import csv
import io
import json

from sqlmodel import select
from syrupy.assertion import SnapshotAssertion

from bct_risk.domain.enums import (
    ActionStatus,
    Appetite,
    Effectiveness,
    RiskStatus,
    Tier,
    Treatment,
)
from bct_risk.domain.models import Person, RiskCreate
from bct_risk.domain.scoring import Score
from bct_risk.export.data import CSV_COLUMNS, register_csv, register_json
from bct_risk.services import risks
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_committee
from bct_risk.services.papers import register_records
from bct_risk.services.queries import risk_detail
from bct_risk.services.register_rows import RiskFilter

FR = RiskFilter(committee="Finance and Resources")
EVERYTHING = RiskFilter(include_closed=True)

# The columns agreed with the importer (issue 5), written out here rather than imported.
EXPECTED_COLUMNS = [
    "reference",
    "title",
    "description",
    "cause",
    "effect",
    "category",
    "tier",
    "status",
    "owner",
    "lead_committee",
    "appetite",
    "treatment",
    "inherent_likelihood",
    "inherent_impact",
    "current_likelihood",
    "current_impact",
    "target_likelihood",
    "target_impact",
    "target_date",
    "next_review_date",
    "exempt",
    "closed_reason",
    "source",
]


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_golden(seeded_ctx: Context, csv_snapshot: SnapshotAssertion) -> None:
    assert register_csv(register_records(seeded_ctx, FR)) == csv_snapshot


def test_json_golden(seeded_ctx: Context, json_snapshot: SnapshotAssertion) -> None:
    assert register_json(register_records(seeded_ctx, FR)) == json_snapshot


def test_csv_has_exactly_the_agreed_columns_in_order(seeded_ctx: Context) -> None:
    assert list(CSV_COLUMNS) == EXPECTED_COLUMNS
    text = register_csv(register_records(seeded_ctx))
    assert text.splitlines()[0].split(",") == EXPECTED_COLUMNS


def test_csv_values_agree_with_the_register_and_resolve_back(seeded_ctx: Context) -> None:
    rows = _csv_rows(register_csv(register_records(seeded_ctx, RiskFilter(include_closed=True))))
    assert [r["reference"] for r in rows] == sorted(r["reference"] for r in rows)
    with seeded_ctx.transaction() as session:
        for row in rows:
            # Every value is one the importer can read: vocabularies, names and ISO dates.
            Tier(row["tier"])
            RiskStatus(row["status"])
            Treatment(row["treatment"])
            if row["appetite"]:
                Appetite(row["appetite"])
            if row["owner"]:
                # Names are not unique in the seeds (two people are called Andy Couldrick), so
                # check the name is a person's rather than that it picks out one person.
                assert session.exec(select(Person).where(Person.name == row["owner"])).first()
            if row["lead_committee"]:
                assert find_committee(session, row["lead_committee"]).name == row["lead_committee"]
            assert row["exempt"] in {"true", "false"}
    sr9 = next(r for r in rows if r["reference"] == "SR9")
    detail = risk_detail(seeded_ctx, "SR9")
    assert sr9["title"] == detail.row.title
    assert sr9["description"] == detail.description
    assert (sr9["current_likelihood"], sr9["current_impact"]) == ("5", "5")
    assert (sr9["target_likelihood"], sr9["target_impact"]) == ("3", "4")
    assert sr9["lead_committee"] == "Finance and Resources Committee"
    assert sr9["tier"] == "strategic" and sr9["status"] == "open" and sr9["appetite"] == "cautious"
    assert sr9["target_date"] == "2028-03-31"
    assert sr9["next_review_date"] == "2026-09-10"
    closed = [r for r in rows if r["status"] == "closed"]
    assert closed and all(r["closed_reason"] for r in closed)


# Added to the JSON after its first version (fields only added; the version stays 1).
HISTORY_KEYS = [
    "created_on",
    "closed_on",
    "review_frequency_days",
    "history",
    "escalations",
    "reviews",
    "illustrative",
    "closures",
    "retired_controls",
]


def test_json_has_the_same_keys_plus_controls_and_actions(seeded_ctx: Context) -> None:
    document = json.loads(register_json(register_records(seeded_ctx)))
    assert document["format"] == "bct-risk register"
    assert document["version"] == 1
    assert list(document) == ["format", "version", "risks", "committees", "meetings"]
    csv_rows = {r["reference"]: r for r in _csv_rows(register_csv(register_records(seeded_ctx)))}
    for risk in document["risks"]:
        assert list(risk) == [*EXPECTED_COLUMNS, "controls", "further_actions", *HISTORY_KEYS]
        row = csv_rows[risk["reference"]]
        for key in EXPECTED_COLUMNS:
            value = risk[key]
            as_text = (
                ""
                if value is None
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
            )
            assert as_text == row[key], (risk["reference"], key)
    sr9 = next(r for r in document["risks"] if r["reference"] == "SR9")
    detail = risk_detail(seeded_ctx, "SR9")
    assert [c["description"] for c in sr9["controls"]] == [c.description for c in detail.controls]
    assert {c["effectiveness"] for c in sr9["controls"]} <= {e.value for e in Effectiveness}
    assert sorted(a["description"] for a in sr9["further_actions"]) == sorted(
        a.description for a in detail.further_actions
    )
    for action in sr9["further_actions"]:
        assert set(action) == {
            "description", "owner", "raised_on", "due_date", "status",  # the first version
            "completed_on", "recorded_on", "updates",  # added
            "illustrative",  # added later
        }  # fmt: skip
        ActionStatus(action["status"])
    assert sr9["exempt"] is False and sr9["current_likelihood"] == 5


def test_json_carries_the_history_show_reads(seeded_ctx: Context) -> None:
    """Every assessment, escalation, review, control's assurance and action update of a risk,
    as ``show`` reads them, with the days the risk was recorded and closed."""
    document = json.loads(register_json(register_records(seeded_ctx, EVERYTHING)))
    by_reference = {r["reference"]: r for r in document["risks"]}
    for reference in ("SR9", "SR3", "KR1920-1"):
        risk, detail = by_reference[reference], risk_detail(seeded_ctx, reference)
        assert [
            (h["kind"], h["likelihood"], h["impact"], h["assessed_on"], h["rationale"],
             h["assessed_by"])
            for h in risk["history"]
        ] == [
            (a.kind.value, a.score.likelihood, a.score.impact, a.assessed_on.isoformat(),
             a.rationale, a.assessed_by)
            for a in detail.history
        ]  # fmt: skip
        assert [(e["decided_on"], e["reason"], e["decided_by"]) for e in risk["escalations"]] == [
            (e.decided_on.isoformat(), e.reason, e.decided_by) for e in detail.escalations
        ]
        assert [(r["meeting_date"], r["comments"]) for r in risk["reviews"]] == [
            (r.meeting_date.isoformat(), r.comments) for r in detail.reviews
        ]
        assert [c["assurance_line"] for c in risk["controls"]] == [
            c.assurance_line for c in detail.controls
        ]
        assert [[u["note"] for u in a["updates"]] for a in risk["further_actions"]] == [
            [u.text for u in a.updates] for a in detail.further_actions
        ]
        assert risk["closed_on"] == (detail.closed_on.isoformat() if detail.closed_on else None)
        assert risk["review_frequency_days"] == detail.review_frequency_days
    # History runs oldest first, each entry recorded on or after the day it took effect.
    for risk in document["risks"]:
        days = [h["assessed_on"] for h in risk["history"]]
        assert days == sorted(days)
        assert all(h["recorded_on"] >= h["assessed_on"] for h in risk["history"])
        assert risk["created_on"] <= min(days, default=risk["created_on"])
    closed = by_reference["KR1920-1"]
    assert closed["status"] == "closed" and closed["closed_on"] == "2020-03-31"


def test_public_export_leaves_exempt_risks_out(seeded_ctx: Context) -> None:
    everything = {r.reference for r in register_records(seeded_ctx)}
    public = {r.reference for r in register_records(seeded_ctx, public=True)}
    assert everything - public == {"OR2026-01"}


def test_awkward_text_survives_csv_and_json(ctx: Context) -> None:
    title = 'Budget, "savings" | £24.0m – café'
    description = 'Line one\nline two, with a comma\r\nand "quotes"'
    risks.create_risk(
        ctx, RiskCreate(reference="X1", title=title, description=description), current=Score(2, 3)
    )
    records = register_records(ctx)
    row = _csv_rows(register_csv(records))[0]
    assert row["title"] == title
    assert row["description"].replace("\r\n", "\n") == description.replace("\r\n", "\n")
    assert row["owner"] == "" and row["inherent_likelihood"] == ""
    risk = json.loads(register_json(records))["risks"][0]
    assert risk["title"] == title and risk["description"] == description
    assert risk["owner"] is None and risk["inherent_likelihood"] is None


def test_exports_are_deterministic(seeded_ctx: Context) -> None:
    assert register_csv(register_records(seeded_ctx)) == register_csv(register_records(seeded_ctx))
    assert register_json(register_records(seeded_ctx)) == register_json(
        register_records(seeded_ctx)
    )


def test_csv_neutralises_formulas_and_keeps_line_breaks() -> None:
    import csv as csv_module
    import io as io_module

    from bct_risk.export.data import csv_cell

    assert csv_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert [csv_cell(t) for t in ("+1", "-2", "@SUM(A1)", "plain", 3, None, True)] == [
        "'+1", "'-2", "'@SUM(A1)", "plain", 3, "", "true"
    ]  # fmt: skip
    assert csv_cell("one\r\ntwo\rthree\nfour") == "one\ntwo\nthree\nfour"
    out = io_module.StringIO()
    csv_module.writer(out, lineterminator="\n").writerow(
        [csv_cell("=1+1"), csv_cell("a\rb"), csv_cell("x\ny")]
    )
    rows = list(csv_module.reader(io_module.StringIO(out.getvalue(), newline="")))
    assert rows == [["'=1+1", "a\nb", "x\ny"]]
