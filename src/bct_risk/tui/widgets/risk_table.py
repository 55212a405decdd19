"""The register table: a fast table that draws only the rows on screen.

Textual's own DataTable measures every cell (seconds for 10,000 risks); textual-fastdatatable
keeps the rows in an Arrow table and renders what is visible. The loaded rows are painted once
into an Arrow table (:meth:`RowPainter.paint`); a search or a sort then only picks rows from it
(``take``), which costs milliseconds at 10,000 risks. The widget cannot be cleared, so each new
selection replaces the table widget.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import Static
from textual_fastdatatable import DataTable
from textual_fastdatatable.backend import ArrowBackend

from bct_risk.domain.enums import Appetite, Direction
from bct_risk.domain.scoring import Matrix, Score
from bct_risk.services.register_rows import NEEDS_CORRECTION, RiskRow, reference_key
from bct_risk.tui.colours import Palette
from bct_risk.tui.format import committee_initials, escape, fmt_date, short_owner


@dataclass(frozen=True)
class Column:
    """A register column: its label, width, how it is drawn and how it sorts."""

    name: str
    label: str
    width: int | None
    sort_key: Callable[[RiskRow], Any]


def _score_value(score: Any) -> int:
    return score.value if score is not None else -1


COLUMNS: tuple[Column, ...] = (
    Column("reference", "Ref", 9, lambda r: reference_key(r.reference)),
    Column("title", "Title", None, lambda r: r.title.lower()),
    Column("owner", "Risk owner", 24, lambda r: r.owner.lower()),
    Column("committee", "Lead committee", 34, lambda r: r.lead_committee.lower()),
    Column("inherent", "Inh", 3, lambda r: _score_value(r.inherent)),
    Column("current", "Cur", 3, lambda r: _score_value(r.current)),
    Column("band", "Band", 16, lambda r: (_score_value(r.current), r.band)),
    Column("target", "Tgt", 3, lambda r: _score_value(r.target)),
    Column("direction", "DoT", 3, lambda r: r.direction.value),
    Column("appetite", "Appetite", 12, lambda r: (r.above_appetite, r.gap_to_appetite or 0)),
    Column("review", "Next review", 13, lambda r: r.next_review_date or date.max),
    Column("tier", "Tier", 11, lambda r: r.tier.rank),
    Column("status", "Status", 6, lambda r: r.status.value),
)
"""The register's columns, in the order the issue and the papers list them. A column's width
is the most it takes; it takes less when its longest text in the rows shown is shorter."""

COMMITTEE_SHORT = Column("committee_short", "Cttee", 8, COLUMNS[3].sort_key)
"""The lead committee as initials (F&R), shown in place of its name where space is tight."""

ESSENTIAL = ("reference", "title", "owner", "current", "band", "direction", "review")
"""The columns every width shows: enough to read the register at 80 columns."""

OPTIONAL = ("committee", "target", "appetite", "inherent", "tier", "status")
"""The other columns, added in this order while the title keeps room to read whole."""

TITLE_ROOM = 44
"""How wide the title is kept before another column is added (most titles read whole)."""

_PAINTED = (*(c.name for c in COLUMNS), COMMITTEE_SHORT.name)
"""The painted table's columns: every column, then the committee's initials."""


def sort_order(rows: Sequence[RiskRow], column: str, descending: bool) -> list[int]:
    """The positions of ``rows`` sorted by a column's key (reference breaks ties)."""
    by = next(c for c in COLUMNS if c.name == column).sort_key
    refs = [reference_key(r.reference) for r in rows]
    ordered = sorted(range(len(rows)), key=refs.__getitem__)
    keys = [by(r) for r in rows]
    return sorted(ordered, key=keys.__getitem__, reverse=descending)


