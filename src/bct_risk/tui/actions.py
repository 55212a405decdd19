"""Every user action defined once: its key, footer label, command-palette entry and help line.

Screens list their actions here; the binding (with an ``id`` so a user can remap it), the
footer, the command palette and the help screen are all built from these definitions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class UserAction:
    """One thing a user can do, with the key that does it and the words that describe it."""

    name: str
    """The Textual action run (``action_<name>`` on the screen or the app)."""
    key: str
    """The key that runs it, as Textual names keys (``s``, ``question_mark``, ``ctrl+e``)."""
    label: str
    """Short label for the footer."""
    help: str
    """One line for the command palette and the help screen."""
    show: bool = True
    """Shown in the footer (every action is in the palette and the help screen)."""

    @property
    def binding_id(self) -> str:
        """The id a user remaps the binding by (``bct-risk.register.score``)."""
        return f"bct-risk.{self.name}"

    def binding(self) -> Binding:
        """The Textual binding for this action."""
        return Binding(
            self.key,
            self.name,
            self.label,
            show=self.show,
            id=self.binding_id,
            tooltip=self.help,
        )

    @property
    def key_display(self) -> str:
        """The key as the help screen prints it."""
        names = {"question_mark": "?", "slash": "/", "escape": "Esc", "enter": "Enter"}
        return ", ".join(names.get(k, k) for k in self.key.split(","))


def bindings(actions: Iterable[UserAction]) -> list[BindingType]:
    """The bindings of a screen's (or the app's) actions."""
    return [action.binding() for action in actions]


# -- the app: moving between the main screens -------------------------------------------------

APP_ACTIONS = (
    UserAction("help", "question_mark,f1", "Help", "Show every key and what it does"),
    UserAction("show_register", "1", "Register", "Go to the risk register"),
    UserAction("show_heat_map", "2", "Heat map", "Show the 5x5 heat map of the register"),
    UserAction("show_tracker", "3", "Actions", "Open the action tracker"),
    UserAction("show_committees", "4", "Committees", "Committees, meetings and reviews"),
    UserAction("show_indicators", "5", "Indicators", "Key risk indicators and their trends"),
    UserAction(
        "show_readiness", "6", "Readiness", "Data-quality checks: the register's health", show=False
    ),
    UserAction("show_scenarios", "7", "Scenarios", "Risks that could strike together", show=False),
    UserAction("quit", "ctrl+q", "Quit", "Quit the app", show=False),
)
