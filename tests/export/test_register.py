"""The register as a Markdown paper: golden file, tables a renderer reads, public version."""

from __future__ import annotations

import subprocess
import sys

import pytest
from syrupy.assertion import SnapshotAssertion

from bct_risk.domain.enums import Tier
from bct_risk.domain.models import RiskCreate
from bct_risk.domain.scoring import Score
from bct_risk.export.register import SUMMARY_HEADERS, render_register
from bct_risk.services import actions, risks
from bct_risk.services.context import Context
from bct_risk.services.papers import register_paper
from bct_risk.services.register_rows import RiskFilter
from tests.export.commonmark import headings, table_after, tables


def _register(ctx: Context, flt: RiskFilter | None = None, public: bool = False) -> str:
    return render_register(ctx.matrix, register_paper(ctx, flt, public=public))


def test_open_register_golden(seeded_ctx: Context, md_snapshot: SnapshotAssertion) -> None:
    assert _register(seeded_ctx) == md_snapshot


def test_public_register_golden(seeded_ctx: Context, md_snapshot: SnapshotAssertion) -> None:
    assert _register(seeded_ctx, public=True) == md_snapshot


def test_summary_table_has_a_row_per_risk_with_the_expected_cells(seeded_ctx: Context) -> None:
    text = _register(seeded_ctx)
    summary = table_after(text, "Summary")
    assert tuple(summary[0]) == SUMMARY_HEADERS
    rows = {r[0]: r for r in summary[1:]}
    assert list(rows) == sorted(rows)
    assert {f"SR{n}" for n in range(1, 10)} <= set(rows)
    # Values the seed register chose are marked illustrative.
    assert rows["SR9"][2].endswith(" †")
    sr9 = [c.removesuffix(" †") for c in rows["SR9"]]
    assert sr9[1:4] == [
        "Financial Pressure",
        "Director of Finance and Resources",
        "Finance and Resources",
    ]
    assert sr9[4:8] == ["25 (5×5) Extreme", "25 (5×5) Extreme", "12 (3×4) High", "▲ worse"]
    assert sr9[8] == "Cautious (up to 9), above appetite by 16"
    assert sr9[9] == "10 Sep 2026 (overdue)"


def test_a_section_per_risk_in_reference_order(seeded_ctx: Context) -> None:
    text = _register(seeded_ctx)
    titles = [t for level, t in headings(text) if level == 3]
    assert titles[0] == "SR1 Relationship between Trust and Council"
    # The exempt risk is set apart, in Part B at the end.
    assert titles[-1] == "OR2026-01 Contract dispute with an independent residential provider " \
        "(illustrative)"  # fmt: skip
    assert text.index("## Part B: exempt items") < text.index("### OR2026-01")
    assert "SR9 Financial Pressure" in titles
    for part in ("Description", "Cause", "Effect", "Scores", "Controls", "Further actions",
                 "Last committee review"):  # fmt: skip
        assert sum(1 for level, t in headings(text) if level == 4 and t == part) == len(titles)


def test_filters_are_applied_and_stated(seeded_ctx: Context) -> None:
    flt = RiskFilter(committee="Finance and Resources", above_appetite=True)
    text = _register(seeded_ctx, flt)
    refs = [r[0] for r in table_after(text, "Summary")[1:]]
    assert refs == ["SR1", "SR7", "SR9"]
    assert "### OR2026-01" in text.split("## Part B: exempt items (not for publication)")[1]
    assert (
        "lead committee: Finance and Resources Committee; above appetite only; open risks." in text
    )


def test_closed_risks_with_all(seeded_ctx: Context) -> None:
    text = _register(seeded_ctx, RiskFilter(include_closed=True, tier=Tier.STRATEGIC))
    assert "Closed on " in text
    assert "open and closed risks" in text


def test_public_register_withholds_exempt_risks(seeded_ctx: Context) -> None:
    text = _register(seeded_ctx, public=True)
    assert not text.startswith("**CONFIDENTIAL**")
    assert text.startswith("Public version: 3 exempt items were withheld (1 risk, 2 actions).")
    assert "OR2026-01" not in text
    confidential = _register(seeded_ctx)
    assert confidential.startswith("**CONFIDENTIAL**")
    assert "**Exempt:** left out of public papers" in confidential


def test_public_version_with_nothing_exempt_says_so(seeded_ctx: Context) -> None:
    text = _register(seeded_ctx, RiskFilter(text="SR9"), public=True)
    assert text.startswith("Public version: no exempt items on this paper.")


def test_an_empty_register(ctx: Context) -> None:
    text = _register(ctx)
    assert "No risks match." in text
    assert tables(text) == []


def test_awkward_text_renders_as_typed(ctx: Context) -> None:
    title = "Budget | <b>savings</b> *2026* `code` " + "very long title " * 15 + "£ – é"
    risks.create_risk(
        ctx,
        RiskCreate(
            reference="X1",
            title=title.strip(),
            description="# Not a heading\nsecond line\n\n- not a list",
            category="Finance | Council",
        ),
        current=Score(4, 4),
    )
    actions.add_further_action(
        ctx, "X1", description="Report\nto the *Board* | monthly", due_date=None
    )
    text = _register(ctx)
    summary = table_after(text, "Summary")
    assert summary[1][1] == title.strip()
    assert summary[1][5] == "16 (4×4) Extreme"
    assert f"X1 {title.strip()}" in [t for _, t in headings(text)]
    further = table_after(text, "Further actions")
    assert further[1][0] == "Report to the *Board* | monthly"
    assert "\\# Not a heading\\\nsecond line\n\n\\- not a list" in text
    assert "**Category:** Finance \\| Council" in text


def test_the_register_is_deterministic(seeded_ctx: Context) -> None:
    assert _register(seeded_ctx) == _register(seeded_ctx)


@pytest.mark.parametrize(
    "module", ["bct_risk.export.register", "bct_risk.export.pack", "bct_risk.export.data"]
)
def test_papers_need_neither_textual_nor_rich(module: str) -> None:
    code = (
        f"import sys, {module}; print(sorted(m for m in ('textual', 'rich') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
