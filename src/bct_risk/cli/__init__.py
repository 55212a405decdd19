"""The ``bct-risk`` command line: thin Typer commands over the services, printed with Rich."""

from __future__ import annotations

import bct_risk.cli.export  # noqa: F401  (registers the export and pack commands)
import bct_risk.cli.importer as _import_command  # noqa: F401  (registers the import command)
from bct_risk.cli import actions, admin, committees, database, demo, risks  # noqa: F401  (register commands)
from bct_risk.cli.app import app


def main() -> None:
    """Entry point of the ``bct-risk`` script."""
    app()


__all__ = ["app", "main"]
