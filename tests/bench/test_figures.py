"""How the benchmark runner turns samples into a figure's ratio to its floor."""

from __future__ import annotations

import pytest

from tests.bench.runner import load_runner

pytestmark = pytest.mark.bench


def test_a_figure_timed_in_rounds_with_its_floor_takes_the_median_of_the_rounds_ratios() -> None:
    run = load_runner()
    # The machine is slower in the last two rounds and a burst slows the third load: each
    # round's own ratio is 2x but for the third, and the median of the rounds says 2x where
    # the ratio of the medians would say 4x.
    floors = [1.0, 1.0, 1.0, 2.0, 2.0]
    loads = [2.0, 2.0, 4.0, 4.0, 4.0]
    paired = run.Figure("load", "M", "s", loads, 1.0, "floor", floor_samples=floors)
    assert paired.ratio == pytest.approx(2.0)
    alone = run.Figure("load", "M", "s", loads, 1.0, "floor")
    assert alone.ratio == pytest.approx(4.0)
