"""Forms on the action tracker: add an update, change the status (start, complete, cancel,
reopen), the due date or the owner, link to a risk, raise a new action, and the tracker's
filter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from bct_risk.domain.enums import ActionStatus
from bct_risk.domain.errors import ConflictError, DomainError, ValidationError
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
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.format import escape, fmt_date
from bct_risk.tui.screens.tracker import STATUS_CHOICES, TrackerFilter, where_raised
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import (
    FormScreen,
    field,
    person_choices,
    person_label,
    plain_words,
)


def _about_text(action: ActionView) -> str:
    due = f", due {fmt_date(action.due_date)}" if action.due_date else ", no due date"
    return (
        f"#{action.id} {escape(action.description)}\n{escape(where_raised(action))} · "
        f"{escape(action.owner) or 'no owner'}{due} · {action.status.label}"
        + (" · overdue" if action.overdue else "")
    )


def _about(action: ActionView) -> Static:
    return Static(_about_text(action), classes="route", id="action-about")


class ActionForm(FormScreen):
    """A form changing one action through ``update_action``, version-checked: when someone
    else changed the action after the form opened, ctrl+r loads their change (what was typed
    stays) and saving again applies it over the newest version."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        *FormScreen.ACTIONS,
        UserAction("reload", "ctrl+r", "Reload", "Load someone else's newer change to the action"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, ctx: Context, action: ActionView) -> None:
        super().__init__()
        self.ctx = ctx
        self.action = action

    def show_error(self, exc: DomainError) -> None:
        """Show the refusal; on a conflict, offer to reload."""
        super().show_error(exc)
        if isinstance(exc, ConflictError):
            self.query_one("#form-error", Static).update(
                f"{exc.message[:1].upper()}{exc.message[1:]}\n"
                "Press ctrl+r to load their change; what you typed stays."
            )

    def action_reload(self) -> None:
        """Fetch the newest version of the action, off the UI thread."""
        ctx, number = self.ctx, self.action.id
        call_service(self, lambda: queries.action_view(ctx, number), self._reloaded, group="reload")

    def _reloaded(self, action: ActionView) -> None:
        self.action = action
        self.query_one("#action-about", Static).update(_about_text(action))
        latest = action.updates[-1] if action.updates else None
        note = f"; latest update: {escape(latest.text)}" if latest else ""
        self.query_one("#form-error", Static).update(
            f"Reloaded action #{action.id} (version {action.version}, {action.status.label}"
            f"{note}). Check your change and save again."
        )

    def note(self) -> str | None:
        """The note typed, or None when left blank."""
        text = self.text("note")
        return text if text.strip() else None


NEXT_STATUS: dict[ActionStatus, list[tuple[str, ActionStatus]]] = {
    ActionStatus.OPEN: [
        ("In progress", ActionStatus.IN_PROGRESS),
        ("Complete", ActionStatus.COMPLETE),
        ("Cancelled", ActionStatus.CANCELLED),
    ],
    ActionStatus.IN_PROGRESS: [
        ("Complete", ActionStatus.COMPLETE),
        ("Cancelled", ActionStatus.CANCELLED),
        ("Open (not started)", ActionStatus.OPEN),
    ],
    ActionStatus.COMPLETE: [
        ("Reopen (open)", ActionStatus.OPEN),
        ("Reopen (in progress)", ActionStatus.IN_PROGRESS),
        ("Cancelled", ActionStatus.CANCELLED),
    ],
    ActionStatus.CANCELLED: [
        ("Reopen (open)", ActionStatus.OPEN),
        ("Reopen (in progress)", ActionStatus.IN_PROGRESS),
        ("Complete", ActionStatus.COMPLETE),
    ],
}
"""The statuses an action can move to from each, first the likeliest."""


