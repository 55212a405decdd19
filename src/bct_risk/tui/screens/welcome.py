"""A register without a single risk opens here, on the three ways in: the example register,
a file to import, or a first risk added by hand.

The register screen asks :func:`welcome_if_empty` each time it has loaded no rows; the welcome
is shown only when the register holds no risk at all, open or closed. Each way in goes through
what the rest of the app (and the command line) uses: the seed loader as ``bct-risk seed``
runs it, the import screen, the risk form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar
from weakref import WeakSet

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from bct_risk.domain.errors import DomainError
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.services import call_service, notify_error

if TYPE_CHECKING:
    from bct_risk.services.context import Context
    from bct_risk.services.seed import SeedReport
    from bct_risk.tui.screens.register import RegisterScreen

WAYS_IN: tuple[tuple[str, str, str], ...] = (
    (
        "s",
        "Load the example register",
        "The Trust's strategic risk register, its committees, meetings, people and action "
        "tracker, from the seed files (what bct-risk seed loads)",
    ),
    (
        "i",
        "Import a file",
        "A register or an action log from Excel, CSV, JSON or YAML, checked before anything "
        "is written",
    ),
    ("n", "Add a risk", "The first risk of the register, typed in a form"),
)
"""Each way in: its key, what it is, and a line about it."""

_LEFT: WeakSet[RegisterScreen] = WeakSet()
"""Register screens whose user left the welcome for the empty register (it is not shown again)."""


class WelcomeScreen(Screen[str | None]):
    """The ways into an empty register. Dismissed with the way chosen ("import", "new"), with
    "seeded" once the example register is loaded, or None to see the empty register."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("seed", "s", "Example register", "Load the example register (bct-risk seed)"),
        UserAction("import_file", "i", "Import", "Import a register or action log from a file"),
        UserAction("new_risk", "n", "Add a risk", "Add the register's first risk"),
        UserAction("leave", "escape", "Empty register", "Go to the empty register"),
    )
    BINDINGS = bindings(ACTIONS)
    DEFAULT_CSS = """
    WelcomeScreen {
        align: center top;
    }
    #welcome {
        width: 100%;
        max-width: 100;
        height: auto;
        padding: 1 2;
    }
    #welcome-state {
        color: $text-muted;
    }
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.seeding = False
        """Whether the example register is being loaded (the keys wait for it)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Loading the example register is an import; adding a risk needs that right.
        from bct_risk.tui.offered import offer

        if self.seeding:
            return None
        change = {"seed": "import_file", "import_file": "import_file", "new_risk": "new_risk"}
        return offer(self, "register", change[action]) if action in change else True

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="welcome"):
            yield Label("Welcome: this register has no risks yet", classes="dialog-title")
            yield Static(self._ways(), id="welcome-ways")
            yield Static("", id="welcome-state")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "A new register"

    def _ways(self) -> Table:
        table = Table(box=None, show_header=False, padding=(0, 2, 1, 0), expand=True)
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("Way in", ratio=1)
        for key, what, about in WAYS_IN:
            table.add_row(key, Text.assemble((what, "bold"), "\n", about))
        table.add_row("Esc", Text("Go to the empty register (the keys are under ?)"))
        return table

    def action_seed(self) -> None:
        """Load the example register through the seed loader, as ``bct-risk seed`` does."""
        from bct_risk.services.seed import load_seeds

        ctx = self.ctx
        self.seeding = True
        self.refresh_bindings()
        self.query_one("#welcome-state", Static).update("Loading the example register…")

        def loaded(report: SeedReport) -> None:
            self.app.notify(f"Example register loaded: {report}", title="Loaded", markup=False)
            self.dismiss("seeded")

        def refused(exc: DomainError) -> None:
            self.seeding = False
            self.refresh_bindings()
            self.query_one("#welcome-state", Static).update("")
            notify_error(self)(exc)

        call_service(self, lambda: load_seeds(ctx), loaded, group="seed", failed=refused)

    def action_import_file(self) -> None:
        """Import a file (the import screen)."""
        self.dismiss("import")

    def action_new_risk(self) -> None:
        """Add a risk (the risk form)."""
        self.dismiss("new")

    def action_leave(self) -> None:
        """The empty register."""
        self.dismiss(None)


def welcome_if_empty(register: RegisterScreen) -> None:
    """Show the welcome over the register if the register holds no risk at all (and its user
    has not left the welcome already); the way chosen is taken on the register."""
    from bct_risk.services.queries import risk_references
    from bct_risk.services.register_rows import RiskFilter

    if register in _LEFT:
        return
    ctx = register.ctx
    every_risk = RiskFilter(include_closed=True)

    def chosen(way: str | None) -> None:
        if way is None:
            _LEFT.add(register)
        elif way == "import":
            register.action_import_file()
        elif way == "new":
            register.action_new_risk()
        # "seeded": the register reloads as it comes back into view.

    def answered(empty: bool) -> None:
        app = register.app
        if empty and app.screen is register:
            app.push_screen(WelcomeScreen(ctx), chosen)

    call_service(register, lambda: not risk_references(ctx, every_risk), answered, group="welcome")
