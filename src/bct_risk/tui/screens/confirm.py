"""Asking before something that cannot be undone: replacing a file, importing a register."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from bct_risk.tui.actions import UserAction, bindings


class ConfirmScreen(ModalScreen[bool]):
    """A question with Yes and No; dismisses with True only when the user says yes."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("yes", "y", "Yes", "Go ahead"),
        UserAction("no", "n,escape", "No", "Leave things as they are"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, title: str, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes_label = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes_label} (y)", id="yes", variant="warning")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        # The safe answer has the focus: Enter alone never replaces or imports anything.
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def _yes_pressed(self) -> None:
        self.action_yes()

    @on(Button.Pressed, "#no")
    def _no_pressed(self) -> None:
        self.action_no()

    def action_yes(self) -> None:
        """Go ahead."""
        self.dismiss(True)

    def action_no(self) -> None:
        """Do nothing."""
        self.dismiss(False)
