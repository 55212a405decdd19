"""The committee pack's key risk indicators: the "Indicators outside tolerance" section, and the
indicators shown under each of the committee's risks, as at the pack's cut-off.

The pack carries what to show (:class:`bct_risk.services.indicator_views.PaperIndicators`);
these functions write it as Markdown, every user text escaped. Only the pack's own risks are
named (a public pack names no exempt risk).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bct_risk.export.markdown import cell, fmt_date, heading, table
from bct_risk.services.indicator_views import Breach, IndicatorLine, PaperIndicators
from bct_risk.services.register_rows import RiskRow

if TYPE_CHECKING:
    from bct_risk.domain.scoring import Matrix
    from bct_risk.services.pack import CommitteePack

HEADERS = ["Indicator", "Target (tolerance)", "Latest", "Period", "Status", "Months on target"]


def _suffix(line: IndicatorLine) -> str:
    return {"percent": "%", "days": " days"}.get(line.unit.value, "")


def _band(line: IndicatorLine) -> str:
    return "–" if line.band is None else line.band.describe(_suffix(line))


def outside_tolerance_section(
    indicators: PaperIndicators, risks: Sequence[RiskRow], as_at: object
) -> list[str]:
    """ "Indicators outside tolerance": each breach with the value, the tolerance, the date and
    the risks it flags (nothing when no indicator of the pack's risks is outside tolerance)."""
    references = {r.id: r.reference for r in risks}
    by_key: dict[str, list[Breach]] = {}
    for risk_id, breaches in indicators.breaches.items():
        if risk_id in references:
            for breach in breaches:
                by_key.setdefault(breach.key, []).append(breach)
    parts = ["## Indicators outside tolerance"]
    if not by_key:
        parts.append("No key risk indicator of these risks is outside tolerance.")
        return parts
    parts.append(
        "Each indicator below was outside tolerance at its latest report; the risks it bears on "
        "are flagged until they are rescored or their risk owner acknowledges the breach."
    )
    rows = []
    for key in sorted(by_key):
        breaches = by_key[key]
        first = breaches[0]
        rows.append(
            [
                cell(first.name),
                cell(first.value_text),
                cell(first.target),
                cell(first.period_label),
                cell(fmt_date(first.reported_on)),
                cell(", ".join(sorted(b.reference for b in breaches))),
            ]
        )
    parts.append(
        table(["Indicator", "Value", "Target (tolerance)", "Period", "Reported", "Risks"], rows)
    )
    return parts


def risk_indicators_block(indicators: PaperIndicators, risk_id: int, level: int = 3) -> list[str]:
    """The indicators shown under one risk's section (nothing for a risk with none)."""
    lines = indicators.by_risk.get(risk_id, [])
    if not lines:
        return []
    rows = []
    for line in lines:
        latest = line.latest
        months = f"{line.months.met}/{line.months.reported}" if line.months.reported else "–"
        rows.append(
            [
                cell(line.name),
                cell(_band(line)),
                cell(latest.value_text if latest else ""),
                cell(latest.period_label if latest else ""),
                cell(line.status.label if latest else "No value"),
                cell(months),
            ]
        )
    parts = [
        heading(level + 1, "Key risk indicators"),
        table(HEADERS, rows),
    ]
    breached = [
        b.key for b in indicators.breaches.get(risk_id, []) if b.key in {x.key for x in lines}
    ]
    if breached:
        parts.append(
            "**Indicator breach**: "
            + cell(", ".join(breached))
            + " outside tolerance; the risk has not been rescored since."
        )
    return parts


def pack_section(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """The pack's "Indicators outside tolerance" section (a section of ``export.pack``)."""
    return outside_tolerance_section(pack.indicators, pack.risks, pack.today)
