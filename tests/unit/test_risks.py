"""Use cases on a risk: add, edit, score, close, reopen, link — and their refusals."""

from __future__ import annotations

from datetime import date

import pytest

from bct_risk.domain.enums import Appetite, Direction, RiskStatus, ScoreKind
from bct_risk.domain.errors import ConflictError, NotFoundError, ValidationError
from bct_risk.domain.models import RiskCreate, RiskUpdate
from bct_risk.domain.scoring import Score
from bct_risk.services import queries, risks
from bct_risk.services.context import Context
from bct_risk.services.register_rows import RiskFilter
from tests.helpers import fingerprint


def _add(ctx: Context, ref: str = "SR10", **scores: Score) -> None:
    risks.create_risk(ctx, RiskCreate(reference=ref, title="Placement sufficiency"), **scores)


def test_scoring_adds_history_and_derives_direction(ctx: Context) -> None:
    _add(ctx, current=Score(3, 4))
    risks.score_risk(ctx, "sr10", likelihood=4, impact=5, rationale="Market shortage")
    detail = queries.risk_detail(ctx, "SR10")
    assert [a.score.value for a in detail.history] == [12, 20]
    assert detail.row.current == Score(4, 5)
    assert detail.row.previous_score == 12
    assert detail.row.direction is Direction.WORSE
    assert detail.row.band == "Extreme"
    assert [e.action for e in detail.audit] == ["create", "score", "score"]
    assert detail.audit[-1].actor == "tester"
    assert detail.audit[-1].changes["rationale"] == "Market shortage"


def test_a_new_risk_has_direction_new_and_a_review_date_by_band(ctx: Context) -> None:
    _add(ctx, current=Score(5, 5))
    row = queries.risk_detail(ctx, "SR10").row
    assert row.direction is Direction.NEW
    assert row.next_review_date == date(2026, 12, 23)


def test_target_and_appetite_gaps(ctx: Context) -> None:
    _add(ctx, current=Score(4, 4), target=Score(2, 3))
    risks.update_risk(ctx, "SR10", RiskUpdate(appetite=Appetite.CAUTIOUS))
    row = queries.risk_detail(ctx, "SR10").row
    assert row.gap_to_target == 10
    assert row.gap_to_appetite == 16 - 9
    assert row.above_appetite


def test_edit_records_the_field_changes(ctx: Context) -> None:
    _add(ctx)
    risk = risks.update_risk(ctx, "SR10", RiskUpdate(title="Placements", category="Children"))
    assert risk.version == 2
    event = queries.risk_detail(ctx, "SR10").audit[-1]
    assert event.changes["title"] == ["Placement sufficiency", "Placements"]


def test_a_save_over_a_newer_change_is_refused_and_names_who(ctx: Context) -> None:
    _add(ctx)
    risks.update_risk(ctx.acting_as("alice"), "SR10", RiskUpdate(title="A"), expected_version=1)
    before = fingerprint(ctx)
    with pytest.raises(ConflictError, match="SR10 was changed by alice"):
        risks.update_risk(ctx.acting_as("bob"), "SR10", RiskUpdate(title="B"), expected_version=1)
    assert fingerprint(ctx) == before


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"likelihood": 0},
            ValidationError,
            "likelihood must be a whole number from 1 to 5, not 0",
        ),
        ({"impact": 6}, ValidationError, "impact must be a whole number from 1 to 5, not 6"),
        (
            {"likelihood": 7},
            ValidationError,
            "likelihood must be a whole number from 1 to 5, not 7",
        ),
        ({"rationale": "  "}, ValidationError, "a rationale is required"),
        ({"rationale": None}, ValidationError, "a rationale is required"),
        ({"assessed_on": date(2026, 11, 24)}, ValidationError, "2026-11-24 is in the future"),
        ({"reference": "SR99"}, NotFoundError, "no risk has the reference 'SR99'"),
        ({"meeting": ("Finance", date(2026, 1, 1))}, NotFoundError, "no committee is called"),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_written(
    ctx: Context, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    _add(ctx, current=Score(2, 2))
    before = fingerprint(ctx)
    args: dict[str, object] = {"likelihood": 3, "impact": 3, "rationale": "ok", **kwargs}
    reference = str(args.pop("reference", "SR10"))
    with pytest.raises(error, match=message):
        risks.score_risk(ctx, reference, **args)  # type: ignore[arg-type]
    assert fingerprint(ctx) == before


def test_duplicate_or_blank_reference_is_refused(ctx: Context) -> None:
    _add(ctx)
    before = fingerprint(ctx)
    with pytest.raises(ValidationError, match="the reference SR10 is already in use"):
        _add(ctx, "sr10")
    assert fingerprint(ctx) == before


def test_unknown_owner_is_refused_with_nothing_written(ctx: Context) -> None:
    before = fingerprint(ctx)
    with pytest.raises(NotFoundError, match="no person is called 'Nobody'"):
        risks.create_risk(ctx, RiskCreate(reference="X1", title="t", owner="Nobody"))
    assert fingerprint(ctx) == before


def test_close_and_reopen_need_reasons_and_keep_history(ctx: Context) -> None:
    _add(ctx, current=Score(2, 2))
    before = fingerprint(ctx)
    with pytest.raises(ValidationError, match="a reason for closing is required"):
        risks.close_risk(ctx, "SR10", reason="")
    assert fingerprint(ctx) == before
    risks.close_risk(ctx, "SR10", reason="Superseded by SR7")
    with pytest.raises(ValidationError, match="SR10 is already closed"):
        risks.close_risk(ctx, "SR10", reason="again")
    with pytest.raises(ValidationError, match="SR10 is closed; reopen it before scoring it"):
        risks.score_risk(ctx, "SR10", likelihood=1, impact=1, rationale="x")
    assert queries.list_risks(ctx) == []
    closed = queries.list_risks(ctx, RiskFilter(include_closed=True))
    assert closed[0].status is RiskStatus.CLOSED
    with pytest.raises(ValidationError, match="a reason for reopening is required"):
        risks.reopen_risk(ctx, "SR10", reason=None)
    risks.reopen_risk(ctx, "SR10", reason="Placements crisis returned")
    detail = queries.risk_detail(ctx, "SR10")
    assert detail.row.status is RiskStatus.OPEN
    assert [e.action for e in detail.audit][-2:] == ["close", "reopen"]
    assert len(detail.history) == 1


def test_links_are_shown_from_both_sides(ctx: Context) -> None:
    _add(ctx, "SR7")
    _add(ctx, "SR9")
    risks.link_risks(ctx, "SR7", "SR9", "placement costs drive the overspend")
    assert queries.risk_detail(ctx, "SR9").links == [("SR7", "Placement sufficiency")]
    with pytest.raises(ValidationError, match="already linked"):
        risks.link_risks(ctx, "SR9", "SR7")
    with pytest.raises(ValidationError, match="cannot be linked to itself"):
        risks.link_risks(ctx, "SR9", "sr9")


def test_inherent_and_target_scores_are_history_too(ctx: Context) -> None:
    _add(ctx, inherent=Score(5, 5), current=Score(4, 4), target=Score(2, 2))
    risks.score_risk(
        ctx, "SR10", likelihood=2, impact=3, rationale="new aim", kind=ScoreKind.TARGET
    )
    row = queries.risk_detail(ctx, "SR10").row
    assert row.target == Score(2, 3)
    assert row.current == Score(4, 4)
    assert row.direction is Direction.NEW
