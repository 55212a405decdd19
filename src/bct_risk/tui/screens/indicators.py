"""Key risk indicators: the indicators by basket, each with its latest value coloured by status;
the chosen one's trend over the months with its target and tolerance drawn, its months on target
in the last 12, and the risks it warns about (Enter opens one; ``a`` acknowledges its breach).
A risk's detail opens this screen on that risk's indicators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from bct_risk.domain.indicators import Basket, PeriodKind
from bct_risk.domain.kpi_rules import Band, Status
from bct_risk.services.context import Context
from bct_risk.services.indicator_views import (
    Breach,
    IndicatorDetail,
    IndicatorLine,
    Point,
    indicator_detail,
    indicator_lines,
    indicators_for_risk,
    open_breaches,
)
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.services import call_service

STATUS_STYLE = {
    Status.ON_TARGET: "green",
    Status.WITHIN_TOLERANCE: "yellow",
    Status.OUTSIDE_TOLERANCE: "bold red",
    Status.NO_TARGET: "dim",
}
CHART_HEIGHT = 8
CHART_POINTS = 12


def trend_chart(points: Sequence[Point], band: Band | None, height: int = CHART_HEIGHT) -> Text:
    """The values over time as a text chart: each a dot coloured by status, the target a solid
    line and the tolerance's edges dotted lines, the scale on the left and months beneath."""
    shown = list(points)[-CHART_POINTS:]
    if not shown:
        return Text("No values recorded yet.", style="dim")
    levels = [p.value for p in shown]
    if band is not None:
        levels += [v for v in (band.target, band.low, band.high) if v is not None]
    low, high = min(levels), max(levels)
    if high == low:
        high, low = high + 1, low - 1
    step = (high - low) / (height - 1)

    def row_of(value: float) -> int:
        return round((high - value) / step)

    marks: dict[int, tuple[str, str]] = {}
    if band is not None:
        for edge in (band.low, band.high):
            if edge is not None:
                marks.setdefault(row_of(edge), ("┄", "yellow"))
        marks[row_of(band.target)] = ("─", "green")
    text = Text()
    for row in range(height):
        level = high - row * step
        text.append(f"{level:>7.4g} ┤", style="dim")
        line, style = marks.get(row, (" ", ""))
        for point in shown:
            if row_of(point.value) == row:
                text.append(line)
                text.append("●", style=STATUS_STYLE[point.status])
                text.append(line + line, style=style)
            else:
                text.append(line * 4, style=style)
        text.append("\n")
    text.append(" " * 9)
    for point in shown:
        text.append(f"{point.period_end:%b} ", style="dim")
    text.append("\n" + " " * 9)
    for point in shown:
        text.append(f"{point.period_end:%y}  ", style="dim")
    if band is not None:
        text.append(f"\n── target {band.target:g}", style="green")
        if band.low is not None or band.high is not None:
            edges = "-".join("" if e is None else f"{e:g}" for e in (band.low, band.high))
            text.append(f"   ┄┄ tolerance {edges}", style="yellow")
    return text


def trend_points(detail: IndicatorDetail) -> list[Point]:
    """The points the trend shows: the monthly values, else every value, oldest first."""
    monthly = [p for p in detail.values if p.period_kind is PeriodKind.MONTH]
    return monthly or list(detail.values)


def line_label(line: IndicatorLine, breached: bool = False) -> Text:
    """An indicator as the list shows it: number, name, latest value coloured by status."""
    latest = line.latest
    value = latest.value_text if latest else "–"
    text = Text()
    text.append(f"{line.number:>4} ", style="dim")
    text.append(line.name[:60])
    text.append("  ")
    text.append(f"{value} ({line.status.label.lower()})", style=STATUS_STYLE[line.status])
    if breached:
        text.append("  BREACH", style="bold red")
    return text


