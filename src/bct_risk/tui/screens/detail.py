"""One risk in full: scores and their history, controls, actions, reviews, escalations, audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from bct_risk.domain.enums import Direction, EscalationDirection, RiskStatus, ScoreKind
from bct_risk.services import queries
from bct_risk.services.audit_chain import ChainReport, verify_register
from bct_risk.services.context import Context
from bct_risk.services.indicator_views import Breach, risk_breaches
from bct_risk.services.queries import ActionView, ControlView, RiskDetail
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.colours import Palette, palette
from bct_risk.tui.format import change_words, escape, fmt_date, score_words
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.risk_table import BREACH_FLAG
from bct_risk.tui.widgets.score_chart import ScoreChart, ScorePoint


def _table(*columns: str) -> Table:
    table = Table(box=None, expand=True, show_edge=False, pad_edge=False, header_style="bold")
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


def _actions_table(items: list[ActionView], colours: Palette) -> RenderableType:
    if not items:
        return Text("None.", style="italic")
    table = _table("#", "Action", "Owner", "Due", "Status", "Latest update")
    for a in items:
        due = fmt_date(a.due_date)
        status = a.status.label
        if a.overdue:
            due, status = colours.alert_text(f"{due} !"), colours.alert_text("Overdue")
        latest = a.updates[-1] if a.updates else None
        update = f"{fmt_date(latest.update_date)}: {escape(latest.text)}" if latest else ""
        table.add_row(str(a.id), escape(a.description), escape(a.owner), due, status, update)
    return table


class DetailScreen(Screen[None]):
    """Everything about one risk, with the keys to score, escalate, close and add to it."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("score", "s", "Score", "Rescore the risk (likelihood, impact, rationale)"),
        UserAction("escalate", "e", "Escalate", "Escalate the risk to a committee or the Board"),
        UserAction("deescalate", "d", "De-escalate", "De-escalate the risk down the tiers"),
        UserAction("add_control", "k", "Control", "Add a control in place"),
        UserAction(
            "edit_control",
            "c",
            "Edit control",
            "Edit a control: text, owner, assurance",
            show=False,
        ),
        UserAction(
            "grade_control",
            "g",
            "Re-grade",
            "Re-grade a control's effectiveness, saying why",
            show=False,
        ),
        UserAction(
            "retire_control",
            "t",
            "Retire control",
            "Retire a control no longer in place, or restore a retired one",
            show=False,
        ),
        UserAction("add_further_action", "f", "Action", "Add a further action"),
        UserAction("close_or_reopen", "x", "Close/reopen", "Close the risk, or reopen it"),
        UserAction("edit", "i", "Edit", "Edit the risk's title, owner, committee and text"),
        UserAction(
            "assurance_map", "a", "Assurance", "The risk's assurance map and its gaps", show=False
        ),
        UserAction("indicators", "n", "Indicators", "The risk's key risk indicators", show=False),
        UserAction(
            "open_link", "l", "Linked", "Open one of the risks linked to this one", show=False
        ),
        UserAction(
            "link_risk",
            "L",
            "Link a risk",
            "Link another risk to this one, with a note",
            show=False,
        ),
        UserAction("back", "escape", "Back", "Back to the list"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, ctx: Context, reference: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.reference = reference
        self.detail: RiskDetail | None = None
        self.chain: ChainReport | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Only the changes the acting person may make to this risk are offered.
        from bct_risk.tui.offered import offer

        return offer(self, "detail", action, risk=self.detail.row if self.detail else None)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Label("Loading…", id="detail-title", classes="section-title")
            yield Static(id="detail-breaches")
            yield Static(id="detail-summary")
            yield Label("Score history (current score)", classes="section-title")
            yield Static(id="history-chart")
            yield Static(id="detail-history")
            yield Static(id="detail-body")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.reference
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.reload()

    def _theme_changed(self, _theme: object) -> None:
        if self.detail is not None:
            self._show(self.detail)

    def reload(self) -> None:
        """Load the risk afresh, off the UI thread."""
        ref = self.reference
        call_service(self, lambda: queries.risk_detail(self.ctx, ref), self._show, group="detail")
        call_service(self, lambda: verify_register(self.ctx), self._show_chain, group="chain")
        call_service(self, lambda: risk_breaches(self.ctx, ref), self._show_breaches, group="kri")

    def _show_breaches(self, breaches: list[Breach]) -> None:
        """An open indicator breach, flagged above the risk's facts until it is rescored or
        acknowledged."""
        colours = palette(self.app)
        lines = [
            colours.alert_text(f"{BREACH_FLAG} Indicator breach: {b.note}")
            + escape(f", reported {fmt_date(b.reported_on)}")
            for b in breaches
        ]
        if lines:
            lines.append("Rescore the risk (s) or acknowledge the breach (n, then a).")
        flags = self.query_one("#detail-breaches", Static)
        flags.update("\n".join(lines))
        flags.display = bool(lines)

    def _show_chain(self, report: ChainReport) -> None:
        self.chain = report
        if self.detail is not None:
            self._show(self.detail)

    def _show(self, detail: RiskDetail) -> None:
        self.detail = detail
        row, colours, matrix = detail.row, palette(self.app), self.ctx.matrix
        self.sub_title = f"{row.reference} {row.title}"
        self.query_one("#detail-title", Label).update(
            f"{escape(row.reference)}  {escape(row.title)}"
            + ("  [i](closed)[/i]" if row.status == RiskStatus.CLOSED else "")
        )
        facts = _table("", "", "", "")
        facts.columns[0].style = facts.columns[2].style = "bold"
        facts.add_row("Risk owner", escape(row.owner), "Lead committee", escape(row.lead_committee))
        facts.add_row("Tier", row.tier.label, "Status", row.status.label)
        facts.add_row("Category", escape(row.category), "Treatment", escape(detail.treatment))
        appetite = row.appetite.label if row.appetite else "not set"
        if row.above_appetite:
            appetite = colours.alert_text(f"{appetite}: above appetite by {row.gap_to_appetite}")
        review = fmt_date(row.next_review_date)
        if row.review_overdue:
            review = colours.alert_text(f"{review} (overdue)")
        facts.add_row("Appetite", appetite, "Next review", review)
        scores = _table("Score", "", "Band and labels")
        for label, score in (
            ("Inherent", row.inherent),
            ("Current", row.current),
            ("Target", row.target),
        ):
            scores.add_row(label, colours.score(matrix, score), escape(score_words(matrix, score)))
        arrow = "" if row.direction is Direction.NEW else f"{colours.direction(row.direction)} "
        travel = f"Direction of travel: {arrow}{row.direction.label}"
        if row.gap_to_target is not None:
            travel += f" · gap to target {row.gap_to_target}"
        if row.target_date:
            travel += f" by {fmt_date(row.target_date)}"
        if detail.closed_reason:
            travel += f"\nClosed {fmt_date(detail.closed_on)}: {escape(detail.closed_reason)}"
        self.query_one("#detail-summary", Static).update(
            Group(facts, Text(""), scores, Text.from_markup(travel))
        )
        current = [
            ScorePoint(a.assessed_on, a.score.value)
            for a in detail.history
            if a.kind == ScoreKind.CURRENT
        ]
        self.query_one("#history-chart", Static).update(
            ScoreChart(current, matrix, lambda band: _badge_style(colours, band.colour))
        )
        history = _table("Date", "Kind", "Score", "Rationale", "By")
        for a in reversed(detail.history):
            history.add_row(
                fmt_date(a.assessed_on),
                a.kind.label,
                colours.score(matrix, a.score) + f" {a.band}",
                escape(a.rationale),
                escape(a.assessed_by),
            )
        self.query_one("#detail-history", Static).update(history)
        self.query_one("#detail-body", Static).update(self._body(detail, colours))
        self.refresh_bindings()  # what is offered depends on whose risk it is

    def _body(self, detail: RiskDetail, colours: Palette) -> RenderableType:
        parts: list[RenderableType] = []

        def section(title: str, body: RenderableType) -> None:
            parts.extend([Text(""), Text(title, style="bold underline"), body])

        for title, text in (
            ("Description", detail.description),
            ("Cause", detail.cause),
            ("Effect", detail.effect),
        ):
            if text.strip():
                section(title, Text(text))
        if detail.objectives:
            section("Strategic objectives it threatens", Text("\n".join(detail.objectives)))
        controls: RenderableType = Text("None.", style="italic")
        if detail.controls:
            table = _table("#", "Control", "Owner", "Effectiveness", "Line")
            for c in detail.controls:
                line = str(c.assurance_line) if c.assurance_line else ""
                table.add_row(
                    str(c.id), escape(c.description), escape(c.owner), c.effectiveness, line
                )
            hint = Text("(c: edit, g: re-grade, t: retire)", style="italic")
            controls = Group(table, hint)
        section("Controls", controls)
        if detail.retired_controls:
            table = _table("#", "Retired control", "Retired", "Why")
            for c in detail.retired_controls:
                table.add_row(
                    str(c.id), escape(c.description), fmt_date(c.retired_on),
                    escape(c.retired_reason),
                )  # fmt: skip
            section("Retired controls", Group(table, Text("(t: restore)", style="italic")))
        section("Further actions", _actions_table(detail.further_actions, colours))
        section("Action tracker items", _actions_table(detail.tracker_items, colours))
        reviews: RenderableType = Text("None.", style="italic")
        if detail.reviews:
            table = _table("Meeting", "Outcome", "Assurance", "Score", "Comments")
            for r in detail.reviews:
                table.add_row(
                    f"{escape(r.committee)} {fmt_date(r.meeting_date)}",
                    r.outcome,
                    r.assurance,
                    colours.score(self.ctx.matrix, r.score),
                    escape(r.comments),
                )
            reviews = table
        section("Committee reviews", reviews)
        section("Escalations", self._route(detail))
        links: RenderableType = Text("None.", style="italic")
        if detail.links:
            links = Text("\n".join(f"{ref}  {title}" for ref, title in detail.links))
            links.append("\n(l: open one, L: link another)", style="italic")
        section("Linked risks", links)
        trail = _table("When", "Who", "What")
        for e in reversed(detail.audit):
            what = change_words(e.summary, e.changes)
            trail.add_row(f"{e.at:%d %b %Y %H:%M}", escape(e.actor), escape(what))
        section("Audit trail", trail if self.chain is None else Group(_chain(self.chain), trail))
        return Group(*parts)

    @staticmethod
    def _route(detail: RiskDetail) -> RenderableType:
        if not detail.escalations:
            return Text("Not moved between tiers.", style="italic")
        table = _table("Date", "Move", "Reason", "Decided by")
        for e in detail.escalations:
            where = e.to_committee or e.to_tier
            table.add_row(
                fmt_date(e.decided_on),
                f"{e.direction}: {e.from_tier} → {escape(where)}",
                escape(e.reason),
                escape(e.decided_by),
            )
        return table

    # -- actions ----------------------------------------------------------------------------

    def _after(self, changed: bool | None) -> None:
        if changed:
            self.reload()

    def action_score(self) -> None:
        """Rescore the risk."""
        from bct_risk.tui.screens.score import ScoreScreen

        if self.detail is not None:
            self.app.push_screen(ScoreScreen(self.ctx, self.detail), self._after)

    def action_escalate(self) -> None:
        """Escalate the risk."""
        self._move(EscalationDirection.ESCALATE)

    def action_deescalate(self) -> None:
        """De-escalate the risk."""
        self._move(EscalationDirection.DE_ESCALATE)

    def _move(self, direction: EscalationDirection) -> None:
        from bct_risk.tui.screens.escalate import EscalateScreen

        if self.detail is not None:
            self.app.push_screen(EscalateScreen(self.ctx, self.detail, direction), self._after)

    def action_assurance_map(self) -> None:
        """The risk's assurance map."""
        from bct_risk.tui.screens.assurance import AssuranceMapScreen

        self.app.push_screen(AssuranceMapScreen(self.ctx, self.reference))

    def action_add_control(self) -> None:
        """Add a control."""
        from bct_risk.tui.screens.control import ControlScreen

        self.app.push_screen(ControlScreen(self.ctx, self.reference), self._after)

    def action_add_further_action(self) -> None:
        """Add a further action."""
        from bct_risk.tui.screens.control import FurtherActionScreen

        self.app.push_screen(FurtherActionScreen(self.ctx, self.reference), self._after)

    def action_close_or_reopen(self) -> None:
        """Close an open risk, or reopen a closed one, with a reason."""
        from bct_risk.tui.screens.close import CloseScreen

        if self.detail is not None:
            self.app.push_screen(CloseScreen(self.ctx, self.detail), self._after)

    def action_edit(self) -> None:
        """Edit the risk."""
        from bct_risk.tui.screens.risk_form import RiskFormScreen

        if self.detail is not None:
            self.app.push_screen(RiskFormScreen(self.ctx, self.detail), self._after)

    def action_open_link(self) -> None:
        """Open a linked risk: straight away when there is one, else chosen from a list."""
        from bct_risk.tui.screens.choice import ChoiceScreen

        links = self.detail.links if self.detail is not None else []
        if not links:
            self.app.notify(f"{self.reference} is linked to no other risk")
            return

        def chosen(reference: str | None) -> None:
            if reference:
                self.app.push_screen(DetailScreen(self.ctx, reference))

        if len(links) == 1:
            chosen(links[0][0])
            return
        choices = [(f"{ref}  {title}", ref) for ref, title in links]
        self.app.push_screen(ChoiceScreen("Open a linked risk", choices), chosen)

    def _pick_control(
        self, title: str, then: Callable[[ControlView], object], *, retired: bool = False
    ) -> None:
        """Act on the risk's one control straight away, else on the one chosen from a list
        (``retired``: the retired ones too, to restore)."""
        from bct_risk.tui.screens.choice import ChoiceScreen
        from bct_risk.tui.screens.control import control_label

        if self.detail is None:
            return
        found = [*self.detail.controls, *(self.detail.retired_controls if retired else [])]
        if not found:
            self.app.notify(f"{self.reference} has no controls: add one with k")
            return
        if len(found) == 1:
            then(found[0])
            return

        def chosen(value: str | None) -> None:
            match = next((c for c in found if str(c.id) == value), None)
            if match is not None:
                then(match)

        choices = [(control_label(c), str(c.id)) for c in found]
        self.app.push_screen(ChoiceScreen(title, choices), chosen)

    def action_edit_control(self) -> None:
        """Edit one of the risk's controls."""
        from bct_risk.tui.screens.control import ControlEditScreen

        self._pick_control(
            "Edit which control?",
            lambda c: self.app.push_screen(
                ControlEditScreen(self.ctx, self.reference, c), self._after
            ),
        )

    def action_grade_control(self) -> None:
        """Re-grade one of the risk's controls."""
        from bct_risk.tui.screens.control import ControlGradeScreen

        self._pick_control(
            "Re-grade which control?",
            lambda c: self.app.push_screen(
                ControlGradeScreen(self.ctx, self.reference, c), self._after
            ),
        )

    def action_retire_control(self) -> None:
        """Retire one of the risk's controls, or restore a retired one."""
        from bct_risk.tui.screens.control import ControlRetireScreen

        self._pick_control(
            "Retire (or restore) which control?",
            lambda c: self.app.push_screen(
                ControlRetireScreen(self.ctx, self.reference, c), self._after
            ),
            retired=True,
        )

    def action_link_risk(self) -> None:
        """Link another risk to this one, with a note."""
        from bct_risk.tui.screens.link import LinkRiskScreen

        linked = {ref for ref, _ in self.detail.links} if self.detail is not None else set()
        self.app.push_screen(LinkRiskScreen(self.ctx, self.reference, linked), self._after)

    def action_indicators(self) -> None:
        """The indicators that warn about this risk (screens.indicators)."""
        from bct_risk.tui.screens.indicators import IndicatorsScreen

        self.app.push_screen(IndicatorsScreen(self.ctx, self.reference))

    def action_back(self) -> None:
        """Back to where the risk was opened from."""
        self.app.pop_screen()


def _badge_style(colours: Palette, colour_word: str) -> str:
    """The style of a band's badge (``Palette.badge``) as a Rich style string."""
    markup = colours.badge(colour_word, "x")
    return markup[1 : markup.index("]")]


def _chain(report: ChainReport) -> Text:
    """The whole trail's chain of seals, as ``bct-risk audit verify`` finds it."""
    if report.intact:
        return Text(
            f"Chain of seals intact: {report.events} events (bct-risk audit verify)",
            style="italic",
        )
    return Text(f"Chain of seals broken: {report.describe()}", style="bold red")
