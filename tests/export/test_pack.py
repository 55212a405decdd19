"""The committee pack on the seed register: golden files, movements since the last meeting."""

from __future__ import annotations

from datetime import date

import pytest
from syrupy.assertion import SnapshotAssertion

from bct_risk.domain.enums import ActionKind, EscalationDirection, ScoreKind, Tier
from bct_risk.domain.errors import NotFoundError, ValidationError
from bct_risk.domain.models import RiskCreate
from bct_risk.domain.scoring import Score
from bct_risk.export.pack import render_pack
from bct_risk.services import actions, escalation, risks
from bct_risk.services.context import Context
from bct_risk.services.papers import committee_pack
from bct_risk.services.queries import ActionFilter, heat_map, list_actions, list_risks
from tests.export.commonmark import headings, tables
from tests.export.commonmark import table_after as marked_table_after
from tests.helpers import fingerprint

FR = "Finance and Resources"


def table_after(text: str, title: str) -> list[list[str]]:
    """The table after a heading, its cells without the illustrative mark (†)."""
    return [[c.replace(" †", "") for c in row] for row in marked_table_after(text, title)]


DECEMBER = date(2026, 12, 10)
SEPTEMBER = date(2026, 9, 10)


def _pack(ctx: Context, when: date = DECEMBER, public: bool = False) -> str:
    return render_pack(ctx.matrix, committee_pack(ctx, FR, when, public=public))


def test_december_pack_golden(seeded_ctx: Context, md_snapshot: SnapshotAssertion) -> None:
    assert _pack(seeded_ctx) == md_snapshot


def test_december_public_pack_golden(seeded_ctx: Context, md_snapshot: SnapshotAssertion) -> None:
    assert _pack(seeded_ctx, public=True) == md_snapshot


def test_september_pack_golden(seeded_ctx: Context, md_snapshot: SnapshotAssertion) -> None:
    assert _pack(seeded_ctx, SEPTEMBER) == md_snapshot


def test_december_pack_shows_the_movements_since_the_september_meeting(
    seeded_ctx: Context,
) -> None:
    text = _pack(seeded_ctx)
    assert "## Changes since the meeting of 10 Sep 2026" in text
    rescored = table_after(text, "Rescored")
    assert rescored[0][:6] == ["Ref", "Title", "Was", "Now", "Direction of travel", "Rescored on"]
    # The whole strategic register is routed to the committee: every risk's rescorings, by date.
    assert [r[0] for r in rescored[1:]] == ["SR4", "SR5", "SR2", "SR3", "SR6", "SR7"]
    assert rescored[-1][:6] == [
        "SR7", "Placement sufficiency", "20 (5×4) Extreme", "16 (4×4) Extreme", "▼ better",
        "10 Nov 2026",
    ]  # fmt: skip
    escalated = table_after(text, "Escalated")
    assert [r[:3] for r in escalated[1:]] == [
        ["SR1", "Relationship between Trust and Council", "10 Sep 2026"]
    ]
    assert escalated[1][3].startswith("Strategic → Board (Trust Board): ")
    # The one new risk is exempt: it is reported in Part B, not among the public changes.
    assert text.split("### New risks\n\n")[1].startswith("None.")
    part_b = text.split("## Part B: exempt items (not for publication)")[1]
    assert [r[0] for r in table_after(part_b, "New risks")[1:]] == ["OR2026-01"]


def test_september_pack_shows_sr9_rescored_since_june(seeded_ctx: Context) -> None:
    text = _pack(seeded_ctx, SEPTEMBER)
    assert "## Changes since the meeting of 11 Jun 2026" in text
    moved = {r[0]: (r[2], r[3], r[4]) for r in table_after(text, "Rescored")[1:]}
    assert moved["SR9"] == ("20 (4×5) Extreme", "25 (5×5) Extreme", "▲ worse")
    assert moved["SR1"] == ("12 (3×4) High", "16 (4×4) Extreme", "▲ worse")
    assert moved["SR8"][2] == "▼ better"
    # SR1 was escalated at the September meeting itself: that is reported in December's pack.
    assert "SR1" not in text.split("### Escalated")[1].split("###")[0]