class StatusScreen(ActionForm):
    """Start, complete, cancel or reopen an action, with a note (the reason, to cancel or
    reopen)."""

    FIELD_IDS: ClassVar[dict[str, str]] = {"note": "note", "update": "note", "status": "status"}

    def __init__(self, ctx: Context, action: ActionView) -> None:
        super().__init__(ctx, action)
        self.title_text = f"Change the status of action #{action.id}"

    def fields(self) -> ComposeResult:
        yield _about(self.action)
        choices = [(label, s.value) for label, s in NEXT_STATUS[self.action.status]]
        yield from field(
            "New status",
            Select(choices, value=choices[0][1], allow_blank=False, id="status"),
        )
        yield from field("Note (the reason, to cancel or reopen; else optional)", Input(id="note"))

    def on_mount(self) -> None:
        self.query_one("#status", Select).focus()

    def build(self) -> Callable[[], Action]:
        status = ActionStatus(str(self.choice("status")))
        note, version, number = self.note(), self.action.version, self.action.id
        return lambda: update_action(
            self.ctx, number, status=status, note=note, expected_version=version
        )

    def done_message(self, result: Any) -> str:
        status = ActionStatus(str(self.choice("status")))
        if status.is_live and not self.action.status.is_live:
            return f"Action #{self.action.id} reopened ({status.label.lower()})"
        return f"Action #{self.action.id} is now {status.label.lower()}"


class DueDateScreen(ActionForm):
    """A new due date, with an optional note saying why it moved."""

    FIELD_IDS: ClassVar[dict[str, str]] = {"due_date": "due", "due date": "due", "note": "note"}

    def __init__(self, ctx: Context, action: ActionView) -> None:
        super().__init__(ctx, action)
        self.title_text = f"New due date for action #{action.id}"

    def fields(self) -> ComposeResult:
        yield _about(self.action)
        yield from field(
            "New due date (required)",
            Input(fmt_date(self.action.due_date), placeholder="e.g. 31 Mar 2027", id="due"),
        )
        yield from field("Note (optional: why it moved)", Input(id="note"))

    def on_mount(self) -> None:
        self.query_one("#due", Input).focus()

    def build(self) -> Callable[[], Action]:
        due = self.date_of("due", "due date")
        if due is None:
            raise ValidationError("give the new due date", field="due_date")
        note, version, number = self.note(), self.action.version, self.action.id
        return lambda: update_action(
            self.ctx, number, due_date=due, note=note, expected_version=version
        )

    def done_message(self, result: Any) -> str:
        return f"Action #{self.action.id} is now due {fmt_date(result.due_date)}"


class OwnerScreen(ActionForm):
    """A new owner, chosen by name and role, with an optional note."""

    FIELD_IDS: ClassVar[dict[str, str]] = {"owner": "owner", "note": "note"}

    def __init__(self, ctx: Context, action: ActionView) -> None:
        super().__init__(ctx, action)
        self.labels: dict[str, str] = {}
        """Each person offered, by the value chosen: their name and role."""
        self.title_text = f"New owner for action #{action.id}"

    def fields(self) -> ComposeResult:
        yield _about(self.action)
        yield from field("New owner", Select([], prompt="Choose a person", id="owner"))
        yield from field("Note (optional)", Input(id="note"))

    def on_mount(self) -> None:
        self.query_one("#owner", Select).focus()

        def offer(choices: list[tuple[str, str]]) -> None:
            self.labels = {value: label for label, value in choices}
            self.query_one("#owner", Select).set_options(choices)

        call_service(self, lambda: person_choices(queries.people(self.ctx)), offer, group="choices")

    def build(self) -> Callable[[], Action]:
        owner = self.choice("owner")
        if owner is None:
            raise ValidationError("choose the new owner", field="owner")
        note, version, number = self.note(), self.action.version, self.action.id
        return lambda: update_action(
            self.ctx, number, owner=str(owner), note=note, expected_version=version
        )

    def done_message(self, result: Any) -> str:
        owner = str(self.choice("owner"))
        return f"Action #{self.action.id} now owned by {self.labels.get(owner, owner)}"


class UpdateScreen(FormScreen):  # a note is appended: it never conflicts
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


class CompleteScreen(ActionForm):
    """Mark an action complete, with an optional closing update."""

    def __init__(self, ctx: Context, action: ActionView) -> None:
        super().__init__(ctx, action)
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


class LinkScreen(ActionForm):
    """Link an action to a risk by its reference; blank unlinks it."""

    FIELD_IDS: ClassVar[dict[str, str]] = {"reference": "reference", "risk": "reference"}

    def __init__(self, ctx: Context, action: ActionView) -> None:
        super().__init__(ctx, action)
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

        def load() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
            bodies = [(c.name, c.key or c.name) for c in queries.committees(self.ctx)]
            return bodies, person_choices(queries.people(self.ctx))

        def offer(loaded: tuple[list[tuple[str, str]], list[tuple[str, str]]]) -> None:
            bodies, people = loaded
            self.query_one("#committee", Select).set_options(bodies)
            self.query_one("#owner", Select).set_options(people)

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


