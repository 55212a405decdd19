"""``bct-risk`` with no command, recognised before Typer reads the command line.

Typer coerces every option's value through pydantic, and importing pydantic would delay the
terminal app's first frame by about a fifth of a second. So when the command line holds nothing
but the global options the app starts at once; anything else (a command, ``--help``, a value
that looks like an option, an option not known here) goes to Typer, which starts the same app
when there is no command.
"""

from __future__ import annotations

from collections.abc import Sequence

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
