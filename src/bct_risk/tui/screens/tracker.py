"""The action tracker: further actions on risks and actions raised at meetings, in one list.

Grouped by meeting, owner or risk; filtered by committee, owner, risk and status; overdue
marked and counted by the rule the command line and the committee pack use
(:func:`bct_risk.domain.scoring.action_overdue`, through
:func:`bct_risk.services.queries.list_actions`). Each change (a note, a new status, due date
or owner) goes through the action services, version-checked and audited.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
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

from bct_risk.domain.enums import ActionKind, ActionStatus
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.queries import ActionFilter, ActionView
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.colours import palette
from bct_risk.tui.format import escape, fmt_date
from bct_risk.tui.services import call_service

STATUS_CHOICES: list[tuple[str, str]] = [
    ("Live: open or in progress", "live"),
    ("Open", ActionStatus.OPEN.value),
    ("In progress", ActionStatus.IN_PROGRESS.value),
    ("Complete", ActionStatus.COMPLETE.value),
    ("Cancelled", ActionStatus.CANCELLED.value),
    ("Every status", "all"),
]
"""The tracker's status filter: (label, value)."""

GROUPS = ("meeting", "owner", "risk")
"""How the list is grouped, in the order ``g`` steps through them."""


@dataclass(frozen=True)
class TrackerFilter:
    """Which actions the tracker shows, and how it groups them."""

    committee: str = ""
    """A committee's key (or name): its tracker actions and the further actions on its risks."""
    committee_label: str = ""
    owner: str = ""
    """An owner's name."""
    risk: str = ""
    """A risk's reference: the actions on it or linked to it."""
    status: str = "live"
    """A value of :data:`STATUS_CHOICES`."""
    group: str = "meeting"
    overdue_only: bool = False

    def query(self) -> ActionFilter:
        """The services' filter for it."""
        status = None if self.status in ("live", "all") else ActionStatus(self.status)
        return ActionFilter(
            committee=self.committee,
            owner=self.owner,
            risk=self.risk,
            overdue_only=self.overdue_only,
            include_closed=self.status != "live",
            status=status,
        )

    def words(self) -> str:
        """What it shows, for the line above the list."""
        status = dict((v, k) for k, v in STATUS_CHOICES)[self.status]
        parts = ["overdue" if self.overdue_only else status.split(":")[0].lower()]
        parts.append(self.committee_label or self.committee or "every committee")
        if self.owner:
            parts.append(f"owner {self.owner}")
        if self.risk:
            parts.append(f"risk {self.risk}")
        return " · ".join(parts)


def meeting_of(action: ActionView) -> str:
    """The meeting an action was raised at, as a heading."""
    if action.meeting_date is None:
        return "No meeting"
    return f"{action.committee} {fmt_date(action.meeting_date)}"


def where_raised(action: ActionView) -> str:
    """Where an action comes from: its risk (a further action) or its meeting."""
    if action.kind == ActionKind.FURTHER_ACTION:
        return f"Further action on {action.risk_reference}"
    return meeting_of(action)


FURTHER_HEADING = "Further actions on risks"


def _heading(group: str, action: ActionView) -> str:
    if group == "owner":
        return action.owner or "No owner"
    if group == "risk":
        return action.risk_reference or "Not linked to a risk"
    if action.kind == ActionKind.FURTHER_ACTION:
        return FURTHER_HEADING
    return meeting_of(action)


def _group_order(group: str, action: ActionView) -> tuple[object, ...]:
    """Groups: meetings newest first (the latest meeting's actions before older leftovers),
    then the further actions on risks; owners and risks by name (none last)."""
    if group == "owner":
        return (action.owner == "", action.owner.lower())
    if group == "risk":
        return (action.risk_reference == "", len(action.risk_reference), action.risk_reference)
    if action.kind == ActionKind.FURTHER_ACTION:
        return (1, 0, "")
    held = action.meeting_date or action.raised_on
    return (0, -held.toordinal(), action.committee)


def _item_order(action: ActionView) -> tuple[object, ...]:
    """Within a group: overdue first, then by due date (none last), then number."""
    return (not action.overdue, action.due_date or date.max, action.id)


