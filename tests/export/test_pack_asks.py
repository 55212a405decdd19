"""The cover asks the committee only about what the pack holds."""

from __future__ import annotations

from datetime import date

from bct_risk.export.pack import render_pack
from bct_risk.services.context import Context
from bct_risk.services.papers import committee_pack


def asks(ctx: Context, committee: str, meeting: date) -> str:
    text = render_pack(ctx.matrix, committee_pack(ctx, committee, meeting))
    return text.split("## Recommendations", 1)[1].split("##", 1)[0]


def test_an_empty_ask_is_left_out(seeded_ctx: Context) -> None:
    cover = asks(seeded_ctx, "Performance and Quality Assurance", date(2026, 9, 17))
    assert "challenge the owners" not in cover, "no P&QA action is overdue then"
    # As at 16 Sep, the risks last scored and reviewed in May were past their band's 90 days.
    assert "- review the 4 risks due or overdue for review;" in cover
    # As at 16 Sep 2026: SR6 stood at 9, within appetite, until its rescoring on 10 Nov.
    assert "- consider the 3 risks above appetite" in cover
    assert "- note the register extract and the heat map of the 4 risks it oversees;" in cover


def test_every_ask_is_there_when_the_pack_holds_it(seeded_ctx: Context) -> None:
    cover = asks(seeded_ctx, "Finance and Resources", date(2026, 12, 10))
    assert "- review the 3 risks due or overdue for review;" in cover
    assert "- challenge the owners of the" in cover
