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

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from bct_risk.config import Settings
from bct_risk.domain.errors import DomainError

if TYPE_CHECKING:
    from bct_risk.services.context import Context
    from bct_risk.services.first_rows import FirstRows

T = TypeVar("T")

GLOBAL_OPTIONS = {"-d": "database", "--database": "database", "--as": "actor"}
"""The root command's options (see ``_main`` in :mod:`bct_risk.cli.app`) and their settings."""


def app_options(args: Sequence[str]) -> dict[str, str] | None:
    """The global options given, when the command line asks for the terminal app alone; None
    when Typer should read the command line instead."""
    read = global_options(args)
    return read[0] if read is not None and not read[1] else None


def global_options(args: Sequence[str]) -> tuple[dict[str, str], list[str]] | None:
    """The root command's options at the head of a command line, and the words after them
    (the command and its own options).

    Read as Typer reads them: ``-d FILE``, ``-dFILE``, ``--database FILE``, ``--database=FILE``,
    ``--as WHO``, ``--as=WHO``, the last of a repeated option winning. None for an option it
    does not know or one missing its value, which Typer reads and reports.
    """
    options: dict[str, str] = {}
    rest = list(args)
    while rest and rest[0].startswith("-"):
        arg = rest.pop(0)
        if arg.startswith("-d") and len(arg) > 2:  # as Typer reads it: "-d=x" names "=x"
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
    return options, rest


def failure_of(exc: BaseException, url: str | None = None) -> tuple[str, int]:
    """A failure's one line for standard error and the exit code it ends the command with."""
    from bct_risk.storage.engine import busy_timeout
    from bct_risk.storage.errors import failure

    return failure(exc, url=url, timeout=busy_timeout())


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

    A database that cannot be opened (no such driver, not a database, no server, locked, a full
    disk) is a one-line error like any broken rule, not a traceback.
    """
    from bct_risk.services.context import open_register

    seed = settings.is_default_database
    return guarded(settings, lambda: open_register(settings, seed_if_new=seed))


def guarded(settings: Settings, work: Callable[[], T]) -> T:
    """Run ``work`` on the register the settings name; a database, disk or file failure becomes
    a :class:`~bct_risk.storage.errors.StorageError` naming the register."""
    from bct_risk.storage.engine import busy_timeout
    from bct_risk.storage.errors import storage_error

    try:
        return work()
    except DomainError:
        raise
    except Exception as exc:
        refusal = storage_error(exc, url=settings.database_url, timeout=busy_timeout())
        if refusal is None:
            raise
        raise refusal from exc
