"""The committee pack's key risk indicators: the "Indicators outside tolerance" section (a golden
file) and each of the committee's risks with its indicators, as at the pack's cut-off."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from syrupy.assertion import SnapshotAssertion

from bct_risk.export.pack import render_pack
from bct_risk.export.pack_indicators import outside_tolerance_section
from bct_risk.services.context import Context
from bct_risk.services.indicators import ValueInput, record_value
from bct_risk.services.papers import committee_pack
from tests.export.commonmark import table_after

DECEMBER = date(2026, 12, 10)


def _pack(ctx: Context, public: bool = False) -> str:
    return render_pack(ctx.matrix, committee_pack(ctx, "Finance and Resources", DECEMBER,
                                                  public=public))  # fmt: skip


def _section(pack: str) -> str:
    return pack.split("## Indicators outside tolerance")[1].split("\n## ")[0]


def _breach(ctx: Context) -> None:
    earlier = replace(ctx, clock=lambda: datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    record_value(earlier, "agency-sw", ValueInput("2026-10", 17, comment="Two *leavers*"))


def test_outside_tolerance_section_golden(
    seeded_ctx: Context, md_snapshot: SnapshotAssertion
) -> None:
    _breach(seeded_ctx)
    pack = _pack(seeded_ctx)
    section = _section(pack)
    assert "% of social worker posts (including team managers) filled by agency" in section
    assert "| 17% | 12% (tolerance 10-15%) | Oct 2026 | 2 Nov 2026 | SR2 |" in section
    assert section == md_snapshot


def test_no_breach_says_so(seeded_ctx: Context) -> None:
    assert "No key risk indicator of these risks is outside tolerance." in _section(
        _pack(seeded_ctx)
    )


def test_each_risk_section_has_its_indicators(seeded_ctx: Context) -> None:
    pack = _pack(seeded_ctx)
    sr9 = pack.split("SR9 Financial Pressure")[-1]
    assert "Key risk indicators" in sr9
    rows = table_after(sr9, "Key risk indicators")
    assert rows[0] == [
        "Indicator",
        "Target (tolerance)",
        "Latest",
        "Period",
        "Status",
        "Months on target",
    ]
    assert rows[1][:4] == [
        "Rate of children looked after per 10,000 under-18 population",
        "–",
        "67",
        "Oct 2020",
    ]


def test_a_breach_recorded_after_the_cut_off_is_not_in_the_pack(seeded_ctx: Context) -> None:
    record_value(seeded_ctx, "agency-sw", ValueInput("2026-11", 17))  # reported 23 Nov 2026
    pack = render_pack(
        seeded_ctx.matrix,
        committee_pack(seeded_ctx, "Finance and Resources", DECEMBER, as_at=date(2026, 11, 20)),
    )
    assert "No key risk indicator of these risks is outside tolerance." in _section(pack)


def test_a_public_pack_names_no_risk_outside_it(seeded_ctx: Context) -> None:
    _breach(seeded_ctx)
    pack = committee_pack(seeded_ctx, "Finance and Resources", DECEMBER, public=True)
    section = outside_tolerance_section(pack.indicators, [], pack.today)
    assert "No key risk indicator of these risks is outside tolerance." in section[1]
