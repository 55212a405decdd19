"""The help screen: every key of the current screen and of the app, with what it does; the
changes the acting person may not make are marked, with why."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from bct_risk.tui.commands import actions_of
from bct_risk.tui.offered import refusal_of


class HelpScreen(ModalScreen[None]):
    """Keys and what they do, built from the same definitions as the footer and palette."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="bct-risk.help.close"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("What it does")
        last_group: bool | None = None
        for action, on_app in actions_of(self.for_screen):
            if on_app != last_group:
                title = "Everywhere" if on_app else (self.for_screen.sub_title or "This screen")
                table.add_row(f"[u]{title}[/u]", "")
                last_group = on_app
            why = None if on_app else refusal_of(self.for_screen, action.name)
            if why is None:
                table.add_row(action.key_display, action.help)
            else:  # shown, but marked as not for the person the app acts as
                table.add_row(
                    Text(action.key_display, style="dim strike"),
                    Text.assemble((action.help, "dim"), (f"  (not offered: {why})", "italic")),
                )
        table.add_row("", "")
        table.add_row("ctrl+p", "Command palette: find any of these by name")
        with VerticalScroll(classes="dialog help"):
            yield Label("Keys", classes="dialog-title")
            yield Static(table)

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        """Close the help."""
        self.dismiss(None)
