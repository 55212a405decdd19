"""The read side of key risk indicators: indicator lines, an indicator's detail, the indicators
of a risk, and the breaches that flag risks, each as at a date (a paper's cut-off, or today).

A value counts as at a date once it was reported (``reported_on``); a target applies from its
year's first day until a later one is set. A risk is flagged "indicator breach" while the latest
value of an indicator linked to it is outside tolerance, unless the risk's current score was
reassessed after the value was reported or its owner acknowledged that value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from bct_risk.domain.enums import RiskStatus, ScoreKind
from bct_risk.domain.indicators import (
    Basket,
    BreachAcknowledgement,
    Indicator,
    IndicatorDefinition,
    IndicatorKind,
    IndicatorRisk,
    IndicatorTarget,
    IndicatorValue,
    PeriodKind,
    Unit,
)
from bct_risk.domain.kpi_rules import Band, MonthsOnTarget, Polarity, Status, months_on_target
from bct_risk.domain.kpi_rules import status as status_of
from bct_risk.domain.models import Assessment, Person, Risk
from bct_risk.services.context import Context
from bct_risk.services.indicators import find_indicator


@dataclass(frozen=True)
class Point:
    """One value of an indicator with its status against the band in force for its period."""

    value_id: int
    period_kind: PeriodKind
    period_start: date
    period_end: date
    value: float
    value_text: str
    band: Band | None
    status: Status
    comment: str
    national_average: float | None
    neighbour_average: float | None
    reported_on: date
    source: str

    @property
    def period_label(self) -> str:
        """``Oct 2020``, ``12 months to Sep 2020``, ``year to date Oct 2020``."""
        month = f"{self.period_end:%b %Y}"
        if self.period_kind is PeriodKind.MONTH:
            return month
        if self.period_kind is PeriodKind.ROLLING_12_MONTHS:
            return f"12 months to {month}"
        if self.period_kind is PeriodKind.ROLLING_3_YEARS:
            return f"3 years to {month}"
        return f"year to {month}"


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator as lists show it."""

    key: str
    number: str
    """Its number in the year of the cut-off (or its latest numbering)."""
    name: str
    basket: Basket
    unit: Unit
    polarity: Polarity
    kind: IndicatorKind
    owner: str
    band: Band | None
    """The target and tolerance in force at the cut-off."""
    latest: Point | None
    months: MonthsOnTarget
    risks: tuple[str, ...]
    """References of the risks it indicates."""

    @property
    def status(self) -> Status:
        """The latest value's status (no target when there is no value)."""
        return self.latest.status if self.latest else Status.NO_TARGET


@dataclass(frozen=True)
class YearDefinition:
    """An indicator's numbering and result in one year."""

    year: str
    number: str
    name: str
    months_on_target: int | None
    result_note: str
    source: str


@dataclass(frozen=True)
class TargetLine:
    """A target set for a year."""

    year: str
    band: Band
    source: str
    illustrative: bool


@dataclass(frozen=True)
class RiskLinkLine:
    """A risk an indicator warns about."""

    reference: str
    title: str
    illustrative: bool
    note: str


@dataclass(frozen=True)
class IndicatorDetail:
    """Everything about one indicator, as at a date."""

    line: IndicatorLine
    source: str
    notes: str
    illustrative: tuple[str, ...]
    definitions: tuple[YearDefinition, ...]
    targets: tuple[TargetLine, ...]
    values: tuple[Point, ...]
    """Oldest first."""
    links: tuple[RiskLinkLine, ...]


@dataclass(frozen=True)
class Breach:
    """A risk flagged "indicator breach": the value, the tolerance and the date."""

    risk_id: int
    reference: str
    key: str
    name: str
    value_id: int
    value: float
    value_text: str
    target: str
    """The target and tolerance, as people read them."""
    period_label: str
    period_end: date
    reported_on: date

    @property
    def note(self) -> str:
        """The breach in one line: the indicator, its value and period, against what."""
        return f"{self.key} {self.value_text} ({self.period_label}) against {self.target}"


def _unit_suffix(unit: Unit) -> str:
    return {Unit.PERCENT: "%", Unit.DAYS: " days"}.get(unit, "")


def _band_for(targets: Sequence[IndicatorTarget], day: date) -> Band | None:
    """The band in force on a day: the latest one set from on or before it."""
    chosen: IndicatorTarget | None = None
    for target in targets:
        if target.effective_from <= day and (
            chosen is None or target.effective_from > chosen.effective_from
        ):
            chosen = target
    if chosen is None:
        return None
    return Band(chosen.target, chosen.tolerance_low, chosen.tolerance_high)