class RowPainter:
    """Draws register rows as markup, reusing each distinct cell.

    A register has only 14 possible scores, 4 arrows and a few hundred dates, so a large
    register is drawn from small caches rather than by building markup per cell.
    """

    def __init__(
        self, matrix: Matrix, colours: Palette, breached: Collection[int] = frozenset()
    ) -> None:
        self.matrix = matrix
        self.colours = colours
        self.breached = breached
        """The ids of the risks with an open indicator breach: their references are flagged."""
        self._scores: dict[int, str] = {}
        self._arrows: dict[Direction, str] = {}
        self._dates: dict[tuple[date | None, bool], str] = {}
        self._appetites: dict[tuple[Appetite | None, int | None, bool], str] = {}

    def score(self, score: Score | None) -> str:
        """A score badge in its band's colour."""
        if score is None:
            return ""
        value = score.value
        if value not in self._scores:
            self._scores[value] = self.colours.score(self.matrix, score)
        return self._scores[value]

    def arrow(self, value: Direction) -> str:
        """A direction of travel arrow."""
        if value not in self._arrows:
            self._arrows[value] = self.colours.direction(value)
        return self._arrows[value]

    def review(self, when: date | None, overdue: bool) -> str:
        """The next review date, marked when overdue."""
        key = (when, overdue)
        if key not in self._dates:
            text = fmt_date(when)
            self._dates[key] = self.colours.alert_text(f"{text} !") if overdue else text
        return self._dates[key]

    def appetite(self, appetite: Appetite | None, gap: int | None, above: bool) -> str:
        """The appetite, with how far above it the current score is (``Cautious +4``): a
        number, not an arrow, so it never reads as a direction of travel."""
        key = (appetite, gap if above else None, above)
        if key not in self._appetites:
            text = appetite.label if appetite is not None else ""
            self._appetites[key] = self.colours.alert_text(f"{text} +{gap}") if above else text
        return self._appetites[key]

    def band(self, band: str) -> str:
        """The band of the current score in words; a stored value to correct, flagged."""
        if band == NEEDS_CORRECTION:
            return self.colours.alert_text("needs correction")
        return band

    def paint(self, rows: Sequence[RiskRow]) -> pa.Table:
        """Every row's markup, as an Arrow table with the register's column labels.

        Drawn a column at a time, each distinct text escaped once.
        """
        text, owners, initials = _Texts(), _Texts(short_owner), _Texts(committee_initials)
        score, arrow, review, appetite = self.score, self.arrow, self.review, self.appetite
        band = self.band
        breached, flag = self.breached, _Flagged(self.colours)
        columns = [
            [flag[r.reference] if r.id in breached else text[r.reference] for r in rows],
            [text[r.title] for r in rows],
            [owners[r.owner] for r in rows],
            [text[r.lead_committee] for r in rows],
            [score(r.inherent) for r in rows],
            [score(r.current) for r in rows],
            [band(r.band) for r in rows],
            [score(r.target) for r in rows],
            [arrow(r.direction) for r in rows],
            [appetite(r.appetite, r.gap_to_appetite, r.above_appetite) for r in rows],
            [review(r.next_review_date, r.review_overdue) for r in rows],
            [r.tier.label for r in rows],
            [r.status.label for r in rows],
            [initials[r.lead_committee] for r in rows],
        ]
        return pa.table([pa.array(c, type=pa.string()) for c in columns], names=list(_PAINTED))


BREACH_FLAG = "⚑"
"""Marks a risk with an open indicator breach, after its reference."""


class _Flagged(dict[str, str]):
    """A reference flagged for an open indicator breach, in the alert colour."""

    def __init__(self, colours: Palette) -> None:
        super().__init__()
        self.colours = colours

    def __missing__(self, reference: str) -> str:
        painted = self[reference] = self.colours.alert_text(f"{reference} {BREACH_FLAG}")
        return painted


