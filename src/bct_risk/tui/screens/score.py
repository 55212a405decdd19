"""Rescore a risk: likelihood and impact with their labels, the band shown as you choose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from bct_risk.domain.enums import ScoreKind
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import Assessment
from bct_risk.domain.scoring import SCALE, Score, direction
from bct_risk.services.context import Context
from bct_risk.services.queries import RiskDetail
from bct_risk.services.risks import score_risk
from bct_risk.tui.colours import palette
from bct_risk.tui.format import fmt_date, score_words
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import (
    MEETING_PROMPT,
    OneRiskForm,
    field,
    meeting_choices,
    meeting_of,
)


class ScoreScreen(OneRiskForm):
    """Pick likelihood and impact; the score and band update; a rationale is required."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "rationale": "rationale",
        "assessed_on": "assessed-on",
        "likelihood": "likelihood",
        "impact": "impact",
        "meeting": "meeting",
    }

    def __init__(self, ctx: Context, detail: RiskDetail) -> None:
        super().__init__()
        self.ctx = ctx
        self.detail: RiskDetail = detail
        self.title_text = f"Score {detail.row.reference} {detail.row.title}"

    def _now(self, kind: ScoreKind) -> Score | None:
        row = self.detail.row
        return {ScoreKind.INHERENT: row.inherent, ScoreKind.CURRENT: row.current,
                ScoreKind.TARGET: row.target}[kind]  # fmt: skip

    def fields(self) -> ComposeResult:
        matrix = self.ctx.matrix
        start = self._now(ScoreKind.CURRENT)
        yield from field(
            "Which score",
            Select(
                [(k.label, k.value) for k in ScoreKind],
                value=ScoreKind.CURRENT.value,
                allow_blank=False,
                id="kind",
            ),
        )
        yield from field(
            "Likelihood",
            Select(
                [(f"{v} {matrix.likelihood_label(v)}", v) for v in SCALE],
                value=start.likelihood if start else Select.NULL,
                prompt="Choose a likelihood",
                id="likelihood",
            ),
        )
        yield from field(
            "Impact",
            Select(
                [(f"{v} {matrix.impact_label(v)}", v) for v in SCALE],
                value=start.impact if start else Select.NULL,
                prompt="Choose an impact",
                id="impact",
            ),
        )
        yield Static(id="score-preview")
        yield Static(id="score-indicators")  # the risk's indicators (screens.indicators)
        yield from field("Rationale (required)", Input(id="rationale"))
        yield from field("Assessment date", Input(fmt_date(self.ctx.today()), id="assessed-on"))
        yield from field(
            "Agreed at the meeting (optional)", Select([], prompt=MEETING_PROMPT, id="meeting")
        )

    def on_mount(self) -> None:
        from bct_risk.tui.screens.indicators import show_risk_indicators

        show_risk_indicators(
            self.query_one("#score-indicators", Static), self.ctx, self.detail.row.reference
        )
        self._preview()
        self.query_one("#likelihood", Select).focus()
        ctx = self.ctx
        call_service(self, lambda: meeting_choices(ctx), self._offer_meetings, group="choices")

    def _offer_meetings(self, meetings: list[tuple[str, str]]) -> None:
        self.query_one("#meeting", Select).set_options(meetings)

    @on(Select.Changed, "#meeting")
    def _meeting_chosen(self) -> None:
        """A score agreed at a meeting is dated by it, unless a date was typed."""
        meeting = meeting_of(self.choice("meeting"))
        box = self.query_one("#assessed-on", Input)
        if meeting is not None and box.value == fmt_date(self.ctx.today()):
            box.value = fmt_date(meeting[1])

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        if event.select.id == "kind":
            score = self._now(ScoreKind(str(event.value)))
            with self.prevent(Select.Changed):
                self.query_one("#likelihood", Select).value = (
                    score.likelihood if score else Select.NULL
                )
                self.query_one("#impact", Select).value = score.impact if score else Select.NULL
        self._preview()

    def _preview(self) -> None:
        kind = ScoreKind(str(self.choice("kind")))
        likelihood, impact = self.choice("likelihood"), self.choice("impact")
        before = self._now(kind)
        was = f"Now: {score_words(self.ctx.matrix, before)}"
        if likelihood is None or impact is None:
            text = f"Choose a likelihood and an impact.\n{was}"
        else:
            score = Score(likelihood, impact)
            colours = palette(self.app)
            new = f"New {kind.value} score: {colours.score(self.ctx.matrix, score)} "
            new += score_words(self.ctx.matrix, score)
            if kind == ScoreKind.CURRENT:
                travel = direction(before.value if before else None, score.value)
                new += f"  {colours.direction(travel)} {travel.label}"
            text = f"{new}\n{was}"
        self.query_one("#score-preview", Static).update(text)

    def build(self) -> Callable[[], Assessment]:
        likelihood, impact = self.choice("likelihood"), self.choice("impact")
        if likelihood is None:
            raise ValidationError("choose a likelihood", field="likelihood")
        if impact is None:
            raise ValidationError("choose an impact", field="impact")
        kind = ScoreKind(self.choice("kind"))
        rationale = self.text("rationale")
        when = self.date_of("assessed-on", "assessment date")
        meeting = meeting_of(self.choice("meeting"))
        ref = self.detail.row.reference

        def save() -> Assessment:
            return score_risk(
                self.ctx,
                ref,
                likelihood=likelihood,
                impact=impact,
                rationale=rationale,
                kind=kind,
                assessed_on=when,
                meeting=meeting,
            )

        return save

    def done_message(self, result: Any) -> str:
        assert isinstance(result, Assessment)
        score = Score(result.likelihood, result.impact)
        return f"{self.detail.row.reference} {result.kind.value} score is now {score.value}"