def _point(indicator: Indicator, row: IndicatorValue, targets: Sequence[IndicatorTarget]) -> Point:
    unit = Unit(indicator.unit)
    band = None if indicator.kind == IndicatorKind.ACTIVITY else _band_for(targets, row.period_end)
    return Point(
        value_id=row.id or 0,
        period_kind=PeriodKind(row.period_kind),
        period_start=row.period_start,
        period_end=row.period_end,
        value=row.value,
        value_text=unit.show(row.value),
        band=band,
        status=status_of(row.value, Polarity(indicator.polarity), band),
        comment=row.comment,
        national_average=row.national_average,
        neighbour_average=row.neighbour_average,
        reported_on=row.reported_on,
        source=row.source,
    )


class _Loaded:
    """The rows the views are built from, read in a few queries."""

    def __init__(self, session: Session, indicators: list[Indicator], as_at: date) -> None:
        self.indicators = indicators
        ids = [i.id for i in indicators]
        self.targets: dict[int, list[IndicatorTarget]] = defaultdict(list)
        self.values: dict[int, list[IndicatorValue]] = defaultdict(list)
        self.definitions: dict[int, list[IndicatorDefinition]] = defaultdict(list)
        self.links: dict[int, list[tuple[IndicatorRisk, Risk]]] = defaultdict(list)
        if not ids:
            self.owners: dict[int, str] = {}
            return
        for target in session.exec(
            select(IndicatorTarget).where(col(IndicatorTarget.indicator_id).in_(ids))
        ):
            self.targets[target.indicator_id].append(target)
        for value in session.exec(
            select(IndicatorValue)
            .where(col(IndicatorValue.indicator_id).in_(ids))
            .where(IndicatorValue.reported_on <= as_at)
            .order_by(col(IndicatorValue.period_end), col(IndicatorValue.id))
        ):
            self.values[value.indicator_id].append(value)
        for definition in session.exec(
            select(IndicatorDefinition)
            .where(col(IndicatorDefinition.indicator_id).in_(ids))
            .order_by(col(IndicatorDefinition.year))
        ):
            self.definitions[definition.indicator_id].append(definition)
        for link, risk in session.exec(
            select(IndicatorRisk, Risk)
            .join(Risk, col(Risk.id) == IndicatorRisk.risk_id)
            .where(col(IndicatorRisk.indicator_id).in_(ids))
            .order_by(col(Risk.reference))
        ):
            self.links[link.indicator_id].append((link, risk))
        owner_ids = {i.owner_id for i in indicators if i.owner_id is not None}
        self.owners = {
            p.id or 0: p.name
            for p in session.exec(select(Person).where(col(Person.id).in_(owner_ids)))
        }

    def line(self, indicator: Indicator, as_at: date) -> IndicatorLine:
        ident = indicator.id or 0
        targets = self.targets[ident]
        points = [_point(indicator, row, targets) for row in self.values[ident]]
        monthly = {p.period_end: p.status for p in points if p.period_kind is PeriodKind.MONTH}
        definitions = self.definitions[ident]
        year = _fiscal_year(as_at)
        current = next((d for d in definitions if d.year == year), None)
        if current is None:
            earlier = [d for d in definitions if d.year <= year]
            current = earlier[-1] if earlier else (definitions[-1] if definitions else None)
        band = None if indicator.kind == IndicatorKind.ACTIVITY else _band_for(targets, as_at)
        return IndicatorLine(
            key=indicator.key,
            number=current.number if current else "",
            name=indicator.name,
            basket=Basket(indicator.basket),
            unit=Unit(indicator.unit),
            polarity=Polarity(indicator.polarity),
            kind=IndicatorKind(indicator.kind),
            owner=self.owners.get(indicator.owner_id or 0, ""),
            band=band,
            latest=_latest(points),
            months=months_on_target(monthly, as_at),
            risks=tuple(risk.reference for _, risk in self.links[ident]),
        )


def _fiscal_year(day: date) -> str:
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def _latest(points: Sequence[Point]) -> Point | None:
    """The newest value: latest period end; a month before a longer period ending with it."""
    if not points:
        return None
    rank = {PeriodKind.MONTH: 0, PeriodKind.YEAR_TO_DATE: 1}
    return max(points, key=lambda p: (p.period_end, -rank.get(p.period_kind, 2), p.value_id))


def _indicators(session: Session, basket: Basket | None = None) -> list[Indicator]:
    statement = select(Indicator).order_by(col(Indicator.basket), col(Indicator.id))
    if basket is not None:
        statement = statement.where(Indicator.basket == basket)
    return list(session.exec(statement))