class _Texts(dict[str, str]):
    """Plain text as register markup, each distinct text shortened (if asked) and escaped
    once."""

    def __init__(self, shorten: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self._shorten = shorten

    def __missing__(self, value: str) -> str:
        self[value] = escaped = _text(self._shorten(value) if self._shorten else value)
        return escaped


class _FixedWidths(ArrowBackend):
    """The register's rows, at the widths the register sets.

    A backend measures every cell of every column to size them (markup parsed 120,000 times
    for 10,000 risks); the register gives each column its width, so there is nothing to
    measure.
    """

    @property
    def column_content_widths(self) -> list[int]:
        return [0] * self.column_count


class RegisterTable(DataTable):
    """The fast table, whose rows can be replaced in place.

    The package's advice is to mount a new table for new rows; for a search that runs on
    every key that costs more than the search (the new widget is styled, and the footer
    rebuilt). Only its rows, columns and caches are replaced, the way the package itself
    does when a row is removed. The widget stays, so a key pressed as the terminal changes
    width still reaches the screen (a table being removed would drop it).
    """

    def __init__(self, widths: list[int], **options: Any) -> None:
        # The table clears its caches as it is made, this one among them.
        self._drawn: dict[tuple[Any, ...], list[list[Segment]]] = {}
        super().__init__(**options)
        self.widths = widths
        """The column widths it was made with."""
        self.shape: list[tuple[Column, int]] = []
        """The columns it shows and their widths (see :func:`layout`)."""

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._drawn.clear()

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
        in_range: bool = False,
    ) -> list[list[Segment]]:
        """A cell, drawn once for each distinct value and look rather than once per row.

        A register repeats most of its cells (scores, arrows, owners, committees, dates), and
        drawing a cell through Rich is most of a screen's cost. A cell drawn for another row
        is reused with this row's position put in its styles' meta, which is what a click
        reads.
        """
        backend = self.backend
        if row_index < 0 or column_index < 0 or backend is None:
            return super()._render_cell(
                row_index, column_index, base_style, width, cursor, hover, in_range
            )
        look = (
            backend.get_cell_at(row_index, column_index), column_index, width, base_style,
            cursor, hover, in_range, self._show_hover_cursor, self._pseudo_class_state,
        )  # fmt: skip
        drawn = self._drawn.get(look)
        if drawn is None:
            if len(self._drawn) > 50_000:
                self._drawn.clear()
            datum = look[0]
            if not isinstance(datum, str) or _MARKUP_OR_BREAK.search(datum):
                # Drawn by the package, this row's position already in its styles.
                drawn = super()._render_cell(
                    row_index, column_index, base_style, width, cursor, hover, in_range
                )
                self._drawn[look] = drawn
                return drawn
            drawn = self._plain_cell(datum, column_index, base_style, width, look[4:7])
            self._drawn[look] = drawn
        here = Style.from_meta({"row": row_index, "column": column_index})
        return [[Segment(text, style + here if style else here) for text, style, _ in line]
                for line in drawn]  # fmt: skip

    def _plain_cell(
        self,
        text: str,
        column_index: int,
        base_style: Style,
        width: int,
        marks: tuple[bool, bool, bool],
    ) -> list[list[Segment]]:
        """A cell of plain text, drawn as the package draws it, without Rich's layout.

        The package renders a padded, styled Text one line high: the first line of the text
        word-wrapped to the width inside the padding, padded with spaces, every part in the
        cell's style. Tested against the package's own drawing.
        """
        cursor, hover, in_range = marks
        component, post = self._get_styles_to_render_cell(
            False, False, column_index < self.fixed_columns, hover, cursor, in_range,
            self.show_cursor, self._show_hover_cursor, self.cursor_type == "range",
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )  # fmt: skip
        inside = width - 2
        if cell_len(text) > inside:
            text = Text(text).wrap(self.app.console, inside)[0].plain
        line = f" {text}{' ' * (inside - cell_len(text))} "
        return [[Segment(line, base_style + component + post)]]

    def reshape(self, cells: pa.Table, shape: list[tuple[Column, int]]) -> None:
        """Show these columns, at these widths, and these rows, the cursor on the first."""
        self.widths = [w for _, w in shape]
        self.shape = shape
        self._column_labels = [c.label for c, _ in shape]
        self._column_widths = list(self.widths)
        self._ordered_columns = None
        self.replace_rows(cells)

    def replace_rows(self, cells: pa.Table) -> None:
        """Show these rows instead, the cursor on the first."""
        backend = _FixedWidths(cells)
        backend.render_markup = self.render_markup
        self.backend = backend
        self._clear_caches()
        self._update_count += 1
        self._require_update_dimensions = True
        self.cursor_coordinate = Coordinate(0, 0)
        self.hover_coordinate = Coordinate(0, 0)
        self.scroll_to(0, 0, animate=False)
        self.refresh(layout=True)
        self.check_idle()


def _empty() -> pa.Table:
    return pa.table([pa.array([], type=pa.string()) for _ in _PAINTED], names=list(_PAINTED))


_MARKUP_OR_BREAK = re.compile(r"[\[\\\n\r\t]")
"""What makes a cell more than plain text: markup, an escape, a line break or a tab."""


def _text(value: str) -> str:
    # Escaping is needed only where markup could start (a "[") or a backslash ends the text.
    return escape(value) if "[" in value or value.endswith("\\") else value


