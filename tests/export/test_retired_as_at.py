"""A control's retirement as recorded, not as back-dated: a paper as at a day says what had been
recorded by the end of it, whatever is retired or restored since."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from bct_risk.export.register import render_register
from bct_risk.services import controls, queries
from bct_risk.services.baf import load_register
from bct_risk.services.context import Context
from bct_risk.services.register_paper import register_paper

D = date(2026, 11, 23)
"""The seed register's today: the day the paper is as at."""


def _at(ctx: Context, day: date) -> Context:
    """The same register on a later day (the clock moved on)."""
    return replace(ctx, clock=lambda: datetime(day.year, day.month, day.day, 10, tzinfo=UTC))


def _paper(ctx: Context) -> str:
    return render_register(ctx.matrix, register_paper(ctx, as_at=D))


def _in_place(ctx: Context, cid: int) -> bool:
    """Whether the register as at D (the papers' gap checks read it) holds the control."""
    sr9 = load_register(ctx, as_at=D).risk("SR9")
    assert sr9 is not None
    return cid in [c.id for c in sr9.controls]


def _control(ctx: Context) -> tuple[int, str]:
    first = queries.risk_detail(ctx, "SR9").controls[0]
    return first.id, first.description


def test_a_retirement_back_dated_after_the_paper_leaves_it_as_it_was(seeded_ctx: Context) -> None:
    cid, text = _control(seeded_ctx)
    before = _paper(seeded_ctx)
    assert text in before and _in_place(seeded_ctx, cid)
    later = _at(seeded_ctx, date(2026, 11, 25))
    controls.retire_control(later, cid, reason="Replaced by the new system", on=date(2026, 11, 20))
    assert _paper(seeded_ctx) == before  # retired from 20 Nov, but recorded on 25 Nov
    assert _in_place(seeded_ctx, cid)
    # As at the day it was recorded, it is gone from the paper and the gap checks.
    assert text not in render_register(seeded_ctx.matrix, register_paper(later))
    assert cid not in [
        c.id for c in load_register(later, as_at=date(2026, 11, 25)).risk("SR9").controls
    ]  # type: ignore[union-attr]


def test_a_restoring_after_the_paper_leaves_it_as_it_was(seeded_ctx: Context) -> None:
    cid, text = _control(seeded_ctx)
    controls.retire_control(seeded_ctx, cid, reason="Replaced", on=date(2026, 11, 20))
    before = _paper(seeded_ctx)
    assert text not in before and not _in_place(seeded_ctx, cid)
    later = _at(seeded_ctx, date(2026, 11, 25))
    controls.restore_control(later, cid, reason="Retired in error")
    assert _paper(seeded_ctx) == before  # restored on 25 Nov: still retired as at 23 Nov
    assert not _in_place(seeded_ctx, cid)
    assert text in render_register(seeded_ctx.matrix, register_paper(later))
    assert _in_place(later, cid) is False  # as at D still
    assert cid in [c.id for c in load_register(later).risk("SR9").controls]  # type: ignore[union-attr]


def test_controls_added_edited_or_re_graded_after_the_paper_leave_it_as_it_was(
    seeded_ctx: Context,
) -> None:
    from bct_risk.domain.enums import Effectiveness
    from bct_risk.services.actions import add_control

    cid, text = _control(seeded_ctx)
    before = _paper(seeded_ctx)
    later = _at(seeded_ctx, date(2026, 11, 25))
    controls.edit_control(later, cid, description="Weekly zebra review", owner="")
    controls.grade_control(later, cid, effectiveness=Effectiveness.INEFFECTIVE, note="Audit")
    add_control(later, "SR9", description="Monthly quagga audit")
    assert _paper(seeded_ctx) == before  # all recorded on 25 Nov, after the paper's day
    now = render_register(seeded_ctx.matrix, register_paper(later))
    assert "Weekly zebra review" in now and "Monthly quagga audit" in now
    assert "Weekly zebra review" not in before and "Monthly quagga audit" not in before
    assert text in before
