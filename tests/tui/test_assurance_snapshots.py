"""Snapshots of the assurance framework's screens: a risk's assurance map, the register's
readiness (its data-quality checks) and a scenario of risks that could strike together.

Run ``pytest tests/tui/test_assurance_snapshots.py --snapshot-update`` after a deliberate
change, and look at the SVGs before committing.
"""

from __future__ import annotations

from bct_risk.services.context import Context
from bct_risk.tui.app import make_app
from tests.tui.test_snapshots import Compare, open_risk, steps


def test_assurance_map_of_sr7(snap_compare: Compare, app_ctx: Context) -> None:
    # Four controls, one with negative internal-audit assurance, and the risk's gaps.
    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(140, 40), run_before=steps(open_risk("SR7"), "a"))


def test_readiness_view(snap_compare: Compare, app_ctx: Context) -> None:
    # The eleven checks with their counts, then the findings with how to fix each.
    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(140, 40), run_before=steps("6"))


def test_scenario_heat_map(snap_compare: Compare, app_ctx: Context) -> None:
    # The seeded scenario: its members on a small heat map, what they share, single points of
    # failure.
    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(140, 45), run_before=steps("7"))