def layout(
    width: int, longest: dict[str, int], hidden: frozenset[str] = frozenset()
) -> list[tuple[Column, int]]:
    """The columns shown at a table ``width`` and the width of each: the essential columns, then
    the others while the title keeps :data:`TITLE_ROOM` (or room for the longest title), the
    title taking whatever is spare.

    ``longest`` gives each column's longest text in the rows; a column is never wider than its
    longest text (nor its label), nor than its own width. Each column takes two more cells of
    padding; a cell is kept for the scroll bar. Columns the user hid (``hidden``) are left out,
    the reference and title excepted.
    """
    by_name = {c.name: c for c in COLUMNS}

    def fits(column: Column) -> int:
        most = column.width or 0
        return max(len(column.label), min(most, longest.get(column.name, most)))

    room = min(TITLE_ROOM, max(longest.get("title", TITLE_ROOM), len("Title")))
    if width < 100:
        # Narrow: the owner and the date give way to the title.
        chosen = [
            (by_name[n], min(fits(by_name[n]), 12 if n == "owner" else 99)) for n in ESSENTIAL
        ]
    else:
        chosen = [(by_name[n], fits(by_name[n])) for n in ESSENTIAL]

    def spare(columns: list[tuple[Column, int]]) -> int:
        return width - 2 - sum(w + 2 for c, w in columns if c.name != "title") - 2

    chosen = [(c, w) for c, w in chosen if c.name not in hidden or c.name in ("reference", "title")]
    for name in OPTIONAL:
        if name in hidden:
            continue
        column = by_name[name]
        candidate = [*chosen, (column, fits(column))]
        if name == "committee" and spare(candidate) < room:
            column = COMMITTEE_SHORT
            candidate = [*chosen, (column, fits(column))]
        if spare(candidate) >= room:
            chosen = candidate
    order = [*(c.name for c in COLUMNS)]
    chosen.sort(
        key=lambda cw: order.index(cw[0].name if cw[0] is not COMMITTEE_SHORT else "committee")
    )
    title = max(12, spare(chosen))
    return [(c, title if c.name == "title" else w) for c, w in chosen]


def longest_texts(
    rows: Sequence[RiskRow], painted: pa.Table | None, breached: Collection[int] = ()
) -> dict[str, int]:
    """Each text column's longest text in the rows (as painted), for :func:`layout`; the
    references of ``breached`` risks carry the breach flag."""
    if painted is None or not rows:
        return {}
    import pyarrow.compute as pc

    found: dict[str, int] = {}
    for name in ("reference", "title", "owner", "committee", "band", "appetite", "review",
                 COMMITTEE_SHORT.name):  # fmt: skip
        lengths = pc.max(pc.utf8_length(painted.column(name))).as_py() or 0
        found[name] = int(lengths)
    # Painted markup is longer than the text it draws: measure those from the rows instead.
    found["band"] = max((len(r.band) for r in rows), default=0)
    if breached:
        found["reference"] = max(len(r.reference) + 2 * (r.id in breached) for r in rows)
    found["review"] = max(
        (len(fmt_date(r.next_review_date)) + (2 if r.review_overdue else 0) for r in rows),
        default=0,
    )
    found["appetite"] = max(
        (
            len(r.appetite.label if r.appetite else "")
            + (len(f" +{r.gap_to_appetite}") if r.above_appetite else 0)
            for r in rows
        ),
        default=0,
    )
    return found


