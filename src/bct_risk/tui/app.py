"""The app: composes the main screens and routes between them. Build it with :func:`make_app`
on an open register, or :func:`open_app` to draw the first frame and then open the register.

Nothing here imports the services or SQLAlchemy at import time: the command line starts the app
before they are loaded. After the first frame a worker reads the register's first screenful
straight from its SQLite file, the register screen shows it, and only then does a second worker
open the register (SQLAlchemy, the models, pydantic) and the screen load the rest. Where the
first screenful cannot be read that way (a PostgreSQL register, a new file), the register is
opened first and its first screenful read through it.

Keys typed while a screen is still loading (the register opening, or a main screen reading what
it shows) are held, then applied in order once it has loaded: see :meth:`RiskApp.loading`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from bct_risk.tui.actions import APP_ACTIONS, UserAction, bindings
from bct_risk.tui.commands import ActionCommands
from bct_risk.tui.offered import explain_key, set_acting

if TYPE_CHECKING:
    from bct_risk.services.context import Context
    from bct_risk.services.first_rows import FirstRows
    from bct_risk.services.register_rows import RiskFilter
    from bct_risk.tui.colours import Palette
    from bct_risk.tui.screens.register import Loaded

WHILE_OPENING = frozenset({"quit", "help_quit"})
"""The app's actions available before the register is open: only leaving."""

LOADS: dict[str, frozenset[str]] = {
    "RegisterScreen": frozenset({"register"}),
    "DetailScreen": frozenset({"detail"}),
    "TrackerScreen": frozenset({"tracker"}),
    "HeatMapScreen": frozenset({"heat"}),
    "CommitteesScreen": frozenset({"committees", "meetings", "pack"}),
}
"""The screens that read what they show in a worker, by class name, and the worker groups
(``call_service``'s) that do the reading: keys wait while one of them runs."""

NEVER_HELD = frozenset({"escape", "ctrl+q", "ctrl+c"})
"""Keys applied at once even while a screen loads: leaving it (the keys held are dropped)."""


