"""Committees and their meetings; at a meeting, the risks the committee leads on, reviewed in
turn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList
from textual.widgets.option_list import Option

from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.meeting_reviews import ReviewAtMeeting, reviews_at
from bct_risk.services.register_rows import RiskFilter, RiskRow
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.colours import palette
from bct_risk.tui.format import escape, fmt_date
from bct_risk.tui.services import call_service


@dataclass(frozen=True)
class MeetingPack:
    """The risks a committee oversees, and what it recorded about each at a meeting."""

    committee: str
    meeting_date: date
    risks: list[RiskRow]
    reviews: dict[str, ReviewAtMeeting]


class CommitteesScreen(Screen[None]):
    """Pick a committee, then a meeting; record the committee's review of each risk."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("record_review", "r", "Review", "Record the committee's review of the risk"),
        UserAction("open_risk", "o", "Open risk", "Open the highlighted risk"),
        UserAction(
            "pack", "p", "Pack", "Preview the committee's pack for the meeting, and save it"
        ),
        UserAction("back", "escape", "Back", "Back to the register"),
    )
    BINDINGS = bindings(ACTIONS)
    AUTO_FOCUS = "#committee-list"

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.committee_keys: list[str] = []
        self.committee_names: dict[str, str] = {}
        self.meeting_dates: list[date] = []
        self.pack: MeetingPack | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Only the changes the acting person may make are offered.
        from bct_risk.tui.offered import offer

        return offer(self, "committees", action)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="committee-body"):
            with Vertical(id="committee-side"):
                yield Label("Committees", classes="section-title")
                yield OptionList(id="committee-list")
                yield Label("Meetings", classes="section-title")
                yield OptionList(id="meeting-list")
            with Vertical(id="meeting-risks"):
                yield Label("Choose a meeting", id="meeting-title", classes="section-title")
                yield OptionList(id="meeting-risk-list")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Committees"
        call_service(
            self,
            lambda: [(c.key or c.name, c.name) for c in queries.committees(self.ctx)],
            self._committees,
            group="committees",
        )

    def on_screen_resume(self) -> None:
        if self.pack is not None:
            self._load_pack(self.pack.committee, self.pack.meeting_date)

    def _committees(self, bodies: list[tuple[str, str]]) -> None:
        self.committee_keys = [key for key, _ in bodies]
        self.committee_names = dict(bodies)
        listing = self.query_one("#committee-list", OptionList)
        listing.clear_options()
        listing.add_options(Option(escape(name)) for _, name in bodies)
        if bodies:
            listing.highlighted = 0

    @on(OptionList.OptionHighlighted, "#committee-list")
    @on(OptionList.OptionSelected, "#committee-list")
    def _committee(self, event: OptionList.OptionHighlighted | OptionList.OptionSelected) -> None:
        key = self.committee_keys[event.option_index]
        focus = isinstance(event, OptionList.OptionSelected)
        call_service(
            self,
            lambda: [m.meeting_date for m in queries.meetings_of(self.ctx, key)],
            lambda dates: self._meetings(dates, focus),
            group="meetings",
        )

    def _meetings(self, dates: list[date], focus: bool) -> None:
        # Newest first: the secretariat works on the latest meeting.
        self.meeting_dates = list(reversed(dates))
        today = self.ctx.today()
        listing = self.query_one("#meeting-list", OptionList)
        listing.clear_options()
        listing.add_options(
            Option(fmt_date(d) + ("  (to come)" if d > today else "")) for d in self.meeting_dates
        )
        if self.meeting_dates:
            # The latest meeting held so far: the one a secretariat is writing up.
            held = [i for i, d in enumerate(self.meeting_dates) if d <= today]
            listing.highlighted = held[0] if held else 0
        if focus and self.meeting_dates:
            listing.focus()

    @property
    def committee(self) -> str | None:
        """The key of the highlighted committee."""
        index = self.query_one("#committee-list", OptionList).highlighted
        return self.committee_keys[index] if index is not None else None

    @on(OptionList.OptionSelected, "#meeting-list")
    def _meeting(self, event: OptionList.OptionSelected) -> None:
        if self.committee is not None:
            self._load_pack(self.committee, self.meeting_dates[event.option_index], focus=True)

    def _load_pack(self, committee: str, held: date, focus: bool = False) -> None:
        def load() -> MeetingPack:
            risks = queries.list_risks(self.ctx, RiskFilter(committee=committee))
            return MeetingPack(committee, held, risks, reviews_at(self.ctx, committee, held))

        call_service(self, load, lambda pack: self._show_pack(pack, focus), group="pack")

    def _show_pack(self, pack: MeetingPack, focus: bool) -> None:
        listing = self.query_one("#meeting-risk-list", OptionList)
        keep = listing.highlighted
        self.pack = pack
        colours = palette(self.app)
        name = self.committee_names.get(pack.committee, pack.committee)
        done = sum(1 for r in pack.risks if r.reference in pack.reviews)
        self.query_one("#meeting-title", Label).update(
            f"{escape(name)}, {fmt_date(pack.meeting_date)}: {done} of {len(pack.risks)} reviewed"
        )
        options = []
        for row in pack.risks:
            review = pack.reviews.get(row.reference)
            recorded = (
                f"{review.outcome}"
                + (f", {review.assurance.lower()} assurance" if review.assurance else "")
                if review
                else "[i]not yet reviewed[/i]"
            )
            options.append(
                Option(
                    f"{escape(row.reference)} {escape(row.title)} "
                    f"{colours.score(self.ctx.matrix, row.current)} "
                    f"{colours.direction(row.direction)}\n  {recorded}"
                )
            )
        listing.clear_options()
        listing.add_options(options)
        if options:
            listing.highlighted = min(keep or 0, len(options) - 1)
        if focus:
            listing.focus()

    @property
    def current_risk(self) -> RiskRow | None:
        """The highlighted risk at the meeting."""
        index = self.query_one("#meeting-risk-list", OptionList).highlighted
        if self.pack is None or index is None or index >= len(self.pack.risks):
            return None
        return self.pack.risks[index]

    @on(OptionList.OptionSelected, "#meeting-risk-list")
    def _risk_chosen(self) -> None:
        from bct_risk.tui.offered import explain_action

        if not explain_action(self, "record_review"):  # a viewer is told why, not given a form
            self.action_record_review()

    def action_record_review(self) -> None:
        """Record the committee's review of the highlighted risk; then offer the next."""
        from bct_risk.tui.screens.review import ReviewScreen

        row, pack = self.current_risk, self.pack
        if row is None or pack is None:
            self.app.notify("Choose a meeting and a risk first", severity="warning")
            return
        listing = self.query_one("#meeting-risk-list", OptionList)
        existing = pack.reviews.get(row.reference)

        def next_one(saved: bool | None) -> None:
            if not saved:
                return
            # The pack was read before these reviews: count the ones saved since as well.
            reviewed = self.__dict__.setdefault("_reviewed_since", {})
            done = reviewed.setdefault((pack.committee, pack.meeting_date), set())
            done.add(row.reference)
            index = listing.highlighted or 0
            waiting = [
                i
                for i, r in enumerate(pack.risks)
                if r.reference not in pack.reviews and r.reference not in done
            ]
            if not waiting:
                self.app.notify("Every risk at this meeting has a review", title="Done")
                return
            # The next risk without a review, after this one (else the first of them).
            listing.highlighted = next((i for i in waiting if i > index), waiting[0])
            self.action_record_review()

        self.app.push_screen(
            ReviewScreen(self.ctx, row, pack.committee, pack.meeting_date, existing), next_one
        )

    def action_open_risk(self) -> None:
        """Open the highlighted risk."""
        from bct_risk.tui.screens.detail import DetailScreen

        row = self.current_risk
        if row is not None:
            self.app.push_screen(DetailScreen(self.ctx, row.reference))

    def action_pack(self) -> None:
        """The pack for the highlighted meeting, to preview and save."""
        from bct_risk.tui.screens.paper import PaperScreen, pack_source

        # The meeting list always holds the highlighted committee's meetings, and its highlight
        # is the meeting whose risks are shown once one is chosen.
        index = self.query_one("#meeting-list", OptionList).highlighted
        committee = self.committee
        if committee is None or index is None or index >= len(self.meeting_dates):
            self.app.notify("Choose a committee and a meeting first", severity="warning")
            return
        held = self.meeting_dates[index]
        self.app.push_screen(PaperScreen(self.ctx, pack_source(self.ctx, committee, held)))

    def action_back(self) -> None:
        """Back to the register."""
        self.app.pop_screen()
