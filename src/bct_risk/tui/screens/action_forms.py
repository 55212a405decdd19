"""Forms on the action tracker: add an update, complete, link to a risk, raise a new action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import Action, ActionUpdate
from bct_risk.services import queries
from bct_risk.services.actions import (
    add_update,
    complete_action,
    raise_tracker_action,
    update_action,
)
from bct_risk.services.context import Context
from bct_risk.services.queries import ActionView
from bct_risk.tui.format import escape, fmt_date
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import FormScreen, field


def _about(action: ActionView) -> Static:
    due = f", due {fmt_date(action.due_date)}" if action.due_date else ""
    return Static(
        f"#{action.id} {escape(action.description)}\n{escape(action.owner)}{due} · "
        f"{action.status.label}" + (" · overdue" if action.overdue else ""),
        classes="route",
    )


class UpdateScreen(FormScreen):
    """A dated progress note, appended to the action's updates."""

    FIELD_IDS: ClassVar[dict[str, str]] = {"update": "text"}

    def __init__(self, ctx: Context, action: ActionView) -> None:
        super().__init__()
        self.ctx = ctx
        self.action = action
        self.title_text = f"Update on action #{action.id}"

    def fields(self) -> ComposeResult:
        yield _about(self.action)
        yield from field("Update (required)", Input(id="text"))
        yield from field("Date", Input(fmt_date(self.ctx.today()), id="update-date"))

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    def build(self) -> Callable[[], ActionUpdate]:
        text, when = self.text("text"), self.date_of("update-date", "update date")
        return lambda: add_update(self.ctx, self.action.id, text=text, update_date=when)

    def done_message(self, result: Any) -> str:
        return f"Update added to action #{self.action.id}"


class CompleteScreen(FormScreen):
    """Mark an action complete, with an optional closing update."""

    def __init__(self, ctx: Context, action: ActionView) -> None:
        super().__init__()
        self.ctx = ctx
        self.action = action
        self.title_text = f"Complete action #{action.id}"

    def fields(self) -> ComposeResult:
        yield _about(self.action)
        yield from field("Closing update (optional)", Input(id="note"))

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    def build(self) -> Callable[[], Action]:
        note, version = self.text("note"), self.action.version
        return lambda: complete_action(
            self.ctx, self.action.id, note=note, expected_version=version
        )

    def done_message(self, result: Any) -> str:
        return f"Action #{self.action.id} is complete"


class LinkScreen(FormScreen):
    """Link an action to a risk by its reference; blank unlinks it."""

    FIELD_IDS: ClassVar[dict[str, str]] = {"reference": "reference", "risk": "reference"}

    def __init__(self, ctx: Context, action: ActionView) -> None:
        super().__init__()
        self.ctx = ctx
        self.action = action
        self.title_text = f"Link action #{action.id} to a risk"

    def fields(self) -> ComposeResult:
        yield _about(self.action)
        yield from field(
            "Risk reference (blank to unlink)",
            Input(self.action.risk_reference, placeholder="e.g. SR9", id="reference"),
        )

    def on_mount(self) -> None:
        self.query_one("#reference", Input).focus()

    def build(self) -> Callable[[], Action]:
        ref, version = self.text("reference"), self.action.version
        return lambda: update_action(self.ctx, self.action.id, risk=ref, expected_version=version)

    def done_message(self, result: Any) -> str:
        return (
            f"Action #{self.action.id} linked"
            if self.text("reference").strip()
            else (f"Action #{self.action.id} unlinked")
        )


class RaiseScreen(FormScreen):
    """Raise an action at a committee meeting: agenda item, action, owner, due date, risk."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "committee": "committee",
        "meeting": "meeting",
        "action": "description",
        "owner": "owner",
        "due_date": "due",
        "due date": "due",
        "reference": "risk",
    }

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.title_text = "Raise an action at a meeting"

    def fields(self) -> ComposeResult:
        yield from field("Committee", Select([], prompt="Choose a committee", id="committee"))
        yield from field("Meeting", Select([], prompt="Choose a meeting", id="meeting"))
        yield from field("Agenda item", Input(id="agenda"))
        yield from field("Action (required)", Input(id="description"))
        yield from field("Owner", Select([], prompt="No owner", id="owner"))
        yield from field("Due date", Input(placeholder="e.g. 31 Mar 2027", id="due"))
        yield from field("Risk reference (optional)", Input(placeholder="e.g. SR9", id="risk"))

    def on_mount(self) -> None:
        self.query_one("#committee", Select).focus()

        def load() -> tuple[list[tuple[str, str]], list[str]]:
            bodies = [(c.name, c.key or c.name) for c in queries.committees(self.ctx)]
            return bodies, sorted({p.name for p in queries.people(self.ctx)})

        def offer(loaded: tuple[list[tuple[str, str]], list[str]]) -> None:
            bodies, names = loaded
            self.query_one("#committee", Select).set_options(bodies)
            self.query_one("#owner", Select).set_options([(n, n) for n in names])

        call_service(self, load, offer, group="choices")

    @on(Select.Changed, "#committee")
    def _committee(self, event: Select.Changed) -> None:
        committee = event.value
        if committee is Select.NULL:
            return

        def offer(dates: list[date]) -> None:
            meetings = self.query_one("#meeting", Select)
            meetings.set_options([(fmt_date(d), d.isoformat()) for d in reversed(dates)])

        call_service(
            self,
            lambda: [m.meeting_date for m in queries.meetings_of(self.ctx, str(committee))],
            offer,
            group="meetings",
        )

    def build(self) -> Callable[[], Action]:
        committee, meeting = self.choice("committee"), self.choice("meeting")
        if committee is None:
            raise ValidationError("choose a committee", field="committee")
        if meeting is None:
            raise ValidationError("choose the meeting the action was raised at", field="meeting")
        agenda, text = self.text("agenda"), self.text("description")
        owner, due, risk = self.choice("owner"), self.date_of("due", "due date"), self.text("risk")
        held = date.fromisoformat(str(meeting))
        return lambda: raise_tracker_action(
            self.ctx,
            committee=str(committee),
            meeting_date=held,
            agenda_item=agenda,
            description=text,
            owner=owner,
            due_date=due,
            risk=risk.strip() or None,
        )

    def done_message(self, result: Any) -> str:
        assert isinstance(result, Action)
        return f"Action #{result.id} raised"
