"""Escalate or de-escalate a risk: where it goes, why, and the route it has travelled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
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
from bct_risk.tui.widgets.form import (
    MEETING_PROMPT,
    OneRiskForm,
    field,
    meeting_choices,
    meeting_of,
)


@dataclass(frozen=True)
class Destinations:
    """What the form offers, loaded off the UI thread."""

    committees: list[tuple[str, str]]
    """(name, name) of each Board committee a risk on the committee register can be led by."""
    meetings: list[tuple[str, str]]
    """The meetings held by today, newest first (see ``form.meeting_choices``)."""


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
    """Choose the register tier (and, for the committee register, the committee), the reason,
    the date and the meeting that decided; the move is recorded with who and when.

    The tiers are offered in their order up the route (operational, strategic, committee,
    board), only those above the risk's tier when escalating and below it when de-escalating.
    """

    DEFAULT_CSS = """
    EscalateScreen #committee-field { height: auto; }
    """

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "to": "tier",
        "committee": "committee",
        "reason": "reason",
        "decided_on": "decided-on",
        "decision date": "decided-on",
        "meeting": "meeting",
    }

    def __init__(self, ctx: Context, detail: RiskDetail, direction: EscalationDirection) -> None:
        super().__init__()
        self.ctx = ctx
        self.detail: RiskDetail = detail
        self.direction = direction
        verb = "Escalate" if direction == EscalationDirection.ESCALATE else "De-escalate"
        self.title_text = f"{verb} {detail.row.reference} {detail.row.title}"

    led_by = ""
    """The committee chosen to lead the risk on the committee register, once saved."""

    def tiers(self) -> list[Tier]:
        """The tiers the risk can move to this way, in their order up the route."""
        here = self.detail.row.tier
        up = self.direction == EscalationDirection.ESCALATE
        return [t for t in Tier if (t.rank > here.rank if up else t.rank < here.rank)]

    def fields(self) -> ComposeResult:
        yield Static(route(self.detail), id="route", classes="route")
        tiers = self.tiers()
        here = self.detail.row.tier.label.lower()
        up = self.direction == EscalationDirection.ESCALATE
        none_left = f"None: the {here} register is the {'top' if up else 'lowest'} tier"
        yield from field(
            "To the register of tier",
            Select(
                [(f"{t.label} register", t.value) for t in tiers],
                value=tiers[0].value if len(tiers) == 1 else Select.NULL,
                prompt="Choose the tier" if tiers else none_left,
                id="tier",
            ),
        )
        lead = self.detail.row.lead_committee
        with Vertical(id="committee-field"):
            yield from field(
                "Lead committee on the committee register",
                Select(
                    [],
                    prompt=f"Keep the lead committee ({lead})" if lead else "Choose a committee",
                    id="committee",
                ),
            )
        yield from field("Reason (required)", Input(id="reason"))
        yield from field("Decided on", Input(fmt_date(self.ctx.today()), id="decided-on"))
        yield from field(
            "At the meeting (optional)", Select([], prompt=MEETING_PROMPT, id="meeting")
        )

    def on_mount(self) -> None:
        self._show_committee()
        self.query_one("#tier", Select).focus()
        ctx = self.ctx

        def load() -> Destinations:
            bodies = [
                (c.name, c.name)
                for c in queries.committees(ctx)
                if c.kind == CommitteeKind.BOARD_COMMITTEE
            ]
            return Destinations(bodies, meeting_choices(ctx))

        call_service(self, load, self._offer, group="choices")

    def _offer(self, loaded: Destinations) -> None:
        self.query_one("#committee", Select).set_options(loaded.committees)
        self.query_one("#meeting", Select).set_options(loaded.meetings)

    @on(Select.Changed, "#tier")
    def _tier_chosen(self) -> None:
        self._show_committee()

    def _show_committee(self) -> None:
        """The committee is asked for only when the risk goes to the committee register."""
        self.query_one("#committee-field").display = self.choice("tier") == Tier.COMMITTEE.value

    @on(Select.Changed, "#meeting")
    def _meeting_chosen(self) -> None:
        """A move decided at a meeting is dated by it, unless a date was typed."""
        meeting = meeting_of(self.choice("meeting"))
        box = self.query_one("#decided-on", Input)
        if meeting is not None and box.value == fmt_date(self.ctx.today()):
            box.value = fmt_date(meeting[1])

    def build(self) -> Callable[[], Escalation]:
        tier = self.choice("tier")
        if tier is None:
            raise ValidationError("choose the tier the risk goes to", field="to")
        committee = self.choice("committee") if tier == Tier.COMMITTEE.value else None
        to = str(committee or tier)
        self.led_by = str(committee) if committee else ""
        reason = self.text("reason")
        when = self.date_of("decided-on", "decision date")
        meeting = meeting_of(self.choice("meeting"))
        ref, version, direction = self.detail.row.reference, self.detail.version, self.direction

        def save() -> Escalation:
            return move_risk(
                self.ctx,
                ref,
                to=to,
                reason=reason,
                direction=direction,
                decided_on=when,
                meeting=meeting,
                expected_version=version,
            )

        return save

    def done_message(self, result: Any) -> str:
        assert isinstance(result, Escalation)
        where = f"{self.detail.row.reference} moved to the {result.to_tier.label.lower()} register"
        return f"{where}, led by the {self.led_by}" if self.led_by else where
