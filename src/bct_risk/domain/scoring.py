"""Scoring rules: the configurable 5x5 matrix, bands, appetite, direction of travel, reviews.

Pure functions and plain dataclasses; the defaults come from ``default_matrix.toml``. The matrix
is checked here by hand rather than through pydantic: the register's first screen needs it, and
importing pydantic would cost that screen about a tenth of a second.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path

from bct_risk.domain.checks import CheckSetting, parse_checks
from bct_risk.domain.enums import ActionStatus, Appetite, Direction, RiskStatus
from bct_risk.domain.errors import ValidationError

SCALE = range(1, 6)
"""Likelihood and impact are scored 1-5."""


@dataclass(frozen=True)
class Band:
    """A score band: its name, the scores it covers, its colour and review interval."""

    name: str
    min: int
    max: int
    colour: str
    """A colour name (green, yellow, amber, red…) that the app maps to its theme."""
    review_days: int
    """Days from a scoring to the next review for a risk in this band."""

    def __post_init__(self) -> None:
        if self.min > self.max:
            raise ValidationError(f"band {self.name}: min {self.min} is above max {self.max}")


POSSIBLE_SCORES = sorted({lk * im for lk in SCALE for im in SCALE})
"""Every product the 5x5 matrix can give: 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25."""


@dataclass(frozen=True)
class Matrix:
    """The risk matrix: labels for each scale, score bands and appetite ceilings.

    Made from a TOML file by :func:`parse_matrix`, which checks each value's type and range;
    the rules between values (every score in one band, ceilings in order) are checked here.
    """

    likelihood: list[str]
    impact: list[str]
    bands: list[Band]
    appetite: dict[Appetite, int]
    """The highest tolerable score for each Orange Book appetite level."""
    checks: Mapping[str, CheckSetting] = field(default_factory=dict)
    """The ``[checks]`` table: data-quality checks switched off, retuned or blocking."""

    def __post_init__(self) -> None:
        for score in POSSIBLE_SCORES:
            holders = [b.name for b in self.bands if b.min <= score <= b.max]
            if not holders:
                raise ValidationError(f"score {score} falls in no band")
            if len(holders) > 1:
                raise ValidationError(
                    f"score {score} falls in more than one band: {', '.join(holders)}"
                )
        missing = [a.value for a in Appetite if a not in self.appetite]
        if missing:
            raise ValidationError(f"appetite ceilings missing for: {', '.join(missing)}")
        ceilings = [self.appetite[a] for a in Appetite]
        if any(not 1 <= c <= 25 for c in ceilings):
            raise ValidationError("appetite ceilings must be scores from 1 to 25")
        if ceilings != sorted(ceilings):
            raise ValidationError("appetite ceilings must not fall from averse to eager")

    # -- scales ---------------------------------------------------------------------------

    def likelihood_label(self, value: int) -> str:
        """The word for a likelihood of 1-5."""
        return self.likelihood[value - 1]

    def impact_label(self, value: int) -> str:
        """The word for an impact of 1-5."""
        return self.impact[value - 1]

    # -- bands ----------------------------------------------------------------------------

    def band(self, score: int) -> Band:
        """The band a score of 1-25 falls in."""
        for band in self.bands:
            if band.min <= score <= band.max:
                return band
        raise ValidationError(f"score {score} is outside the matrix (1-25)")

    def band_by_name(self, name: str) -> Band:
        """A band by its name, in any case."""
        for band in self.bands:
            if band.name.lower() == name.strip().lower():
                return band
        names = ", ".join(b.name for b in self.bands)
        raise ValidationError(f"'{name}' is not a band; use one of: {names}")

    # -- appetite -------------------------------------------------------------------------

    def ceiling(self, appetite: Appetite | None) -> int | None:
        """The highest tolerable score for an appetite level, or None where none is set."""
        return None if appetite is None else self.appetite[appetite]

    def above_appetite(self, score: int | None, appetite: Appetite | None) -> bool:
        """Whether a current score exceeds the appetite ceiling."""
        ceiling = self.ceiling(appetite)
        return score is not None and ceiling is not None and score > ceiling

    def next_review(self, scored_on: date, score: int, frequency_days: int | None = None) -> date:
        """The next review date after a scoring: the risk's own frequency, else its band's."""
        days = frequency_days if frequency_days else self.band(score).review_days
        return scored_on + timedelta(days=days)


@dataclass(frozen=True, slots=True)
class Score:
    """A likelihood and an impact on the 1-5 scales."""

    likelihood: int
    impact: int

    def __post_init__(self) -> None:
        check_scale("likelihood", self.likelihood)
        check_scale("impact", self.impact)

    @property
    def value(self) -> int:
        """Likelihood x impact."""
        return self.likelihood * self.impact

    def __str__(self) -> str:
        return f"{self.likelihood}x{self.impact}={self.value}"


def check_scale(name: str, value: object) -> int:
    """Refuse a likelihood or impact that is not a whole number from 1 to 5."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise ValidationError(
            f"{name} must be a whole number from 1 to 5, not {value!r}", field=name
        )
    return value


