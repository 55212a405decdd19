"""The terminal app: the register, a risk's detail, scoring, escalation, the heat map, the
action tracker and committee reviews, built on the services (never the database directly)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bct_risk.services.context import Context
    from bct_risk.services.first_rows import FirstRows


def run(
    open_register: Callable[[], Context],
    first_rows: Callable[[int], FirstRows | None] | None = None,
) -> None:
    """Start the terminal app, then open the register in the background (what ``bct-risk`` with
    no command does), so the first frame comes before the database work.

    A register that cannot be opened closes the app; its error is raised here, for the command
    line to report as it reports any other. ``first_rows`` reads the register's first screenful
    before it is open, where it can (see :mod:`bct_risk.services.first_rows`).
    """
    from bct_risk.tui.app import open_app

    app = open_app(open_register, first_rows)
    app.run()
    if app.open_error is not None:
        raise app.open_error


__all__ = ["run"]
