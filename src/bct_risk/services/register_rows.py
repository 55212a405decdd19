"""The register's lines: which risks a list shows (:class:`RiskFilter`), one line with the
values a reader looks for (:class:`RiskRow`), and how lines are read from rows of the register's
SQL (:class:`RowReader`).

Nothing here needs SQLAlchemy or pydantic: the app's first screenful is read with the standard
library's ``sqlite3`` (:mod:`bct_risk.services.first_rows`) before either is loaded.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from bct_risk.domain.enums import Appetite, Direction, RiskStatus, Tier
from bct_risk.domain.scoring import POSSIBLE_SCORES, Matrix, Score


@dataclass(frozen=True)
class RiskFilter:
    """Which risks a list shows. Empty values mean no restriction."""

    text: str = ""
    """Matches reference, title or owner (any case)."""
    include_closed: bool = False
    status: RiskStatus | None = None
    owner: str = ""
    committee: str = ""
    tier: Tier | None = None
    band: str = ""
    above_appetite: bool = False
    review_overdue: bool = False
    category: str = ""
    include_exempt: bool = True
    """False for public papers: exempt (confidential) risks are left out."""

    @property
    def needle(self) -> str:
        """The search text as it is matched: trimmed, in lower case."""
        return self.text.strip().lower()


def search_key(row: RiskRow) -> str:
    """What the search text is looked for in: reference, title and risk owner, in lower case.

    The register screen filters loaded rows with ``flt.needle in search_key(row)``; the SQL of
    :func:`~bct_risk.services.queries.register_statement` matches the same fields the same way.
    """
    return f"{row.reference}\n{row.title}\n{row.owner}".lower()


def reference_key(reference: str) -> tuple[str, int, str]:
    """How references sort: SR2 before SR10 (the letters, then the number, then the rest)."""
    head = reference.rstrip("0123456789")
    tail = reference[len(head) :]
    return (head, int(tail) if tail.isdigit() else -1, reference)


@dataclass(slots=True)
class RiskRow:
    """One line of the register, with the derived values a reader looks for.

    Read-only by convention: not frozen, because a frozen dataclass costs ten times as much to
    build and a large register builds tens of thousands of lines.
    """

    id: int
    reference: str
    title: str
    owner: str
    lead_committee: str
    tier: Tier
    status: RiskStatus
    category: str
    appetite: Appetite | None
    exempt: bool
    next_review_date: date | None
    target_date: date | None
    inherent: Score | None
    current: Score | None
    previous_score: int | None
    target: Score | None
    band: str
    band_colour: str
    direction: Direction
    above_appetite: bool
    review_overdue: bool
    gap_to_target: int | None
    gap_to_appetite: int | None


SCORES: dict[tuple[int | None, int | None], Score] = {
    (lk, im): Score(lk, im) for lk in range(1, 6) for im in range(1, 6)
}
"""The 25 possible scores, made once: a list of 10,000 risks reuses them."""


_TIERS = {t.value: t for t in Tier}
_STATUSES = {s.value: s for s in RiskStatus}
_APPETITES = {a.value: a for a in Appetite}


class Days(dict[Any, "date | None"]):
    """Dates as the driver gives them (dates, or ISO text from SQLite), each read once."""

    def __missing__(self, value: Any) -> date | None:
        day = value if value is None or isinstance(value, date) else date.fromisoformat(value)
        self[value] = day
        return day


class RowReader:
    """Turns rows of :func:`~bct_risk.services.queries.register_statement` into register lines.

    A register of 10,000 risks has only 25 possible scores, a few bands and a few hundred
    dates, so each is looked up in a small table made once rather than worked out per line;
    the rest is written inline (this loop is most of the cost of opening a large register).
    The rules are those of :mod:`bct_risk.domain.scoring`; tests compare the two.
    """

    def __init__(self, matrix: Matrix, today: date) -> None:
        self.today = today
        self._bands: dict[int | None, tuple[str, str]] = {
            value: (band.name, band.colour)
            for value in POSSIBLE_SCORES
            for band in (matrix.band(value),)
        }
        self._bands[None] = ("", "")
        self._ceilings: dict[Appetite | None, int | None] = {a: matrix.ceiling(a) for a in Appetite}
        self._ceilings[None] = None
        self._days = Days()

    def __call__(self, r: Any) -> RiskRow:
        return self.read_all([r])[0]

    def read_all(self, rows: Iterable[Any]) -> list[RiskRow]:
        """Register lines from rows of the register's SQL, in the same order."""
        # Everything the loop uses is a local name: this loop is most of a large list's cost.
        days, bands, ceilings, today = self._days, self._bands, self._ceilings, self.today
        scores, statuses, appetites, tiers = SCORES.get, _STATUSES, _APPETITES.get, _TIERS
        new, worse, better, same = (
            Direction.NEW, Direction.WORSE, Direction.BETTER, Direction.UNCHANGED,
        )  # fmt: skip
        is_open, line = RiskStatus.OPEN, RiskRow
        lines: list[RiskRow] = []
        append = lines.append
        for (rid, ref, title, owner, committee, tier, status, category, appetite, exempt, review,
             target_date, il, ii, cl, ci, prev, tl, ti) in rows:  # fmt: skip
            # Enum members equal their values, so these look-ups take text or members alike.
            status, appetite, review = statuses[status], appetites(appetite), days[review]
            current, target = scores((cl, ci)), scores((tl, ti))
            if current is None:
                value, travel = None, new
            else:
                value = current.likelihood * current.impact
                travel = (
                    new if prev is None else worse if value > prev
                    else better if value < prev else same
                )  # fmt: skip
            band, colour = bands[value]
            ceiling = ceilings[appetite]
            append(line(
                rid, ref, title, owner, committee, tiers[tier], status, category, appetite,
                bool(exempt), review, days[target_date], scores((il, ii)), current, prev,
                target, band, colour, travel,
                value is not None and ceiling is not None and value > ceiling,
                status is is_open and review is not None and review < today,
                None if value is None or target is None
                else value - target.likelihood * target.impact,
                None if value is None or ceiling is None else value - ceiling,
            ))  # fmt: skip
        return lines


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a long list of register lines is fetched and built.

    The lines and the driver's rows hold no reference cycles, yet every few hundred new objects
    would set the collector scanning the young ones, and now and then every object the process
    holds (the app's screens and widgets among them): about a twentieth of loading a register of
    10,000 risks. The collector is the whole process's, so it is paused for every thread for
    that tenth of a second; it runs again (if it was on) when the block ends, however it ends.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
