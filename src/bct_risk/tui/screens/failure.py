"""What the app shows when a piece of background work fails unexpectedly (a dropped database
connection, a disk that is full): what failed, why in one line, and what the user can do. The
app stays open, and the screen below (a half-filled form, say) is left as it was."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from bct_risk.tui.actions import UserAction, bindings

WHAT_FAILED = {
    "register": "Loading the register",
    "repaint": "Redrawing the register",
    "sort": "Sorting the register",
    "detail": "Loading the risk",
    "heat": "Loading the heat map",
    "tracker": "Loading the action tracker",
    "committees": "Loading the committees",
    "meetings": "Loading the meetings",
    "pack": "Loading the meeting's pack",
    "paper": "Preparing the paper",
    "save": "Saving",
    "reload": "Loading the newer record",
    "choices": "Loading the choices",
    "people": "Loading the people",
    "import": "Importing",
}
"""What a group of background work does, as the failure dialog names it."""


def reason(exc: BaseException) -> str:
    """The error in one line, at most 300 characters: its kind and its first line (for a
    database error, the driver's own words, without the statement)."""
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    line = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return line if len(line) <= 300 else line[:299] + "…"


class FailureScreen(ModalScreen[bool]):
    """An unexpected failure; dismisses with True when the user asks to try again."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("retry", "r", "Retry", "Try again (reconnecting to the register if needed)"),
        UserAction("close", "escape", "Close", "Close this message and carry on"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, group: str, exc: BaseException) -> None:
        super().__init__()
        self.what = WHAT_FAILED.get(group, "The last step")
        self.why = reason(exc)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm", id="failure"):
            yield Label(f"{self.what} failed", classes="dialog-title")
            yield Static(self.why, id="failure-reason", markup=False)
            yield Static(
                "Nothing was half-saved, and nothing you typed is lost. Press r to try again "
                "(the app reconnects to the register if the connection was lost), or Esc to "
                "close this message and carry on. If it keeps failing, check the database is "
                "reachable, then try again.",
                id="failure-advice",
                markup=False,
            )
            with Horizontal(classes="buttons"):
                yield Button("Retry (r)", id="retry", variant="primary")
                yield Button("Close (Esc)", id="close")

    def on_mount(self) -> None:
        self.query_one("#retry", Button).focus()

    @on(Button.Pressed, "#retry")
    def _retry_pressed(self) -> None:
        self.action_retry()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    def action_retry(self) -> None:
        """Try the failed work again."""
        self.dismiss(True)

    def action_close(self) -> None:
        """Carry on without it."""
        self.dismiss(False)
