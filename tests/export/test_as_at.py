"""Papers as at a date: what a paper says does not change with what is recorded after it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

from syrupy.assertion import SnapshotAssertion

from bct_risk.domain.enums import (
    ActionKind,
    Direction,
    EscalationDirection,
    ReviewOutcome,
    RiskStatus,
    Tier,
)
from bct_risk.domain.models import RiskCreate, RiskUpdate
from bct_risk.domain.scoring import Score
from bct_risk.export.pack import render_pack
from bct_risk.export.register import render_register
from bct_risk.services import actions, committees, escalation, risks
from bct_risk.services.as_at import register_as_at
from bct_risk.services.context import Context
from bct_risk.services.papers import committee_pack, register_paper
from bct_risk.services.queries import ActionFilter, list_actions, list_risks
from bct_risk.services.register_rows import RiskFilter
from tests.export.commonmark import table_after as marked_table_after

FR = "Finance and Resources"


def table_after(text: str, title: str) -> list[list[str]]:
    """The table after a heading, its cells without the illustrative mark (†)."""
    return [[c.replace(" †", "") for c in row] for row in marked_table_after(text, title)]


DECEMBER = date(2026, 12, 10)
SEPTEMBER = date(2026, 9, 10)
LINE_REFERENCE = re.compile(r"\bL\d+")


def _pack(ctx: Context, when: date, public: bool = False) -> str:
    return render_pack(ctx.matrix, committee_pack(ctx, FR, when, public=public))


def _at(ctx: Context, day: date) -> Context:
    """The same register on a later day (the clock moved on)."""
    return replace(ctx, clock=lambda: datetime(day.year, day.month, day.day, 10, tzinfo=UTC))


def _change_everything(ctx: Context) -> None:
    """Rescore, back-date a rescoring, close, edit, move, add a risk, complete an action, note an
    update and record a review: all recorded on the context's today."""
    today = ctx.today()
    risks.score_risk(ctx, "SR9", likelihood=3, impact=3, rationale="Settlement agreed")
    risks.score_risk(
        ctx, "SR3", likelihood=2, impact=2, rationale="Back-dated", assessed_on=date(2026, 9, 1)
    )
    risks.close_risk(ctx, "SR8", reason="Oracle issues resolved")
    risks.update_risk(ctx, "SR7", RiskUpdate(title="Sufficiency of placements", exempt=True))
    escalation.move_risk(
        ctx, "SR2", to="board", reason="Agency spend", direction=EscalationDirection.ESCALATE
    )
    risks.create_risk(
        ctx,
        RiskCreate(reference="SR10", title="Cyber attack", lead_committee=FR),
        current=Score(3, 5),
        rationale="New",
    )
    tracker = list_actions(ctx, ActionFilter(kind=ActionKind.TRACKER, committee=FR))
    live = [a for a in tracker if a.status.is_live]
    actions.complete_action(ctx, live[0].id, note="Done")
    actions.add_update(ctx, live[1].id, text="Later progress", update_date=today)
    # A review at the meeting itself (amending one, in September) is after the cut-off.
    meeting = DECEMBER if today > DECEMBER else SEPTEMBER
    committees.record_review(
        ctx, "SR9", committee=FR, meeting_date=meeting, outcome=ReviewOutcome.CHALLENGED,
        comments="Recorded after the meeting",
    )  # fmt: skip


def test_the_september_pack_reads_the_same_whatever_is_recorded_since(seeded_ctx: Context) -> None:
    before = [_pack(seeded_ctx, SEPTEMBER), _pack(seeded_ctx, SEPTEMBER, public=True)]
    _change_everything(seeded_ctx)
    assert [_pack(seeded_ctx, SEPTEMBER), _pack(seeded_ctx, SEPTEMBER, public=True)] == before


def test_the_december_pack_reads_the_same_after_the_meeting(seeded_ctx: Context) -> None:
    before = [_pack(seeded_ctx, DECEMBER), _pack(seeded_ctx, DECEMBER, public=True)]
    _change_everything(_at(seeded_ctx, date(2026, 12, 11)))
    after = [_pack(seeded_ctx, DECEMBER), _pack(seeded_ctx, DECEMBER, public=True)]
    assert after == before
    # ...while the register as it stands has moved on.
    assert "Sufficiency of placements" in render_register(
        seeded_ctx.matrix, register_paper(seeded_ctx)
    )


def test_september_public_pack_golden(seeded_ctx: Context, md_snapshot: SnapshotAssertion) -> None:
    assert _pack(seeded_ctx, SEPTEMBER, public=True) == md_snapshot