def direction(previous: int | None, current: int | None) -> Direction:
    """Direction of travel of a current score against the previous assessment."""
    if previous is None or current is None:
        return Direction.NEW
    if current > previous:
        return Direction.WORSE
    if current < previous:
        return Direction.BETTER
    return Direction.UNCHANGED


def gap(score: int | None, reference: int | None) -> int | None:
    """How far a score stands above (positive) or below a target or ceiling."""
    if score is None or reference is None:
        return None
    return score - reference


def review_overdue(next_review: date | None, today: date, status: RiskStatus | str) -> bool:
    """An open risk whose next review date has passed."""
    return status == RiskStatus.OPEN and next_review is not None and next_review < today


def action_overdue(due_date: date | None, status: ActionStatus | str, today: date) -> bool:
    """An action still to be done (open or in progress) whose due date has passed."""
    return due_date is not None and due_date < today and ActionStatus(status).is_live


def parse_matrix(text: str, source: str = "matrix") -> Matrix:
    """Read and check a matrix from TOML text; a bad file names each value that is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"{source}: not valid TOML: {exc}") from exc
    problems: list[str] = []
    likelihood = _labels(data, "likelihood", problems)
    impact = _labels(data, "impact", problems)
    bands = _bands(data.get("bands"), problems)
    appetite = _appetite(data.get("appetite"), problems)
    checks = parse_checks(data.get("checks"), problems)
    if problems:
        raise ValidationError(f"{source}: {'; '.join(problems)}")
    try:
        return Matrix(likelihood, impact, bands, appetite, checks)
    except ValidationError as exc:
        raise ValidationError(f"{source}: {exc}") from exc


def _labels(data: Mapping[str, object], key: str, problems: list[str]) -> list[str]:
    value = data.get(key)
    if (
        not isinstance(value, list)
        or len(value) != len(SCALE)
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        problems.append(f"{key}: give {len(SCALE)} words, lowest first, not {value!r}")
        return []
    return value


def _bands(value: object, problems: list[str]) -> list[Band]:
    if not isinstance(value, list) or not value:
        problems.append("bands: give at least one [[bands]] table")
        return []
    bands: list[Band] = []
    for n, table in enumerate(value, start=1):
        where, before = f"bands.{n}", len(problems)
        if not isinstance(table, dict):
            problems.append(f"{where}: a band is a [[bands]] table, not {table!r}")
            continue
        name, colour = (
            _text(table, "name", where, problems),
            _text(table, "colour", where, problems),
        )
        low = _whole(table, "min", where, problems, 1, 25)
        high = _whole(table, "max", where, problems, 1, 25)
        days = _whole(table, "review_days", where, problems, 1)
        if len(problems) == before:
            try:
                bands.append(Band(name, low, high, colour, days))
            except ValidationError as exc:
                problems.append(str(exc))
    return bands


def _text(table: Mapping[str, object], key: str, where: str, problems: list[str]) -> str:
    value = table.get(key)
    if isinstance(value, str) and value.strip():
        return value
    problems.append(f"{where}.{key}: give some text, not {value!r}")
    return ""


def _whole(
    table: Mapping[str, object],
    key: str,
    where: str,
    problems: list[str],
    low: int,
    high: int | None = None,
) -> int:
    given = table.get(key)
    value = _whole_number(given)
    if value is not None and low <= value and (high is None or value <= high):
        return value
    limit = f"from {low} to {high}" if high is not None else f"of {low} or more"
    problems.append(f"{where}.{key}: give a whole number {limit}, not {given!r}")
    return 0


def _whole_number(value: object) -> int | None:
    """A whole number as a matrix file may write it (16, 16.0 or "16"); None for anything else,
    true and false included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value.strip())
    return None


def _appetite(value: object, problems: list[str]) -> dict[Appetite, int]:
    levels = ", ".join(a.value for a in Appetite)
    if not isinstance(value, dict):
        problems.append(f"appetite: give an [appetite] table with a ceiling for each of {levels}")
        return {}
    ceilings: dict[Appetite, int] = {}
    for key, ceiling in value.items():
        if key not in {a.value for a in Appetite}:
            problems.append(f"appetite.{key}: not an appetite level; use {levels}")
        elif (number := _whole_number(ceiling)) is None:
            problems.append(f"appetite.{key}: give a whole-number score, not {ceiling!r}")
        else:
            ceilings[Appetite(key)] = number
    return ceilings


@cache
def default_matrix() -> Matrix:
    """The product's default matrix (``default_matrix.toml``)."""
    text = resources.files("bct_risk.domain").joinpath("default_matrix.toml").read_text("utf-8")
    return parse_matrix(text, "default_matrix.toml")


def load_matrix(path: Path | None) -> Matrix:
    """The matrix in a TOML file, or the default when no file is given."""
    if path is None:
        return default_matrix()
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ValidationError(f"cannot read the matrix file {path}: {exc.strerror}") from exc
    return parse_matrix(text, str(path))