def indicator_lines(
    session: Session, as_at: date, *, basket: Basket | None = None
) -> list[IndicatorLine]:
    """Every indicator (of a basket), with its latest value and months on target, as at a date."""
    indicators = _indicators(session, basket)
    loaded = _Loaded(session, indicators, as_at)
    order = {b: n for n, b in enumerate(Basket)}
    lines = [loaded.line(i, as_at) for i in indicators]
    return sorted(lines, key=lambda line: (order[line.basket], _number_key(line.number)))


def _number_key(number: str) -> tuple[int, str]:
    digits = "".join(ch for ch in number if ch.isdigit())
    return (int(digits) if digits else 999, number)


def list_indicators(
    ctx: Context, *, basket: Basket | None = None, as_at: date | None = None
) -> list[IndicatorLine]:
    """:func:`indicator_lines` in a read session."""
    with ctx.read() as session:
        return indicator_lines(session, as_at or ctx.today(), basket=basket)


def indicator_detail(ctx: Context, key: str, as_at: date | None = None) -> IndicatorDetail:
    """One indicator with its years, targets, values and risks."""
    when = as_at or ctx.today()
    with ctx.read() as session:
        indicator = find_indicator(session, key)
        loaded = _Loaded(session, [indicator], when)
        ident = indicator.id or 0
        targets = loaded.targets[ident]
        return IndicatorDetail(
            line=loaded.line(indicator, when),
            source=indicator.source,
            notes=indicator.notes,
            illustrative=tuple(indicator.illustrative),
            definitions=tuple(
                YearDefinition(
                    d.year, d.number, d.name, d.months_on_target, d.result_note, d.source
                )
                for d in loaded.definitions[ident]
            ),
            targets=tuple(
                TargetLine(
                    t.year,
                    Band(t.target, t.tolerance_low, t.tolerance_high),
                    t.source,
                    t.illustrative,
                )
                for t in sorted(targets, key=lambda t: t.effective_from)
            ),
            values=tuple(_point(indicator, row, targets) for row in loaded.values[ident]),
            links=tuple(
                RiskLinkLine(risk.reference, risk.title, link.illustrative, link.note)
                for link, risk in loaded.links[ident]
            ),
        )


def indicators_for_risk(session: Session, risk_id: int, as_at: date) -> list[IndicatorLine]:
    """The indicators linked to a risk, as at a date."""
    ids = list(
        session.exec(select(IndicatorRisk.indicator_id).where(IndicatorRisk.risk_id == risk_id))
    )
    if not ids:
        return []
    indicators = list(
        session.exec(
            select(Indicator).where(col(Indicator.id).in_(ids)).order_by(col(Indicator.id))
        )
    )
    loaded = _Loaded(session, indicators, as_at)
    return [loaded.line(i, as_at) for i in indicators]


def risk_indicators(ctx: Context, reference: str, as_at: date | None = None) -> list[IndicatorLine]:
    """:func:`indicators_for_risk` by reference, in a read session."""
    from bct_risk.services.lookup import find_risk

    with ctx.read() as session:
        risk = find_risk(session, reference)
        return indicators_for_risk(session, risk.id or 0, as_at or ctx.today())


def breaches_for_risks(
    session: Session, risk_ids: Iterable[int], as_at: date
) -> dict[int, list[Breach]]:
    """The open indicator breaches of each risk (risks with none are left out), as at a date."""
    wanted = list(dict.fromkeys(risk_ids))
    if not wanted:
        return {}
    links = [
        (link, risk)
        for chunk in _chunks(wanted)
        for link, risk in session.exec(
            select(IndicatorRisk, Risk)
            .join(Risk, col(Risk.id) == IndicatorRisk.risk_id)
            .where(col(IndicatorRisk.risk_id).in_(chunk))
        )
    ]
    if not links:
        return {}
    indicator_ids = sorted({link.indicator_id for link, _ in links})
    indicators = list(session.exec(select(Indicator).where(col(Indicator.id).in_(indicator_ids))))
    loaded = _Loaded(session, indicators, as_at)
    latest: dict[int, tuple[Indicator, Point, IndicatorValue]] = {}
    for indicator in indicators:
        ident = indicator.id or 0
        rows = {row.id: row for row in loaded.values[ident]}
        point = _latest([_point(indicator, row, loaded.targets[ident]) for row in rows.values()])
        if point is not None and point.status is Status.OUTSIDE_TOLERANCE:
            latest[ident] = (indicator, point, rows[point.value_id])
    if not latest:
        return {}
    risk_ids_hit = sorted({link.risk_id for link, _ in links if link.indicator_id in latest})
    rescored: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in session.exec(
        select(Assessment)
        .where(col(Assessment.risk_id).in_(risk_ids_hit))
        .where(Assessment.kind == ScoreKind.CURRENT)
        .where(Assessment.assessed_on <= as_at)
    ):
        rescored[assessment.risk_id].append(assessment)
    value_ids = [point.value_id for _, point, _ in latest.values()]
    acknowledged = {
        (a.risk_id, a.value_id)
        for a in session.exec(
            select(BreachAcknowledgement)
            .where(col(BreachAcknowledgement.value_id).in_(value_ids))
            .where(BreachAcknowledgement.acknowledged_on <= as_at)
        )
    }
    result: dict[int, list[Breach]] = defaultdict(list)
    for link, risk in sorted(links, key=lambda lr: (lr[1].reference, lr[0].indicator_id)):
        hit = latest.get(link.indicator_id)
        if hit is None:
            continue
        indicator, point, row = hit
        rid = risk.id or 0
        if risk.status == RiskStatus.CLOSED:
            continue
        if (rid, point.value_id) in acknowledged:
            continue
        if any(_after(a, row) for a in rescored[rid]):
            continue
        suffix = _unit_suffix(Unit(indicator.unit))
        result[rid].append(
            Breach(
                risk_id=rid,
                reference=risk.reference,
                key=indicator.key,
                name=indicator.name,
                value_id=point.value_id,
                value=point.value,
                value_text=point.value_text,
                target=point.band.describe(suffix) if point.band else "",
                period_label=point.period_label,
                period_end=point.period_end,
                reported_on=point.reported_on,
            )
        )
    return dict(result)


