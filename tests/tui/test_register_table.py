"""The register table: its painting, and its cells drawn as the package draws them."""

from __future__ import annotations

import pyarrow as pa
from rich.markup import escape
from rich.segment import Segment
from rich.style import Style
from textual_fastdatatable import DataTable

from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.register_rows import RiskFilter
from bct_risk.tui.app import RiskApp
from bct_risk.tui.colours import palette
from bct_risk.tui.format import committee_initials, short_owner
from bct_risk.tui.widgets.risk_table import RiskTable, RowPainter, _FixedWidths
from tests.tui.conftest import settle


async def test_painting_the_register_gives_each_row_its_cells(
    app: RiskApp, app_ctx: Context
) -> None:
    rows = queries.list_risks(app_ctx, RiskFilter(include_closed=True))
    # Markup in a title is shown as typed, and a trailing backslash escapes nothing.
    rows += [
        rows[0]._replace(title="[bold]Not bold[/bold] \\"),
        rows[1]._replace(owner="Ann [acting]", title="Ends in \\"),
    ]
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        colours = palette(app)
    painter = RowPainter(app_ctx.matrix, colours)
    painted = painter.paint(rows).to_pylist()
    # Text as typed (markup escaped), scores as band badges, the rest as the register words it.
    assert painted == [
        {
            "reference": escape(r.reference),
            "title": escape(r.title),
            "owner": escape(short_owner(r.owner)),
            "committee": escape(r.lead_committee),
            "inherent": painter.score(r.inherent),
            "current": painter.score(r.current),
            "band": r.band,
            "target": painter.score(r.target),
            "direction": painter.arrow(r.direction),
            "appetite": painter.appetite(r.appetite, r.gap_to_appetite, r.above_appetite),
            "review": painter.review(r.next_review_date, r.review_overdue),
            "tier": r.tier.label,
            "status": r.status.label,
            "committee_short": escape(committee_initials(r.lead_committee)),
        }
        for r in rows
    ]
    assert painted[-2]["title"] == "\\[bold]Not bold\\[/bold] \\\\"
    assert painted[-1]["owner"] == "Ann \\[acting]"
    by_reference = {r.reference: p for r, p in zip(rows, painted, strict=True)}
    assert "25" in by_reference["SR9"]["current"] and "!" in by_reference["SR1"]["review"]


async def test_plain_cells_are_drawn_as_the_package_draws_them(app: RiskApp) -> None:

    def cells(lines: list[list[Segment]]) -> list[tuple[str, Style]]:
        # Character by character, each with its style less the meta a click reads.
        return [
            (ch, (seg.style or Style()).clear_meta_and_links())
            for line in lines
            for seg in line
            for ch in seg.text
        ]

    texts = [
        "SR1",
        "",
        "Placement sufficiency for children in care and care leavers",
        "exactly-twenty-chars",
        "a-single-word-longer-than-the-whole-column-width",
        "Café – £5m shortfall 😀 wide",
    ]
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(RiskTable).table
        labels = [c.label for c, _ in table.shape]
        table.replace_rows(pa.table({label: texts for label in labels}))
        await settle(pilot)
        base = table.rich_style
        for row, text in enumerate(texts):
            for column, width in ((0, 11), (1, 22), (2, 18)):
                for marks in ((False, False, False), (True, False, False)):
                    ours = table._render_cell(row, column, base, width, *marks)
                    theirs = DataTable._render_cell(table, row, column, base, width, *marks)
                    assert cells(ours) == cells(theirs), (text, column, marks)
    assert isinstance(table.backend, _FixedWidths)
