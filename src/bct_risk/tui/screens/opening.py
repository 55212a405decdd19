"""What the app shows while the register opens: its header and a word about what is happening."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Label

OPENING = "Opening the register…"
"""The words on screen until the register is open."""


class OpeningScreen(Screen[None]):
    """The app's first screen when it opens the register itself (``bct-risk`` with no command).

    The register screen is pushed over it once the register is open, so it stays at the foot of
    the stack as the app's default screen does.
    """

    # Kept here rather than in app.tcss: this screen is shown before anything else is loaded.
    DEFAULT_CSS = """
    OpeningScreen {
        align: center middle;
    }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(OPENING, id="opening")