def _after(assessment: Assessment, value: IndicatorValue) -> bool:
    """Whether a rescoring came after the value was reported (same day: after it was recorded)."""
    if assessment.assessed_on != value.reported_on:
        return assessment.assessed_on > value.reported_on
    return assessment.created_at >= value.recorded_at


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def risk_breaches(ctx: Context, reference: str, as_at: date | None = None) -> list[Breach]:
    """The open indicator breaches of one risk, in a read session."""
    from bct_risk.services.lookup import find_risk

    with ctx.read() as session:
        risk = find_risk(session, reference)
        return breaches_for_risks(session, [risk.id or 0], as_at or ctx.today()).get(
            risk.id or 0, []
        )


def open_breaches(session: Session, as_at: date) -> dict[int, list[Breach]]:
    """Every risk's open indicator breaches (only linked risks are read)."""
    linked = list(session.exec(select(IndicatorRisk.risk_id).distinct()))
    return breaches_for_risks(session, linked, as_at)


def breach_notes(ctx: Context) -> dict[int, list[str]]:
    """Each risk's open indicator breaches as at today, as one line each (risks with none
    left out): what the register's line and the heat map flag."""
    with ctx.read() as session:
        found = open_breaches(session, ctx.today())
    return {rid: [b.note for b in breaches] for rid, breaches in found.items()}


def breached_indicator_keys(session: Session, as_at: date) -> set[str]:
    """Keys of the indicators whose latest value is outside tolerance."""
    return {
        line.key
        for line in indicator_lines(session, as_at)
        if line.status is Status.OUTSIDE_TOLERANCE
    }


@dataclass(frozen=True)
class PaperIndicators:
    """What a paper shows of the indicators of its risks, as at its cut-off."""

    breaches: dict[int, list[Breach]]
    """Each risk's open indicator breaches, by risk id (risks with none left out)."""
    by_risk: dict[int, list[IndicatorLine]]
    """Each risk's indicators, by risk id."""


NO_INDICATORS = PaperIndicators({}, {})
"""A paper with no indicators (the default where none were read)."""


def paper_indicators(session: Session, risk_ids: Iterable[int], as_at: date) -> PaperIndicators:
    """The indicators and breaches of a paper's risks, as at its cut-off."""
    wanted = list(dict.fromkeys(risk_ids))
    links = [
        link
        for chunk in _chunks(wanted)
        for link in session.exec(select(IndicatorRisk).where(col(IndicatorRisk.risk_id).in_(chunk)))
    ]
    if not links:
        return NO_INDICATORS
    indicator_ids = sorted({link.indicator_id for link in links})
    indicators = list(
        session.exec(
            select(Indicator)
            .where(col(Indicator.id).in_(indicator_ids))
            .order_by(col(Indicator.id))
        )
    )
    loaded = _Loaded(session, indicators, as_at)
    lines = {i.id: loaded.line(i, as_at) for i in indicators}
    by_risk: dict[int, list[IndicatorLine]] = defaultdict(list)
    for link in sorted(links, key=lambda link: link.indicator_id):
        by_risk[link.risk_id].append(lines[link.indicator_id])
    return PaperIndicators(breaches_for_risks(session, wanted, as_at), dict(by_risk))
