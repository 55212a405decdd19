"""The register table's painting: a column at a time, the same cells as row by row."""

from __future__ import annotations

from dataclasses import replace

from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.queries import RiskFilter
from bct_risk.tui.app import RiskApp
from bct_risk.tui.colours import palette
from bct_risk.tui.widgets.risk_table import COLUMNS, RowPainter
from tests.tui.conftest import settle


async def test_painting_the_register_gives_each_row_its_cells(
    app: RiskApp, app_ctx: Context
) -> None:
    rows = queries.list_risks(app_ctx, RiskFilter(include_closed=True))
    # Markup in a title is shown as typed, and a trailing backslash escapes nothing.
    rows += [
        replace(rows[0], title="[bold]Not bold[/bold] \\"),
        replace(rows[1], owner="Ann [Acting]", title="Ends in \\"),
    ]
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        colours = palette(app)
    painted = RowPainter(app_ctx.matrix, colours).paint(rows).to_pylist()
    labels = [c.label for c in COLUMNS]
    one_by_one = RowPainter(app_ctx.matrix, colours)
    assert painted == [dict(zip(labels, one_by_one.cells(r), strict=True)) for r in rows]
    assert painted[-2]["Title"] == "\\[bold]Not bold\\[/bold] \\\\"
