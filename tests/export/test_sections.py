"""The batched loader behind papers agrees with ``risk_detail`` (one risk at a time) everywhere."""

from __future__ import annotations

from bct_risk.domain.enums import ActionKind
from bct_risk.services.context import Context
from bct_risk.services.papers import further_action_count, risk_sections
from bct_risk.services.queries import list_risks, risk_detail
from bct_risk.services.register_rows import RiskFilter


def test_sections_match_risk_detail_for_every_seeded_risk(seeded_ctx: Context) -> None:
    rows = list_risks(seeded_ctx, RiskFilter(include_closed=True))
    sections = risk_sections(seeded_ctx, rows)
    assert [s.row.reference for s in sections] == [r.reference for r in rows]
    for section in sections:
        detail = risk_detail(seeded_ctx, section.row.reference)
        assert section.row == detail.row
        assert (section.description, section.cause, section.effect) == (
            detail.description,
            detail.cause,
            detail.effect,
        )
        assert section.treatment.label == detail.treatment
        assert (section.closed_reason, section.closed_on) == (
            detail.closed_reason,
            detail.closed_on,
        )
        assert [(c.description, c.owner, c.effectiveness) for c in section.controls] == [
            (c.description, c.owner, c.effectiveness) for c in detail.controls
        ]
        assert [
            (a.id, a.description, a.owner, a.due_date, a.status, a.overdue, a.latest_update)
            for a in section.further_actions
        ] == [
            (
                a.id,
                a.description,
                a.owner,
                a.due_date,
                a.status,
                a.overdue,
                (a.updates[-1].update_date, a.updates[-1].text) if a.updates else None,
            )
            for a in detail.further_actions
        ]
        assert section.last_review == (detail.reviews[-1] if detail.reviews else None)


def test_further_action_count(seeded_ctx: Context) -> None:
    rows = list_risks(seeded_ctx, RiskFilter(include_closed=True))
    expected = sum(
        1
        for r in rows
        for a in risk_detail(seeded_ctx, r.reference).further_actions
        if a.kind == ActionKind.FURTHER_ACTION
    )
    assert further_action_count(seeded_ctx, rows) == expected > 0
    assert further_action_count(seeded_ctx, []) == 0
