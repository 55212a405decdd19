"""The Board Assurance Framework paper: golden files for the seed register, escaping, as-at."""

from __future__ import annotations

from datetime import date

from syrupy.assertion import SnapshotAssertion

from bct_risk.domain.enums import Effectiveness
from bct_risk.export.baf import baf_paper
from bct_risk.services import assurance
from bct_risk.services.actions import add_control
from bct_risk.services.checks import assurance_days, register_with_checks
from bct_risk.services.context import Context


def paper(ctx: Context, as_at: date) -> str:
    register, report = register_with_checks(ctx, as_at)
    return baf_paper(register, report, assurance_days(ctx.matrix))


def test_the_seed_registers_baf(seeded_ctx: Context, md_snapshot: SnapshotAssertion) -> None:
    assert paper(seeded_ctx, date(2026, 11, 23)) == md_snapshot


def test_an_empty_register_has_a_baf_that_says_so(
    ctx: Context, md_snapshot: SnapshotAssertion
) -> None:
    text = paper(ctx, date(2026, 11, 23))
    assert "No scenarios are recorded." in text
    assert text == md_snapshot


def test_user_text_is_escaped_and_assurance_by_line_shows(seeded_ctx: Context) -> None:
    control = add_control(
        seeded_ctx, "SR6", description="Data *quality* | board <b>", owner="dqa",
        effectiveness=Effectiveness.EFFECTIVE,
    )  # fmt: skip
    assert control.id is not None
    assurance.add_assurance_source(
        seeded_ctx, control.id, evidence="Audit [1] of _data_", line=3,
        received_on=date(2026, 9, 1), provider="Internal audit", positive=False,
    )  # fmt: skip
    text = paper(seeded_ctx, date(2026, 11, 23))
    assert r"Data \*quality\* \| board \<b\>" in text
    assert r"− Audit \[1\] of \_data\_ (Internal audit, 1 Sep 2026)" in text
    assert "only negative assurance in the last 365 days" in text


def test_the_paper_is_as_at_its_cut_off(seeded_ctx: Context) -> None:
    before = paper(seeded_ctx, date(2026, 8, 1))
    assert before.startswith("# Board Assurance Framework\n\nAs at 1 Aug 2026.")
    # assurance received after the cut-off is not in the paper
    assert "Contract KPI report to the Operational Commissioning Group" not in before
    assert "Contract KPI report to the Operational Commissioning Group" in paper(
        seeded_ctx, date(2026, 11, 23)
    )