class RiskApp(App[None]):
    """The register's terminal app, working on one register through its services."""

    CSS_PATH = "app.tcss"
    TITLE = "BCT risk register"
    COMMANDS = App.COMMANDS | {ActionCommands}
    ACTIONS: ClassVar[tuple[UserAction, ...]] = APP_ACTIONS
    BINDINGS = bindings(APP_ACTIONS)
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        ctx: Context | None = None,
        *,
        opener: Callable[[], Context] | None = None,
        first_rows: Callable[[int], FirstRows | None] | None = None,
        blink: bool = True,
    ) -> None:
        if (ctx is None) == (opener is None):
            raise TypeError("give the app an open register or a way to open one, not both")
        super().__init__()
        self._ctx = ctx
        self._opener = opener
        self._first_rows = first_rows
        """Reads the first screenful before the register is open, where it can."""
        self._reading: Worker[Loaded | None] | None = None
        self._opening: Worker[tuple[Context, Loaded | None]] | None = None
        self.blink = blink
        """Whether text cursors blink (off in tests, so snapshots are stable)."""
        self.open_error: BaseException | None = None
        """Why the register could not be opened; the app closes and its caller reports it."""
        from bct_risk.tui.settings import load_settings

        self.settings = load_settings()
        """The user's remembered choices (theme, sort, columns, keys)."""
        self._held: list[events.Key] = []
        """Keys typed while the screen was loading, to apply once it has loaded."""
        self._held_on: Screen[Any] | None = None
        """The screen the held keys were typed on."""
        self._replaying: Worker[None] | None = None

    @property
    def ctx(self) -> Context:
        """The register the app works on."""
        if self._ctx is None:
            raise RuntimeError("the register is not open yet")
        return self._ctx

    def get_default_screen(self) -> Screen[Any]:
        if self._ctx is not None:
            return super().get_default_screen()
        from bct_risk.tui.screens.opening import OpeningScreen

        return OpeningScreen(id="_default")

    def on_mount(self) -> None:
        self._apply_settings()
        if self._ctx is not None:
            self._show_register()
        else:
            # Started once the first frame is drawn, so the worker's imports do not delay it.
            self.call_after_refresh(self._start_opening)

    def _apply_settings(self) -> None:
        """The remembered theme and the user's keys; a theme change is remembered."""
        settings = self.settings
        if settings.keys:
            self.set_keymap(settings.keys)
        if settings.theme and settings.theme in self.available_themes:
            self.theme = settings.theme
        if settings.problem:
            self.notify(settings.problem, title="Settings not read", severity="warning")
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: object) -> None:
        from bct_risk.tui.settings import changed

        if self.theme != self.settings.theme:
            self.settings = changed(self.settings, theme=self.theme)

    def remember(self, **values: object) -> None:
        """Remember these choices for the next run (sort, hidden columns)."""
        from bct_risk.tui.settings import changed

        self.settings = changed(self.settings, **values)

    def _start_opening(self) -> None:
        from bct_risk.tui.colours import palette

        if self._first_rows is not None:
            self._reading = self._read_first_rows(self._first_rows, palette(self))
        else:
            self._opening = self._open_register(palette(self))

    @work(thread=True, exclusive=True, group="first-rows", exit_on_error=False)
    def _read_first_rows(
        self, read: Callable[[int], FirstRows | None], colours: Palette
    ) -> Loaded | None:
        from bct_risk.tui.screens.register import read_first_rows

        return read_first_rows(read, colours)

    @work(thread=True, exclusive=True, group="open-register", exit_on_error=False)
    def _open_register(self, colours: Palette | None) -> tuple[Context, Loaded | None]:
        # With colours, the first screenful is read through the register and painted in them.
        assert self._opener is not None
        ctx = self._opener()
        if colours is None:
            return ctx, None
        # The register's first screenful is loaded and painted here too, while the screen is
        # idle, so the register screen shows it as soon as it is drawn (then loads the rest).
        from bct_risk.services.register_rows import RiskFilter
        from bct_risk.tui.screens.register import load_first_rows

        return ctx, load_first_rows(ctx, RiskFilter(), colours)

    @on(Worker.StateChanged)
    async def _opening_steps(self, event: Worker.StateChanged) -> None:
        if event.worker not in (self._reading, self._opening) or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
        ):
            return
        event.stop()
        if event.worker is self._reading:
            # The first rows are a head start only: if they fail, open the register as usual.
            ok = event.state == WorkerState.SUCCESS
            await self._first_rows_read(self._reading.result if ok else None)
        elif event.state == WorkerState.ERROR:
            self.open_error = event.worker.error
            self.exit(return_code=1)
        elif self._opening is not None and self._opening.result is not None:
            self._register_opened(*self._opening.result)

    async def _first_rows_read(self, loaded: Loaded | None) -> None:
        from bct_risk.tui.colours import palette

        if loaded is None:
            self._opening = self._open_register(palette(self))
            return
        from bct_risk.tui.screens.register import RegisterScreen

        await self.push_screen(RegisterScreen(None, loaded))
        # Opened once the rows are on screen: its imports would otherwise slow their drawing.
        self.call_after_refresh(self._open_after_first_rows)

    def _open_after_first_rows(self) -> None:
        self._opening = self._open_register(None)

    def _register_opened(self, ctx: Context, loaded: Loaded | None) -> None:
        from bct_risk.tui.screens.register import RegisterScreen

        self._ctx = ctx
        self.refresh_bindings()
        for screen in self.screen_stack:
            if isinstance(screen, RegisterScreen):
                screen.register_opened(ctx)
                self._show_who()
                return
        self._show_register(loaded)

    def _show_register(self, loaded: Loaded | None = None) -> None:
        from bct_risk.tui.screens.register import RegisterScreen

        self.push_screen(RegisterScreen(self.ctx, loaded))
        self._show_who()

    def _show_who(self) -> None:
        """The header names the person the app acts as, and their role, once roles apply; the
        screens then offer only the changes that role may make (tui.offered)."""
        from bct_risk.services.permissions import Acting, acting
        from bct_risk.tui.services import call_service

        ctx = self.ctx

        def shown(who: Acting | None) -> None:
            self.title = self.TITLE if who is None else f"{self.TITLE} · {who.label}"
            set_acting(self, who, reload=self._show_who)

        call_service(self, lambda: acting(ctx), shown, group="who")

    def on_key(self, event: events.Key) -> None:
        # A key whose action the acting person may not take does nothing: say why.
        explain_key(self, event.key)

    # -- keys typed while a screen loads ------------------------------------------------------

    def loading(self, screen: Screen[Any] | None = None) -> bool:
        """Whether the screen (the current one by default) is still loading what it shows: the
        register not open yet, or a screen of :data:`LOADS` not yet mounted or reading."""
        if self._ctx is None:
            return True
        screen = screen or self.screen
        if type(screen).__name__ not in LOADS:
            return False
        return not screen.is_mounted or bool(self._loads_of(screen))

    def _loads_of(self, screen: Screen[Any]) -> list[Worker[Any]]:
        groups = LOADS.get(type(screen).__name__, frozenset())
        return [
            w for w in self.workers if w.node is screen and w.group in groups and not w.is_finished
        ]

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self._hold(event):
            return
        await super().on_event(event)

    def _hold(self, event: events.Key) -> bool:
        """Hold a key typed while the screen loads (and any typed after it, so they keep their
        order); whether it was held. Typing in a field and leaving the screen are not held."""
        if not self.screen_stack:
            return False
        if event.key in NEVER_HELD:
            self._held.clear()
            return False
        if not self._held:
            if not self.loading() or isinstance(self.focused, Input):
                return False
            self._held_on = self.screen
        self._held.append(events.Key(event.key, event.character))
        if self._replaying is None or self._replaying.is_finished:
            self._replaying = self.run_worker(
                self._replay_when_loaded(), group="held-keys", exit_on_error=False
            )
        return True

    async def _replay_when_loaded(self) -> None:
        """Once the screen the keys were typed on has loaded, apply them as typed. Where the
        user is now on another screen (a dialog came up), they are dropped; keys typed as the
        app opened are for the register it opens on."""
        from bct_risk.tui.screens.opening import OpeningScreen

        while self._held:
            screen = self.screen
            if screen is not self._held_on:
                if not isinstance(self._held_on, OpeningScreen):
                    self._held.clear()
                    return
                self._held_on = screen
            if not self.loading(screen):
                break
            reading = self._loads_of(screen) if self._ctx is not None else []
            if reading:
                with contextlib.suppress(Exception):  # a load that failed says so itself
                    await self.workers.wait_for_complete(reading)
            else:
                await asyncio.sleep(0.02)  # the register opening, or the screen mounting
        keys, self._held = self._held, []
        for key in keys:
            self.post_message(key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Until the register is open there is nothing to go to: keys wait for it.
        return self._ctx is not None or action in WHILE_OPENING

    def on_descendant_focus(self) -> None:
        # Applied as inputs gain focus, so every form obeys the app's setting. A focus event
        # can still arrive as the app closes, once its last screen is gone.
        if not self.blink and self.screen_stack:
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
        from bct_risk.tui.screens.indicators import IndicatorsScreen
        from bct_risk.tui.screens.tracker import TrackerScreen

        screens: dict[str, Callable[[], Screen[None]]] = {
            "heat_map": lambda: HeatMapScreen(self.ctx, *self._register_filter()),
            "tracker": lambda: TrackerScreen(self.ctx),
            "committees": lambda: CommitteesScreen(self.ctx),
            "indicators": lambda: IndicatorsScreen(self.ctx),
        }
        self.push_screen(screens[name]())

    def _register_filter(self) -> tuple[RiskFilter, str, str]:
        """The register's filter, and the names of the committee and the objective it
        chooses (if any)."""
        from bct_risk.services.register_rows import RiskFilter
        from bct_risk.tui.screens.register import RegisterScreen

        for screen in self.screen_stack:
            if isinstance(screen, RegisterScreen):
                return screen.filter, screen.committee_name, screen.objective_name
        return RiskFilter(), "", ""

    def action_show_readiness(self) -> None:
        """Readiness: the data-quality checks and their findings."""
        from bct_risk.tui.screens.readiness import ReadinessScreen

        self._go_to("register")
        self.push_screen(ReadinessScreen(self.ctx))

    def action_show_scenarios(self) -> None:
        """Scenarios: risks that could strike together."""
        from bct_risk.tui.screens.scenario import ScenarioScreen

        self._go_to("register")
        self.push_screen(ScenarioScreen(self.ctx))

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

    def action_show_indicators(self) -> None:
        """Key risk indicators."""
        self._go_to("indicators")


def make_app(ctx: Context, *, blink: bool = True) -> RiskApp:
    """The app on an open register: the factory the tests use."""
    return RiskApp(ctx, blink=blink)


def open_app(
    opener: Callable[[], Context],
    first_rows: Callable[[int], FirstRows | None] | None = None,
    *,
    blink: bool = True,
) -> RiskApp:
    """The app that shows its first frame, then opens the register with ``opener`` in a worker
    and shows it (what the command line starts). With ``first_rows`` (see
    :func:`bct_risk.services.first_rows.read_first_rows`), the register's first screenful is
    shown before the register is open."""
    return RiskApp(opener=opener, first_rows=first_rows, blink=blink)
