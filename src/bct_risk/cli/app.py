"""The Typer application, its global options, and the one place errors become messages.

The commands live in their own modules, imported only when a command is run or help lists the
commands: ``bct-risk`` with no command starts the terminal app without loading them (nor
SQLAlchemy), so its first frame comes sooner.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from importlib import import_module
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup
from typer.main import get_group

from bct_risk.cli.launch import failure_of, guarded, open_settings, start_app
from bct_risk.config import Settings
from bct_risk.domain.errors import ValidationError

if TYPE_CHECKING:
    from bct_risk.domain.enums import Labelled
    from bct_risk.domain.scoring import Score
    from bct_risk.services.context import Context

ChoiceT = TypeVar("ChoiceT", bound="Labelled")

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
        if cmd_name not in self._commands:
            module = COMMAND_MODULES.get(cmd_name)
            self._load(*([module] if module else COMMAND_MODULES.values()))
        return self._commands.get(cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

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


def parse_choice(kind: type[ChoiceT], text: str | None) -> ChoiceT | None:
    """A vocabulary value typed by a user (any case, spaces or hyphens), or None when blank."""
    if text is None or not text.strip():
        return None
    try:
        return kind.parse(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


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


def jsonable(value: Any) -> Any:
    """Dataclasses, named tuples, dates and vocabularies as JSON-ready values."""
    from bct_risk.domain.scoring import Score

    if isinstance(value, Score):
        return {"likelihood": value.likelihood, "impact": value.impact, "score": value.value}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    # A named tuple (a register line) by its fields' names, as a dataclass is, not as a list.
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {name: jsonable(v) for name, v in zip(value._fields, value, strict=True)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    """Print a value as indented JSON on standard output."""
    import json

    print(json.dumps(jsonable(value), indent=2, ensure_ascii=False))


def fmt_date(value: date | None) -> str:
    """A date as papers print it: 23 Nov 2026."""
    return value.strftime("%d %b %Y").lstrip("0") if value else ""


def done(message: str) -> None:
    """Confirm a change on standard output (printed as written: user text in it is safe)."""
    console.print(Text(message))


def cells(*values: str | Text) -> list[Text]:
    """A table row's cells as text, never markup: a title holding [brackets] shows as typed."""
    return [value if isinstance(value, Text) else Text(value) for value in values]
