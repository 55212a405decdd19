"""``bct-risk`` with no command opens the app on the register it was given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bct_risk.tui
from bct_risk.cli import app as cli_app
from bct_risk.services import queries
from bct_risk.services.context import Context


def test_no_command_opens_the_app_on_the_register(
    monkeypatch: pytest.MonkeyPatch, seeded_db_path: Path
) -> None:
    opened: list[Callable[[], Context]] = []
    # Record how the app would open the register, instead of taking over the terminal.
    monkeypatch.setattr(bct_risk.tui, "run", opened.append)
    result = CliRunner().invoke(cli_app, ["-d", str(seeded_db_path), "--as", "secretariat"])
    assert result.exit_code == 0, result.output
    assert len(opened) == 1
    ctx = opened[0]()
    assert ctx.actor == "secretariat"
    assert [r.reference for r in queries.list_risks(ctx)][1:] == [f"SR{n}" for n in range(1, 10)]
    ctx.engine.dispose()
