"""Committees and their meetings; at a meeting, the risks the committee leads on, reviewed in
turn. A meeting is added here as ``bct-risk meetings add`` adds it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import Meeting
from bct_risk.services import queries
from bct_risk.services.as_at import register_as_at
from bct_risk.services.committees import add_meeting
from bct_risk.services.context import Context
from bct_risk.services.meeting_reviews import ReviewAtMeeting, reviews_at
from bct_risk.services.pack import meeting_cut_off
from bct_risk.services.register_rows import RiskFilter, RiskRow
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.colours import palette
from bct_risk.tui.format import escape, fmt_date
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import FormScreen, field


@dataclass(frozen=True)
class MeetingPack:
    """The risks a committee oversees, and what it recorded about each at a meeting."""

    committee: str
    meeting_date: date
    risks: list[RiskRow]
    reviews: dict[str, ReviewAtMeeting]

    @property
    def waiting(self) -> list[int]:
        """The positions of the risks still without a review at the meeting."""
        return [i for i, r in enumerate(self.risks) if r.reference not in self.reviews]


def read_pack(ctx: Context, committee: str, held: date) -> MeetingPack:
    """The committee's risks as they stood at the meeting's cut-off, as its pack reads them
    (today's, for a meeting whose cut-off is still to come), and its reviews at the meeting as
    recorded now (work for a thread)."""
    flt = RiskFilter(committee=committee)
    day = meeting_cut_off(ctx, committee, held)
    risks = register_as_at(ctx, day, flt) if day < ctx.today() else queries.list_risks(ctx, flt)
    return MeetingPack(committee, held, risks, reviews_at(ctx, committee, held))


class MeetingFormScreen(FormScreen):
    """Add a meeting of a committee: its date and title (what ``bct-risk meetings add`` takes)."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "committee": "meeting-committee",
        "meeting date": "meeting-date",
        "meeting title": "meeting-title-field",
    }

    def __init__(self, ctx: Context, bodies: list[tuple[str, str]], committee: str | None) -> None:
        super().__init__()
        self.ctx = ctx
        self.bodies = bodies
        """(key, name) of every committee, as the committees list shows them."""
        self.committee = committee
        self.added: tuple[str, date] | None = None
        """The committee (key) and date of the meeting saved."""
        self.title_text = "Add a meeting"

    def fields(self) -> ComposeResult:
        keys = {key for key, _ in self.bodies}
        yield from field(
            "Committee (required)",
            Select(
                [(name, key) for key, name in self.bodies],
                value=self.committee if self.committee in keys else Select.NULL,
                prompt="Choose the committee",
                id="meeting-committee",
            ),
        )
        yield from field(
            "Date (required), e.g. 2027-03-11 or 11 Mar 2027",
            Input(id="meeting-date", placeholder="2027-03-11"),
        )
        yield from field("Title (blank: the committee's name)", Input(id="meeting-title-field"))

    def on_mount(self) -> None:
        self.query_one("#meeting-date", Input).focus()

    def build(self) -> Callable[[], Meeting]:
        committee = self.choice("meeting-committee")
        if committee is None:
            raise ValidationError("choose the committee that meets", field="committee")
        held = self.date_of("meeting-date", "meeting date")
        if held is None:
            raise ValidationError("give the date of the meeting", field="meeting date")
        title, ctx = self.text("meeting-title-field"), self.ctx
        return lambda: add_meeting(ctx, str(committee), held, title)

    def _saved(self, result: object) -> None:
        assert isinstance(result, Meeting)
        self.added = (str(self.choice("meeting-committee")), result.meeting_date)
        super()._saved(result)

    def done_message(self, result: object) -> str:
        assert isinstance(result, Meeting)
        name = dict(self.bodies).get(str(self.choice("meeting-committee")), "committee")
        return f"Meeting of the {name} on {fmt_date(result.meeting_date)} added"


class CommitteesScreen(Screen[None]):
    """Pick a committee, then a meeting; record the committee's review of each risk."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("record_review", "r", "Review", "Record the committee's review of the risk"),
        UserAction("open_risk", "o", "Open risk", "Open the highlighted risk"),
        UserAction(
            "pack", "p", "Pack", "Preview the committee's pack for the meeting, and save it"
        ),
        UserAction("add_meeting", "m", "Meeting", "Add a meeting of the highlighted committee"),
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
        self.just_added: date | None = None
        """A meeting added from this screen, highlighted once its committee's meetings load."""

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
        self._load_meetings(key, focus=isinstance(event, OptionList.OptionSelected))

    def _load_meetings(self, key: str, focus: bool = False) -> None:
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
            added, self.just_added = self.just_added, None
            if added in self.meeting_dates:  # a meeting just added: highlighted, to choose
                listing.highlighted = self.meeting_dates.index(added)
                focus = True
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
        ctx = self.ctx
        call_service(
            self,
            lambda: read_pack(ctx, committee, held),
            lambda pack: self._show_pack(pack, focus),
            group="pack",
        )

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
        existing = pack.reviews.get(row.reference)

        def next_one(saved: bool | None) -> None:
            if saved:
                # Read again: "done" is what the register records, whoever recorded it.
                ctx = self.ctx
                call_service(
                    self,
                    lambda: read_pack(ctx, pack.committee, pack.meeting_date),
                    lambda fresh: self._after_review(fresh, row.reference),
                    group="next-review",
                )

        self.app.push_screen(
            ReviewScreen(self.ctx, row, pack.committee, pack.meeting_date, existing), next_one
        )

    def _after_review(self, pack: MeetingPack, reviewed: str) -> None:
        """After a review is saved: the meeting as recorded now, then the next risk without a
        review (after the one reviewed, else the first), or word that every risk has one."""
        self._show_pack(pack, focus=False)
        waiting = pack.waiting
        if not waiting:
            self.app.notify("Every risk at this meeting has a review", title="Done")
            return
        references = [r.reference for r in pack.risks]
        index = references.index(reviewed) if reviewed in references else -1
        listing = self.query_one("#meeting-risk-list", OptionList)
        listing.highlighted = next((i for i in waiting if i > index), waiting[0])
        self.action_record_review()

    def action_add_meeting(self) -> None:
        """Add a meeting of the highlighted committee (another can be chosen on the form)."""
        if not self.committee_keys:
            self.app.notify("The committees are still loading", severity="warning")
            return
        bodies = [(key, self.committee_names[key]) for key in self.committee_keys]
        form = MeetingFormScreen(self.ctx, bodies, self.committee)

        def added(saved: bool | None) -> None:
            if not saved or form.added is None:
                return
            key, held = form.added
            self.just_added = held
            committees = self.query_one("#committee-list", OptionList)
            position = self.committee_keys.index(key) if key in self.committee_keys else None
            if position is not None and committees.highlighted != position:
                committees.highlighted = position  # its meetings load, the new one highlighted
            else:
                self._load_meetings(key, focus=True)

        self.app.push_screen(form, added)

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
