"""Key risk indicators: the contract KPIs, their targets and tolerances, values and the risks
they warn about.

An indicator has a key that never changes (``agency-sw``); its number and name belong to a year
(the same number means different indicators in different years), and so do its target and
tolerance band, which carry forward to later periods until new ones are set. Values are dated by
the period they measure (a month, a rolling 12 months, a year to date). An indicator bears on
risks through links; a value outside tolerance flags the risks it indicates until each is rescored
or the breach is acknowledged with a reason.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from bct_risk.domain.enums import Labelled
from bct_risk.domain.kpi_rules import Polarity
from bct_risk.domain.models import enum_type


class Basket(Labelled):
    """indicator basket"""

    FRONT_DOOR = "front_door"
    CHILD_PROTECTION = "child_protection"
    CHILDREN_IN_CARE = "children_in_care_and_care_leavers"
    WORKFORCE = "workforce"
    YOUTH_JUSTICE = "youth_justice"


class IndicatorKind(Labelled):
    """indicator kind"""

    TRUST = "trust"
    """The Trust's own indicator, with a target."""
    SHARED = "shared"
    """Shared with the Council."""
    ACTIVITY = "activity"
    """An activity measure: reported, with no target."""


class Unit(Labelled):
    """indicator unit"""

    PERCENT = "percent"
    DAYS = "days"
    COUNT = "count"
    RATE_PER_10000 = "rate_per_10000"
    RATE_PER_100000 = "rate_per_100000"

    def show(self, value: float | None) -> str:
        """A value in this unit as people read it: 17%, 578 days, 18."""
        if value is None:
            return ""
        number = f"{value:g}"
        if self is Unit.PERCENT:
            return f"{number}%"
        if self is Unit.DAYS:
            return f"{number} days"
        return number


class PeriodKind(Labelled):
    """period kind"""

    MONTH = "month"
    ROLLING_12_MONTHS = "rolling_12_months"
    YEAR_TO_DATE = "year_to_date"
    ROLLING_3_YEARS = "rolling_3_years"


class Indicator(SQLModel, table=True):
    """A key risk indicator (a contract KPI, a shared or an activity measure)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    """Never changes: the same indicator across years whatever its number."""
    name: str = Field(max_length=300)
    """The name as most recently defined (each year's name is in its definitions)."""
    basket: Basket = Field(sa_type=enum_type(Basket), index=True)
    unit: Unit = Field(sa_type=enum_type(Unit))
    polarity: Polarity = Field(sa_type=enum_type(Polarity))
    """Whether a high or a low value is good."""
    kind: IndicatorKind = Field(default=IndicatorKind.TRUST, sa_type=enum_type(IndicatorKind))
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    source: str = Field(default="", max_length=300)
    notes: str = ""
    """What the sources leave unclear or contradict, recorded rather than smoothed over."""
    illustrative: list[str] = Field(default_factory=list, sa_type=JSON)
    """Which values were chosen for the register rather than given by the sources."""
    version: int = 1
    created_at: datetime
    updated_at: datetime


class IndicatorDefinition(SQLModel, table=True):
    """An indicator's number and name in one year, and its months on target that year."""

    __table_args__ = (sa.UniqueConstraint("indicator_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    year: str = Field(max_length=7)
    """The fiscal year, ``2020/21``."""
    number: str = Field(max_length=10)
    """As numbered that year: ``13``, ``6a``."""
    name: str = Field(max_length=300)
    months_on_target: int | None = None
    """Months on target or within tolerance that year, where reported."""
    result_note: str = Field(default="", max_length=200)
    """A result that is not a count of months: ``no target``, ``annual``."""
    source: str = Field(default="", max_length=300)
    created_at: datetime


class IndicatorTarget(SQLModel, table=True):
    """A target and tolerance band set for a year, in force until the next one is set."""

    __table_args__ = (sa.UniqueConstraint("indicator_id", "effective_from"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    year: str = Field(max_length=7)
    effective_from: date
    """The first day of the year (1 April) from which the target applies."""
    target: float
    tolerance_low: float | None = None
    tolerance_high: float | None = None
    source: str = Field(default="", max_length=300)
    illustrative: bool = False
    set_by: str = Field(max_length=100)
    created_at: datetime


class IndicatorValue(SQLModel, table=True):
    """One measured value of an indicator for a period."""

    __table_args__ = (
        sa.UniqueConstraint("indicator_id", "period_kind", "period_end"),
        sa.Index("ix_indicatorvalue_latest", "indicator_id", "period_end", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    period_kind: PeriodKind = Field(sa_type=enum_type(PeriodKind))
    period_start: date
    period_end: date
    value: float
    comment: str = ""
    national_average: float | None = None
    neighbour_average: float | None = None
    """The statistical neighbours' average."""
    reported_on: date
    """When the value became known: papers as at an earlier date leave it out."""
    source: str = Field(default="", max_length=300)
    illustrative: bool = False
    version: int = 1
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime


class IndicatorRisk(SQLModel, table=True):
    """An indicator bears on a risk: its breaches flag the risk."""

    __table_args__ = (sa.UniqueConstraint("indicator_id", "risk_id"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    risk_id: int = Field(foreign_key="risk.id", index=True)
    illustrative: bool = False
    """True where the sources do not state the link."""
    note: str = ""
    created_at: datetime


class BreachAcknowledgement(SQLModel, table=True):
    """A risk owner's acknowledgement that a value outside tolerance leaves the score as it is."""

    __table_args__ = (sa.UniqueConstraint("risk_id", "value_id"),)

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True)
    value_id: int = Field(foreign_key="indicatorvalue.id", index=True)
    reason: str
    acknowledged_on: date
    acknowledged_by: str = Field(max_length=100)
    created_at: datetime
