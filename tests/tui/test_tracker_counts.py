"""One overdue rule: the tracker, `bct-risk actions overdue` and the committee pack count the same
actions overdue on the seed register, for every committee and for the whole register.

The command line runs on today's clock, so the app and the pack here do too (not the frozen
clock of the other tests): the counts are compared with each other, never with a number.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from textual.widgets import Static
from typer.testing import CliRunner

from bct_risk.cli.app import app as cli
from bct_risk.config import Settings
from bct_risk.services.context import open_register
from bct_risk.services.pack import committee_pack
from bct_risk.tui.app import make_app
from bct_risk.tui.screens.tracker import TrackerFilter, TrackerScreen
from tests.tui.conftest import press, settle

MEETINGS = {
    "fr": date(2026, 12, 10),
    "pqa": date(2026, 11, 26),
    "exec": date(2026, 12, 8),
    "board": date(2027, 1, 21),
    "workforce": date(2026, 10, 8),
    "os": date(2020, 12, 9),
}
"""A meeting of each committee with actions or risks on the seed register."""


def cli_overdue(database: Path, *options: str) -> int:
    result = CliRunner().invoke(
        cli, ["--database", str(database), "actions", "overdue", *options, "--json"]
    )
    assert result.exit_code == 0, result.stderr
    return len(json.loads(result.stdout))


def app_overdue(screen: TrackerScreen) -> int:
    line = str(screen.query_one("#tracker-state", Static).render())
    found = re.search(r" · (\d+) overdue · ", line)
    assert found, line
    return int(found.group(1))


async def test_the_app_the_command_line_and_the_pack_agree(seeded_db_path: Path) -> None:
    ctx = open_register(Settings.from_env(database=str(seeded_db_path), actor="tester"))
    app = make_app(ctx, blink=False)
    counted: dict[str, tuple[int, int, int]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        screen = app.screen
        assert isinstance(screen, TrackerScreen)
        whole = app_overdue(screen)
        assert whole == cli_overdue(seeded_db_path)
        for committee, meeting in MEETINGS.items():
            screen.apply(TrackerFilter(committee=committee))
            await settle(pilot)
            pack = committee_pack(ctx, committee, meeting, as_at=ctx.today())
            in_pack = {a.id for a in pack.overdue_actions}
            in_pack |= {a.id for a in pack.exempt.actions if a.overdue}
            counted[committee] = (
                app_overdue(screen),
                cli_overdue(seeded_db_path, "--committee", committee),
                len(in_pack),
            )
    ctx.engine.dispose()
    assert all(len(set(three)) == 1 for three in counted.values()), counted
    assert whole > 0 and counted["fr"][0] > 0
