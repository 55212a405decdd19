"""Escalate or de-escalate a risk: where it goes, why, and the route it has travelled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from bct_risk.domain.enums import CommitteeKind, EscalationDirection, Tier
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import Escalation
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.escalation import move_risk
from bct_risk.services.queries import RiskDetail
from bct_risk.tui.format import escape, fmt_date
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import OneRiskForm, field

TRUST_BODIES = (CommitteeKind.BOARD, CommitteeKind.BOARD_COMMITTEE, CommitteeKind.EXECUTIVE)
"""Bodies a risk can be moved to (Council bodies are outside the Trust)."""


def route(detail: RiskDetail) -> str:
    """The route a risk has travelled, oldest move first, ending where it is now."""
    lines = [
        f"{fmt_date(e.decided_on)}  {e.from_tier} → {e.to_committee or e.to_tier}: {e.reason}"
        for e in detail.escalations
    ]
    lines.append(f"Now: {detail.row.tier.label} register, lead committee "
                 f"{detail.row.lead_committee or 'none'}")  # fmt: skip
    return "\n".join(escape(line) for line in lines)


class EscalateScreen(OneRiskForm):
    """Choose the tier or committee and give the reason; the move is recorded with who and when."""

    FIELD_IDS: ClassVar[dict[str, str]] = {"to": "destination", "reason": "reason"}

    def __init__(self, ctx: Context, detail: RiskDetail, direction: EscalationDirection) -> None:
        super().__init__()
        self.ctx = ctx
        self.detail: RiskDetail = detail
        self.direction = direction
        verb = "Escalate" if direction == EscalationDirection.ESCALATE else "De-escalate"
        self.title_text = f"{verb} {detail.row.reference} {detail.row.title}"

    def fields(self) -> ComposeResult:
        yield Static(route(self.detail), id="route", classes="route")
        yield from field(
            "To (tier or committee)",
            Select([], prompt="Choose where the risk goes", id="destination"),
        )
        yield from field("Reason (required)", Input(id="reason"))
        yield from field("Decided on", Input(fmt_date(self.ctx.today()), id="decided-on"))

    def on_mount(self) -> None:
        self.query_one("#destination", Select).focus()
        call_service(self, self._destinations, self._offer, group="choices")

    def _destinations(self) -> list[tuple[str, str]]:
        here = self.detail.row.tier
        up = self.direction == EscalationDirection.ESCALATE
        tiers = [t for t in Tier if (t.rank > here.rank if up else t.rank < here.rank)]
        options = [(f"{t.label} register", t.value) for t in tiers]
        for body in queries.committees(self.ctx):
            if body.kind not in TRUST_BODIES or body.name == self.detail.row.lead_committee:
                continue
            options.append((body.name, body.name))
        return options

    def _offer(self, options: list[tuple[str, str]]) -> None:
        self.query_one("#destination", Select).set_options(options)

    def build(self) -> Callable[[], Escalation]:
        to = self.choice("destination")
        if to is None:
            raise ValidationError("choose where the risk goes", field="to")
        reason = self.text("reason")
        when = self.date_of("decided-on", "decision date")
        ref, version, direction = self.detail.row.reference, self.detail.version, self.direction

        def save() -> Escalation:
            return move_risk(
                self.ctx,
                ref,
                to=str(to),
                reason=reason,
                direction=direction,
                decided_on=when,
                expected_version=version,
            )

        return save

    def done_message(self, result: Any) -> str:
        assert isinstance(result, Escalation)
        return f"{self.detail.row.reference} moved to the {result.to_tier.label.lower()} register"
