"""Use cases on key risk indicators: add one, record a value, set a year's target and tolerance,
link or unlink a risk, and acknowledge a breach.

Who may: the secretariat, the indicator's owner and administrators record values, targets and
links; a risk's owner (or an administrator) acknowledges a breach on their risk. Each use case
authorizes, validates every input, writes, and appends its audit event, in one transaction.
The ``*_in`` functions do the same inside a caller's session (the seed loader and the importer
run many of them in one transaction).
"""

from __future__ import annotations

import math
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bct_risk.domain.errors import NotFoundError, ValidationError
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
from bct_risk.domain.kpi_rules import Band, Polarity, add_months, check_band
from bct_risk.domain.models import Risk
from bct_risk.services import audit, permissions
from bct_risk.services.audit import id_of
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_person, find_risk
from bct_risk.services.permissions import Change, authorize
from bct_risk.services.validation import required_text

if TYPE_CHECKING:
    from bct_risk.services.indicator_views import Breach

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
YEAR_PATTERN = re.compile(r"^(\d{4})/(\d{2})$")
PERIOD_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")


# -- finding and checking -------------------------------------------------------------------


def find_indicator(session: Session, key: str) -> Indicator:
    """The indicator with a key (any case), or a clear error."""
    wanted = key.strip().lower()
    if not wanted:
        raise ValidationError("an indicator key is required", field="key")
    found = session.exec(select(Indicator).where(func.lower(Indicator.key) == wanted)).first()
    if found is None:
        raise NotFoundError(
            f"no indicator has the key '{key.strip()}' (bct-risk kpi list shows the keys)",
            field="key",
        )
    return found


def year_start(year: str) -> date:
    """The first day (1 April) of a fiscal year written ``2020/21``."""
    match = YEAR_PATTERN.match(year.strip())
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValidationError(
            f"the year '{year}' is not a fiscal year; write it as 2020/21", field="year"
        )
    return date(int(match[1]), 4, 1)


def year_of(day: date) -> str:
    """The fiscal year a day falls in: ``2020/21`` for 31 Oct 2020."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def parse_month(text: str) -> date:
    """The first day of a month typed as ``2026-11``."""
    match = PERIOD_PATTERN.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValidationError(
            f"the period '{text}' is not a month; write it as 2026-11", field="period"
        )
    return date(int(match[1]), int(match[2]), 1)


def period_bounds(kind: PeriodKind, month: date) -> tuple[date, date]:
    """The first and last day of a period ending with ``month``."""
    end = month.replace(day=monthrange(month.year, month.month)[1])
    if kind is PeriodKind.MONTH:
        return month, end
    if kind is PeriodKind.ROLLING_12_MONTHS:
        return add_months(month, -11), end
    if kind is PeriodKind.ROLLING_3_YEARS:
        return add_months(month, -35), end
    return year_start(year_of(month)), end


def _number(value: float | None, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"the {what} '{value}' is not a number", field=what)
    return float(value)


def authorize_indicator(session: Session, ctx: Context, indicator: Indicator | None) -> None:
    """The secretariat, the indicator's owner and administrators may record values and links."""
    permissions.authorize_indicator(
        session, ctx, indicator.owner_id if indicator is not None else None
    )


# -- adding an indicator --------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    """A new indicator as given by a user or a seed file."""

    key: str
    name: str
    basket: Basket
    unit: Unit
    polarity: Polarity
    kind: IndicatorKind = IndicatorKind.TRUST
    owner: str | None = None
    source: str = ""
    notes: str = ""
    illustrative: tuple[str, ...] = ()


def add_indicator(ctx: Context, spec: IndicatorSpec) -> Indicator:
    """Add an indicator (administrators only)."""
    with ctx.transaction() as session:
        authorize(session, ctx, Change.ADD_RISK)
        return add_indicator_in(session, ctx, spec)


