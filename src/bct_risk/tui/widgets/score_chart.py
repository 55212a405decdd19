"""A risk's score history as a small chart: bands up the side, dates along the bottom.

Drawn by hand in text, to the width it is given (80 columns or 200): each current scoring is
its score, in its band's colour, on its band's row and at its date's place on the time axis, held
by a dotted line until the next scoring (a dot where scorings are too close for their
numbers). The x axis names the month and year of scorings, as many as fit without running into
each other, always the first and the latest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text

from bct_risk.domain.scoring import Band, Matrix

HOLD = "·"
"""The line holding a score until the next scoring."""
MARK = "●"
"""A scoring too close to the next one for its number to show."""


@dataclass(frozen=True)
class ScorePoint:
    """One scoring: the day it was assessed and its score (1-25)."""

    on: date
    score: int


def _month(day: date) -> str:
    return day.strftime("%b %Y")


class ScoreChart:
    """A Rich renderable: the score history of one kind of score, laid out to the width given.

    ``band_style`` gives the style of a band's scores (the theme's badge for its colour).
    """

    def __init__(
        self,
        points: Sequence[ScorePoint],
        matrix: Matrix,
        band_style: Callable[[Band], str] = lambda band: "bold",
    ) -> None:
        self.points = sorted(points, key=lambda p: p.on)
        self.matrix = matrix
        self.band_style = band_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width)

    def lines(self, width: int) -> list[Text]:
        """The chart as lines of text at most ``width`` wide."""
        if not self.points:
            return [Text("Not scored yet.", style="italic")]
        bands = sorted(self.matrix.bands, key=lambda b: b.min, reverse=True)
        labels = [f"{b.name} {b.min}-{b.max}" for b in bands]
        margin = max(len(label) for label in labels) + 1
        plot = max(width - margin - 2, 12)
        xs = self._columns(plot)
        rows: list[list[tuple[str, str]]] = [[(" ", "")] * plot for _ in bands]
        row_of = {b.name: i for i, b in enumerate(bands)}
        for i, (point, x) in enumerate(zip(self.points, xs, strict=True)):
            row = rows[row_of[self.matrix.band(point.score).name]]
            end = xs[i + 1] if i + 1 < len(xs) else x
            for col in range(x + len(str(point.score)), min(end, plot)):
                if row[col][0] == " ":
                    row[col] = (HOLD, "dim")
        for i, (point, x) in enumerate(zip(self.points, xs, strict=True)):
            band = self.matrix.band(point.score)
            row = rows[row_of[band.name]]
            mark = str(point.score)
            if i + 1 < len(xs) and x + len(mark) >= xs[i + 1]:
                mark = MARK  # no room for the number before the next scoring
            for offset, char in enumerate(mark):
                if x + offset < plot:
                    row[x + offset] = (char, self.band_style(band))
        out: list[Text] = []
        for label, cells in zip(labels, rows, strict=True):
            line = Text(label.rjust(margin - 1) + " ┤", style="dim")
            for char, style in cells:
                line.append(char, style=Style.parse(style) if style else None)
            out.append(line)
        axis, names = self._x_axis(xs, plot)
        out.append(Text(" " * margin + "└" + axis, style="dim"))
        out.append(Text(" " * (margin + 1) + names))
        return out

    def _columns(self, plot: int) -> list[int]:
        """Each point's column: by date where the dates differ, else evenly."""
        first, last = self.points[0].on, self.points[-1].on
        room = max(plot - 2, 1)  # a score is two characters wide at most
        if len(self.points) == 1:
            return [0]
        span = (last - first).days
        if span == 0:
            step = room / (len(self.points) - 1)
            return [round(i * step) for i in range(len(self.points))]
        return [round((p.on - first).days / span * room) for p in self.points]

    def _x_axis(self, xs: list[int], plot: int) -> tuple[str, str]:
        """The axis line with a tick under each labelled scoring, and the labels below it."""
        axis = ["─"] * plot
        names = [" "] * plot
        placed: list[tuple[int, int]] = []  # (start, end) of each label placed

        def fits(start: int, text: str) -> bool:
            end = start + len(text)
            return end <= plot and all(end + 1 < s or start > e + 1 for s, e in placed)

        def put(x: int, day: date) -> None:
            text = _month(day)
            start = min(x, plot - len(text))
            if start < 0 or not fits(start, text):
                return
            axis[x] = "┬"
            names[start : start + len(text)] = list(text)
            placed.append((start, start + len(text)))

        seen: set[str] = set()
        last = len(xs) - 1
        put(xs[last], self.points[last].on)  # the latest always shows
        seen.add(_month(self.points[last].on))
        for x, point in zip(xs, self.points, strict=True):
            if _month(point.on) not in seen:
                put(x, point.on)
                seen.add(_month(point.on))
        return "".join(axis), "".join(names).rstrip()
