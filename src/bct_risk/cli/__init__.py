"""The ``bct-risk`` command line: thin Typer commands over the services, printed with Rich.

Each command's module is imported when the command is run or help lists it (see
:class:`bct_risk.cli.app.RegisterGroup`), so ``bct-risk`` with no command opens the terminal app
without loading them.
"""

from __future__ import annotations

from bct_risk.cli.app import app


def main() -> None:
    """Entry point of the ``bct-risk`` script."""
    app()


__all__ = ["app", "main"]
