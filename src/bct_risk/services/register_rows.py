"""The register's lines: which risks a list shows (:class:`RiskFilter`), one line with the
values a reader looks for (:class:`RiskRow`), and how lines are read from rows of the register's
SQL (:class:`RowReader`).

Nothing here needs SQLAlchemy or pydantic: the app's first screenful is read with the standard
library's ``sqlite3`` (:mod:`bct_risk.services.first_rows`) before either is loaded.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from bct_risk.domain.enums import Appetite, Direction, RiskStatus, Tier
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.scoring import SCALE, Matrix, Score


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
    objective: str = ""
    """A strategic objective (its key or title): only the risks that threaten it."""

    @property
    def needle(self) -> str:
        """The search text as it is matched: trimmed, in lower case."""
        return self.text.strip().lower()


def search_key(row: RiskRow) -> str:
    """What the search text is looked for in on the line: reference, title and risk owner.

    The register screen filters loaded rows with ``flt.needle in search_key(row)`` or in the
    risk's description, cause and controls (:mod:`bct_risk.services.search_texts`); the SQL of
    :func:`~bct_risk.services.register_sql.register_sql` matches the same fields the same way.
    """
    return f"{row.reference}\n{row.title}\n{row.owner}".lower()


def reference_key(reference: str) -> tuple[str, int, str]:
    """How references sort: SR2 before SR10 (the letters, then the number, then the rest)."""
    head = reference.rstrip("0123456789")
    tail = reference[len(head) :]
    return (head, int(tail) if tail.isdigit() else -1, reference)


class RiskRow(NamedTuple):
    """One line of the register, with the derived values a reader looks for.

    A named tuple: read-only, and the cheapest record Python builds (a large register builds
    tens of thousands of lines as it opens; a slotted dataclass of these fields takes one and a
    half to two times as long, a frozen one ten times). Change one with ``_replace``.
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


SCORES: dict[tuple[int, int], Score] = {(lk, im): Score(lk, im) for lk in SCALE for im in SCALE}
"""The 25 possible scores, made once: a list of 10,000 risks reuses them."""


_TIERS = {t.value: t for t in Tier}
_STATUSES = {s.value: s for s in RiskStatus}


class Days(dict[Any, "date | None"]):
    """Dates as the driver gives them (dates, or ISO text from SQLite), each read once."""

    def __missing__(self, value: Any) -> date | None:
        day = value if value is None or isinstance(value, date) else date.fromisoformat(value)
        self[value] = day
        return day


class ReviewDays(dict[Any, tuple["date | None", bool]]):
    """Next review dates as the driver gives them, each read once: the date, and whether it has
    passed (a review is overdue only while the risk is open, which the reader checks)."""

    def __init__(self, today: date, days: Days) -> None:
        super().__init__()
        self.today = today
        self._days = days

    def __missing__(self, value: Any) -> tuple[date | None, bool]:
        day = self._days[value]
        self[value] = read = (day, day is not None and day < self.today)
        return read


_Grid = dict[int | None, dict[int | None, Any]]
"""A look-up by likelihood, then impact (either may be None: no score, or half of one)."""


def _grid(of_score: Callable[[Score], Any], blank: Any) -> _Grid:
    """What each of the 25 scores reads as, and ``blank`` for no score or half of one."""
    grid: _Grid = {None: dict.fromkeys((None, *SCALE), blank)}
    for lk in SCALE:
        grid[lk] = {None: blank, **{im: of_score(SCORES[lk, im]) for im in SCALE}}
    return grid


