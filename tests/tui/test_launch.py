"""``bct-risk`` with no command opens the app on the register it was given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bct_risk.tui
from bct_risk.cli.app import app as cli_app
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.first_rows import FirstRows


def test_no_command_opens_the_app_on_the_register(
    monkeypatch: pytest.MonkeyPatch, seeded_db_path: Path
) -> None:
    opened: list[tuple[Callable[[], Context], Callable[[int], FirstRows | None]]] = []
    # Record how the app would open the register, instead of taking over the terminal.
    monkeypatch.setattr(bct_risk.tui, "run", lambda *how: opened.append(how))
    result = CliRunner().invoke(cli_app, ["-d", str(seeded_db_path), "--as", "secretariat"])
    assert result.exit_code == 0, result.output
    assert len(opened) == 1
    open_register, first_rows = opened[0]
    first = first_rows(4)
    assert first is not None
    assert [r.reference for r in first.rows] == ["OR2026-01", "SR1", "SR2", "SR3"]
    ctx = open_register()
    assert ctx.actor == "secretariat"
    assert [r.reference for r in queries.list_risks(ctx)][1:] == [f"SR{n}" for n in range(1, 10)]
    ctx.engine.dispose()