class TrackerScreen(Screen[None]):
    """Further actions and tracker actions: status, due date, owner; overdue marked."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("add_update", "u", "Update", "Add a dated update to the action"),
        UserAction(
            "change_status", "s", "Status", "In progress, complete, cancel or reopen the action"
        ),
        UserAction("change_due", "d", "Due", "Give the action a new due date"),
        UserAction("change_owner", "o", "Owner", "Give the action a new owner"),
        UserAction("filter", "f", "Filter", "Filter by committee, owner, risk and status"),
        UserAction("toggle_group", "g", "Group", "Group by meeting, owner or risk"),
        UserAction("toggle_overdue", "v", "Overdue", "Only overdue actions (toggle)"),
        UserAction("raise_action", "n", "New", "Raise a new action at a meeting"),
        UserAction("complete", "c", "Complete", "Mark the action complete", show=False),
        UserAction(
            "link_risk", "l", "Link risk", "Link the action to a risk (or unlink it)", show=False
        ),
        UserAction(
            "toggle_closed", "a", "All", "Every status, or live actions only (toggle)", show=False
        ),
        UserAction("back", "escape", "Back", "Back to the register"),
    )
    BINDINGS = bindings(ACTIONS)
    AUTO_FOCUS = "#tracker-list"
    DEFAULT_CSS = """
    TrackerScreen #tracker-list {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.filter = TrackerFilter()
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
        flt = self.filter.query()
        call_service(self, lambda: queries.list_actions(self.ctx, flt), self._show, group="tracker")

    def _show(self, actions: list[ActionView]) -> None:
        listing = self.query_one("#tracker-list", OptionList)
        keep = self.current
        self.actions = {a.id: a for a in actions}
        colours = palette(self.app)
        group = self.filter.group
        ordered = sorted(actions, key=lambda a: (_group_order(group, a), _item_order(a)))
        options: list[Option] = []
        for title, items in groupby(ordered, key=lambda a: _heading(group, a)):
            options.append(Option(Text(title, style="bold underline"), disabled=True))
            for a in items:
                # Two lines an action, cut short with an ellipsis (the detail shows it all):
                # the list stays scannable at 80 columns.
                risk, meeting = self._where(a)
                line = Text(f"#{a.id}{risk} ")
                if a.overdue:
                    line.append("OVERDUE", style=f"bold {colours.alert}")
                else:
                    line.append(a.status.label)
                due = f"due {fmt_date(a.due_date)}" if a.due_date else "no due date"
                line.append(f" · {due}{meeting}\n  {a.description}")
                options.append(Option(line, id=f"action-{a.id}"))
        listing.clear_options()
        listing.add_options(options)
        ids = [o.id for o in options]
        target = f"action-{keep}" if keep else None
        if target is None or target not in ids:
            target = next((i for i in ids if i), None)
        if target is not None:
            listing.highlighted = ids.index(target)
        overdue = sum(1 for a in actions if a.overdue)
        self.query_one("#tracker-state", Static).update(
            f"[b]{len(actions)} shown[/b] · {overdue} overdue · {escape(self.filter.words())} · "
            f"grouped by {group}"
        )
        self._detail()
        self.refresh_bindings()

    def _where(self, action: ActionView) -> tuple[str, str]:
        """What a line adds to its heading: the risk (short, first) and the meeting (last)."""
        group = self.filter.group
        if action.kind == ActionKind.FURTHER_ACTION:
            return (
                ("", " · further action") if group == "risk" else (f" {action.risk_reference}", "")
            )
        risk = f" [{action.risk_reference}]" if action.risk_reference and group != "risk" else ""
        return risk, "" if group == "meeting" else f" · {meeting_of(action)}"

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
            panel.update("No action chosen." if self.actions else "No action matches the filter.")
            return
        colours = palette(self.app)
        facts = Table(box=None, show_header=False, expand=True)
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column(overflow="fold")
        status = action.status.label
        if action.overdue:
            status = colours.alert_text(f"{status}, overdue")
        facts.add_row("Action", f"#{action.id} {escape(action.description)}")
        if action.kind == ActionKind.FURTHER_ACTION:
            facts.add_row("Kind", "Further action on a risk")
            facts.add_row("Raised", fmt_date(action.raised_on))
        else:
            facts.add_row("Meeting", escape(meeting_of(action)))
            facts.add_row("Agenda item", escape(action.agenda_item))
        facts.add_row("Owner", escape(action.owner) or "no owner")
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

    def action_change_status(self) -> None:
        """In progress, complete, cancelled, or reopened."""
        from bct_risk.tui.screens.action_forms import StatusScreen

        action = self._chosen()
        if action:
            self.app.push_screen(StatusScreen(self.ctx, action), self._after)

    def action_change_due(self) -> None:
        """A new due date."""
        from bct_risk.tui.screens.action_forms import DueDateScreen

        action = self._chosen()
        if action:
            self.app.push_screen(DueDateScreen(self.ctx, action), self._after)

    def action_change_owner(self) -> None:
        """A new owner."""
        from bct_risk.tui.screens.action_forms import OwnerScreen

        action = self._chosen()
        if action:
            self.app.push_screen(OwnerScreen(self.ctx, action), self._after)

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

    def action_filter(self) -> None:
        """Choose the committee, owner, risk and status shown."""
        from bct_risk.tui.screens.action_forms import FilterScreen

        def chosen(flt: TrackerFilter | None) -> None:
            if flt is not None:
                self.apply(flt)

        self.app.push_screen(FilterScreen(self.ctx, self.filter), chosen)

    def apply(self, flt: TrackerFilter) -> None:
        """Show the actions ``flt`` chooses."""
        self.filter = flt
        self.reload()

    def action_toggle_group(self) -> None:
        """By meeting, by owner, by risk."""
        group = GROUPS[(GROUPS.index(self.filter.group) + 1) % len(GROUPS)]
        self.apply(replace(self.filter, group=group))

    def action_toggle_overdue(self) -> None:
        """Only overdue actions, or all."""
        self.apply(replace(self.filter, overdue_only=not self.filter.overdue_only))

    def action_toggle_closed(self) -> None:
        """Every status, or only live actions."""
        self.apply(replace(self.filter, status="live" if self.filter.status != "live" else "all"))

    def action_back(self) -> None:
        """Back to the register."""
        self.app.pop_screen()
