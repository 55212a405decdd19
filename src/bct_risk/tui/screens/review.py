"""Record a committee's review of a risk at a meeting: outcome, assurance level, comments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from bct_risk.domain.enums import Assurance, EscalationDirection, ReviewOutcome
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import CommitteeReview
from bct_risk.services.committees import record_review
from bct_risk.services.context import Context
from bct_risk.services.meeting_reviews import ReviewAtMeeting
from bct_risk.services.queries import RiskDetail, risk_detail
from bct_risk.services.register_rows import RiskRow
from bct_risk.tui.colours import palette
from bct_risk.tui.format import escape, fmt_date, score_words
from bct_risk.tui.screens.confirm import ConfirmScreen
from bct_risk.tui.screens.escalate import EscalateScreen
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import FormScreen, field


class ReviewScreen(FormScreen):
    """One risk's review at the meeting; an earlier record for the meeting is amended."""

    FIELD_IDS: ClassVar[dict[str, str]] = {"outcome": "outcome"}

    def __init__(
        self,
        ctx: Context,
        row: RiskRow,
        committee: str,
        meeting_date: date,
        existing: ReviewAtMeeting | None = None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.row = row
        self.committee = committee
        self.meeting_date = meeting_date
        self.existing = existing
        self.title_text = f"Review of {row.reference} at the meeting of {fmt_date(meeting_date)}"

    def fields(self) -> ComposeResult:
        row, old = self.row, self.existing
        colours = palette(self.app)
        yield Static(
            f"{escape(row.reference)} {escape(row.title)}\nCurrent "
            f"{colours.score(self.ctx.matrix, row.current)} "
            f"{escape(score_words(self.ctx.matrix, row.current))} "
            f"{colours.direction(row.direction)} {row.direction.label}"
            + (f"\nAlready recorded: {old.outcome}; saving amends it" if old else ""),
            classes="route",
        )
        yield from field(
            "Outcome (required)",
            Select(
                [(o.label, o.value) for o in ReviewOutcome],
                value=ReviewOutcome.parse(old.outcome).value if old else Select.NULL,
                prompt="Choose the outcome",
                id="outcome",
            ),
        )
        yield from field(
            "Assurance level",
            Select(
                [(a.label, a.value) for a in Assurance],
                value=Assurance.parse(old.assurance).value
                if old and old.assurance
                else Select.NULL,
                prompt="Not given",
                id="assurance",
            ),
        )
        yield from field("Comments", Input(old.comments if old else "", id="comments"))

    def on_mount(self) -> None:
        self.query_one("#outcome", Select).focus()

    def build(self) -> Callable[[], CommitteeReview]:
        outcome = self.choice("outcome")
        if outcome is None:
            raise ValidationError("choose the outcome of the review", field="outcome")
        assurance = self.choice("assurance")
        comments = self.text("comments")
        self.outcome = ReviewOutcome(outcome)
        return lambda: record_review(
            self.ctx,
            self.row.reference,
            committee=self.committee,
            meeting_date=self.meeting_date,
            outcome=ReviewOutcome(outcome),
            assurance=Assurance(assurance) if assurance else None,
            comments=comments,
        )

    def done_message(self, result: Any) -> str:
        return f"Review of {self.row.reference} recorded"

    outcome: ReviewOutcome | None = None
    """The outcome being saved."""

    def _saved(self, result: Any) -> None:
        # A committee that escalated (or de-escalated) the risk: offer to record that too,
        # then carry on (to the next risk at the meeting) as after any review.
        moves = {
            ReviewOutcome.ESCALATED_TO_BOARD: (EscalationDirection.ESCALATE, "escalated"),
            ReviewOutcome.DE_ESCALATED: (EscalationDirection.DE_ESCALATE, "de-escalated"),
        }
        if self.outcome not in moves:
            super()._saved(result)
            return
        direction, verb = moves[self.outcome]
        ctx, reference = self.ctx, self.row.reference
        carry_on = super()._saved

        def escalate(detail: RiskDetail) -> None:
            self.app.push_screen(
                EscalateScreen(ctx, detail, direction), lambda _done: carry_on(result)
            )

        def answered(yes: bool | None) -> None:
            if not yes:
                carry_on(result)
                return
            call_service(self, lambda: risk_detail(ctx, reference), escalate, group="detail")

        self.app.push_screen(
            ConfirmScreen(
                f"Review of {reference} recorded",
                f"The committee {verb} {reference}. Record the "
                f"{'escalation' if verb == 'escalated' else 'de-escalation'} on the register now?",
                yes="Yes, now",
            ),
            answered,
        )
