"""The frame every form shares: fields, an inline error, Save and Cancel, one save path."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, ClassVar, Protocol

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from bct_risk.domain.errors import ConflictError, DomainError, ValidationError
from bct_risk.services.context import Context
from bct_risk.services.queries import RiskDetail, risk_detail
from bct_risk.services.validation import parse_date
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.format import fmt_date
from bct_risk.tui.services import call_service


def field(label: str, widget: Widget) -> Iterable[Widget]:
    """A labelled field."""
    yield Label(label, classes="field-label")
    yield widget


_PLAIN_WORDS = (
    (re.compile(r"Value error, "), ""),
    (re.compile(r"String should have at least 1 character"), "cannot be blank"),
    (re.compile(r"String should have at least (\d+) characters"), r"needs at least \1 characters"),
    (re.compile(r"String should have at most (\d+) characters?"), r"can be at most \1 characters"),
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"must be at least \1"),
    (re.compile(r"Input should be less than or equal to (\S+)"), r"must be at most \1"),
    (re.compile(r"Input should be greater than (\S+)"), r"must be more than \1"),
    (re.compile(r"Input should be less than (\S+)"), r"must be less than \1"),
    (re.compile(r"Input should be a valid integer[^;\n]*"), "must be a whole number"),
    (re.compile(r"Input should be a valid date[^;\n]*"), "must be a date like 2026-12-31"),
    (re.compile(r"Input should be a valid number[^;\n]*"), "must be a number"),
    (re.compile(r"Input should be (?:'[^']*'(?:, | or )?)+"), "is not one of the choices"),
    (re.compile(r"Field required"), "is required"),
)
"""Pydantic's wording of its rules, and the plain words a form shows instead."""


_FIELD_NAME = re.compile(r"(^|; )([a-z][a-z0-9_.]*): ")
"""A field's name as pydantic and the services put it before a problem (``target_date: ``)."""


