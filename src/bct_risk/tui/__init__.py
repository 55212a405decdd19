"""The terminal app: the register, a risk's detail, scoring, escalation, the heat map, the
action tracker and committee reviews, built on the services (never the database directly)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bct_risk.services.context import Context


def run(open_register: Callable[[], Context]) -> None:
    """Start the terminal app, then open the register in the background (what ``bct-risk`` with
    no command does), so the first frame comes before the database work.

    A register that cannot be opened closes the app; its error is raised here, for the command
    line to report as it reports any other.
    """
    from bct_risk.tui.app import open_app

    app = open_app(open_register)
    app.run()
    if app.open_error is not None:
        raise app.open_error


__all__ = ["run"]