def test_cover_names_the_committee_meeting_purpose_and_asks(seeded_ctx: Context) -> None:
    text = _pack(seeded_ctx)
    assert text.startswith("**CONFIDENTIAL**")
    titles = [h for _, h in headings(text)]
    assert titles[:3] == [
        "Finance and Resources Committee: risk report",
        "Purpose",
        "Recommendations",
    ]
    for section in (
        "Heat map of current scores",
        "Risks above appetite",
        "Changes since the meeting of 10 Sep 2026",
        "Risks due or overdue for review",
        "Overdue actions",
        "Action tracker",
        "The strategic risk register",
        "Combined exposure",
        "The committee's risks",
        "Implications",
        "Part B: exempt items (not for publication)",
    ):
        assert section in titles
    assert "**Meeting:** 10 Dec 2026" in text
    assert "**Previous meeting:** 10 Sep 2026" in text


def test_heat_map_counts_match_the_committees_risks(seeded_ctx: Context) -> None:
    text = _pack(seeded_ctx)
    grid = table_after(text, "Heat map of current scores")
    assert grid[0] == [
        "Likelihood ↓ / Impact →",
        "1 Insignificant",
        "2 Minor",
        "3 Moderate",
        "4 Major",
        "5 Catastrophic",
    ]
    assert [r[0] for r in grid[1:]] == [
        "5 Almost certain",
        "4 Likely",
        "3 Possible",
        "2 Unlikely",
        "1 Rare",
    ]
    # The committee's own risks and the rest of the strategic register; exempt ones apart.
    rows = [
        r
        for r in list_risks(seeded_ctx)
        if (r.lead_committee == FR or r.tier in (Tier.STRATEGIC, Tier.BOARD)) and not r.exempt
    ]
    cells = heat_map(rows, ScoreKind.CURRENT)
    for row in grid[1:]:
        likelihood = int(row[0][0])
        for impact in range(1, 6):
            count, band = row[impact].split(" ", 1)
            assert int(count) == len(cells.get((likelihood, impact), []))
            assert band == seeded_ctx.matrix.band(likelihood * impact).name
    assert sum(int(c.split()[0]) for r in grid[1:] for c in r[1:]) == len(rows)


def test_action_tracker_has_the_classic_columns(seeded_ctx: Context) -> None:
    tracker = table_after(_pack(seeded_ctx), "Action tracker")
    assert tracker[0] == [
        "Date", "Agenda item", "Action", "Owner", "Due", "Status", "Updates since the last meeting"
    ]  # fmt: skip
    assert len(tracker) > 1
    dates = [r[0] for r in tracker[1:]]
    assert all(d in {"11 Jun 2026", "10 Sep 2026"} or d.endswith("2026") for d in dates)
    assert any("(overdue)" in r[5] for r in tracker[1:])


def test_reviews_due_and_overdue(seeded_ctx: Context) -> None:
    due = {
        r[0]: r[4] for r in table_after(_pack(seeded_ctx), "Risks due or overdue for review")[1:]
    }
    assert due["SR9"] == "10 Sep 2026 (overdue)"
    assert due["SR7"] == "10 Dec 2026"
    assert "SR8" not in due


def test_public_pack_withholds_exempt_risks_and_their_actions(seeded_ctx: Context) -> None:
    confidential = _pack(seeded_ctx)
    public = _pack(seeded_ctx, public=True)
    assert "OR2026-01" in confidential
    assert "OR2026-01" not in public
    assert "CONFIDENTIAL" not in public
    assert public.startswith("Public version: 3 exempt items were withheld (1 risk, 2 actions).")
    assert "Obtain legal advice" not in public


def test_every_table_in_the_pack_is_well_formed(seeded_ctx: Context) -> None:
    for found in tables(_pack(seeded_ctx)):
        widths = {len(row) for row in found}
        assert len(widths) == 1, found[0]


def test_the_pack_is_deterministic(seeded_ctx: Context) -> None:
    assert _pack(seeded_ctx) == _pack(seeded_ctx)


def test_a_new_rescore_and_escalation_show_in_the_next_pack(seeded_ctx: Context) -> None:
    risks.score_risk(seeded_ctx, "SR8", likelihood=4, impact=4, rationale="Pay award unfunded")
    escalation.move_risk(
        seeded_ctx,
        "SR8",
        to="board",
        reason="Unfunded pay award",
        direction=EscalationDirection.ESCALATE,
    )
    risks.create_risk(
        seeded_ctx,
        RiskCreate(reference="SR10", title="Cyber attack", lead_committee=FR),
        current=Score(3, 5),
        rationale="New",
    )
    text = _pack(seeded_ctx)
    moved = {r[0]: r for r in table_after(text, "Rescored")[1:]}
    assert moved["SR8"][2:5] == ["6 (2×3) Moderate", "16 (4×4) Extreme", "▲ worse"]
    assert [r[0] for r in table_after(text, "Escalated")[1:]] == ["SR1", "SR8"]
    new = {r[0]: r[2:] for r in table_after(text, "New risks")[1:]}
    assert list(new) == ["SR10"]  # OR2026-01 is exempt: in Part B
    assert new["SR10"] == ["23 Nov 2026", "15 (3×5) Extreme"]


