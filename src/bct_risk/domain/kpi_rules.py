"""The rules of key risk indicators, free of the database: a value's status against its target
and tolerance band, and the months on target or within tolerance over the last 12 months.

A polarity says which way is good. For "good = high", a value at or above the target is on
target, a value below the target but at or above the tolerance's lower edge is within tolerance,
and anything lower is outside tolerance. For "good = low" it is the mirror image with the upper
edge. A value beyond the tolerance band on the good side (2% moves against a 5-13% band) is on
target: the band's far edge bounds no failure. With no target, a value has no status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bct_risk.domain.enums import Labelled


class Polarity(Labelled):
    """polarity"""

    HIGH = "high"
    """Good = high / increasing."""
    LOW = "low"
    """Good = low / decreasing."""

    @property
    def words(self) -> str:
        """As the contract reports put it."""
        return "Good = high" if self is Polarity.HIGH else "Good = low"


class Status(Labelled):
    """indicator status"""

    ON_TARGET = "on_target"
    WITHIN_TOLERANCE = "within_tolerance"
    OUTSIDE_TOLERANCE = "outside_tolerance"
    NO_TARGET = "no_target"

    @property
    def met(self) -> bool:
        """On target or within tolerance: the months the contract counts."""
        return self in (Status.ON_TARGET, Status.WITHIN_TOLERANCE)


@dataclass(frozen=True)
class Band:
    """A target and its tolerance band (either edge may be missing)."""

    target: float
    low: float | None = None
    high: float | None = None

    def describe(self, unit: str = "") -> str:
        """``12% (tolerance 10-15%)``."""
        tolerance = ""
        if self.low is not None or self.high is not None:
            low = "" if self.low is None else f"{self.low:g}"
            high = "" if self.high is None else f"{self.high:g}"
            tolerance = f" (tolerance {low}-{high}{unit})"
        return f"{self.target:g}{unit}{tolerance}"


def status(value: float, polarity: Polarity, band: Band | None) -> Status:
    """The status of a value against a target and tolerance band, from the polarity."""
    if band is None:
        return Status.NO_TARGET
    if polarity is Polarity.HIGH:
        if value >= band.target:
            return Status.ON_TARGET
        if band.low is not None and value >= band.low:
            return Status.WITHIN_TOLERANCE
        return Status.OUTSIDE_TOLERANCE
    if value <= band.target:
        return Status.ON_TARGET
    if band.high is not None and value <= band.high:
        return Status.WITHIN_TOLERANCE
    return Status.OUTSIDE_TOLERANCE


def check_band(polarity: Polarity, band: Band) -> None:
    """Refuse a band whose edges do not surround the target on the side that matters."""
    if band.low is not None and band.high is not None and band.low > band.high:
        raise ValueError(f"the tolerance's lower edge {band.low:g} is above its upper edge")
    if polarity is Polarity.HIGH and band.low is not None and band.low > band.target:
        raise ValueError(
            f"for good = high the tolerance's lower edge {band.low:g} must not be above the "
            f"target {band.target:g}"
        )
    if polarity is Polarity.LOW and band.high is not None and band.high < band.target:
        raise ValueError(
            f"for good = low the tolerance's upper edge {band.high:g} must not be below the "
            f"target {band.target:g}"
        )


def month_start(day: date) -> date:
    """The first day of the day's month."""
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after (or before) ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def last_twelve_months(as_at: date) -> list[date]:
    """The first days of the 12 months ending with ``as_at``'s month, oldest first."""
    end = month_start(as_at)
    return [add_months(end, -offset) for offset in range(11, -1, -1)]


@dataclass(frozen=True)
class MonthsOnTarget:
    """Months on target or within tolerance over a 12-month window."""

    met: int
    """Months whose value was on target or within tolerance."""
    reported: int
    """Months with a value that had a target."""
    missing: tuple[date, ...]
    """Months with no value (first day of each)."""

    def __str__(self) -> str:
        text = f"{self.met}/{self.reported}"
        if self.missing:
            text += f" ({len(self.missing)} missing)"
        return text


def months_on_target(statuses: Mapping[date, Status], as_at: date) -> MonthsOnTarget:
    """Count the last 12 months (to ``as_at``'s month) on target or within tolerance.

    ``statuses`` maps a month (any day in it) to the status of its value. A month with no value
    is missing; a month with a value but no target is neither met nor reported.
    """
    by_month = {month_start(day): state for day, state in statuses.items()}
    met = reported = 0
    missing: list[date] = []
    for month in last_twelve_months(as_at):
        state = by_month.get(month)
        if state is None:
            missing.append(month)
        elif state is not Status.NO_TARGET:
            reported += 1
            met += state.met
    return MonthsOnTarget(met, reported, tuple(missing))