def plain_words(message: str, labels: dict[str, str] | None = None) -> str:
    """A refusal in the user's words: pydantic's phrases ("String should have at least 1
    character") replaced by plain ones ("cannot be blank"), and a field's name in the code
    (``review_frequency_days``) by its label on the form (``labels``), else by words."""
    for pattern, words in _PLAIN_WORDS:
        message = pattern.sub(words, message)
    names = labels or {}

    def field_words(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{names.get(name, name.replace('_', ' '))}: "

    return _FIELD_NAME.sub(field_words, message)


class PersonLike(Protocol):
    """What a chooser needs of a person (``bct_risk.domain.models.Person``)."""

    @property
    def id(self) -> int | None: ...
    @property
    def key(self) -> str | None: ...
    @property
    def login(self) -> str | None: ...
    @property
    def name(self) -> str: ...
    @property
    def job_title(self) -> str: ...
    @property
    def left_on(self) -> date | None: ...


def person_label(person: PersonLike) -> str:
    """A person as a chooser shows them: name and role, so two people of one name differ."""
    role = (person.job_title or "").strip()
    if role and role.lower() != person.name.strip().lower():
        return f"{person.name} — {role}"
    return person.name


_LOOKUP_ORDER = ("key", "login", "name", "job_title")
"""The columns the services' look-up (``lookup.find_person``) reads a person's text against."""


def person_handles(everyone: Sequence[PersonLike]) -> list[tuple[PersonLike, str | None]]:
    """Each person with the text that names them alone to the services (as
    ``lookup.find_person`` reads it): the name where nobody else has it, else the key, login
    or job title; None when nothing names them alone."""
    columns: dict[str, dict[str, list[PersonLike]]] = {c: {} for c in _LOOKUP_ORDER}
    for person in everyone:
        for column, found in columns.items():
            value = (getattr(person, column) or "").lower()
            if value:
                found.setdefault(value, []).append(person)

    def named_by(text: str) -> PersonLike | None:
        wanted = text.strip().lower()
        for column in _LOOKUP_ORDER:
            matches = columns[column].get(wanted, [])
            if matches:
                return matches[0] if len(matches) == 1 else None
        return None

    handles: list[tuple[PersonLike, str | None]] = []
    for person in everyone:
        texts = (person.name, person.key, person.login, person.job_title)
        handle = next((t for t in texts if t and t.strip() and named_by(t) is person), None)
        handles.append((person, handle))
    return handles


def has_left(person: PersonLike, today: date) -> bool:
    """Whether the person has left the Trust by ``today`` (as the owner check reads it)."""
    return person.left_on is not None and person.left_on <= today


def person_choices(
    everyone: Sequence[PersonLike], *, today: date | None = None, keep: int | None = None
) -> list[tuple[str, str]]:
    """(label, value) for a select of people: name and role shown, a value the services read
    as this person alone; in name order.

    Someone who has left by ``today`` is not offered for a new assignment, except ``keep``
    (the id of the person the record has now), so a form saved unchanged keeps its owner.
    """
    day = today or date.today()
    named = [
        (p, h)
        for p, h in person_handles(everyone)
        if h is not None and (p.id == keep or not has_left(p, day))
    ]
    named.sort(key=lambda ph: (ph[0].name.lower(), (ph[0].job_title or "").lower()))
    return [(person_label(p), h) for p, h in named]


MEETING_PROMPT = "No meeting"


def meeting_choices(ctx: Context) -> list[tuple[str, str]]:
    """(label, value) for a select of the meetings held by today, newest first: a score or a
    move agreed at a meeting is tied to it (as ``--meeting-committee`` and ``--meeting-date``)."""
    from bct_risk.services import queries

    today = ctx.today()
    held: list[tuple[date, str, str]] = []
    for body in queries.committees(ctx):
        name = body.key or body.name
        for meeting in queries.meetings_of(ctx, name):
            if meeting.meeting_date <= today:
                held.append((meeting.meeting_date, body.short_name or body.name, name))
    held.sort(key=lambda m: (m[0], m[1]), reverse=True)
    return [(f"{fmt_date(d)} — {short}", f"{name}|{d.isoformat()}") for d, short, name in held]


def meeting_of(value: Any) -> tuple[str, date] | None:
    """The meeting a value of :func:`meeting_choices` names (committee, date), or None."""
    if value is None:
        return None
    committee, _, day = str(value).rpartition("|")
    return committee, date.fromisoformat(day)


class FormScreen(ModalScreen[bool]):
    """A modal form. Subclasses give ``fields`` and ``build`` (the service call to run).

    Dismisses with True once the service has saved; on a broken rule the message shows inline
    (and as a notification) and the form stays open with what was typed.
    """

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("save", "ctrl+s", "Save", "Save the form"),
        UserAction("cancel", "escape", "Cancel", "Close the form without saving"),
    )
    BINDINGS = bindings(ACTIONS)
    FIELD_IDS: ClassVar[dict[str, str]] = {}
    """A service error's field → the id of the widget to focus."""
    FIELD_LABELS: ClassVar[dict[str, str]] = {}
    """A field's name in the code → how a message names it (``review_frequency_days`` →
    ``Review interval``); a name not given reads with spaces for underscores."""

    title_text = "Form"

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form"):
            yield Label(self.title_text, classes="dialog-title")
            yield from self.fields()
            yield Static("", id="form-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def fields(self) -> ComposeResult:
        """The form's fields."""
        yield from ()

    def build(self) -> Callable[[], Any]:
        """Read the fields and return the service call that saves them (may raise)."""
        raise NotImplementedError

    def done_message(self, result: Any) -> str:
        """What to tell the user once saved."""
        return "Saved"

    # -- reading fields ---------------------------------------------------------------------

    def text(self, widget_id: str) -> str:
        """The text of an input."""
        return self.query_one(f"#{widget_id}", Input).value

    def choice(self, widget_id: str) -> Any:
        """The value of a select, or None when blank."""
        value = self.query_one(f"#{widget_id}", Select).value
        return None if value is Select.NULL else value

    def date_of(self, widget_id: str, what: str) -> Any:
        """A typed date, or None when left blank."""
        text = self.text(widget_id).strip()
        return parse_date(text, what) if text else None

    # -- saving -----------------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Validate and save, off the UI thread."""
        try:
            work = self.build()
        except DomainError as exc:
            self.show_error(exc)
            return
        except ValueError as exc:
            self.show_error(ValidationError(str(exc)))
            return
        self.query_one("#form-error", Static).update("Saving…")
        call_service(self, work, self._saved, group="save", failed=self.show_error)

    def _saved(self, result: Any) -> None:
        self.app.notify(self.done_message(result), title="Saved")
        self.dismiss(True)

    def show_error(self, exc: DomainError) -> None:
        """Show a broken rule beside the form, and focus the field it is about."""
        text = plain_words(exc.message, self.FIELD_LABELS)
        message = text[:1].upper() + text[1:]
        self.query_one("#form-error", Static).update(message)
        self.app.notify(message, title="Not saved", severity="error", timeout=8)
        target = self.FIELD_IDS.get(exc.field or "")
        if target:
            self.query_one(f"#{target}").focus()

    def action_cancel(self) -> None:
        """Close without saving; when something was typed, ask first."""
        if not self.changed:
            self.dismiss(False)
            return
        from bct_risk.tui.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(
            ConfirmScreen(
                "Discard what you typed?",
                "This form has changes that are not saved. Leave it and lose them?",
                yes="Discard",
            ),
            answered,
        )

    changed = False
    """Whether the user has changed a field since the form opened (values the form fills in
    itself do not count)."""

    @on(Input.Changed)
    @on(Select.Changed)
    def _typed(self, event: Input.Changed | Select.Changed) -> None:
        # A field changes under the user's hand only while it (or its drop-down) has focus.
        focused = self.focused
        if focused is not None and (
            focused is event.control or event.control in focused.ancestors_with_self
        ):
            self.changed = True


class OneRiskForm(FormScreen):
    """A form about one risk. When a save is refused because someone else changed the risk
    after the form opened, ctrl+r loads their change (what was typed stays), so the user can
    look again and save over the newest version."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        *FormScreen.ACTIONS,
        UserAction("reload", "ctrl+r", "Reload", "Load someone else's newer change to the risk"),
    )
    BINDINGS = bindings(ACTIONS)

    ctx: Context
    detail: Any
    """The risk the form is about (a ``RiskDetail``); None on the form that adds a new risk."""

    def show_error(self, exc: DomainError) -> None:
        """Show the refusal; on a conflict, offer to reload."""
        super().show_error(exc)
        if isinstance(exc, ConflictError) and self.detail is not None:
            error = self.query_one("#form-error", Static)
            error.update(
                f"{exc.message[:1].upper()}{exc.message[1:]}\n"
                "Press ctrl+r to load their change; what you typed stays."
            )

    def refill(self, before: RiskDetail, after: RiskDetail) -> None:
        """After a reload, show the newer values in the fields the user has not changed.

        What was typed stays; a field still showing the value the form opened with takes the
        other person's value, so saving again does not put back what they changed.
        """

    def action_reload(self) -> None:
        """Fetch the newest version of the risk, off the UI thread."""
        if self.detail is None:
            return
        ctx, reference = self.ctx, self.detail.row.reference
        call_service(self, lambda: risk_detail(ctx, reference), self._reloaded, group="reload")

    def _reloaded(self, detail: RiskDetail) -> None:
        before, self.detail = self.detail, detail
        self.refill(before, detail)
        latest = next((e for e in reversed(detail.audit)), None)
        by = f", last changed by {latest.actor}: {latest.summary}" if latest else ""
        self.query_one("#form-error", Static).update(
            f"Reloaded {detail.row.reference} (version {detail.version}{by}). "
            "Check your change and save again."
        )
