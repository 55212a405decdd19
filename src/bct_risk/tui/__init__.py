"""The terminal app: the register, a risk's detail, scoring, escalation, the heat map, the
action tracker and committee reviews, built on the services (never the database directly)."""

from __future__ import annotations

from bct_risk.services.context import Context


def run(ctx: Context) -> None:
    """Open the terminal app on a register (what ``bct-risk`` with no command does)."""
    from bct_risk.tui.app import make_app

    make_app(ctx).run()


__all__ = ["run"]
