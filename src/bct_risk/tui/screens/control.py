"""Add a control in place, or a further action, to a risk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Input, Select

from bct_risk.domain.enums import Effectiveness
from bct_risk.domain.models import Action, Control
from bct_risk.services import queries
from bct_risk.services.actions import add_control, add_further_action
from bct_risk.services.context import Context
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import FormScreen, field


def owner_select(widget_id: str = "owner") -> Select[str]:
    """A select of people, filled once they have loaded."""
    return Select([], prompt="No owner", id=widget_id)


def load_people(form: FormScreen, ctx: Context, widget_id: str = "owner") -> None:
    """Fill a people select off the UI thread."""

    def offer(names: list[str]) -> None:
        form.query_one(f"#{widget_id}", Select).set_options([(n, n) for n in names])

    call_service(
        form,
        lambda: sorted({p.name for p in queries.people(ctx)}),
        offer,
        group="people",
    )


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
