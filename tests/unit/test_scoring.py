"""Scoring rules: bands, appetite, direction of travel, reviews, and matrix validation."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bct_risk.domain.enums import ActionStatus, Appetite, Direction, RiskStatus
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.scoring import (
    POSSIBLE_SCORES,
    Score,
    action_overdue,
    default_matrix,
    direction,
    gap,
    load_matrix,
    parse_matrix,
    review_overdue,
)

scales = st.integers(min_value=1, max_value=5)
MATRIX = default_matrix()


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1, "Low"),
        (3, "Low"),
        (4, "Moderate"),
        (6, "Moderate"),
        (8, "High"),
        (12, "High"),
        (15, "Extreme"),
        (25, "Extreme"),
    ],
)
def test_default_bands_follow_the_product_defaults(score: int, band: str) -> None:
    assert MATRIX.band(score).name == band


def test_default_labels() -> None:
    assert MATRIX.likelihood_label(1) == "Rare"
    assert MATRIX.likelihood_label(5) == "Almost certain"
    assert MATRIX.impact_label(4) == "Major"


@given(scales, scales)
def test_every_score_falls_in_exactly_one_band(likelihood: int, impact: int) -> None:
    value = Score(likelihood, impact).value
    assert sum(1 for b in MATRIX.bands if b.min <= value <= b.max) == 1


@given(st.integers().filter(lambda n: not 1 <= n <= 5))
def test_scores_outside_1_to_5_are_refused(value: int) -> None:
    with pytest.raises(ValidationError, match="likelihood must be a whole number from 1 to 5"):
        Score(value, 3)


@given(st.one_of(st.none(), st.integers(1, 25)), st.one_of(st.none(), st.integers(1, 25)))
def test_direction_of_travel(previous: int | None, current: int | None) -> None:
    result = direction(previous, current)
    if previous is None or current is None:
        assert result is Direction.NEW
    elif current > previous:
        assert result is Direction.WORSE
    elif current < previous:
        assert result is Direction.BETTER
    else:
        assert result is Direction.UNCHANGED


@given(st.sampled_from(POSSIBLE_SCORES), st.sampled_from(list(Appetite)))
def test_above_appetite_exactly_when_over_the_ceiling(score: int, appetite: Appetite) -> None:
    assert MATRIX.above_appetite(score, appetite) == (score > MATRIX.appetite[appetite])


def test_no_appetite_is_never_above_it() -> None:
    assert not MATRIX.above_appetite(25, None)
    assert not MATRIX.above_appetite(None, Appetite.AVERSE)


@given(st.sampled_from(POSSIBLE_SCORES), st.dates(date(2000, 1, 1), date(2090, 1, 1)))
def test_next_review_follows_the_band(score: int, scored_on: date) -> None:
    expected = scored_on + timedelta(days=MATRIX.band(score).review_days)
    assert MATRIX.next_review(scored_on, score) == expected


def test_worse_bands_are_reviewed_sooner() -> None:
    intervals = [b.review_days for b in sorted(MATRIX.bands, key=lambda b: b.min)]
    assert intervals == sorted(intervals, reverse=True)


def test_a_risks_own_frequency_wins_over_the_band() -> None:
    assert MATRIX.next_review(date(2026, 1, 1), 25, 10) == date(2026, 1, 11)


def test_review_overdue_only_for_open_risks_past_their_date() -> None:
    today = date(2026, 11, 23)
    assert review_overdue(date(2026, 11, 22), today, RiskStatus.OPEN)
    assert not review_overdue(date(2026, 11, 23), today, RiskStatus.OPEN)
    assert not review_overdue(date(2026, 1, 1), today, RiskStatus.CLOSED)
    assert not review_overdue(None, today, RiskStatus.OPEN)


@given(st.sampled_from(list(ActionStatus)), st.dates(date(2020, 1, 1), date(2030, 1, 1)))
def test_action_overdue_rule(status: ActionStatus, due: date) -> None:
    today = date(2026, 11, 23)
    expected = due < today and status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
    assert action_overdue(due, status, today) == expected


def test_gap_to_target_and_appetite() -> None:
    assert gap(16, 8) == 8
    assert gap(4, 8) == -4
    assert gap(None, 8) is None


VALID = """
likelihood = ["a", "b", "c", "d", "e"]
impact = ["a", "b", "c", "d", "e"]
[[bands]]
name = "Green"
min = 1
max = 9
colour = "green"
review_days = 90
[[bands]]
name = "Red"
min = 10
max = 25
colour = "red"
review_days = 30
[appetite]
averse = 2
minimal = 4
cautious = 9
open = 12
eager = 20
"""


def test_whole_numbers_may_be_written_as_decimals_or_text() -> None:
    matrix = parse_matrix(
        VALID.replace("max = 9", "max = 9.0").replace("eager = 20", 'eager = "20"'), "m.toml"
    )
    assert matrix.band(9).name == "Green"
    assert matrix.ceiling(Appetite.EAGER) == 20
    for change, message in (
        (("max = 9", "max = 9.5"), "bands.1.max: give a whole number from 1 to 25, not 9.5"),
        (("averse = 2", "averse = true"), "appetite.averse: give a whole-number score, not True"),
    ):
        with pytest.raises(ValidationError, match=re.escape(message)):
            parse_matrix(VALID.replace(*change), "m.toml")


def test_an_organisation_can_use_its_own_bands(tmp_path: Path) -> None:
    path = tmp_path / "matrix.toml"
    path.write_text(VALID)
    matrix = load_matrix(path)
    assert matrix.band(9).name == "Green"
    assert matrix.band(10).name == "Red"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("max = 9", "max = 8"), "score 9 falls in no band"),
        (("min = 10", "min = 9"), "score 9 falls in more than one band: Green, Red"),
        (("cautious = 9", "cautious = 1"), "appetite ceilings must not fall from averse to eager"),
        (("eager = 20", "eager = 30"), "appetite ceilings must be scores from 1 to 25"),
        (('"d", "e"]\nimpact', '"d"]\nimpact'), "likelihood"),
        (("eager = 20\n", ""), "appetite ceilings missing for: eager"),
        (("[[bands]]", "[[bands"), "not valid TOML"),
        (
            ("review_days = 90", "review_days = 0"),
            "bands.1.review_days: give a whole number of 1 or more, not 0",
        ),
        (('name = "Green"', 'name = ""'), "bands.1.name: give some text, not ''"),
        (("max = 25", "max = 26"), "bands.2.max: give a whole number from 1 to 25, not 26"),
        (("min = 10", 'min = "ten"'), "bands.2.min: give a whole number from 1 to 25, not 'ten'"),
        (("min = 1\n", "min = 12\n"), "band Green: min 12 is above max 9"),
        (("eager = 20", "eager = 20\nreckless = 25"), "appetite.reckless: not an appetite level"),
        (("open = 12", 'open = "high"'), "appetite.open: give a whole-number score, not 'high'"),
    ],
)
def test_a_bad_matrix_file_says_what_is_wrong(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        parse_matrix(VALID.replace(*change, 1), "matrix.toml")


def test_a_missing_matrix_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot read the matrix file"):
        load_matrix(tmp_path / "nope.toml")