class RiskTable(Vertical):
    """Shows risk rows; posts :class:`RiskTable.Opened` when a row is chosen.

    Its columns fit the terminal's width (see :func:`layout`), and a line under the table
    shows the highlighted risk in full: its whole title, owner and committee as recorded.
    """

    DEFAULT_CSS = """
    RiskTable { height: 1fr; }
    RiskTable > DataTable { height: 1fr; max-height: 100%; }
    RiskTable > #preview { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    """

    class Opened(Message):
        """A user chose a risk to open."""

        def __init__(self, reference: str) -> None:
            super().__init__()
            self.reference = reference

    class SortRequested(Message):
        """A user clicked a column heading."""

        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._longest: dict[str, int] = {}
        self._current = self._table(_empty())
        self._painted: pa.Table | None = None
        self.rows: list[RiskRow] = []
        self.breaches: Mapping[int, Sequence[str]] = {}
        """The open indicator breaches of the loaded rows that have any, by risk id."""
        """The rows loaded (in the order loaded); the table shows a selection of them."""
        self.references: list[str] = []
        """The reference of each row shown, in order."""
        self._picks: list[int] = []

    def compose(self) -> ComposeResult:
        yield self._current
        yield Static(id="preview", markup=False)

    def load(
        self,
        rows: Sequence[RiskRow],
        painted: pa.Table,
        breaches: Mapping[int, Sequence[str]] | None = None,
    ) -> None:
        """Take newly loaded rows and their markup (from :meth:`RowPainter.paint`), with the
        open indicator breaches of those that have any, by risk id, as the preview shows them."""
        self.rows, self._painted = list(rows), painted
        self.breaches = breaches or {}
        self._longest = longest_texts(self.rows, painted, self.breaches)

    async def show(self, picks: Sequence[int], *, keep: str | None = None) -> None:
        """Show these loaded rows, by position, in this order.

        The cursor stays on ``keep`` where it is still listed. The rows are replaced in the
        table shown; only when the terminal's width calls for other columns is a new table
        mounted.
        """
        self.references = [self.rows[i].reference for i in picks]
        self._picks = list(picks)
        painted = self._painted
        cells = painted.take(list(picks)) if painted is not None and picks else _empty()
        table = self._current
        shape = self._layout()
        cells = cells.select([c.name for c, _ in shape])
        if shape == table.shape:
            table.replace_rows(cells)
        else:
            table.reshape(cells, shape)
        if keep in self.references:
            table.move_cursor(row=self.references.index(keep), column=0, animate=False)
        self._preview()

    async def on_resize(self) -> None:
        # Rows shown before the first layout (or before the terminal changed width) were laid
        # out for another width: show them again at this one.
        if self._layout() != self._current.shape:
            await self.show(self._picks, keep=self.current_reference)

    def _layout(self) -> list[tuple[Column, int]]:
        """The columns and their widths at the current terminal width."""
        # Before its first layout the table has no size yet: it will span the screen.
        width = self.size.width or (self.app.size.width if self.is_attached else 0) or 120
        settings = getattr(self.app, "settings", None) if self.is_attached else None
        hidden = frozenset(settings.hidden_columns) if settings is not None else frozenset()
        return layout(width, self._longest, hidden)

    def _table(
        self, cells: pa.Table, shape: list[tuple[Column, int]] | None = None
    ) -> RegisterTable:
        shape = shape if shape is not None else self._layout()
        if cells.num_columns != len(shape):
            cells = cells.select([c.name for c, _ in shape])
        table = RegisterTable(
            [w for _, w in shape],
            backend=_FixedWidths(cells),
            column_labels=[c.label for c, _ in shape],
            column_widths=[w for _, w in shape],
            cursor_type="row",
            # Scores are badges whose text colour is chosen against the band: keep it.
            cursor_foreground_priority="renderable",
            show_row_labels=False,
            zebra_stripes=True,
            fixed_columns=1,
        )
        table.shape = shape
        return table

    @property
    def table(self) -> RegisterTable:
        """The table widget currently shown."""
        return self._current

    @property
    def shown_columns(self) -> list[str]:
        """The names of the columns shown, in order."""
        return [c.name for c, _ in self._current.shape]

    @property
    def shown_picks(self) -> list[int]:
        """The loaded rows shown, by position, in order."""
        return list(self._picks)

    @property
    def current_reference(self) -> str | None:
        """The reference under the cursor, if any."""
        row = self.table.cursor_row
        return self.references[row] if 0 <= row < len(self.references) else None

    def _preview(self) -> None:
        """The highlighted risk in full under the table (its title whole, owner as recorded)."""
        if not self.is_mounted:
            return
        row = self.table.cursor_row
        preview = self.query_one("#preview", Static)
        if not 0 <= row < len(self._picks):
            preview.update("")
            return
        r = self.rows[self._picks[row]]
        parts = [f"{r.reference}  {r.title}", r.owner or "no risk owner"]
        if r.lead_committee:
            parts.append(r.lead_committee)
        if r.band == NEEDS_CORRECTION:
            parts.append("a stored value needs correction: open the risk and rescore or edit it")
        elif r.current is not None:
            parts.append(f"current {r.current.value} {r.band}, {r.direction.label}")
        if r.appetite is not None:
            above = f", {r.gap_to_appetite} above" if r.above_appetite else ""
            parts.append(f"appetite {r.appetite.label}{above}")
        parts.append(f"{r.tier.label}, {r.status.label.lower()}")
        parts += [f"{BREACH_FLAG} indicator breach: {b}" for b in self.breaches.get(r.id, ())]
        preview.update(" · ".join(parts))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._preview()

    @on(DataTable.RowSelected)
    def _opened(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.references):
            self.post_message(self.Opened(self.references[event.cursor_row]))

    @on(DataTable.HeaderSelected)
    def _sort(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        column = self._current.shape[event.column_index][0]
        name = "committee" if column is COMMITTEE_SHORT else column.name
        self.post_message(self.SortRequested(name))
