"""Reading cells as real registers write them: scores, dates, owners, bullets, statuses."""

from __future__ import annotations

from datetime import date

import pytest

from bct_risk.domain.enums import ActionStatus, RiskStatus
from bct_risk.domain.scoring import default_matrix
from bct_risk.io import values
from bct_risk.io.headers import RISKS, group_of, normalise, recognise, scale_in
from bct_risk.io.values import CellError

M = default_matrix()


@pytest.mark.parametrize(
    ("cell", "axis", "scale", "expected"),
    [
        (4, "likelihood", 5, 4),
        ("4", "impact", 5, 4),
        (3.0, "impact", 5, 3),
        ("Almost certain", "likelihood", 5, 5),
        ("catastrophic", "impact", 5, 5),
        ("4 - Likely", "likelihood", 5, 4),
        ("Likely (4)", "likelihood", 5, 4),
        ("Low", "likelihood", 5, 1),
        ("Medium", "impact", 5, 3),
        ("High", "impact", 5, 5),
        ("Very high", "impact", 5, 5),
        (7, "likelihood", 10, 4),
        (10, "impact", 10, 5),
        (1, "impact", 10, 1),
        (3, "likelihood", 4, 4),
        (2, "likelihood", 3, 3),
    ],
)
def test_levels_map_to_the_five_point_scale(
    cell: object, axis: str, scale: int, expected: int
) -> None:
    level = values.parse_level(cell, axis, M, scale)
    assert level is not None and level.value == expected


def test_a_seven_on_a_five_point_scale_is_refused_with_a_hint() -> None:
    with pytest.raises(CellError, match=r"likelihood 7 is outside the 1-5 scale.*scales"):
        values.parse_level("7", "likelihood", M)


def test_a_word_that_is_no_score_names_the_words_to_use() -> None:
    with pytest.raises(CellError, match="'Purple' is not an impact"):
        values.parse_level("Purple", "impact", M)


def test_blank_levels_are_none() -> None:
    assert values.parse_level("  ", "impact", M) is None


@pytest.mark.parametrize(
    ("cell", "value", "likelihood", "impact"),
    [
        ("4x5=20", 20, 4, 5),
        ("4 × 5 = 20", 20, 4, 5),
        ("3*4", 12, 3, 4),
        ("16", 16, None, None),
        (16.0, 16, None, None),
        ("=C4*D4", None, None, None),
    ],
)
def test_score_cells(
    cell: object, value: int | None, likelihood: int | None, impact: int | None
) -> None:
    score = values.parse_score(cell)
    assert score is not None
    assert (score.value, score.likelihood, score.impact) == (value, likelihood, impact)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("23/11/2026", date(2026, 11, 23)),
        ("2026-11-23", date(2026, 11, 23)),
        ("23 Nov 2026", date(2026, 11, 23)),
        ("23rd November 2026", date(2026, 11, 23)),
        ("23.11.26", date(2026, 11, 23)),
        ("2026-11-23 00:00:00", date(2026, 11, 23)),
        (date(2026, 11, 23), date(2026, 11, 23)),
        ("Q3 2024", "Q3 2024"),
        ("ongoing", "ongoing"),
        ("", None),
    ],
)
def test_dates_in_many_forms_or_kept_as_text(cell: object, expected: object) -> None:
    assert values.parse_date_cell(cell) == expected


@pytest.mark.parametrize("cell", ["31/02/2026", "2026-13-45", "45 Nov 2026"])
def test_a_date_that_is_not_a_date_is_an_error(cell: str) -> None:
    with pytest.raises(CellError, match="is not a date"):
        values.parse_date_cell(cell)


def test_owners_split_at_slashes_but_not_inside_role_titles() -> None:
    assert values.owners("Carol\nPilson /\nPeter\nCatchpole") == ["Carol Pilson", "Peter Catchpole"]
    assert values.owners("Director of Children and Families") == [
        "Director of Children and Families"
    ]
    assert values.owners("Ann Lee; Bob Kay") == ["Ann Lee", "Bob Kay"]


def test_cause_and_effect_in_one_cell() -> None:
    cell = "Risk:-\nFailure of IT\nsystems\nEffects:-\nLoss of data."
    assert values.split_cause_effect(cell) == ("Failure of IT systems", "Loss of data.")
    assert values.split_cause_effect("Just a description") is None


def test_pdf_bullets_become_items() -> None:
    cell = "\uf0b7 Emergency plan\n\uf0b7 Business\ncontinuity plans\n• Exercises"
    assert values.bullet_items(cell) == ["Emergency plan", "Business continuity plans", "Exercises"]
    assert values.clean_text("\uf0b7 Emergency\nplan") == "Emergency plan"


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("Done.", ActionStatus.COMPLETE),
        ("COMPLETE", ActionStatus.COMPLETE),
        ("done, I'm happy with the clarifications", ActionStatus.COMPLETE),
        ("Greg followed up.  Action item can be closed.", ActionStatus.COMPLETE),
        ("still not done", ActionStatus.OPEN),
        ("not done", ActionStatus.OPEN),
        ("Draft complete just haven't sent it yet.", ActionStatus.OPEN),
        ("started but not complete yet", ActionStatus.IN_PROGRESS),
        ("email sent today.  Keep item open until I get a response.", ActionStatus.OPEN),
        ("no longer needed, they are due to report next month", ActionStatus.CANCELLED),
        ("", ActionStatus.OPEN),
    ],
)
def test_free_text_statuses(cell: str, status: ActionStatus) -> None:
    assert values.action_status(cell)[0] == status


def test_risk_status_words() -> None:
    assert values.risk_status("Live") == RiskStatus.OPEN
    assert values.risk_status("Closed - merged into CR2") == RiskStatus.CLOSED
    assert values.risk_status("Parked") is None


@pytest.mark.parametrize(
    ("header", "group", "field"),
    [
        ("Probability", None, "current_likelihood"),
        ("Likelihood", "Risk if no action", "inherent_likelihood"),
        ("Score", "Current risk", "current_score"),
        ("Risk if no action - Impact", None, "inherent_impact"),
        ("Residual L", None, "current_likelihood"),
        ("Gross Risk Score", None, "inherent_score"),
        ("Target score", None, "target_score"),
        ("Target date", None, "target_date"),
        ("Existing controls", None, "controls"),
        ("Actions being taken to managing risk", None, "further_actions"),
        ("Comments and progress of actions", None, "comments"),
        ("Risk Owner", None, "owner"),
        ("Ref", None, "reference"),
        ("inherent_likelihood", None, "inherent_likelihood"),
    ],
)
def test_headers_are_recognised(header: str, group: str | None, field: str) -> None:
    found = recognise(header, RISKS, group)
    assert found is not None
    name = found[0]
    if name in ("likelihood", "impact", "score"):
        name = f"current_{name}"
    assert name == field


def test_group_headers_and_scales() -> None:
    assert group_of("Risk if no action") == "inherent"
    assert group_of("Current risk") == "current"
    assert scale_in("Likelihood (1-10)") == 10
    assert normalise("Likelihood (1-10)") == "likelihood"
