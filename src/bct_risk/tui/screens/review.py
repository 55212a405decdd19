"""Record a committee's review of a risk at a meeting: outcome, assurance level, comments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from bct_risk.domain.enums import Assurance, EscalationDirection, ReviewOutcome, Tier
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import CommitteeReview
from bct_risk.services import queries
from bct_risk.services.committees import record_review
from bct_risk.services.context import Context
from bct_risk.services.meeting_reviews import ReviewAtMeeting
from bct_risk.services.queries import RiskDetail, risk_detail
from bct_risk.services.register_rows import RiskRow
from bct_risk.tui.colours import palette
from bct_risk.tui.format import escape, fmt_date, score_words
from bct_risk.tui.screens.confirm import ConfirmScreen
from bct_risk.tui.screens.escalate import Destinations, EscalateScreen
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import FormScreen, field


class EscalateFromReview(EscalateScreen):
    """The escalate form filled in from a committee's review: the tier the committee decided
    (the Board's register, for "Escalated to board"), the meeting and its date, and the
    reason in the committee's words. The user checks it, and saves or cancels."""

    def __init__(
        self,
        ctx: Context,
        detail: RiskDetail,
        direction: EscalationDirection,
        *,
        meeting: tuple[str, date],
        reason: str,
        tier: Tier | None = None,
    ) -> None:
        super().__init__(ctx, detail, direction)
        self.meeting = meeting
        self.reason = reason
        self.tier = tier

    def on_mount(self) -> None:
        # Runs before the form's own (which then shows the committee field if the tier asks).
        if self.tier is not None and self.tier in self.tiers():
            self.query_one("#tier", Select).value = self.tier.value
        self.query_one("#reason", Input).value = self.reason
        self.query_one("#decided-on", Input).value = fmt_date(self.meeting[1])

    def _offer(self, loaded: Destinations) -> None:
        super()._offer(loaded)
        committee, held = self.meeting
        value = f"{committee}|{held.isoformat()}"
        if any(v == value for _, v in loaded.meetings):  # only meetings already held
            self.query_one("#meeting", Select).value = value


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
        committee, held, comments = self.committee, self.meeting_date, self.text("comments")
        to_board = self.outcome == ReviewOutcome.ESCALATED_TO_BOARD
        carry_on = super()._saved

        def read() -> tuple[RiskDetail, str]:
            names = {c.key or c.name: c.name for c in queries.committees(ctx)}
            return risk_detail(ctx, reference), names.get(committee, committee)

        def escalate(found: tuple[RiskDetail, str]) -> None:
            detail, name = found
            decided = f"{'Escalated to the Board' if to_board else 'De-escalated'} by the {name}"
            reason = f"{decided}: {comments.strip()}" if comments.strip() else decided
            form = EscalateFromReview(
                ctx,
                detail,
                direction,
                meeting=(committee, held),
                reason=reason,
                tier=Tier.BOARD if to_board else None,
            )
            self.app.push_screen(form, lambda _done: carry_on(result))

        def answered(yes: bool | None) -> None:
            if not yes:
                carry_on(result)
                return
            call_service(self, read, escalate, group="detail")

        self.app.push_screen(
            ConfirmScreen(
                f"Review of {reference} recorded",
                f"The committee {verb} {reference}. Record the "
                f"{'escalation' if verb == 'escalated' else 'de-escalation'} on the register now?",
                yes="Yes, now",
            ),
            answered,
        )