def add_indicator_in(session: Session, ctx: Context, spec: IndicatorSpec) -> Indicator:
    """:func:`add_indicator` inside a caller's session (authorized by the caller)."""
    key = spec.key.strip().lower()
    if not KEY_PATTERN.match(key):
        raise ValidationError(
            f"the key '{spec.key}' must be lower-case letters, digits and hyphens (agency-sw)",
            field="key",
        )
    name = required_text(spec.name, "indicator name")
    taken = session.exec(select(Indicator.id).where(Indicator.key == key)).first()
    if taken is not None:
        raise ValidationError(f"the key {key} is already in use", field="key")
    owner_id = find_person(session, spec.owner).id if spec.owner else None
    now = ctx.now()
    indicator = Indicator(
        key=key,
        name=name,
        basket=spec.basket,
        unit=spec.unit,
        polarity=spec.polarity,
        kind=spec.kind,
        owner_id=owner_id,
        source=spec.source,
        notes=spec.notes,
        illustrative=list(spec.illustrative),
        created_at=now,
        updated_at=now,
    )
    session.add(indicator)
    session.flush()
    audit.record(
        session,
        ctx,
        entity="indicator",
        entity_id=id_of(indicator),
        action="create",
        summary=f"Added indicator {key}: {name}",
        changes={
            "key": key,
            "name": name,
            "basket": spec.basket,
            "unit": spec.unit,
            "polarity": spec.polarity,
            "kind": spec.kind,
            "owner_id": owner_id,
        },
    )
    return indicator


def define_year_in(
    session: Session,
    ctx: Context,
    indicator: Indicator,
    *,
    year: str,
    number: str,
    name: str,
    months_on_target: int | None = None,
    result_note: str = "",
    source: str = "",
) -> IndicatorDefinition:
    """An indicator's number and name (and months on target) in one year."""
    year_start(year)
    if months_on_target is not None and not 0 <= months_on_target <= 12:
        raise ValidationError(
            f"months on target {months_on_target} is not between 0 and 12", field="months"
        )
    existing = session.exec(
        select(IndicatorDefinition).where(
            IndicatorDefinition.indicator_id == indicator.id, IndicatorDefinition.year == year
        )
    ).first()
    if existing is not None:
        raise ValidationError(f"{indicator.key} already has a definition for {year}")
    definition = IndicatorDefinition(
        indicator_id=id_of(indicator),
        year=year,
        number=required_text(number, "indicator number"),
        name=required_text(name, "indicator name"),
        months_on_target=months_on_target,
        result_note=result_note,
        source=source,
        created_at=ctx.now(),
    )
    session.add(definition)
    session.flush()
    audit.record(
        session,
        ctx,
        entity="indicatordefinition",
        entity_id=id_of(definition),
        action="create",
        summary=f"{indicator.key} numbered {number} in {year}",
        changes={"year": year, "number": number, "name": name, "months": months_on_target},
    )
    return definition


# -- targets --------------------------------------------------------------------------------


def set_target(
    ctx: Context,
    key: str,
    *,
    year: str,
    target: float,
    tolerance_low: float | None = None,
    tolerance_high: float | None = None,
    source: str = "",
) -> IndicatorTarget:
    """Set an indicator's target and tolerance band from a year on (until a later one is set)."""
    with ctx.transaction() as session:
        indicator = find_indicator(session, key)
        authorize_indicator(session, ctx, indicator)
        return set_target_in(
            session,
            ctx,
            indicator,
            year=year,
            target=target,
            tolerance_low=tolerance_low,
            tolerance_high=tolerance_high,
            source=source,
        )


def set_target_in(
    session: Session,
    ctx: Context,
    indicator: Indicator,
    *,
    year: str,
    target: float,
    tolerance_low: float | None = None,
    tolerance_high: float | None = None,
    source: str = "",
    illustrative: bool = False,
) -> IndicatorTarget:
    """:func:`set_target` inside a caller's session (authorized by the caller)."""
    start = year_start(year)
    band = Band(
        _number(target, "target") or 0.0,
        _number(tolerance_low, "tolerance"),
        _number(tolerance_high, "tolerance"),
    )
    try:
        check_band(Polarity(indicator.polarity), band)
    except ValueError as exc:
        raise ValidationError(f"{indicator.key}: {exc}", field="tolerance") from exc
    row = session.exec(
        select(IndicatorTarget).where(
            IndicatorTarget.indicator_id == indicator.id,
            IndicatorTarget.effective_from == start,
        )
    ).first()
    before = None
    if row is None:
        row = IndicatorTarget(
            indicator_id=id_of(indicator),
            year=year,
            effective_from=start,
            target=band.target,
            set_by=ctx.actor,
            created_at=ctx.now(),
        )
    else:
        before = {"target": row.target, "low": row.tolerance_low, "high": row.tolerance_high}
    row.target, row.tolerance_low, row.tolerance_high = band.target, band.low, band.high
    row.source, row.illustrative, row.set_by = source, illustrative, ctx.actor
    after = {"target": band.target, "low": band.low, "high": band.high}
    if before == after:
        return row
    session.add(row)
    session.flush()
    audit.record(
        session,
        ctx,
        entity="indicatortarget",
        entity_id=id_of(row),
        action="create" if before is None else "update",
        summary=f"{indicator.key} target for {year}: {band.describe()}",
        changes=after if before is None else audit.diff(before, after),
    )
    return row


