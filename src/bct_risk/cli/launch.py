"""``bct-risk`` with no command, recognised before Typer reads the command line.

Typer coerces every option's value through pydantic, and importing pydantic would delay the
terminal app's first frame by about a fifth of a second. So when the command line holds nothing
but the global options the app starts at once; anything else (a command, ``--help``, a value
that looks like an option, an option not known here) goes to Typer, which starts the same app
when there is no command. Typer itself is not imported on this path either.

Starting the app (:func:`start_app`) and opening a register for it or for a command
(:func:`open_settings`) live here too, for the same reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from bct_risk.config import Settings
from bct_risk.domain.errors import DomainError

if TYPE_CHECKING:
    from bct_risk.services.context import Context
    from bct_risk.services.first_rows import FirstRows

GLOBAL_OPTIONS = {"-d": "database", "--database": "database", "--as": "actor"}
"""The root command's options (see ``_main`` in :mod:`bct_risk.cli.app`) and their settings."""


def app_options(args: Sequence[str]) -> dict[str, str] | None:
    """The global options given, when the command line asks for the terminal app alone.

    Read as Typer reads them: ``-d FILE``, ``-dFILE``, ``--database FILE``, ``--database=FILE``,
    ``--as WHO``, ``--as=WHO``, the last of a repeated option winning. None when Typer should
    read the command line instead.
    """
    options: dict[str, str] = {}
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg.startswith("-d") and len(arg) > 2:
            name, value = "-d", arg[2:]
        else:
            name, equals, value = arg.partition("=")
            if not equals:
                if not rest or rest[0].startswith("-"):
                    return None
                value = rest.pop(0)
        setting = GLOBAL_OPTIONS.get(name)
        if setting is None:
            return None
        options[setting] = value
    return options


def error_line(exc: DomainError | OSError) -> str:
    """How a broken rule, or a file that cannot be used, is reported: one line, no traceback."""
    if isinstance(exc, DomainError):
        return f"Error: {exc}"
    where = f": {exc.filename}" if exc.filename else ""
    return f"Error: {exc.strerror or exc}{where}"


def start_app(settings: Settings) -> None:
    """The terminal app on the register the settings name: its first frame comes first, then
    its first rows (read straight from a SQLite file where they can be), then the register
    opens in a worker. An error opening it is raised once the app has closed."""
    from bct_risk.tui import run

    run(partial(open_settings, settings), partial(first_rows, settings))


def first_rows(settings: Settings, limit: int) -> FirstRows | None:
    """The register's first rows before it is open (see :mod:`bct_risk.services.first_rows`),
    its module imported only once the app's first frame is drawn."""
    from bct_risk.services.first_rows import read_first_rows

    return read_first_rows(settings, limit)


def open_settings(settings: Settings) -> Context:
    """The register the settings name, migrated; the default database is seeded when new.

    A database that cannot be opened (no such driver, not a database, no server) is a one-line
    error like any broken rule, not a traceback.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from bct_risk.services.context import open_register

    try:
        return open_register(settings, seed_if_new=settings.is_default_database)
    except SQLAlchemyError as exc:
        raise DomainError(
            f"cannot open the register at {_shown(settings.database_url)}: {_reason(exc)}"
        ) from exc


def _shown(url: str) -> str:
    # The file of a SQLite register; any other URL without its password.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or url
    return parsed.render_as_string(hide_password=True)


def _reason(exc: Exception) -> str:
    # The driver's own words where there are some, first line only (no SQL, no links).
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]
