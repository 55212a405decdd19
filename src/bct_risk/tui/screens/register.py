"""The register: every risk in a fast table, with type-to-filter and quick filters."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar

import pyarrow as pa
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from bct_risk.domain.enums import RiskStatus, Tier
from bct_risk.domain.scoring import Matrix
from bct_risk.services.register_rows import RiskFilter, RiskRow, reference_key, search_key
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.colours import Palette, palette
from bct_risk.tui.screens.choice import ChoiceScreen
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.risk_table import (
    COLUMNS,
    RiskTable,
    RowPainter,
    sort_order,
)

if TYPE_CHECKING:
    from bct_risk.services.context import Context
    from bct_risk.services.first_rows import FirstRows
    from bct_risk.tui.widgets.form import PersonLike

STATUS_CYCLE: tuple[tuple[RiskStatus | None, bool, str], ...] = (
    (None, False, "open"),
    (RiskStatus.CLOSED, True, "closed"),
    (None, True, "open and closed"),
)
"""What the open/closed quick filter steps through: (status, include closed, words)."""


FIRST_ROWS = 120
"""How many rows the register shows first as it opens, while it loads the rest."""


@dataclass(frozen=True)
class Loaded:
    """A register's rows for a filter, painted, with what the search looks in for each."""

    rows: list[RiskRow]
    painted: pa.Table
    keys: list[str]
    complete: bool = True
    """False when these are only the first rows (in reference order) of more."""
    order: list[int] | None = None
    """The rows' positions sorted as ``sorted_by`` says, worked out with them."""
    sorted_by: tuple[str, bool] = ("reference", False)
    """The column and direction (descending?) of ``order``."""
    breaches: Mapping[int, Sequence[str]] = field(default_factory=dict)
    """The open indicator breaches of the rows that have any, by risk id (flagged)."""


def filter_words(flt: RiskFilter, committee_name: str = "", objective_name: str = "") -> list[str]:
    """The filter in words, as the register's state line and the heat map's title say it
    (plain text: escape it to show it as markup)."""
    status = next(
        (
            words
            for st, closed, words in STATUS_CYCLE
            if (st, closed) == (flt.status, flt.include_closed)
        ),
        flt.status.label.lower() if flt.status else "open",
    )
    parts = [f"{status} risks"]
    if flt.text.strip():
        parts.append(f"matching '{flt.text.strip()}'")
    if flt.committee:
        parts.append(f"committee: {committee_name or flt.committee}")
    if flt.owner:
        parts.append(f"owner: {flt.owner}")
    if flt.objective:
        parts.append(f"objective: {objective_name or flt.objective}")
    if flt.band:
        parts.append(f"band: {flt.band}")
    if flt.tier is not None:
        parts.append(f"tier: {flt.tier.label}")
    if flt.above_appetite:
        parts.append("above appetite")
    if flt.review_overdue:
        parts.append("review overdue")
    return parts


def owner_filter_choices(everyone: Sequence[PersonLike]) -> list[tuple[str, str]]:
    """(label, value) for the owner filter: each person by name and role, the value the text
    that :attr:`RiskFilter.owner` (a part of the owner's name or job title, any case, as
    ``list --owner`` takes it) matches in them alone: their name, else their job title.

    People nothing matches alone (one name and one title between them) are offered once,
    by the name, as how many they are; those who have left are offered too: they may still
    own risks.
    """
    from bct_risk.tui.widgets.form import person_label

    texts = [f"{p.name}\n{p.job_title or ''}".lower() for p in everyone]

    def alone(person: int, text: str) -> bool:
        wanted = text.strip().lower()
        return bool(wanted) and [i for i, t in enumerate(texts) if wanted in t] == [person]

    choices: list[tuple[tuple[str, str], str, str]] = []
    shared: dict[str, list[PersonLike]] = {}
    for i, person in enumerate(everyone):
        value = next((t for t in (person.name, person.job_title) if t and alone(i, t)), None)
        if value is not None:
            order = (person.name.lower(), (person.job_title or "").lower())
            choices.append((order, person_label(person), value))
        else:
            shared.setdefault(person.name, []).append(person)
    for name, group in shared.items():
        label = person_label(group[0]) if len(group) == 1 else f"{name} ({len(group)} people)"
        choices.append(((name.lower(), ""), label, name))
    return [(label, value) for _, label, value in sorted(choices)]


