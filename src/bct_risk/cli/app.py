"""The Typer application, its global options, and the one place errors become messages.

The commands live in their own modules, imported only when a command is run or help lists the
commands: ``bct-risk`` with no command starts the terminal app without loading them (nor
SQLAlchemy), so its first frame comes sooner.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import date
from importlib import import_module
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand, TyperGroup
from typer.main import get_group

from bct_risk.cli.launch import failure_of, guarded, open_settings, start_app
from bct_risk.cli.values import fmt_date as fmt_date
from bct_risk.cli.values import jsonable as jsonable
from bct_risk.cli.values import parse_choice as parse_choice
from bct_risk.cli.values import print_json as print_json
from bct_risk.config import Settings
from bct_risk.domain.errors import ValidationError

if TYPE_CHECKING:
    from bct_risk.domain.scoring import Score
    from bct_risk.services.context import Context

console = Console(highlight=False, markup=False, emoji=False)
"""Standard output. Markup is off: text is printed as written, so a title holding [brackets],
[/] or :colons: prints as it is. The program's own styled words pass ``markup=True`` (with any
user text in them escaped) or are built as :class:`rich.text.Text`."""
err = Console(stderr=True, highlight=False, markup=False, emoji=False)
"""Standard error, printing text as written (see :data:`console`)."""

COMMAND_MODULES: dict[str, str] = {
    "pack": "export",
    "import": "importer",
    "backup": "admin",
    "restore": "admin",
    "committees": "committees",
    "review": "committees",
    "init": "database",
    "upgrade": "database",
    "seed": "database",
    "demo-data": "demo",
    "list": "risks",
    "show": "risks",
    "history": "risks",
    "add": "risks",
    "edit": "risks",
    "score": "risks",
    "escalate": "risks",
    "deescalate": "risks",
    "close": "risks",
    "reopen": "risks",
    "link": "risks",
    "export": "export",
    "papers": "papers",
    "diff": "diff",
    "actions": "actions",
    "control": "actions",
    "people": "admin",
    "audit": "audit",
    "meetings": "committees",
    "kpi": "indicators",
    "check": "assurance",
    "objectives": "assurance",
    "assurance": "assurance",
    "scenario": "assurance",
    "exempt": "assurance",
}
"""Each command (in the order help lists them) and the module of ``bct_risk.cli`` defining it."""


COMMAND_HELP: dict[str, str] = {
    "pack": (
        "Write a committee's pack for a meeting: the register as at its cut-off, changes since "
        "the previous meeting, actions and the committee's risks."
    ),
    "import": "Import a risk register or an action log; all or nothing, with every problem by row.",
    "backup": "Copy the SQLite register to a new file, consistently, even while the app is open.",
    "restore": "Replace the SQLite register with a backup, once the backup has passed every check.",
    "committees": "List the committees.",
    "review": "Record a committee's review of a risk at a meeting (the score at the time is kept).",
    "init": "Create the database (or bring it to the newest schema) and load the seed register.",
    "upgrade": "Bring the database to the newest schema (Alembic migrations).",
    "seed": "Load the seed register from seeds/ (records already present are left alone).",
    "demo-data": (
        "Fill the database with a realistic demonstration register (for trying the app, and bench)."
    ),
    "list": "List the risks on the register (open ones unless --all).",
    "show": "Show one risk: scores, history, controls, actions, reviews, escalations, audit trail.",
    "history": "Show the audit trail of a risk: every change, who made it and when.",
    "add": "Add a risk to the register, with its first scores if given.",
    "edit": "Change a risk's fields.",
    "score": "Score a risk: adds an assessment to its history (nothing is overwritten).",
    "escalate": "Escalate a risk up the tiers, to a committee or to the Board.",
    "deescalate": "De-escalate a risk down the tiers.",
    "close": "Close a risk with a reason; its history is kept.",
    "reopen": "Reopen a closed risk with a reason.",
    "link": "Link two risks that bear on each other.",
    "export": "Export the register as Markdown, Word, HTML, CSV or JSON.",
    "papers": "Papers as issued (their SHA-256) and meetings' papers.",
    "diff": (
        "New, closed and reopened risks, every rescoring in order, escalations and "
        "de-escalations, and actions raised, completed and overdue, from one day to another (as "
        "recorded by the end of the second)."
    ),
    "actions": "Further actions and the action tracker: list, add, raise, update, complete.",
    "control": "Controls in place on a risk.",
    "people": "People of the register: list, add, give a login or a role.",
    "audit": "The audit trail: check that no event was changed or removed.",
    "meetings": "Committee meetings: list and add.",
    "kpi": (
        "Key risk indicators: the contract KPIs, their targets and tolerances, and the risks they"
        " warn about."
    ),
    "check": "Run the data-quality checks; exit 1 when a check marked blocking finds anything.",
    "objectives": "Strategic objectives and the risks that threaten them.",
    "assurance": "Sources of assurance on controls, and their assurance level.",
    "scenario": "Scenarios: risks that could materialise together.",
    "exempt": "Record why an exempt (confidential) risk is left out of public papers.",
}
"""The first paragraph of each command's help, as ``bct-risk --help`` lists it: help lists the
commands from this, without importing their modules (and SQLAlchemy with them). A test holds it
to the commands' own help."""