class IndicatorsScreen(Screen[None]):
    """The indicators by basket (or one risk's indicators), with the chosen one's trend."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("record", "r", "Record", "Record the chosen indicator's value for a month"),
        UserAction("acknowledge", "a", "Acknowledge", "Acknowledge the chosen risk's breach"),
        UserAction("risks", "l", "Risks", "Move to the risks the indicator warns about"),
        UserAction("back", "escape", "Back", "Back to where you were"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, ctx: Context, risk: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.risk = risk
        """Only this risk's indicators (opened from its detail), else all by basket."""
        self.lines: list[IndicatorLine] = []
        self.detail: IndicatorDetail | None = None
        self.breaches: dict[str, list[Breach]] = {}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Only the changes the acting person may make are offered (acknowledging a breach:
        # on the highlighted risk, for a risk owner only their own).
        from textual.css.query import NoMatches

        from bct_risk.tui.offered import offer

        reference = None
        try:
            risks = self.query_one("#kpi-risks", OptionList)
            if risks.highlighted is not None:
                reference = risks.get_option_at_index(risks.highlighted).id
        except NoMatches:  # not composed yet
            pass
        key = self.detail.line.key if self.detail is not None else None
        return offer(self, "indicators", action, risk=reference, indicator=key)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="kpi-body"):
            yield OptionList(id="kpi-list")
            with Vertical(id="kpi-side"):
                yield Static(id="kpi-heading")
                yield Static(id="kpi-chart")
                yield OptionList(id="kpi-risks")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Indicators of {self.risk}" if self.risk else "Key risk indicators"
        self.query_one("#kpi-list", OptionList).border_title = "Indicators"
        self.query_one("#kpi-risks", OptionList).border_title = "Risks it warns about"
        self.query_one("#kpi-list", OptionList).focus()
        self.reload()

    def reload(self) -> None:
        """Read the indicators and their breaches off the UI thread."""
        ctx, risk = self.ctx, self.risk

        def read() -> tuple[list[IndicatorLine], dict[str, list[Breach]]]:
            from bct_risk.services.lookup import find_risk

            today = ctx.today()
            with ctx.read() as session:
                if risk is None:
                    lines = indicator_lines(session, today)
                else:
                    lines = indicators_for_risk(session, find_risk(session, risk).id or 0, today)
                found = open_breaches(session, today)
            by_key: dict[str, list[Breach]] = {}
            for breaches in found.values():
                for breach in breaches:
                    by_key.setdefault(breach.key, []).append(breach)
            return lines, by_key

        call_service(self, read, self._loaded, group="kpi-list")

    def _loaded(self, result: tuple[list[IndicatorLine], dict[str, list[Breach]]]) -> None:
        self.lines, self.breaches = result
        options = self.query_one("#kpi-list", OptionList)
        chosen = self.detail.line.key if self.detail else None
        options.clear_options()
        basket: Basket | None = None
        for line in self.lines:
            if self.risk is None and line.basket is not basket:
                basket = line.basket
                options.add_option(Option(Text(basket.label, style="bold"), disabled=True))
            options.add_option(Option(line_label(line, line.key in self.breaches), id=line.key))
        keys = [line.key for line in self.lines]
        if keys:
            target = chosen if chosen in keys else keys[0]
            options.highlighted = options.get_option_index(target)
            self._show(target)
        else:
            self.query_one("#kpi-heading", Static).update("No indicators.")

    @on(OptionList.OptionHighlighted, "#kpi-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and (self.detail is None or self.detail.line.key != event.option.id):
            self._show(event.option.id)

    def _show(self, key: str) -> None:
        ctx = self.ctx
        call_service(self, lambda: indicator_detail(ctx, key), self._shown, group="kpi-detail")

    def _shown(self, detail: IndicatorDetail) -> None:
        self.detail = detail
        line = detail.line
        heading = Text()
        heading.append(f"{line.key}  ", style="bold")
        heading.append(line.name, style="bold")
        band = "no target" if line.band is None else line.band.describe(
            {"percent": "%", "days": " days"}.get(line.unit.value, "")
        )  # fmt: skip
        heading.append(
            f"\n{line.basket.label} · {line.polarity.words} · {line.kind.label} · "
            f"owner {line.owner or '–'}\nTarget {band} · months on target (last 12): "
            f"{line.months}"
        )
        if line.latest:
            heading.append("\nLatest: ")
            heading.append(
                f"{line.latest.value_text} ({line.latest.period_label}) "
                f"{line.status.label.lower()}",
                style=STATUS_STYLE[line.status],
            )
            if line.latest.comment:
                heading.append(f" · {line.latest.comment}")
        self.query_one("#kpi-heading", Static).update(heading)
        self.query_one("#kpi-chart", Static).update(trend_chart(trend_points(detail), line.band))
        risks = self.query_one("#kpi-risks", OptionList)
        risks.clear_options()
        breached = {b.reference for b in self.breaches.get(line.key, [])}
        for link in detail.links:
            label = Text(f"{link.reference}  {link.title}")
            if link.illustrative:
                label.append("  (illustrative link)", style="dim")
            if link.reference in breached:
                label.append("  INDICATOR BREACH", style="bold red")
            risks.add_option(Option(label, id=link.reference))
        if detail.links:
            risks.highlighted = 0

    @on(OptionList.OptionSelected, "#kpi-risks")
    def _open_risk(self, event: OptionList.OptionSelected) -> None:
        from bct_risk.tui.screens.detail import DetailScreen

        if event.option.id:
            self.app.push_screen(DetailScreen(self.ctx, event.option.id))

    def on_screen_resume(self) -> None:
        if self.lines:
            self.reload()

    # -- actions ----------------------------------------------------------------------------

    def action_risks(self) -> None:
        """Move to the indicator's risks."""
        self.query_one("#kpi-risks", OptionList).focus()

    def action_back(self) -> None:
        """Back to the register or the risk."""
        self.app.pop_screen()

    def action_record(self) -> None:
        """Record a value of the chosen indicator."""
        if self.detail is None:
            return
        key = self.detail.line.key

        def save(answer: tuple[str, str, str] | None) -> None:
            if answer is None:
                return
            from bct_risk.services.indicators import ValueInput, record_value

            period, value, comment = answer
            ctx = self.ctx

            def work() -> object:
                try:
                    number = float(value.strip().rstrip("%"))
                except ValueError:
                    from bct_risk.domain.errors import ValidationError

                    raise ValidationError(f"the value '{value}' is not a number") from None
                return record_value(ctx, key, ValueInput(period, number, comment=comment))

            call_service(self, work, lambda _: self._saved(f"Recorded {key}"), group="kpi-save")

        self.app.push_screen(
            AskScreen(f"Record a value of {key}", ("Month (2026-11)", "Value", "Comment")), save
        )

    def action_acknowledge(self) -> None:
        """Acknowledge the chosen risk's breach of the chosen indicator, with a reason."""
        if self.detail is None:
            return
        risks = self.query_one("#kpi-risks", OptionList)
        if risks.highlighted is None:
            self.notify("Choose a risk first (l)", severity="warning")
            return
        reference = risks.get_option_at_index(risks.highlighted).id or ""
        key = self.detail.line.key

        def save(answer: tuple[str, str, str] | None) -> None:
            if answer is None:
                return
            from bct_risk.services.indicators import acknowledge_breach

            ctx, reason = self.ctx, answer[0]
            call_service(
                self,
                lambda: acknowledge_breach(ctx, reference, key, reason),
                lambda _: self._saved(f"Acknowledged the {key} breach on {reference}"),
                group="kpi-save",
            )

        self.app.push_screen(
            AskScreen(f"Acknowledge the {key} breach on {reference}", ("Reason",)), save
        )

    def _saved(self, message: str) -> None:
        self.notify(message)
        self.reload()


class AskScreen(ModalScreen[tuple[str, str, str] | None]):
    """A small form of one to three text fields; answers them as a tuple, or None."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("cancel", "escape", "Cancel", "Close the form without saving"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, title: str, fields: tuple[str, ...]) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(Text(self.title_text), classes="dialog-title")
            for index, name in enumerate(self.fields):
                yield Label(name, classes="field-label")
                yield Input(id=f"ask-{index}")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="ask-save", variant="primary")
                yield Button("Cancel", id="ask-cancel")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        index = int((event.input.id or "ask-0").split("-")[1])
        if index + 1 < len(self.fields):
            self.query_one(f"#ask-{index + 1}", Input).focus()
        else:
            self._save()

    @on(Button.Pressed, "#ask-save")
    def _save(self) -> None:
        values = [self.query_one(f"#ask-{i}", Input).value for i in range(len(self.fields))]
        values += [""] * (3 - len(values))
        self.dismiss((values[0], values[1], values[2]))

    @on(Button.Pressed, "#ask-cancel")
    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


# -- the score dialog: the risk's indicators and their trend ----------------------------------

SPARKS = "▁▂▃▄▅▆▇█"


def spark(values: Sequence[float]) -> str:
    """A one-line trend of values, lowest to highest."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return SPARKS[3] * len(values)
    return "".join(SPARKS[round((v - low) / (high - low) * (len(SPARKS) - 1))] for v in values)


def indicator_summary(details: Sequence[IndicatorDetail], breaches: Sequence[Breach]) -> Text:
    """One line per indicator of a risk: latest value by status, target, trend; breaches first."""
    text = Text()
    for breach in breaches:
        text.append(
            f"Indicator breach: {breach.note}\n",
            style="bold red",
        )
    for detail in details:
        line = detail.line
        latest = line.latest
        text.append(f"{line.key} ")
        if latest is None:
            text.append("no value", style="dim")
        else:
            text.append(
                f"{latest.value_text} ({latest.period_label})", style=STATUS_STYLE[line.status]
            )
        points = trend_points(detail)[-CHART_POINTS:]
        text.append(f"  {spark([p.value for p in points])}\n")
    return text


def show_risk_indicators(node: Static, ctx: Context, reference: str) -> None:
    """Fill ``node`` with the risk's indicators and breaches, read off the UI thread (the score
    dialog calls this); it stays empty for a risk with no indicators."""

    def read() -> Text:
        from bct_risk.services.indicator_views import risk_breaches, risk_indicators

        lines = risk_indicators(ctx, reference)
        details = [indicator_detail(ctx, line.key) for line in lines]
        return indicator_summary(details, risk_breaches(ctx, reference))

    def shown(text: Text) -> None:
        node.update(text)
        node.display = bool(text.plain)

    node.display = False
    call_service(node, read, shown, group="score-indicators")