def load_rows(
    ctx: Context, flt: RiskFilter, colours: Palette, sorted_by: tuple[str, bool]
) -> Loaded:
    """Load, paint and sort the rows for a filter (less its search text): work for a thread."""
    from bct_risk.services import queries
    from bct_risk.services.indicator_views import breach_notes
    from bct_risk.services.search_texts import risk_texts

    rows = queries.list_risks(ctx, replace(flt, text=""), flag_unknown=True)
    loaded = _painted(ctx.matrix, colours, rows, risk_texts(ctx), breach_notes(ctx))
    return replace(loaded, order=sort_order(loaded.rows, *sorted_by), sorted_by=sorted_by)


def load_first_rows(ctx: Context, flt: RiskFilter, colours: Palette) -> Loaded:
    """The first screenful of rows in reference order, the register's order as it opens.

    Work for a thread: the app shows these at once, then the register loads the rest.
    """
    from bct_risk.services import queries

    flt = replace(flt, text="")
    references = queries.risk_references(ctx, flt)
    first = heapq.nsmallest(FIRST_ROWS, references, key=lambda r: reference_key(r[1]))
    from bct_risk.services.indicator_views import breach_notes
    from bct_risk.services.search_texts import risk_texts

    ids = [i for i, _ in first]
    rows = queries.list_risks(ctx, flt, ids=ids, flag_unknown=True)
    loaded = _painted(ctx.matrix, colours, rows, risk_texts(ctx, ids), breach_notes(ctx))
    return replace(loaded, complete=len(first) == len(references))


def read_first_rows(read: Callable[[int], FirstRows | None], colours: Palette) -> Loaded | None:
    """The first screenful as the register opens, read before the register is open (see
    :mod:`bct_risk.services.first_rows`), painted; None when ``read`` cannot answer.

    Work for a thread: none of SQLAlchemy, the models or pydantic is needed for it.
    """
    first = read(FIRST_ROWS)
    if first is None:
        return None
    return replace(_painted(first.matrix, colours, first.rows), complete=first.complete)


def _painted(
    matrix: Matrix,
    colours: Palette,
    rows: list[RiskRow],
    texts: dict[int, str] | None = None,
    breaches: Mapping[int, Sequence[str]] | None = None,
) -> Loaded:
    """Painted rows, with what the search looks in: each line's reference, title and owner,
    and (once the register is open) its description, cause and controls; the risks with an
    open indicator breach flagged."""
    keys = [search_key(r) for r in rows]
    if texts:
        keys = [
            f"{k}\n{texts[r.id]}" if r.id in texts else k for k, r in zip(keys, rows, strict=True)
        ]
    breaches = {i: b for i, b in (breaches or {}).items() if b}
    painted = RowPainter(matrix, colours, breaches.keys()).paint(rows)
    return Loaded(rows, painted, keys, breaches=breaches)


