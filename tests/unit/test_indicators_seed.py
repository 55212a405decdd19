"""The seeded indicators equal the documents' tables (a golden file checked against 001 L1174-1826,
000 L628-688, 003 L365-380 and 002 L246-270), and every seeded figure cites its source."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from bct_risk.domain.kpi_rules import Status
from bct_risk.services.context import Context
from bct_risk.services.indicator_views import IndicatorDetail, indicator_detail, list_indicators
from bct_risk.storage.paths import SEEDS_DIR

GOLDEN = Path(__file__).with_suffix(".golden.txt")
OCT_2020 = date(2020, 11, 30)
CITATION = re.compile(r"^\d{3} L\d+")


def _render(ctx: Context) -> str:
    lines = ["Contract KPIs, October 2020 (001 L1174-1826)", ""]
    lines.append(
        "KPI | key | good | target | tolerance | Oct-19 | previous | Oct-20 | nat | SN | status"
    )
    oct_2020 = [
        line for line in list_indicators(ctx, as_at=OCT_2020)
        if any(d.year == "2020/21" for d in indicator_detail(ctx, line.key, OCT_2020).definitions)
    ]  # fmt: skip
    for line in sorted(oct_2020, key=lambda line: (len(line.number), line.number)):
        detail = indicator_detail(ctx, line.key, OCT_2020)

        def pick(end: date, detail: IndicatorDetail = detail) -> str:
            october = {p.period_kind for p in detail.values if p.period_end == date(2020, 10, 31)}
            points = [p for p in detail.values if p.period_end == end]
            chosen = [p for p in points if p.period_kind in october] or points
            return " / ".join(f"{p.value:g} ({p.period_kind.value})" for p in chosen) or "-"

        latest = line.latest
        band = line.band
        tolerance = (
            "-" if band is None or (band.low is None and band.high is None)
            else f"{band.low:g}-{band.high:g}"
        )  # fmt: skip
        lines.append(
            " | ".join(
                [
                    line.number,
                    line.key,
                    line.polarity.value,
                    "-" if band is None else f"{band.target:g}",
                    tolerance,
                    pick(date(2019, 10, 31)),
                    pick(date(2020, 9, 30)),
                    pick(date(2020, 10, 31)),
                    "-" if latest is None or latest.national_average is None
                    else f"{latest.national_average:g}",
                    "-" if latest is None or latest.neighbour_average is None
                    else f"{latest.neighbour_average:g}",
                    line.status.value,
                ]
            )
        )  # fmt: skip
    lines += ["", "Months on target or within tolerance, by year (number: months or note)", ""]
    years = ("2018/19", "2019/20", "2023/24", "2024/25")
    lines.append("key | " + " | ".join(years))
    for line in list_indicators(ctx, as_at=OCT_2020):
        cells = []
        definitions = {d.year: d for d in indicator_detail(ctx, line.key).definitions}
        for year in years:
            d = definitions.get(year)
            if d is None:
                cells.append("")
            else:
                result = d.result_note if d.months_on_target is None else f"{d.months_on_target}/12"
                cells.append(f"{d.number}: {result}")
        if any(cells):
            lines.append(f"{line.key} | " + " | ".join(cells))
    lines += ["", "Links to risks (* illustrative)", ""]
    for line in list_indicators(ctx, as_at=OCT_2020):
        links = indicator_detail(ctx, line.key).links
        if links:
            lines.append(
                f"{line.key}: "
                + ", ".join(f"{link.reference}{'*' if link.illustrative else ''}" for link in links)
            )
    return "\n".join(lines) + "\n"


def test_the_seeded_indicators_equal_the_documents_tables(seeded_ctx: Context) -> None:
    text = _render(seeded_ctx)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, "utf-8")
    assert text == GOLDEN.read_text("utf-8")


def test_october_2020_eight_on_target_the_rest_within_tolerance(seeded_ctx: Context) -> None:
    # "In October 8 were on or better than target and the remainder were all within the agreed
    # tolerance" (001 L961-962); KPI 12 (12 adopted so far against 70 a year, no tolerance) is
    # the exception the seed notes record.
    lines = [
        line for line in list_indicators(seeded_ctx, as_at=OCT_2020)
        if line.latest is not None and line.latest.period_end == date(2020, 10, 31)
        and line.band is not None
    ]  # fmt: skip
    statuses = {line.key: line.status for line in lines}
    assert len(statuses) == 15
    assert sum(s is Status.ON_TARGET for s in statuses.values()) == 8
    assert sum(s is Status.WITHIN_TOLERANCE for s in statuses.values()) == 6
    assert [k for k, s in statuses.items() if s is Status.OUTSIDE_TOLERANCE] == ["children-adopted"]


def test_every_seeded_figure_cites_its_document_and_line() -> None:
    data = yaml.safe_load((SEEDS_DIR / "50_indicators.yaml").read_text("utf-8"))
    assert len(data["indicators"]) == len({i["key"] for i in data["indicators"]})
    for indicator in data["indicators"]:
        assert CITATION.match(indicator["source"]), indicator["key"]
        assert indicator.get("owner") is None or "owner" in indicator["illustrative"]
        for part in ("years", "targets", "values"):
            for item in indicator.get(part) or []:
                assert CITATION.match(str(item["source"])), (indicator["key"], part, item)
        for link in indicator.get("risks") or []:
            assert link["illustrative"] is True and link["note"], (indicator["key"], link)


@pytest.mark.parametrize("key", ["agency-sw", "children-adopted", "yj-first-time-entrants"])
def test_the_sources_inconsistencies_are_recorded_as_notes(seeded_ctx: Context, key: str) -> None:
    assert indicator_detail(seeded_ctx, key).notes