def test_a_first_meeting_has_nothing_to_compare(seeded_ctx: Context) -> None:
    text = _pack(seeded_ctx, date(2025, 6, 12))
    assert "No earlier meeting of the committee is recorded" in text


def test_the_board_oversees_board_tier_risks(seeded_ctx: Context) -> None:
    pack = committee_pack(seeded_ctx, "Trust Board", date(2026, 10, 15))
    assert "SR1" in {r.reference for r in pack.risks}


def test_unknown_committee_and_missing_meeting_are_clear_errors(seeded_ctx: Context) -> None:
    before = fingerprint(seeded_ctx)
    with pytest.raises(NotFoundError, match="no committee is called 'Audit'"):
        committee_pack(seeded_ctx, "Audit", DECEMBER)
    with pytest.raises(NotFoundError, match="has no meeting on 2026-12-11"):
        committee_pack(seeded_ctx, FR, date(2026, 12, 11))
    with pytest.raises(ValidationError, match="could mean"):
        committee_pack(seeded_ctx, "Committee", DECEMBER)
    assert fingerprint(seeded_ctx) == before


def test_closed_and_de_escalated_risks_show_in_the_next_pack(seeded_ctx: Context) -> None:
    risks.close_risk(seeded_ctx, "SR8", reason="Oracle issues resolved with the Council")
    escalation.move_risk(
        seeded_ctx,
        "SR1",
        to="Finance and Resources",
        reason="Settlement agreed with the Council",
        direction=EscalationDirection.DE_ESCALATE,
    )
    text = _pack(seeded_ctx)
    closed = table_after(text, "Closed risks")
    assert closed[1] == ["SR8", "Oracle", "23 Nov 2026", "Oracle issues resolved with the Council"]
    moved = table_after(text, "De-escalated")
    assert moved[1][:3] == ["SR1", "Relationship between Trust and Council", "23 Nov 2026"]
    assert moved[1][3] == (
        "Board → Committee (Finance and Resources Committee): Settlement agreed with the Council"
    )
    # A closed risk leaves the heat map and the risk-by-risk section.
    assert "### SR8 Oracle" not in text


def test_changes_on_a_meeting_day_are_reported_in_the_next_pack(seeded_ctx: Context) -> None:
    # Papers go out before the meeting: a rescoring on the day belongs to the next pack.
    risks.score_risk(
        seeded_ctx, "SR8", likelihood=3, impact=3, rationale="Payroll errors", assessed_on=SEPTEMBER
    )
    september = [r[0] for r in table_after(_pack(seeded_ctx, SEPTEMBER), "Rescored")[1:]]
    december = {r[0]: r for r in table_after(_pack(seeded_ctx), "Rescored")[1:]}
    # SR8 moved 9 to 6 between June and September; the order is by date.
    assert sorted(september) == ["SR1", "SR2", "SR8", "SR9"]
    assert december["SR8"][2:6] == ["6 (2×3) Moderate", "9 (3×3) High", "▲ worse", "10 Sep 2026"]


def test_tracker_keeps_actions_closed_since_the_previous_meeting(seeded_ctx: Context) -> None:
    item = next(
        a
        for a in list_actions(seeded_ctx, ActionFilter(kind=ActionKind.TRACKER, committee=FR))
        if a.description.startswith("Circulate monthly foster carer")
    )
    actions.complete_action(seeded_ctx, item.id, note="Figures now on the Trust dashboard")
    rows = {r[2]: r for r in table_after(_pack(seeded_ctx), "Action tracker")[1:]}
    done = rows[f"{item.description} (risk SR7)"]
    assert done[5] == "Complete"
    # Every update since the previous meeting, oldest first.
    assert done[6] == (
        "30 Oct 2026: September figures circulated; recruitment ahead of plan for the quarter. — "
        "23 Nov 2026: Figures now on the Trust dashboard"
    )
    # Not overdue any more, so it leaves the overdue list.
    overdue = [r[0] for r in table_after(_pack(seeded_ctx), "Overdue actions")[1:]]
    assert item.description not in overdue


def test_tracker_holds_only_actions_raised_before_the_meeting(seeded_ctx: Context) -> None:
    dates = {r[0] for r in table_after(_pack(seeded_ctx, SEPTEMBER), "Action tracker")[1:]}
    assert dates == {"11 Jun 2026"}