# -- values ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueInput:
    """A value as typed or imported: the period is the month it ends with (``2026-11``)."""

    period: str
    value: float
    period_kind: PeriodKind = PeriodKind.MONTH
    comment: str = ""
    national_average: float | None = None
    neighbour_average: float | None = None
    reported_on: date | None = None
    """When it became known; today when not given."""
    source: str = ""
    illustrative: bool = False


def record_value(ctx: Context, key: str, data: ValueInput) -> IndicatorValue:
    """Record an indicator's value for a period (replacing that period's value, audited)."""
    with ctx.transaction() as session:
        indicator = find_indicator(session, key)
        authorize_indicator(session, ctx, indicator)
        return record_value_in(session, ctx, indicator, data)


def flagged_by(session: Session, ctx: Context, keys: set[str]) -> list[Breach]:
    """The open breaches of these indicators on their risks, read in the caller's session (so
    a command can say what a recording flagged without reading again after its commit)."""
    from bct_risk.services.indicator_views import breaches_for_risks

    risk_ids = session.exec(
        select(IndicatorRisk.risk_id)
        .join(Indicator, col(Indicator.id) == IndicatorRisk.indicator_id)
        .where(col(Indicator.key).in_(sorted(keys)))
    )
    found = breaches_for_risks(session, list(risk_ids), ctx.today())
    return [b for breaches in found.values() for b in breaches if b.key in keys]


def record_value_flagging(
    ctx: Context, key: str, data: ValueInput
) -> tuple[IndicatorValue, list[Breach]]:
    """:func:`record_value`, with the risks the indicator now flags."""
    with ctx.transaction() as session:
        indicator = find_indicator(session, key)
        authorize_indicator(session, ctx, indicator)
        row = record_value_in(session, ctx, indicator, data)
        return row, flagged_by(session, ctx, {indicator.key})


def record_value_in(
    session: Session, ctx: Context, indicator: Indicator, data: ValueInput
) -> IndicatorValue:
    """:func:`record_value` inside a caller's session (authorized by the caller)."""
    month = parse_month(data.period)
    value = _number(data.value, "value")
    assert value is not None
    if value < 0:
        raise ValidationError(f"the value {value:g} is negative", field="value")
    if Unit(indicator.unit) is Unit.PERCENT and value > 100:
        raise ValidationError(f"the value {value:g}% is above 100%", field="value")
    national = _number(data.national_average, "national average")
    neighbour = _number(data.neighbour_average, "statistical neighbour average")
    if month > ctx.today():
        raise ValidationError(
            f"the period {data.period.strip()} has not started yet", field="period"
        )
    start, end = period_bounds(data.period_kind, month)
    reported_on = data.reported_on or ctx.today()
    row = session.exec(
        select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator.id,
            IndicatorValue.period_kind == data.period_kind,
            IndicatorValue.period_end == end,
        )
    ).first()
    fields: dict[str, Any] = {
        "value": value,
        "comment": data.comment.strip(),
        "national_average": national,
        "neighbour_average": neighbour,
        "reported_on": reported_on,
    }
    label = f"{indicator.key} {data.period_kind.label.lower()} to {month:%b %Y}"
    if row is None:
        row = IndicatorValue(
            indicator_id=id_of(indicator),
            period_kind=data.period_kind,
            period_start=start,
            period_end=end,
            source=data.source,
            illustrative=data.illustrative,
            recorded_by=ctx.actor,
            recorded_at=ctx.now(),
            **fields,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            ctx,
            entity="indicatorvalue",
            entity_id=id_of(row),
            action="create",
            summary=f"Recorded {label}: {Unit(indicator.unit).show(value)}",
            changes={"period_end": end, **fields},
        )
        return row
    before = {name: getattr(row, name) for name in fields}
    changed = audit.diff(before, fields)
    if not changed:
        return row
    for name, new in fields.items():
        setattr(row, name, new)
    row.version += 1
    row.recorded_by, row.recorded_at = ctx.actor, ctx.now()
    session.add(row)
    session.flush()
    audit.record(
        session,
        ctx,
        entity="indicatorvalue",
        entity_id=id_of(row),
        action="update",
        summary=f"Changed {label}: {', '.join(changed)}",
        changes=changed,
    )
    return row


