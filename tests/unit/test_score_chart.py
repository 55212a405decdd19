"""The score history chart: bands up the side, month and year along the bottom, any width."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bct_risk.domain.scoring import default_matrix
from bct_risk.tui.widgets.score_chart import MARK, ScoreChart, ScorePoint


def _lines(points: list[ScorePoint], width: int) -> list[str]:
    return [line.plain for line in ScoreChart(points, default_matrix()).lines(width)]


def test_no_scoring_says_so() -> None:
    assert _lines([], 80) == ["Not scored yet."]


@pytest.mark.parametrize("width", [40, 80, 120, 200])
def test_one_scoring_shows_its_score_band_and_month(width: int) -> None:
    lines = _lines([ScorePoint(date(2026, 3, 9), 9)], width)
    assert [line.split("┤")[0].strip() for line in lines[:4]] == [
        "Extreme 15-25",
        "High 8-12",
        "Moderate 4-6",
        "Low 1-3",
    ]
    assert lines[1].rstrip().endswith("┤9")
    assert lines[5].strip() == "Mar 2026"
    assert all(len(line) <= width for line in lines)


def test_scorings_sit_on_their_bands_at_their_dates_held_until_the_next() -> None:
    points = [
        ScorePoint(date(2025, 1, 1), 4),
        ScorePoint(date(2025, 7, 1), 12),
        ScorePoint(date(2026, 1, 1), 20),
    ]
    lines = _lines(points, 80)
    extreme, high, moderate = lines[0], lines[1], lines[2]
    assert moderate.split("┤")[1].startswith("4·")
    assert "12·" in high and extreme.rstrip().endswith("20")
    # Half way in time is half way across.
    plot = len(lines[4]) - lines[4].index("└") - 1
    assert abs(high.split("┤")[1].index("12") - plot // 2) <= 2
    assert lines[5].split() == ["Jan", "2025", "Jul", "2025", "Jan", "2026"]


@pytest.mark.parametrize("width", [80, 120])
def test_many_scorings_stay_in_width_and_label_first_and_latest(width: int) -> None:
    first = date(2020, 1, 6)
    scores = [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25]
    points = [ScorePoint(first + timedelta(days=30 * i), scores[i % 14]) for i in range(80)]
    lines = _lines(points, width)
    assert all(len(line) <= width for line in lines)
    labels = lines[5]
    assert labels.split()[:2] == ["Jan", "2020"]
    assert labels.split()[-2:] == [points[-1].on.strftime("%b"), str(points[-1].on.year)]
    assert MARK in "".join(lines[:4]), "scorings too close for their numbers show as dots"
    ticks = lines[4].count("┬")
    assert ticks == len(labels.split()) // 2


def test_scorings_on_one_day_are_spread_evenly() -> None:
    day = date(2026, 11, 23)
    lines = _lines([ScorePoint(day, 6), ScorePoint(day, 16)], 60)
    assert "6" in lines[2] and lines[0].rstrip().endswith("16")
    assert lines[5].split() == ["Nov", "2026"]