class FilterScreen(ModalScreen[TrackerFilter | None]):
    """Which actions the tracker shows: a committee's, an owner's, a risk's, at a status.

    Dismisses with the filter chosen (checked against the register first: an unknown risk
    reference is refused here), or None when left with Esc.
    """

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("apply", "ctrl+s", "Apply", "Show the actions the filter chooses"),
        UserAction("clear", "ctrl+l", "Clear", "Every committee, owner, risk; live actions"),
        UserAction("cancel", "escape", "Cancel", "Leave the filter as it was"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, ctx: Context, current: TrackerFilter) -> None:
        super().__init__()
        self.ctx = ctx
        self.current = current
        self.committee_names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form"):
            yield Label("Filter the action tracker", classes="dialog-title")
            yield from field(
                "Committee: actions at its meetings and on its risks",
                Select([], prompt="Every committee", id="filter-committee"),
            )
            yield from field("Owner", Select([], prompt="Anyone", id="filter-owner"))
            yield from field(
                "Risk reference (blank for any)",
                Input(self.current.risk, placeholder="e.g. SR9", id="filter-risk"),
            )
            yield from field(
                "Status",
                Select(
                    STATUS_CHOICES,
                    value=self.current.status,
                    allow_blank=False,
                    id="filter-status",
                ),
            )
            yield Static("", id="form-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Apply (ctrl+s)", id="apply", variant="primary")
                yield Button("Clear (ctrl+l)", id="clear")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#filter-committee", Select).focus()

        def load() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
            bodies = [(c.name, c.key or c.name) for c in queries.committees(self.ctx)]
            # The tracker lists owners by name: an owner is chosen by name, shown with the
            # role where one person has that name.
            named: dict[str, list[Any]] = {}
            for person in queries.people(self.ctx):
                named.setdefault(person.name, []).append(person)
            return bodies, [
                (person_label(group[0]) if len(group) == 1 else f"{name} ({len(group)})", name)
                for name, group in sorted(named.items(), key=lambda item: item[0].lower())
            ]

        def offer(loaded: tuple[list[tuple[str, str]], list[tuple[str, str]]]) -> None:
            bodies, owners = loaded
            self.committee_names = {value: label for label, value in bodies}
            committee = self.query_one("#filter-committee", Select)
            committee.set_options(bodies)
            if self.current.committee in self.committee_names:
                committee.value = self.current.committee
            owner = self.query_one("#filter-owner", Select)
            owner.set_options(owners)
            if self.current.owner in {value for _, value in owners}:
                owner.value = self.current.owner

        call_service(self, load, offer, group="choices")

    def chosen(self) -> TrackerFilter:
        """The filter as the fields now say."""
        committee = self.query_one("#filter-committee", Select).value
        owner = self.query_one("#filter-owner", Select).value
        key = "" if committee is Select.NULL else str(committee)
        return replace(
            self.current,
            committee=key,
            committee_label=self.committee_names.get(key, key),
            owner="" if owner is Select.NULL else str(owner),
            risk=self.query_one("#filter-risk", Input).value.strip().upper(),
            status=str(self.query_one("#filter-status", Select).value),
        )

    @on(Button.Pressed, "#apply")
    def _apply_pressed(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#clear")
    def _clear_pressed(self) -> None:
        self.action_clear()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def action_apply(self) -> None:
        """Check the filter against the register, then show what it chooses."""
        flt = self.chosen()
        ctx = self.ctx
        call_service(
            self,
            lambda: queries.list_actions(ctx, flt.query()),
            lambda _found: self.dismiss(flt),
            group="filter",
            failed=self._refused,
        )

    def _refused(self, exc: DomainError) -> None:
        text = plain_words(exc.message)
        self.query_one("#form-error", Static).update(text[:1].upper() + text[1:])
        if exc.field == "risk" or "risk" in exc.message:
            self.query_one("#filter-risk", Input).focus()

    def action_clear(self) -> None:
        """Every committee, owner and risk; live actions."""
        self.dismiss(TrackerFilter(group=self.current.group, overdue_only=False))

    def action_cancel(self) -> None:
        """Leave the filter as it was."""
        self.dismiss(None)