# -- links ----------------------------------------------------------------------------------


def link_risk(
    ctx: Context, key: str, reference: str, *, illustrative: bool = False, note: str = ""
) -> IndicatorRisk:
    """Tie an indicator to a risk it warns about."""
    with ctx.transaction() as session:
        indicator = find_indicator(session, key)
        risk = find_risk(session, reference)
        authorize_indicator(session, ctx, indicator)
        return link_risk_in(session, ctx, indicator, risk, illustrative=illustrative, note=note)


def link_risk_in(
    session: Session,
    ctx: Context,
    indicator: Indicator,
    risk: Risk,
    *,
    illustrative: bool = False,
    note: str = "",
) -> IndicatorRisk:
    """:func:`link_risk` inside a caller's session (authorized by the caller)."""
    existing = session.exec(
        select(IndicatorRisk).where(
            IndicatorRisk.indicator_id == indicator.id, IndicatorRisk.risk_id == risk.id
        )
    ).first()
    if existing is not None:
        raise ValidationError(f"{indicator.key} is already linked to {risk.reference}")
    link = IndicatorRisk(
        indicator_id=id_of(indicator),
        risk_id=id_of(risk),
        illustrative=illustrative,
        note=note.strip(),
        created_at=ctx.now(),
    )
    session.add(link)
    session.flush()
    audit.record(
        session,
        ctx,
        entity="indicatorrisk",
        entity_id=id_of(link),
        risk_id=id_of(risk),
        action="link",
        summary=f"Linked indicator {indicator.key} to {risk.reference}",
        changes={"indicator": indicator.key, "risk": risk.reference, "illustrative": illustrative},
    )
    return link


def unlink_risk(ctx: Context, key: str, reference: str) -> None:
    """Remove an indicator's link to a risk."""
    with ctx.transaction() as session:
        indicator = find_indicator(session, key)
        risk = find_risk(session, reference)
        authorize_indicator(session, ctx, indicator)
        link = session.exec(
            select(IndicatorRisk).where(
                IndicatorRisk.indicator_id == indicator.id, IndicatorRisk.risk_id == risk.id
            )
        ).first()
        if link is None:
            raise NotFoundError(f"{indicator.key} is not linked to {risk.reference}")
        link_id = id_of(link)
        session.delete(link)
        session.flush()
        audit.record(
            session,
            ctx,
            entity="indicatorrisk",
            entity_id=link_id,
            risk_id=id_of(risk),
            action="unlink",
            summary=f"Unlinked indicator {indicator.key} from {risk.reference}",
            changes={
                "indicator": [indicator.key, None],
                "risk": [risk.reference, None],
                "illustrative": [link.illustrative, None],
            },
        )


# -- acknowledging a breach -----------------------------------------------------------------


def acknowledge_breach(ctx: Context, reference: str, key: str, reason: str | None) -> None:
    """The risk owner acknowledges the indicator's breach on their risk, with a reason.

    The breach acknowledged is the one shown now: the indicator's latest value outside
    tolerance. A later value outside tolerance flags the risk again.
    """
    from bct_risk.services.indicator_views import breaches_for_risks

    why = required_text(reason, "reason")
    with ctx.transaction() as session:
        risk = find_risk(session, reference)
        indicator = find_indicator(session, key)
        authorize(session, ctx, Change.ACKNOWLEDGE_BREACH, risk=risk)
        breaches = breaches_for_risks(session, [id_of(risk)], ctx.today())
        breach = next((b for b in breaches.get(id_of(risk), []) if b.key == indicator.key), None)
        if breach is None:
            raise ValidationError(
                f"{risk.reference} has no open breach of {indicator.key} to acknowledge"
            )
        row = BreachAcknowledgement(
            risk_id=id_of(risk),
            value_id=breach.value_id,
            reason=why,
            acknowledged_on=ctx.today(),
            acknowledged_by=ctx.actor,
            created_at=ctx.now(),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            ctx,
            entity="breachacknowledgement",
            entity_id=id_of(row),
            risk_id=id_of(risk),
            action="acknowledge",
            summary=(
                f"Acknowledged {indicator.key} outside tolerance ({breach.value_text}, "
                f"{breach.period_label}) on {risk.reference}"
            ),
            changes={"indicator": indicator.key, "value_id": breach.value_id, "reason": why},
        )