class RegisterScreen(Screen[None]):
    """The Strategic Risk Register: sort by any column, type to filter, quick filters."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction(
            "focus_search",
            "slash",
            "Search",
            "Search titles, owners, descriptions, causes, controls",
        ),
        UserAction("leave_search", "escape", "Table", "Leave the search box", show=False),
        UserAction("open_risk", "enter", "Open", "Open the risk under the cursor"),
        UserAction("new_risk", "n", "New", "Add a risk to the register"),
        UserAction(
            "paper", "p", "Paper", "Preview the register as filtered as a paper, and save it"
        ),
        UserAction("import_file", "i", "Import", "Import a register or action log from a file"),
        UserAction("filter_committee", "c", "Committee", "Show one lead committee's risks"),
        UserAction("filter_owner", "o", "Owner", "Show one risk owner's risks"),
        UserAction("sort", "s", "Sort", "Sort by a column (again to reverse)"),
        UserAction(
            "filter_objective", "j", "Objective", "Show the risks that threaten one objective"
        ),
        # Found with ? (help) and the command palette; the footer keeps to the keys above.
        UserAction(
            "cycle_band", "b", "Band", "Step through the bands of the current score", show=False
        ),
        UserAction(
            "toggle_appetite", "a", "Appetite", "Only risks above appetite (toggle)", show=False
        ),
        UserAction(
            "toggle_overdue",
            "v",
            "Overdue",
            "Only risks whose review is overdue (toggle)",
            show=False,
        ),
        UserAction("cycle_tier", "t", "Tier", "Step through the register tiers", show=False),
        UserAction(
            "cycle_status", "x", "Open/closed", "Show open, closed, or all risks", show=False
        ),
        UserAction("clear_filters", "0", "Clear", "Clear every filter and the search", show=False),
        UserAction(
            "choose_columns",
            "h",
            "Columns",
            "Hide or show a column (remembered for next time)",
            show=False,
        ),
    )
    BINDINGS = bindings(ACTIONS)
    ACTION_NAMES = frozenset(a.name for a in ACTIONS)
    AUTO_FOCUS = "DataTable"

    OPEN_WHILE_OPENING = frozenset({"focus_search", "leave_search", "sort", "choose_columns"})
    """The register's actions that work on the first rows alone, before the register is open."""

    def __init__(self, ctx: Context | None, loaded: Loaded | None = None) -> None:
        super().__init__()
        self._ctx = ctx
        """The register, or None while it is still opening (the first rows shown meanwhile)."""
        self._open_when_ready: str | None = None
        """A risk chosen in the first rows before the register was open: opened once it is."""
        self._repaint_when_open = False
        """Whether the theme changed before the register was open (the rows wait for it)."""
        self._preloaded = loaded
        """Rows loaded for the opening filter before the screen was made, if any."""
        self.filter = RiskFilter()
        """The filter the table shows."""
        self.committee_name = ""
        self.objective_name = ""
        """The lead committee filtered to, as the user reads it."""
        self.status_step = 0
        self.sort_column = "reference"
        self.descending = False
        self.rows: list[RiskRow] = []
        """The rows shown, in the order shown."""
        self._order: list[int] = []
        """The loaded rows' positions, sorted."""
        self._keys: list[str] = []
        """What the search looks in, for each loaded row."""
        self._search_due = False
        self._shown = False
        self._complete = False
        """Whether every row for the filter is loaded (not only the first)."""

    @property
    def ctx(self) -> Context:
        """The register the screen shows."""
        if self._ctx is None:
            raise RuntimeError("the register is not open yet")
        return self._ctx

    def register_opened(self, ctx: Context) -> None:
        """The register is open: load the rest of its rows, and any risk chosen meanwhile."""
        self._ctx = ctx
        self.refresh_bindings()
        # Loaded again (painted in the theme's colours of the moment) even when every row is
        # shown: the search then looks in descriptions, causes and controls too.
        self._repaint_when_open = False
        self.reload()
        chosen, self._open_when_ready = self._open_when_ready, None
        # Unless the user has gone on to something else meanwhile (a dialog open above).
        if chosen and self.app.screen is self:
            self._open_reference(chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the register opens, the other actions show in the footer but wait for it.
        if self._ctx is None and action in self.ACTION_NAMES - self.OPEN_WHILE_OPENING:
            return None
        from bct_risk.tui.offered import offer  # only what the acting person may change

        return offer(self, "register", action)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-bar"):
            yield Input(
                placeholder="Type to filter: title, reference, owner, description, cause, "
                "control (/; Esc back to the table)",
                id="search",
            )
        yield Static(id="filter-state")
        yield RiskTable(id="risks")
        yield Footer()

    async def on_mount(self) -> None:
        self.sub_title = "Strategic risk register"
        settings = getattr(self.app, "settings", None)
        if settings is not None and settings.sort_column in {c.name for c in COLUMNS}:
            self.sort_column, self.descending = settings.sort_column, settings.sort_descending
        # Band colours come from the theme: redraw the rows when the user changes it.
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        loaded, self._preloaded = self._preloaded, None
        if loaded is not None:
            await self._loaded(loaded)
        if self._ctx is not None and (loaded is None or not loaded.complete):
            self.reload()

    def on_screen_resume(self) -> None:
        # Back from a risk or a form: show what changed there (not when first shown).
        if self._shown and self._ctx is not None:
            self.reload()
        self._shown = True

    def _theme_changed(self, _theme: object) -> None:
        # Band colours come from the theme: the loaded rows are painted again, off the UI thread.
        if self._ctx is None:
            self._repaint_when_open = True
            return
        table = self.query_one(RiskTable)
        rows, breaches = table.rows, table.breaches
        painter = RowPainter(self.ctx.matrix, palette(self.app), breaches.keys())

        async def repainted(painted: pa.Table) -> None:
            if table.rows is rows:  # not replaced by a reload meanwhile
                table.load(rows, painted, breaches)
                await self._show_rows()

        if rows:
            call_service(self, lambda: painter.paint(rows), repainted, group="repaint")

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Load and paint the rows for the current filter, off the UI thread.

        The search text is applied to the loaded rows (:meth:`_show_rows`), so typing never
        waits for the database.
        """
        flt, ctx, colours = self.filter, self.ctx, palette(self.app)
        by = (self.sort_column, self.descending)
        call_service(self, lambda: load_rows(ctx, flt, colours, by), self._loaded, group="register")
        self._show_state(loading=True)

    async def _loaded(self, loaded: Loaded) -> None:
        self._complete = loaded.complete
        self._keys = loaded.keys
        self.query_one(RiskTable).load(loaded.rows, loaded.painted, loaded.breaches)
        by = (self.sort_column, self.descending)
        order = loaded.order if loaded.sorted_by == by else None
        self._order = order if order is not None else sort_order(loaded.rows, *by)
        await self._show_rows()
        if not loaded.rows and loaded.complete and self._ctx is not None:
            from bct_risk.tui.screens.welcome import welcome_if_empty

            welcome_if_empty(self)  # a register with no risk at all opens on the ways in

    async def _show_rows(self) -> None:
        """Show the loaded rows that match the search, in the chosen order."""
        table = self.query_one(RiskTable)
        needle, keys = self.filter.needle, self._keys
        picks = [i for i in self._order if needle in keys[i]] if needle else self._order
        self.rows = [table.rows[i] for i in picks]
        await table.show(picks, keep=table.current_reference)
        self._show_state(loading=not self._complete)

    def _show_state(self, loading: bool = False) -> None:
        text = " · ".join(filter_words(self.filter, self.committee_name, self.objective_name))
        arrow = "▼" if self.descending else "▲"
        label = next(c.label for c in COLUMNS if c.name == self.sort_column)
        count = "loading…" if loading or self._ctx is None else f"{len(self.rows)} shown"
        # The search text and names are the user's: text, never markup.
        self.query_one("#filter-state", Static).update(
            Text.assemble((count, "bold"), f" · {text} · sorted by {label} {arrow}")
        )

    def _apply(self, flt: RiskFilter) -> None:
        self.filter = flt
        self.reload()

    # -- search -----------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self.filter = replace(self.filter, text=event.value)
        # One search for a burst of keys: it runs after the keys already waiting.
        if not self._search_due:
            self._search_due = True
            self.call_later(self._search_now)

    async def _search_now(self) -> None:
        self._search_due = False
        await self._show_rows()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one(RiskTable).table.focus()

    @on(RiskTable.Opened)
    def _open(self, event: RiskTable.Opened) -> None:
        self._open_reference(event.reference)

    @on(RiskTable.SortRequested)
    async def _header_sort(self, event: RiskTable.SortRequested) -> None:
        await self._sort_by(event.column)

    # -- actions ----------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        """Move to the search box."""
        self.query_one("#search", Input).focus()

    def action_leave_search(self) -> None:
        """Back from the search box to the table (the search stays applied)."""
        self.query_one(RiskTable).table.focus()

    def action_open_risk(self) -> None:
        """Open the risk under the cursor."""
        reference = self.query_one(RiskTable).current_reference
        if reference:
            self._open_reference(reference)

    def _open_reference(self, reference: str) -> None:
        if self._ctx is None:
            self._open_when_ready = reference
            return
        from bct_risk.tui.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(self.ctx, reference))

    def action_new_risk(self) -> None:
        """Add a risk."""
        from bct_risk.tui.screens.risk_form import RiskFormScreen

        form = RiskFormScreen(self.ctx)

        def added(saved: bool | None) -> None:
            if saved and form.saved_reference:
                self._open_reference(form.saved_reference)

        self.app.push_screen(form, added)

    def action_filter_committee(self) -> None:
        """Choose a lead committee to filter to."""
        from bct_risk.services import queries

        def chosen(value: str | None) -> None:
            if value is None:
                return
            self.committee_name = names.get(value, "")
            self._apply(replace(self.filter, committee=value))

        names: dict[str, str] = {}

        def show(bodies: list[tuple[str, str]]) -> None:
            names.update({key: name for name, key in bodies})
            choices = [("Any committee", ""), *bodies]
            self.app.push_screen(
                ChoiceScreen("Lead committee", choices, self.filter.committee), chosen
            )

        call_service(
            self,
            lambda: [(c.name, c.key or c.name) for c in queries.committees(self.ctx)],
            show,
            group="choices",
        )

    def action_filter_owner(self) -> None:
        """Choose a risk owner to filter to."""
        from bct_risk.services import queries

        def chosen(value: str | None) -> None:
            if value is not None:
                self._apply(replace(self.filter, owner=value))

        def show(owners: list[tuple[str, str]]) -> None:
            choices = [("Any risk owner", ""), *owners]
            self.app.push_screen(ChoiceScreen("Risk owner", choices, self.filter.owner), chosen)

        call_service(
            self, lambda: owner_filter_choices(queries.people(self.ctx)), show, group="choices"
        )

    def action_filter_objective(self) -> None:
        """Choose a strategic objective: only the risks that threaten it."""
        from bct_risk.services.assurance import objective_choices

        titles: dict[str, str] = {}

        def chosen(value: str | None) -> None:
            if value is not None:
                self.objective_name = titles.get(value, "")
                self._apply(replace(self.filter, objective=value))

        def show(objectives: list[tuple[str, str]]) -> None:
            titles.update((key, title) for title, key in objectives)
            choices = [("Any objective", ""), *objectives]
            self.app.push_screen(
                ChoiceScreen("Strategic objective", choices, self.filter.objective), chosen
            )

        call_service(self, lambda: objective_choices(self.ctx), show, group="choices")

    def action_cycle_band(self) -> None:
        """Next band of the current score (then any band)."""
        names = ["", *(b.name for b in self.ctx.matrix.bands)]
        step = (names.index(self.filter.band) + 1) % len(names) if self.filter.band in names else 0
        self._apply(replace(self.filter, band=names[step]))

    def action_toggle_appetite(self) -> None:
        """Only risks above appetite, or all again."""
        self._apply(replace(self.filter, above_appetite=not self.filter.above_appetite))

    def action_toggle_overdue(self) -> None:
        """Only risks whose review is overdue, or all again."""
        self._apply(replace(self.filter, review_overdue=not self.filter.review_overdue))

    def action_cycle_tier(self) -> None:
        """Next register tier (then any tier)."""
        tiers: list[Tier | None] = [None, *Tier]
        step = (tiers.index(self.filter.tier) + 1) % len(tiers)
        self._apply(replace(self.filter, tier=tiers[step]))

    def action_cycle_status(self) -> None:
        """Open risks, closed risks, or both."""
        self.status_step = (self.status_step + 1) % len(STATUS_CYCLE)
        status, include_closed, _ = STATUS_CYCLE[self.status_step]
        self._apply(replace(self.filter, status=status, include_closed=include_closed))

    def action_sort(self) -> None:
        """Choose the column to sort by."""

        async def chosen(value: str | None) -> None:
            if value:
                await self._sort_by(value)

        choices = [
            (c.label if c.name != "committee" else "Lead committee", c.name) for c in COLUMNS
        ]
        self.app.push_screen(ChoiceScreen("Sort by", choices, self.sort_column), chosen)

    async def _sort_by(self, column: str) -> None:
        if column == self.sort_column:
            self.descending = not self.descending
        else:
            self.sort_column, self.descending = column, False
        self._remember(sort_column=self.sort_column, sort_descending=self.descending)
        rows, by = self.query_one(RiskTable).rows, (column, self.descending)

        async def sorted_(order: list[int]) -> None:
            if self.query_one(RiskTable).rows is rows and (self.sort_column, self.descending) == by:
                self._order = order
                await self._show_rows()

        # Sorting 100,000 rows takes half a second: off the UI thread, like loading them.
        call_service(self, lambda: sort_order(rows, *by), sorted_, group="sort")

    def _remember(self, **values: object) -> None:
        remember = getattr(self.app, "remember", None)
        if remember is not None:
            remember(**values)

    def action_choose_columns(self) -> None:
        """Hide or show a column of the register (remembered for next time)."""
        settings = getattr(self.app, "settings", None)
        hidden = set(settings.hidden_columns) if settings is not None else set()
        names = [c for c in COLUMNS if c.name not in ("reference", "title")]

        async def chosen(value: str | None) -> None:
            if not value:
                return
            now = hidden ^ {value}
            self._remember(hidden_columns=tuple(c.name for c in COLUMNS if c.name in now))
            table = self.query_one(RiskTable)
            await table.show(table.shown_picks, keep=table.current_reference)

        words = {
            "inherent": "inherent score",
            "current": "current score",
            "target": "target score",
            "direction": "direction of travel",
            "band": "band of the current score",
        }
        choices = [
            (
                f"{'Show' if c.name in hidden else 'Hide'} {words.get(c.name, c.label.lower())}",
                c.name,
            )
            for c in names
        ]
        self.app.push_screen(ChoiceScreen("Hide or show a column", choices), chosen)

    def action_paper(self) -> None:
        """The register as filtered, as a paper to preview and save."""
        from bct_risk.tui.screens.paper import PaperScreen, register_source

        self.app.push_screen(PaperScreen(self.ctx, register_source(self.ctx, self.filter)))

    def action_import_file(self) -> None:
        """Import a file; the register reloads when the user comes back."""
        from bct_risk.tui.screens.import_screen import ImportScreen

        self.app.push_screen(ImportScreen(self.ctx))

    def action_clear_filters(self) -> None:
        """Back to every open risk."""
        self.status_step = 0
        self.committee_name = ""
        self.objective_name = ""
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = ""
        self._apply(RiskFilter())
