"""The app: composes the main screens and routes between them. Build it with :func:`make_app`."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import App
from textual.screen import Screen
from textual.widgets import Input

from bct_risk.services.context import Context
from bct_risk.services.queries import RiskFilter
from bct_risk.tui.actions import APP_ACTIONS, UserAction, bindings
from bct_risk.tui.commands import ActionCommands


class RiskApp(App[None]):
    """The register's terminal app, working on one register through its services."""

    CSS_PATH = "app.tcss"
    TITLE = "BCT risk register"
    COMMANDS = App.COMMANDS | {ActionCommands}
    ACTIONS: ClassVar[tuple[UserAction, ...]] = APP_ACTIONS
    BINDINGS = bindings(APP_ACTIONS)
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, ctx: Context, *, blink: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.blink = blink
        """Whether text cursors blink (off in tests, so snapshots are stable)."""

    def on_mount(self) -> None:
        from bct_risk.tui.screens.register import RegisterScreen

        self.push_screen(RegisterScreen(self.ctx))

    def on_descendant_focus(self) -> None:
        # Applied as inputs gain focus, so every form obeys the app's setting.
        if not self.blink:
            for field in self.screen.query(Input):
                field.cursor_blink = False

    def _go_to(self, name: str) -> None:
        # Main screens sit one deep above the register: leave the current one first.
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if name == "register":
            return
        from bct_risk.tui.screens.committees import CommitteesScreen
        from bct_risk.tui.screens.heatmap import HeatMapScreen
        from bct_risk.tui.screens.tracker import TrackerScreen

        screens: dict[str, Callable[[], Screen[None]]] = {
            "heat_map": lambda: HeatMapScreen(self.ctx, self._register_filter()),
            "tracker": lambda: TrackerScreen(self.ctx),
            "committees": lambda: CommitteesScreen(self.ctx),
        }
        self.push_screen(screens[name]())

    def _register_filter(self) -> RiskFilter:
        from bct_risk.tui.screens.register import RegisterScreen

        for screen in self.screen_stack:
            if isinstance(screen, RegisterScreen):
                return screen.filter
        return RiskFilter()

    def action_help(self) -> None:
        """Show every key."""
        from bct_risk.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_show_register(self) -> None:
        """Back to the register."""
        self._go_to("register")

    def action_show_heat_map(self) -> None:
        """The heat map of the register as filtered."""
        self._go_to("heat_map")

    def action_show_tracker(self) -> None:
        """The action tracker."""
        self._go_to("tracker")

    def action_show_committees(self) -> None:
        """Committees and their meetings."""
        self._go_to("committees")


def make_app(ctx: Context, *, blink: bool = True) -> RiskApp:
    """The app on a register: the one factory the CLI and the tests both use."""
    return RiskApp(ctx, blink=blink)