class RowReader:
    """Turns rows of :func:`~bct_risk.services.register_sql.register_sql` into register lines.

    A register of 10,000 risks has only 25 possible scores, a few bands and a few hundred
    dates, so each is looked up in a small table made once rather than worked out per line, and
    one look-up gives all that follows from its key (a current score's value, band and colour;
    an appetite's ceiling; whether a review date has passed). The rest is written inline: this
    loop is most of the cost of opening a large register. The rules are those of
    :mod:`bct_risk.domain.scoring`; tests compare the two.
    """

    def __init__(self, matrix: Matrix, today: date, *, flag_unknown: bool = False) -> None:
        self._flag_unknown = flag_unknown
        """Whether a line holding a stored value the register does not know is kept, flagged
        as needing correction (the app), rather than refused (the command line, papers)."""
        # A current score with its value and band; a target with its value; an inherent score.
        self._current = _grid(
            lambda s: (s, s.value, matrix.band(s.value).name, matrix.band(s.value).colour),
            (None, None, "", ""),
        )
        self._target = _grid(lambda s: (s, s.value), (None, None))
        self._inherent = _grid(lambda s: s, None)
        self._appetites: dict[str | None, tuple[Appetite | None, int | None]] = {
            a.value: (a, matrix.ceiling(a)) for a in Appetite
        }
        self._appetites[None] = (None, None)
        self._days = Days()
        self._reviews = ReviewDays(today, self._days)

    @property
    def today(self) -> date:
        """The day reviews are overdue against."""
        return self._reviews.today

    def __call__(self, r: Any) -> RiskRow:
        return self.read_all([r])[0]

    def read_cursor(self, cursor: Any, size: int = 1000) -> list[RiskRow]:
        """Register lines from a driver's cursor on the register's SQL, read ``size`` rows at a
        time: each part's rows are let go as soon as its lines are made, so a large register
        never holds a row object for every risk beside its line."""
        lines: list[RiskRow] = []
        while part := cursor.fetchmany(size):
            lines += self.read_all(part)
        return lines

    def read_all(self, rows: Iterable[Any]) -> list[RiskRow]:
        """Register lines from rows of the register's SQL, in the same order.

        A stored value the register does not know (a likelihood of 6, an appetite not on the
        scale: only a change made outside the app could leave one) is refused, the risk named;
        or, with ``flag_unknown``, its line is kept with the band :data:`NEEDS_CORRECTION`.
        """
        if not self._flag_unknown:
            return self._read(rows)
        rows = rows if isinstance(rows, list) else list(rows)
        try:
            return self._read(rows)
        except (ValidationError, ValueError):
            return [self._flagged(r) for r in rows]

    def _read(self, rows: Iterable[Any]) -> list[RiskRow]:
        # Everything the loop uses is a local name: this loop is most of a large list's cost.
        days, reviews, appetites = self._days, self._reviews, self._appetites
        currents, targets, inherents = self._current, self._target, self._inherent
        statuses, tiers = _STATUSES, _TIERS
        new, worse, better, same = (
            Direction.NEW, Direction.WORSE, Direction.BETTER, Direction.UNCHANGED,
        )  # fmt: skip
        # tuple.__new__ makes a line straight from its values, without the named tuple's own
        # __new__ (a Python function of 23 arguments).
        is_open, line, make_line = RiskStatus.OPEN, RiskRow, tuple.__new__
        lines: list[RiskRow] = []
        append = lines.append
        ref = ""
        try:  # costs nothing until a look-up fails
            for (rid, ref, title, owner, committee, tier, status, category, appetite, exempt,
                 review, target_date, il, ii, cl, ci, prev, tl, ti) in rows:  # fmt: skip
                # Enum members equal their values, so these look-ups take text or members alike.
                status, (appetite, ceiling), (review, passed) = (
                    statuses[status], appetites[appetite], reviews[review]
                )  # fmt: skip
                current, value, band, colour = currents[cl][ci]
                target, goal = targets[tl][ti]
                if value is None:
                    travel, above, to_target, to_ceiling = new, False, None, None
                else:
                    travel = (
                        new if prev is None else worse if value > prev
                        else better if value < prev else same
                    )  # fmt: skip
                    above = ceiling is not None and value > ceiling
                    to_target = None if goal is None else value - goal
                    to_ceiling = None if ceiling is None else value - ceiling
                append(make_line(line, (
                    rid, ref, title, owner, committee, tiers[tier], status, category, appetite,
                    bool(exempt), review, days[target_date], inherents[il][ii], current, prev,
                    target, band, colour, travel, above, passed and status is is_open,
                    to_target, to_ceiling,
                )))  # fmt: skip
        except KeyError as unknown:
            raise ValidationError(
                f"risk {ref} holds {unknown.args[0]!r}, which is not a score of 1 to 5 or a "
                "tier, status or appetite the register knows"
            ) from None
        return lines

    def _flagged(self, r: Any) -> RiskRow:
        """A line as it reads, or with each stored value the register does not know left blank
        and its band :data:`NEEDS_CORRECTION` (a slow path, taken only when a look-up failed)."""
        try:
            return self._read([r])[0]
        except (ValidationError, ValueError):
            pass
        (rid, ref, title, owner, committee, tier, status, category, appetite, exempt,
         review, target_date, il, ii, cl, ci, prev, tl, ti) = r  # fmt: skip

        def score(lk: Any, im: Any) -> tuple[Any, Any]:
            return (lk, im) if lk in SCALE and im in SCALE else (None, None)

        fixed = (
            rid, ref, title, owner, committee,
            tier if tier in _TIERS else Tier.STRATEGIC.value,
            status if status in _STATUSES else RiskStatus.OPEN.value,
            category, appetite if appetite in self._appetites else None, exempt,
            review, target_date, *score(il, ii), *score(cl, ci),
            prev if isinstance(prev, int) and 1 <= prev <= 25 else None, *score(tl, ti),
        )  # fmt: skip
        try:
            line = self._read([fixed])[0]
        except (ValidationError, ValueError, TypeError):
            line = RiskRow(
                rid, str(ref), str(title), str(owner or ""), str(committee or ""),
                Tier.STRATEGIC, RiskStatus.OPEN, str(category or ""), None, bool(exempt),
                None, None, None, None, None, None, "", "", Direction.NEW, False, False,
                None, None,
            )  # fmt: skip
        return line._replace(band=NEEDS_CORRECTION, band_colour="")


NEEDS_CORRECTION = "needs correction"
"""The band of a line holding a stored value the register does not know (see
:class:`RowReader`'s ``flag_unknown``): the app shows the risk, flagged, so it can be put right."""


class _Pauses:
    """Who has the cycle collector paused: it runs again once the last of them is done.

    Loads run in several threads at once (the register, the heat map, a paper being saved), so
    each pause cannot simply note whether the collector was on and restore that: one begun while
    another held it paused would note "off", and leave it off for good.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._was_on = False

    def begin(self) -> None:
        with self._lock:
            if self._holders == 0:
                self._was_on = gc.isenabled()
                gc.disable()
            self._holders += 1

    def end(self) -> None:
        with self._lock:
            self._holders -= 1
            if self._holders == 0 and self._was_on:
                gc.enable()


_PAUSES = _Pauses()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a long list of register lines is fetched and built.

    The lines and the driver's rows hold no reference cycles, yet every few hundred new objects
    would set the collector scanning the young ones, and now and then every object the process
    holds (the app's screens and widgets among them): about a twentieth of loading a register of
    10,000 risks. The collector is the whole process's, so it is paused for every thread for
    that tenth of a second; it runs again (if it was on) when the last pause ends, however it
    ends. Never hold a pause across a ``yield``.
    """
    _PAUSES.begin()
    try:
        yield
    finally:
        _PAUSES.end()
