"""The ``bct-risk`` command line: thin Typer commands over the services, printed with Rich.

Each command's module is imported when the command is run or help lists it (see
:class:`bct_risk.cli.app.RegisterGroup`), and with no command the terminal app starts before
Typer reads the command line (see :mod:`bct_risk.cli.launch`): its first frame needs neither the
commands, nor SQLAlchemy, nor pydantic. ``list`` on a SQLite file is read with ``sqlite3`` alone
where it can be (see :mod:`bct_risk.cli.plain`), before Typer too.
"""

from __future__ import annotations

import sys

from bct_risk.cli.launch import app_options, failure_of, start_app
from bct_risk.config import Settings


def main() -> None:
    """Entry point of the ``bct-risk`` script."""
    options = app_options(sys.argv[1:])
    if options is None:
        if "list" in sys.argv[1:]:
            # Read plainly when it can be (see bct_risk.cli.plain): no Typer, no SQLAlchemy.
            from bct_risk.cli.plain import run_plain

            code = run_plain(sys.argv[1:])
            if code is not None:
                raise SystemExit(code)
        from bct_risk.cli.app import app

        app()
        return
    settings = Settings.from_env(**options)
    try:
        start_app(settings)
    except Exception as exc:
        line, code = failure_of(exc, settings.database_url)
        print(line, file=sys.stderr)
        raise SystemExit(code) from exc


__all__ = ["main"]
