"""The indicator rules: status from polarity at every boundary, and months on target."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bct_risk.domain.kpi_rules import (
    Band,
    Polarity,
    Status,
    add_months,
    check_band,
    last_twelve_months,
    months_on_target,
    status,
)

AGENCY = Band(12, 10, 15)  # KPI 13, good = low (001 L1743-1747)
REFERRALS = Band(80, 75, 95)  # KPI 1, good = high (001 L1291-1295)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (9, Status.ON_TARGET),  # beyond the band on the good side
        (10, Status.ON_TARGET),
        (12, Status.ON_TARGET),  # at the target
        (12.01, Status.WITHIN_TOLERANCE),
        (15, Status.WITHIN_TOLERANCE),  # at the tolerance's edge
        (15.01, Status.OUTSIDE_TOLERANCE),
        (17, Status.OUTSIDE_TOLERANCE),
    ],
)
def test_good_low_boundaries(value: float, expected: Status) -> None:
    assert status(value, Polarity.LOW, AGENCY) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (96, Status.ON_TARGET),  # beyond the band's upper edge: still good
        (80, Status.ON_TARGET),
        (79.99, Status.WITHIN_TOLERANCE),
        (75, Status.WITHIN_TOLERANCE),
        (74.99, Status.OUTSIDE_TOLERANCE),
        (0, Status.OUTSIDE_TOLERANCE),
    ],
)
def test_good_high_boundaries(value: float, expected: Status) -> None:
    assert status(value, Polarity.HIGH, REFERRALS) is expected


def test_moves_below_the_band_are_on_target() -> None:
    # KPI 7 at 2% against 5-13%: "exceeding both our target and tolerance" (001 L1480-1488).
    assert status(2, Polarity.LOW, Band(10, 5, 13)) is Status.ON_TARGET


def test_no_target_and_no_tolerance() -> None:
    assert status(12, Polarity.HIGH, None) is Status.NO_TARGET
    # KPI 12 has a target and a blank tolerance (001 L1697-1700): short of target is outside.
    assert status(70, Polarity.HIGH, Band(70)) is Status.ON_TARGET
    assert status(69, Polarity.HIGH, Band(70)) is Status.OUTSIDE_TOLERANCE
    assert status(71, Polarity.LOW, Band(70)) is Status.OUTSIDE_TOLERANCE


@given(
    value=st.floats(-1e6, 1e6, allow_nan=False),
    target=st.floats(-1e6, 1e6, allow_nan=False),
    width=st.floats(0, 1e6, allow_nan=False),
)
def test_polarities_mirror_each_other(value: float, target: float, width: float) -> None:
    high = status(value, Polarity.HIGH, Band(target, target - width, target + width))
    low = status(-value, Polarity.LOW, Band(-target, -target - width, -target + width))
    assert high is low


@given(
    value=st.floats(-1e6, 1e6, allow_nan=False),
    target=st.floats(-1e6, 1e6, allow_nan=False),
    width=st.floats(0, 1e6, allow_nan=False),
)
def test_better_never_has_a_worse_status(value: float, target: float, width: float) -> None:
    band = Band(target, target - width, target + width)
    rank = [Status.ON_TARGET, Status.WITHIN_TOLERANCE, Status.OUTSIDE_TOLERANCE]
    now = status(value, Polarity.HIGH, band)
    better = status(value + 1, Polarity.HIGH, band)
    assert rank.index(better) <= rank.index(now)
    assert (now is Status.ON_TARGET) == (value >= target)


def test_check_band_refuses_edges_on_the_wrong_side() -> None:
    check_band(Polarity.LOW, AGENCY)
    with pytest.raises(ValueError, match="upper edge 11 must not be below the target 12"):
        check_band(Polarity.LOW, Band(12, 10, 11))
    with pytest.raises(ValueError, match="lower edge 81 must not be above the target 80"):
        check_band(Polarity.HIGH, Band(80, 81, 95))
    with pytest.raises(ValueError, match="lower edge 20 is above its upper edge"):
        check_band(Polarity.LOW, Band(12, 20, 15))


def test_last_twelve_months_ends_with_the_month_of_the_date() -> None:
    months = last_twelve_months(date(2026, 11, 23))
    assert months[0] == date(2025, 12, 1)
    assert months[-1] == date(2026, 11, 1)
    assert len(set(months)) == 12


@given(st.dates(date(1900, 1, 1), date(2900, 1, 1)), st.integers(-500, 500))
def test_add_months_round_trips(day: date, count: int) -> None:
    month = day.replace(day=1)
    assert add_months(add_months(month, count), -count) == month


def test_months_on_target_with_missing_months() -> None:
    as_at = date(2026, 11, 23)
    statuses = {
        date(2026, 11, 30): Status.OUTSIDE_TOLERANCE,
        date(2026, 10, 31): Status.WITHIN_TOLERANCE,
        date(2026, 9, 30): Status.ON_TARGET,
        date(2026, 8, 31): Status.NO_TARGET,
        date(2025, 12, 31): Status.ON_TARGET,  # the window's first month
        date(2025, 11, 30): Status.ON_TARGET,  # before the window
    }
    result = months_on_target(statuses, as_at)
    assert (result.met, result.reported) == (3, 4)
    assert len(result.missing) == 7
    assert date(2026, 7, 1) in result.missing
    assert date(2026, 8, 1) not in result.missing
    assert str(result) == "3/4 (7 missing)"


def test_months_on_target_with_no_values() -> None:
    result = months_on_target({}, date(2020, 10, 31))
    assert (result.met, result.reported, len(result.missing)) == (0, 0, 12)


@given(st.dictionaries(st.integers(0, 11), st.sampled_from(list(Status))))
def test_months_on_target_counts_add_up(chosen: dict[int, Status]) -> None:
    as_at = date(2026, 3, 15)
    statuses = {add_months(date(2026, 3, 1), -offset): state for offset, state in chosen.items()}
    result = months_on_target(statuses, as_at)
    no_target = sum(1 for s in chosen.values() if s is Status.NO_TARGET)
    assert result.reported + no_target + len(result.missing) == 12
    assert result.met == sum(1 for s in chosen.values() if s.met)