def test_every_rescoring_is_listed_in_order_and_agrees_with_the_section(
    seeded_ctx: Context,
) -> None:
    # SR7 went 20 → 16 on 10 Nov; back to 20 on 20 Nov.
    risks.score_risk(
        seeded_ctx, "SR7", likelihood=5, impact=4, rationale="Worse again",
        assessed_on=date(2026, 11, 20),
    )  # fmt: skip
    text = _pack(seeded_ctx, DECEMBER)
    moves = [r for r in table_after(text, "Rescored")[1:] if r[0] == "SR7"]
    assert [m[2:6] for m in moves] == [
        ["20 (5×4) Extreme", "16 (4×4) Extreme", "▼ better", "10 Nov 2026"],
        ["16 (4×4) Extreme", "20 (5×4) Extreme", "▲ worse", "20 Nov 2026"],
    ]
    # The seeded scorings are illustrative, and marked so.
    assert all(c.endswith(" †") for r in marked_table_after(text, "Rescored")[1:] for c in r[2:4])
    section = text.split("### SR7 Placement sufficiency")[1]
    assert "- Direction of travel: ▲ worse (from 16)" in section
    pack = committee_pack(seeded_ctx, FR, DECEMBER)
    for row in pack.risks:
        mine = [c for c in pack.changes.rescored if c.reference == row.reference]
        if mine:
            assert mine[-1].direction == row.direction


def test_the_banner_only_with_exempt_items(seeded_ctx: Context) -> None:
    assert _pack(seeded_ctx, DECEMBER).startswith("**CONFIDENTIAL**")
    # Nothing exempt was on the register before the meeting of 10 September.
    assert "CONFIDENTIAL" not in _pack(seeded_ctx, SEPTEMBER)
    board = render_pack(seeded_ctx.matrix, committee_pack(seeded_ctx, "board", date(2026, 10, 15)))
    assert "CONFIDENTIAL" not in board
    assert "Part B" not in board
    without = RiskFilter(committee="Workforce")
    paper = render_register(seeded_ctx.matrix, register_paper(seeded_ctx, without))
    assert "CONFIDENTIAL" not in paper


def test_no_document_line_reference_in_any_paper(seeded_ctx: Context) -> None:
    papers = [
        _pack(seeded_ctx, when, public)
        for when in (SEPTEMBER, DECEMBER)
        for public in (False, True)
    ]
    for flt in (RiskFilter(), RiskFilter(include_closed=True)):
        for public in (False, True):
            papers.append(
                render_register(seeded_ctx.matrix, register_paper(seeded_ctx, flt, public=public))
            )
    for paper in papers:
        assert not LINE_REFERENCE.findall(paper)
    # The provenance stays where it belongs.
    assert "002 L" in risks_source(seeded_ctx, "SR1")


def risks_source(ctx: Context, reference: str) -> str:
    from bct_risk.services.queries import risk_detail

    detail = risk_detail(ctx, reference)
    return f"{detail.source} {detail.description}"


def test_the_register_as_at_a_day_is_as_recorded_by_then(seeded_ctx: Context) -> None:
    risks.create_risk(
        seeded_ctx,
        RiskCreate(reference="SR10", title="Cyber attack", lead_committee=FR),
        current=Score(3, 5),
        rationale="New",
    )
    risks.score_risk(
        seeded_ctx, "SR9", likelihood=2, impact=2, rationale="Back-dated",
        assessed_on=date(2026, 9, 1),
    )  # fmt: skip
    risks.close_risk(seeded_ctx, "SR8", reason="Resolved")
    then = {r.reference: r for r in register_as_at(seeded_ctx, date(2026, 9, 9))}
    assert "SR10" not in then and "OR2026-01" not in then
    assert then["SR1"].tier is Tier.STRATEGIC  # escalated to the Board on 10 Sep
    assert then["SR7"].current == Score(5, 4)
    assert then["SR9"].current == Score(5, 5)  # the back-dated rescoring was recorded later
    assert then["SR8"].status is RiskStatus.OPEN
    now = {r.reference: r for r in register_as_at(seeded_ctx, date(2026, 11, 23))}
    # As at today, the register as at is the register as it stands.
    live = {r.reference: r for r in list_risks(seeded_ctx)}
    assert {ref: (r.current, r.previous_score, r.tier, r.owner) for ref, r in now.items()} == {
        ref: (r.current, r.previous_score, r.tier, r.owner) for ref, r in live.items()
    }
    assert "SR8" not in now  # closed today: the list shows open risks
    assert now["SR10"].direction is Direction.NEW
    assert list(now)[:3] == ["OR2026-01", "SR1", "SR2"]
    assert list(now)[-2:] == ["SR9", "SR10"]


def test_a_paper_names_the_committee_by_its_name_never_its_key(seeded_ctx: Context) -> None:
    paper = register_paper(seeded_ctx, RiskFilter(committee="fr"))
    assert paper.filters[0] == "lead committee: Finance and Resources Committee"
    assert "lead committee: fr" not in render_register(seeded_ctx.matrix, paper)
