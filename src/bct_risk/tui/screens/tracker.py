"""The action tracker: actions raised at meetings, grouped by meeting or owner, with updates."""

from __future__ import annotations

from itertools import groupby
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from bct_risk.domain.enums import ActionKind
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.queries import ActionFilter, ActionView
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.colours import palette
from bct_risk.tui.format import escape, fmt_date
from bct_risk.tui.services import call_service


def meeting_of(action: ActionView) -> str:
    """The meeting an action was raised at, as a heading."""
    if action.meeting_date is None:
        return "No meeting"
    return f"{action.committee} {fmt_date(action.meeting_date)}"


class TrackerScreen(Screen[None]):
    """Tracker items, status and overdue marked; add updates, complete, link, raise."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("add_update", "u", "Update", "Add a dated update to the action"),
        UserAction("complete", "c", "Complete", "Mark the action complete"),
        UserAction("link_risk", "l", "Link risk", "Link the action to a risk (or unlink it)"),
        UserAction("raise_action", "n", "New", "Raise a new action at a meeting"),
        UserAction("toggle_group", "g", "Group", "Group by meeting or by owner"),
        UserAction("toggle_overdue", "v", "Overdue", "Only overdue actions (toggle)"),
        UserAction("toggle_closed", "a", "All", "Show complete and cancelled actions too"),
        UserAction("back", "escape", "Back", "Back to the register"),
    )
    BINDINGS = bindings(ACTIONS)
    AUTO_FOCUS = "#tracker-list"

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.by_owner = False
        self.overdue_only = False
        self.include_closed = False
        self.actions: dict[int, ActionView] = {}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Only the changes the acting person may make to the highlighted action are offered.
        from textual.css.query import NoMatches

        from bct_risk.tui.offered import offer

        try:
            item = self.actions.get(self.current or 0)
        except NoMatches:  # not composed yet
            item = None
        return offer(self, "tracker", action, item=item)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="tracker-state")
        with Horizontal(id="tracker-body"):
            yield OptionList(id="tracker-list")
            with VerticalScroll(id="tracker-detail"):
                yield Static(id="tracker-action")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Action tracker"
        self.reload()

    def on_screen_resume(self) -> None:
        if self.actions:
            self.reload()

    def reload(self) -> None:
        """Load the actions, off the UI thread."""
        flt = ActionFilter(
            kind=ActionKind.TRACKER,
            overdue_only=self.overdue_only,
            include_closed=self.include_closed,
        )
        call_service(self, lambda: queries.list_actions(self.ctx, flt), self._show, group="tracker")

    def _show(self, actions: list[ActionView]) -> None:
        listing = self.query_one("#tracker-list", OptionList)
        keep = self.current
        self.actions = {a.id: a for a in actions}
        colours = palette(self.app)
        if self.by_owner:
            ordered = sorted(actions, key=lambda a: (a.owner or "~", a.raised_on, a.id))
            heading = lambda a: a.owner or "No owner"  # noqa: E731
        else:
            ordered = sorted(
                actions, key=lambda a: (a.meeting_date or a.raised_on, a.committee, a.id)
            )
            heading = meeting_of
        options: list[Option] = []
        for title, items in groupby(ordered, key=heading):
            options.append(Option(Text(title, style="bold underline"), disabled=True))
            for a in items:
                marker = colours.alert_text("OVERDUE") if a.overdue else a.status.label
                due = f"due {fmt_date(a.due_date)}" if a.due_date else "no due date"
                linked = f" [{a.risk_reference}]" if a.risk_reference else ""
                options.append(
                    Option(
                        f"#{a.id} {marker} · {due}{escape(linked)}\n  {escape(a.description)}",
                        id=f"action-{a.id}",
                    )
                )
        listing.clear_options()
        listing.add_options(options)
        ids = [o.id for o in options]
        target = f"action-{keep}" if keep else next((i for i in ids if i), None)
        if target in ids:
            listing.highlighted = ids.index(target)
        overdue = sum(1 for a in actions if a.overdue)
        what = "all actions" if self.include_closed else "live actions"
        if self.overdue_only:
            what = "overdue actions"
        group = "owner" if self.by_owner else "meeting"
        self.query_one("#tracker-state", Static).update(
            f"[b]{len(actions)} {what}[/b] · {overdue} overdue · grouped by {group}"
        )
        self._detail()

    @property
    def current(self) -> int | None:
        """The number of the highlighted action."""
        listing = self.query_one("#tracker-list", OptionList)
        if listing.highlighted is None:
            return None
        option_id = listing.get_option_at_index(listing.highlighted).id
        return int(option_id.split("-")[1]) if option_id else None

    @on(OptionList.OptionHighlighted, "#tracker-list")
    def _highlighted(self) -> None:
        self._detail()
        self.refresh_bindings()  # what is offered depends on whose action it is

    def _detail(self) -> None:
        action = self.actions.get(self.current or 0)
        panel = self.query_one("#tracker-action", Static)
        if action is None:
            panel.update("No action chosen.")
            return
        colours = palette(self.app)
        facts = Table(box=None, show_header=False, expand=True)
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column(overflow="fold")
        status = action.status.label
        if action.overdue:
            status = colours.alert_text(f"{status}, overdue")
        facts.add_row("Action", f"#{action.id} {escape(action.description)}")
        facts.add_row("Meeting", escape(meeting_of(action)))
        facts.add_row("Agenda item", escape(action.agenda_item))
        facts.add_row("Owner", escape(action.owner))
        facts.add_row("Due", fmt_date(action.due_date) or "no due date")
        facts.add_row("Status", status)
        if action.completed_on:
            facts.add_row("Completed", fmt_date(action.completed_on))
        facts.add_row("Risk", escape(action.risk_reference) or "not linked")
        updates = Table(box=None, expand=True, header_style="bold")
        updates.add_column("Date", no_wrap=True)
        updates.add_column("Update", overflow="fold")
        updates.add_column("By")
        for u in action.updates:
            updates.add_row(fmt_date(u.update_date), escape(u.text), escape(u.author))
        body = updates if action.updates else Text("No updates yet.", style="italic")
        panel.update(Group(facts, Text(""), Text("Updates", style="bold underline"), body))

    # -- actions ----------------------------------------------------------------------------

    def _chosen(self) -> ActionView | None:
        action = self.actions.get(self.current or 0)
        if action is None:
            self.app.notify("Choose an action first", severity="warning")
        return action

    def _after(self, changed: bool | None) -> None:
        if changed:
            self.reload()

    def action_add_update(self) -> None:
        """Append a dated update."""
        from bct_risk.tui.screens.action_forms import UpdateScreen

        action = self._chosen()
        if action:
            self.app.push_screen(UpdateScreen(self.ctx, action), self._after)

    def action_complete(self) -> None:
        """Complete the action."""
        from bct_risk.tui.screens.action_forms import CompleteScreen

        action = self._chosen()
        if action:
            self.app.push_screen(CompleteScreen(self.ctx, action), self._after)

    def action_link_risk(self) -> None:
        """Link the action to a risk."""
        from bct_risk.tui.screens.action_forms import LinkScreen

        action = self._chosen()
        if action:
            self.app.push_screen(LinkScreen(self.ctx, action), self._after)

    def action_raise_action(self) -> None:
        """Raise a new action at a meeting."""
        from bct_risk.tui.screens.action_forms import RaiseScreen

        self.app.push_screen(RaiseScreen(self.ctx), self._after)

    def action_toggle_group(self) -> None:
        """By meeting or by owner."""
        self.by_owner = not self.by_owner
        self.reload()

    def action_toggle_overdue(self) -> None:
        """Only overdue actions, or all."""
        self.overdue_only = not self.overdue_only
        self.reload()

    def action_toggle_closed(self) -> None:
        """Complete and cancelled actions too, or only live ones."""
        self.include_closed = not self.include_closed
        self.reload()

    def action_back(self) -> None:
        """Back to the register."""
        self.app.pop_screen()
