"""Load the seed register's key risk indicators (the ``indicators`` section of ``seeds/*.yaml``,
format in ``seeds/FORMAT.md``), idempotently, inside the seed load's transaction.

Every record goes through the use cases of :mod:`bct_risk.services.indicators`; what is already
there (an indicator by key, a year's definition, a year's target, a period's value, a link) is
left as it is. An error names the file and the record.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from bct_risk.domain.errors import DomainError, ValidationError
from bct_risk.domain.indicators import (
    Basket,
    Indicator,
    IndicatorDefinition,
    IndicatorKind,
    IndicatorRisk,
    IndicatorTarget,
    IndicatorValue,
    PeriodKind,
    Unit,
)
from bct_risk.domain.kpi_rules import Polarity
from bct_risk.services.context import Context
from bct_risk.services.indicators import (
    IndicatorSpec,
    ValueInput,
    add_indicator_in,
    define_year_in,
    link_risk_in,
    parse_month,
    period_bounds,
    record_value_in,
    set_target_in,
    year_start,
)
from bct_risk.services.lookup import find_risk
from bct_risk.services.seed import read_seed_file

SECTION = "indicators"
"""The section of a seed file this loader reads (the main loader reads the others)."""


def load_indicator_seeds(ctx: Context, session: Session, folder: Path) -> int:
    """Load every ``indicators`` section in the folder's ``*.yaml``; the number of records added."""
    added = 0
    for path in sorted(folder.glob("*.yaml")):
        data = read_seed_file(path)
        for index, record in enumerate(data.get(SECTION) or []):
            where = f"{path.name}: {SECTION}[{index}] ({record.get('key', index)})"
            try:
                added += _indicator(ctx, session, record)
            except DomainError as exc:
                raise ValidationError(f"{where}: {exc}") from exc
            except KeyError as exc:
                raise ValidationError(f"{where}: the field {exc} is missing") from exc
            except (TypeError, ValueError) as exc:
                raise ValidationError(f"{where}: {exc}") from exc
    return added


def _indicator(ctx: Context, session: Session, record: dict[str, Any]) -> int:
    key = str(record["key"]).strip().lower()
    added = 0
    indicator = session.exec(select(Indicator).where(Indicator.key == key)).first()
    if indicator is None:
        spec = IndicatorSpec(
            key=key,
            name=str(record["name"]),
            basket=Basket.parse(str(record["basket"])),
            unit=Unit.parse(str(record["unit"])),
            polarity=Polarity.parse(str(record["polarity"])),
            kind=IndicatorKind.parse(str(record.get("kind", "trust"))),
            owner=record.get("owner"),
            source=str(record.get("source", "")),
            notes=" ".join(str(record.get("notes", "")).split()),
            illustrative=tuple(str(i) for i in record.get("illustrative") or ()),
        )
        indicator = add_indicator_in(session, ctx, spec)
        added += 1
    for item in record.get("years") or []:
        added += _year(ctx, session, indicator, item)
    for item in record.get("targets") or []:
        added += _target(ctx, session, indicator, item)
    for item in record.get("values") or []:
        added += _value(ctx, session, indicator, item)
    for item in record.get("risks") or []:
        added += _link(ctx, session, indicator, item)
    return added


def _year(ctx: Context, session: Session, indicator: Indicator, item: dict[str, Any]) -> int:
    year = str(item["year"])
    if session.exec(
        select(IndicatorDefinition.id).where(
            IndicatorDefinition.indicator_id == indicator.id, IndicatorDefinition.year == year
        )
    ).first():
        return 0
    months = item.get("months_on_target")
    define_year_in(
        session,
        ctx,
        indicator,
        year=year,
        number=str(item["number"]),
        name=str(item["name"]),
        months_on_target=None if months is None else int(months),
        result_note=str(item.get("result_note", "")),
        source=str(item.get("source", "")),
    )
    return 1


def _target(ctx: Context, session: Session, indicator: Indicator, item: dict[str, Any]) -> int:
    year = str(item["year"])
    if session.exec(
        select(IndicatorTarget.id).where(
            IndicatorTarget.indicator_id == indicator.id,
            IndicatorTarget.effective_from == year_start(year),
        )
    ).first():
        return 0
    set_target_in(
        session,
        ctx,
        indicator,
        year=year,
        target=item["target"],
        tolerance_low=item.get("low"),
        tolerance_high=item.get("high"),
        source=str(item.get("source", "")),
        illustrative=bool(item.get("illustrative", False)),
    )
    return 1


def _value(ctx: Context, session: Session, indicator: Indicator, item: dict[str, Any]) -> int:
    period = str(item["period"])
    kind = PeriodKind.parse(str(item.get("kind", "month")))
    _, end = period_bounds(kind, parse_month(period))
    if session.exec(
        select(IndicatorValue.id).where(
            IndicatorValue.indicator_id == indicator.id,
            IndicatorValue.period_kind == kind,
            IndicatorValue.period_end == end,
        )
    ).first():
        return 0
    reported = item.get("reported_on")
    record_value_in(
        session,
        ctx,
        indicator,
        ValueInput(
            period=period,
            value=item["value"],
            period_kind=kind,
            comment=str(item.get("comment", "")),
            national_average=item.get("national"),
            neighbour_average=item.get("neighbour"),
            reported_on=date.fromisoformat(str(reported)) if reported else end,
            source=str(item.get("source", "")),
            illustrative=bool(item.get("illustrative", False)),
        ),
    )
    return 1


def _link(ctx: Context, session: Session, indicator: Indicator, item: dict[str, Any]) -> int:
    risk = find_risk(session, str(item["risk"]))
    if session.exec(
        select(IndicatorRisk.id).where(
            IndicatorRisk.indicator_id == indicator.id, IndicatorRisk.risk_id == risk.id
        )
    ).first():
        return 0
    link_risk_in(
        session,
        ctx,
        indicator,
        risk,
        illustrative=bool(item.get("illustrative", True)),
        note=str(item.get("note", "")),
    )
    return 1