class RegisterGroup(TyperGroup):
    """The root command: loads each command's module when first needed, and turns any failure
    into one line on standard error and its exit code (1 refused, 3 the register cannot be used,
    4 a fault of the program; see :mod:`bct_risk.storage.errors`), never a traceback."""

    def __init__(self, **attrs: Any) -> None:
        self._loaded: set[str] = set()
        super().__init__(**attrs)

    @property
    def commands(self) -> MutableMapping[str, Any]:
        """Every command, all their modules imported (help, completion, a typo's suggestions)."""
        self._load(*COMMAND_MODULES.values())
        return self._commands

    @commands.setter
    def commands(self, commands: MutableMapping[str, Any]) -> None:
        self._commands = commands

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._stand_ins and cmd_name not in self._commands:
            return TyperCommand(name=cmd_name, help=COMMAND_HELP[cmd_name])
        if cmd_name not in self._commands:
            module = COMMAND_MODULES.get(cmd_name)
            self._load(*([module] if module else COMMAND_MODULES.values()))
        return self._commands.get(cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        if self._stand_ins:
            return list(COMMAND_HELP)
        return list(self.commands)

    _stand_ins = False
    """Whether help is listing the commands from :data:`COMMAND_HELP`."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands in help, each with the start of its help, written as Typer writes
        them, from :data:`COMMAND_HELP` unless every command's module is loaded already."""
        self._stand_ins = set(COMMAND_MODULES.values()) - self._loaded != set()
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._stand_ins = False

    def _load(self, *modules: str) -> None:
        wanted = set(modules) - self._loaded
        if not wanted:
            return
        for module in sorted(wanted):
            import_module(f"{__package__}.{module}")
        # Typer builds commands from what is registered on the app so far: build afresh and
        # keep the new ones, listed in help's order (any command missing from the table last).
        built = get_group(app)
        assert isinstance(built, RegisterGroup)
        merged = {**built._commands, **self._commands}
        rank = {name: place for place, name in enumerate(COMMAND_MODULES)}
        self._commands = dict(sorted(merged.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        self._loaded |= wanted

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # the parser's own exits and usage errors (exit 2), already one block
        except BrokenPipeError as exc:
            # The reader stopped reading (`bct-risk list | head`): stop quietly, as other
            # command-line tools do, with nothing left to flush at exit.
            import os
            import sys

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from exc
        except Exception as exc:
            # One line on standard error, as written (a message may quote a file's [brackets],
            # which are not markup), and the exit code of its kind (README, "Exit codes").
            settings = ctx.obj if isinstance(ctx.obj, Settings) else None
            line, code = failure_of(exc, settings.database_url if settings else None)
            err.print(line, soft_wrap=True, markup=False, emoji=False)
            raise typer.Exit(code) from exc


app = typer.Typer(
    cls=RegisterGroup,
    help="Strategic risk register and governance tracker for Birmingham Children's Trust.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback(invoke_without_command=True)
def _main(
    ctx: typer.Context,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            "-d",
            help="Database URL or SQLite file "
            "(default: BCT_RISK_DATABASE_URL, else db/bct_risk.sqlite).",
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Who the changes are recorded against (default: BCT_RISK_USER, else your login).",
        ),
    ] = None,
) -> None:
    """Strategic risk register and governance tracker. With no command, opens the terminal app."""
    ctx.obj = settings = Settings.from_env(database=database, actor=actor)
    if ctx.invoked_subcommand is None:
        start_app(settings)


def register(ctx: typer.Context) -> Context:
    """The register the command works on, migrated; the default database is seeded when new."""
    return open_settings(settings_of(ctx))


def register_unseeded(ctx: typer.Context) -> Context:
    """The register the command works on, migrated, never seeded (init, seed, demo-data)."""
    from bct_risk.services.context import open_register

    settings = settings_of(ctx)
    return guarded(settings, lambda: open_register(settings))


def settings_of(ctx: typer.Context) -> Settings:
    """The settings given on the command line and in the environment."""
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def to_date(value: str | None, what: str) -> date | None:
    """A typed date, or None when not given (an empty or blank one is refused, not ignored)."""
    from bct_risk.services.validation import parse_date

    return None if value is None else parse_date(value, what)


def to_score(likelihood: int | None, impact: int | None, what: str) -> Score | None:
    """A score from options given together, or None when neither is given."""
    from bct_risk.domain.scoring import Score

    if likelihood is None and impact is None:
        return None
    if likelihood is None or impact is None:
        raise ValidationError(f"give both likelihood and impact for the {what} score")
    return Score(likelihood, impact)


def done(message: str) -> None:
    """Confirm a change on standard output (printed as written: user text in it is safe)."""
    console.print(Text(message))


def cells(*values: str | Text) -> list[Text]:
    """A table row's cells as text, never markup: a title holding [brackets] shows as typed."""
    return [value if isinstance(value, Text) else Text(value) for value in values]
