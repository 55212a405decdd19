"""An edit may set a new target score: added to the history in the edit's own transaction."""

from __future__ import annotations

import pytest

from bct_risk.domain.enums import ScoreKind
from bct_risk.domain.errors import ConflictError, ValidationError
from bct_risk.domain.models import RiskCreate, RiskUpdate
from bct_risk.domain.scoring import Score
from bct_risk.services import queries, risks
from bct_risk.services.context import Context
from tests.helpers import fingerprint


def _add(ctx: Context) -> None:
    risks.create_risk(
        ctx, RiskCreate(reference="SR10", title="Placement sufficiency"), current=Score(4, 4)
    )


def test_an_edit_with_a_target_adds_a_target_score_and_the_fields(ctx: Context) -> None:
    _add(ctx)
    version = queries.risk_detail(ctx, "SR10").version
    risks.update_risk(
        ctx,
        "SR10",
        RiskUpdate(exempt=True, review_frequency_days=30),
        expected_version=version,
        target=Score(2, 3),
        rationale="Board agreed a target",
    )
    detail = queries.risk_detail(ctx, "SR10")
    assert detail.row.target == Score(2, 3)
    assert (detail.row.exempt, detail.review_frequency_days) == (True, 30)
    newest = detail.history[-1]
    assert (newest.kind, newest.rationale) == (ScoreKind.TARGET, "Board agreed a target")
    assert [e.action for e in detail.audit][-2:] == ["update", "score"]


def test_a_target_alone_is_an_edit_too(ctx: Context) -> None:
    _add(ctx)
    risks.update_risk(ctx, "SR10", RiskUpdate(), target=Score(1, 3), rationale="Lower")
    assert queries.risk_detail(ctx, "SR10").row.target == Score(1, 3)


def test_a_target_without_a_rationale_writes_nothing(ctx: Context) -> None:
    _add(ctx)
    unchanged = fingerprint(ctx)
    with pytest.raises(ValidationError, match="a rationale for the target score is required"):
        risks.update_risk(ctx, "SR10", RiskUpdate(exempt=True), target=Score(2, 2), rationale=" ")
    assert fingerprint(ctx) == unchanged


def test_a_target_on_a_closed_risk_or_over_a_newer_version_writes_nothing(ctx: Context) -> None:
    _add(ctx)
    risks.update_risk(ctx, "SR10", RiskUpdate(category="Placements"))
    unchanged = fingerprint(ctx)
    with pytest.raises(ConflictError):
        risks.update_risk(
            ctx, "SR10", RiskUpdate(), expected_version=1, target=Score(2, 2), rationale="Why"
        )
    assert fingerprint(ctx) == unchanged
    risks.close_risk(ctx, "SR10", reason="Resolved")
    unchanged = fingerprint(ctx)
    with pytest.raises(ValidationError, match="closed; reopen it before scoring it"):
        risks.update_risk(ctx, "SR10", RiskUpdate(exempt=True), target=Score(2, 2), rationale="W")
    assert fingerprint(ctx) == unchanged
