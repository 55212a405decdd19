"""Add a control in place, or a further action, to a risk."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Label, Select

from bct_risk.domain.enums import Assurance, Effectiveness
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import Action, Control
from bct_risk.services import queries
from bct_risk.services.actions import add_control, add_further_action
from bct_risk.services.context import Context
from bct_risk.services.controls import (
    KEEP,
    edit_control,
    grade_control,
    restore_control,
    retire_control,
)
from bct_risk.services.queries import ControlView
from bct_risk.tui.format import escape, fmt_date
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import FormScreen, field, person_choices, person_handles


def owner_select(widget_id: str = "owner") -> Select[str]:
    """A select of people, filled once they have loaded."""
    return Select([], prompt="No owner", id=widget_id)


def load_people(
    form: FormScreen,
    ctx: Context,
    widget_id: str = "owner",
    control_id: int | None = None,
    loaded: Callable[[bool], None] | None = None,
) -> None:
    """Fill a people select off the UI thread, by name and role (the owner of the control
    ``control_id`` shown chosen, when given; then calling ``loaded`` with whether the select
    shows the control's owner as it is: False when it has one no choice names alone)."""

    def people() -> tuple[list[tuple[str, str]], str | None, bool]:
        everyone = queries.people(ctx)
        owner_id = None
        if control_id is not None:
            with ctx.read() as session:
                control = session.get(Control, control_id)
                owner_id = control.owner_id if control is not None else None
        handles = person_handles(everyone)
        current = next((h for p, h in handles if owner_id is not None and p.id == owner_id), None)
        choices = person_choices(everyone, today=ctx.today(), keep=owner_id)
        return choices, current, owner_id is None or current is not None

    def offer(found: tuple[list[tuple[str, str]], str | None, bool]) -> None:
        choices, current, shown = found
        select = form.query_one(f"#{widget_id}", Select)
        select.set_options(choices)
        if current is not None:
            select.value = current
        if loaded is not None:
            loaded(shown)

    call_service(form, people, offer, group="people")


class ControlScreen(FormScreen):
    """A control in place now, with its effectiveness and line of assurance."""

    FIELD_IDS: ClassVar[dict[str, str]] = {"description": "description", "owner": "owner"}

    def __init__(self, ctx: Context, reference: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.reference = reference
        self.title_text = f"Add a control to {reference}"

    def fields(self) -> ComposeResult:
        yield from field("Control (required)", Input(id="description"))
        yield from field("Owner", owner_select())
        yield from field(
            "Effectiveness",
            Select(
                [(e.label, e.value) for e in Effectiveness],
                value=Effectiveness.NOT_ASSESSED.value,
                allow_blank=False,
                id="effectiveness",
            ),
        )
        yield from field(
            "Line of assurance",
            Select(
                [("1 Management", 1), ("2 Oversight", 2), ("3 Independent", 3)],
                prompt="Not graded",
                id="line",
            ),
        )

    def on_mount(self) -> None:
        self.query_one("#description", Input).focus()
        load_people(self, self.ctx)

    def build(self) -> Callable[[], Control]:
        text, owner = self.text("description"), self.choice("owner")
        effectiveness = Effectiveness(self.choice("effectiveness"))
        line = self.choice("line")
        return lambda: add_control(
            self.ctx,
            self.reference,
            description=text,
            owner=owner,
            effectiveness=effectiveness,
            assurance_line=line,
        )

    def done_message(self, result: Any) -> str:
        return f"Control added to {self.reference}"


class FurtherActionScreen(FormScreen):
    """A further action: a mitigation still to come, with an owner and a due date."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "description": "description",
        "owner": "owner",
        "due_date": "due",
        "due date": "due",
    }

    def __init__(self, ctx: Context, reference: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.reference = reference
        self.title_text = f"Add a further action to {reference}"

    def fields(self) -> ComposeResult:
        yield from field("Action (required)", Input(id="description"))
        yield from field("Owner", owner_select())
        yield from field("Due date", Input(placeholder="e.g. 31 Mar 2027", id="due"))

    def on_mount(self) -> None:
        self.query_one("#description", Input).focus()
        load_people(self, self.ctx)

    def build(self) -> Callable[[], Action]:
        text, owner = self.text("description"), self.choice("owner")
        due = self.date_of("due", "due date")
        return lambda: add_further_action(
            self.ctx, self.reference, description=text, owner=owner, due_date=due
        )

    def done_message(self, result: Any) -> str:
        return f"Further action added to {self.reference}"


# -- a control after it is added: edit, re-grade, retire, restore (services.controls) ------------

_LINES = [("1 Management", 1), ("2 Oversight", 2), ("3 Independent", 3)]


def control_label(control: ControlView) -> str:
    """A control as a chooser lists it: number, text and grade (retired ones say since when)."""
    state = (
        f"retired {fmt_date(control.retired_on)}" if control.retired_on else control.effectiveness
    )
    return f"{control.id}  {control.description}  ({state})"


class ControlEditScreen(FormScreen):
    """Edit a control: its text, owner, key flag, line and level of assurance, and source."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "description": "description",
        "owner": "owner",
        "assurance_line": "line",
        "source": "source",
    }

    def __init__(self, ctx: Context, reference: str, control: ControlView) -> None:
        super().__init__()
        self.ctx = ctx
        self.reference = reference
        self.control = control
        self.title_text = escape(f"Edit control {control.id} of {reference}")

    def fields(self) -> ComposeResult:
        c = self.control
        yield from field("Control (required)", Input(c.description, id="description"))
        yield from field("Owner", owner_select())
        yield from field(
            "Key control (its assurance is tested for gaps)",
            Select(
                [("Yes", "yes"), ("No", "no")],
                value="yes" if c.key_control else "no",
                allow_blank=False,
                id="key",
            ),
        )
        yield from field(
            "Line of assurance",
            Select(_LINES, prompt="Not graded", value=c.assurance_line or Select.NULL, id="line"),
        )
        levels = {a.label: a.value for a in Assurance}
        yield from field(
            "Assurance level",
            Select(
                list(levels.items()),
                prompt="Not judged",
                value=levels.get(c.assurance_level, Select.NULL),
                id="level",
            ),
        )
        yield from field(
            "Source: the document it comes from (blank leaves it as it is)",
            Input(id="source"),
        )

    people_loaded = False
    """Whether the owner select shows the people yet: saved before, the owner is left as it is."""
    owner_shown = True
    """Whether the select could show the control's owner: if not, left blank keeps them."""

    def on_mount(self) -> None:
        self.query_one("#description", Input).focus()

        def loaded(shown: bool) -> None:
            self.people_loaded, self.owner_shown = True, shown

        load_people(self, self.ctx, control_id=self.control.id, loaded=loaded)

    def build(self) -> Callable[[], Control]:
        level = self.choice("level")
        source = self.text("source")
        owner = self.choice("owner")
        keep = not self.people_loaded or (owner is None and not self.owner_shown)
        return partial(
            edit_control,
            self.ctx,
            self.control.id,
            description=self.text("description"),
            owner=KEEP if keep else (owner or ""),
            key_control=self.choice("key") == "yes",
            assurance_line=self.choice("line"),
            assurance_level=Assurance(level) if level else None,
            source=source if source.strip() else None,
            expected_version=self.control.version,
        )

    def done_message(self, result: Any) -> str:
        return f"Control {self.control.id} of {self.reference} changed"


class ControlGradeScreen(FormScreen):
    """Re-grade a control's effectiveness, with the evidence for it."""

    FIELD_IDS: ClassVar[dict[str, str]] = {"effectiveness": "effectiveness", "note": "note"}

    def __init__(self, ctx: Context, reference: str, control: ControlView) -> None:
        super().__init__()
        self.ctx = ctx
        self.reference = reference
        self.control = control
        self.title_text = escape(f"Re-grade control {control.id} of {reference}")

    def fields(self) -> ComposeResult:
        yield Label(Text(self.control.description), classes="field-label")
        now = next((e for e in Effectiveness if e.label == self.control.effectiveness), None)
        yield from field(
            f"Effectiveness (now {self.control.effectiveness.lower()})",
            Select(
                [(e.label, e.value) for e in Effectiveness],
                value=now.value if now else Select.NULL,
                allow_blank=now is None,
                id="effectiveness",
            ),
        )
        yield from field(
            "Why (required): the evidence for the new grade",
            Input(placeholder="e.g. Internal audit found it working", id="note"),
        )

    def on_mount(self) -> None:
        self.query_one("#effectiveness", Select).focus()

    def build(self) -> Callable[[], Control]:
        grade = self.choice("effectiveness")
        if grade is None:
            raise ValidationError("choose an effectiveness", field="effectiveness")
        return partial(
            grade_control,
            self.ctx,
            self.control.id,
            effectiveness=Effectiveness(grade),
            note=self.text("note"),
            expected_version=self.control.version,
        )

    def done_message(self, result: Any) -> str:
        grade = result.effectiveness.label.lower()
        return f"Control {self.control.id} of {self.reference} graded {grade}"


class ControlRetireScreen(FormScreen):
    """Retire a control no longer in place (it stays in the risk's history), or restore one."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "reason": "reason",
        "retired_on": "date",
        "retirement date": "date",
    }

    def __init__(self, ctx: Context, reference: str, control: ControlView) -> None:
        super().__init__()
        self.ctx = ctx
        self.reference = reference
        self.control = control
        self.restoring = control.retired_on is not None
        verb = "Restore" if self.restoring else "Retire"
        self.title_text = escape(f"{verb} control {control.id} of {reference}")

    def fields(self) -> ComposeResult:
        yield Label(Text(self.control.description), classes="field-label")
        if self.restoring:
            since = fmt_date(self.control.retired_on)
            yield Label(
                Text(f"Retired {since}: {self.control.retired_reason}"), classes="field-label"
            )
            yield from field("Why it is in place again (required)", Input(id="reason"))
            return
        yield from field(
            "Retired on (blank for today)",
            Input(placeholder=f"e.g. {fmt_date(self.ctx.today())}", id="date"),
        )
        yield from field("Why it is no longer in place (required)", Input(id="reason"))

    def on_mount(self) -> None:
        self.query_one("#reason" if self.restoring else "#date", Input).focus()

    def build(self) -> Callable[[], Control]:
        if self.restoring:
            return partial(
                restore_control,
                self.ctx,
                self.control.id,
                reason=self.text("reason"),
                expected_version=self.control.version,
            )
        return partial(
            retire_control,
            self.ctx,
            self.control.id,
            reason=self.text("reason"),
            on=self.date_of("date", "retirement date"),
            expected_version=self.control.version,
        )

    def done_message(self, result: Any) -> str:
        if self.restoring:
            return f"Control {self.control.id} of {self.reference} restored"
        return (
            f"Control {self.control.id} of {self.reference} retired {fmt_date(result.retired_on)}"
        )
