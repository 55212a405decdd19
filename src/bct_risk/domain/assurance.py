"""The Board Assurance Framework's tables: strategic objectives, assurance sources, scenarios.

A strategic objective (one of the business plan's priorities) is threatened by risks; each control
on a risk has sources of assurance that it works (what evidence, from whom, when, by which of the
three lines, positive or negative); a scenario (a risk group) names risks that could materialise
together, with a combined judgement. The assurance level of a control and a person's "left on"
date are columns on the existing ``control`` and ``person`` tables (``domain.models``).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

LINES = {1: "first line", 2: "second line", 3: "third line"}
"""The three lines: 1 management, 2 oversight (risk, compliance, quality assurance),
3 independent (internal and external audit, inspection)."""

LINE_MEANING = {
    1: "management",
    2: "oversight: risk, compliance, quality assurance",
    3: "independent: internal and external audit, inspection",
}
"""What each line stands for, as the papers explain it."""


class StrategicObjective(SQLModel, table=True):
    """One of the Trust's strategic objectives (a priority of the business plan)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    """Short stable key (``earlier_support``) used by the seed files and the command line."""
    title: str = Field(max_length=300)
    theme: str = Field(default="", max_length=100)
    """The plan's heading for the priority: "Better outcomes" or "Enablers"."""
    description: str = ""
    position: int = 0
    """Order in the plan, for papers."""
    source: str = Field(default="", max_length=300)
    illustrative: bool = False
    created_at: datetime


class RiskObjective(SQLModel, table=True):
    """A risk threatens an objective."""

    __table_args__ = (sa.UniqueConstraint("risk_id", "objective_id"),)

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True)
    objective_id: int = Field(foreign_key="strategicobjective.id", index=True)
    source: str = Field(default="", max_length=300)
    illustrative: bool = False
    created_at: datetime


class AssuranceSource(SQLModel, table=True):
    """One piece of evidence that a control works (or does not), from one of the three lines.

    Evidence attached as a file or a link is kept as a reference (and, for a file, its SHA-256),
    never copied into the database.
    """

    __table_args__ = (sa.CheckConstraint("line BETWEEN 1 AND 3", name="ck_assurancesource_line"),)

    id: int | None = Field(default=None, primary_key=True)
    control_id: int = Field(foreign_key="control.id", index=True)
    evidence: str
    """What the evidence is: a management report, a dashboard, an audit, an inspection…"""
    provider: str = Field(default="", max_length=200)
    """From whom it came: a team, a committee, internal audit, Ofsted…"""
    received_on: date
    line: int
    """1 management, 2 oversight, 3 independent."""
    positive: bool = True
    """Whether it gave positive assurance (False: negative, the control is not working)."""
    reference: str = Field(default="", max_length=1000)
    """A file path or a link to the evidence, kept as given."""
    sha256: str | None = Field(default=None, max_length=64)
    """The SHA-256 of the evidence file when it was recorded (None for a link)."""
    source: str = Field(default="", max_length=300)
    illustrative: bool = False
    recorded_by: str = Field(max_length=100)
    created_at: datetime


class RiskGroup(SQLModel, table=True):
    """A scenario: several risks that could materialise together, with a combined judgement."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    narrative: str = ""
    likelihood: int | None = None
    """The likelihood of the members coinciding, 1-5."""
    impact: int | None = None
    """The combined impact should they coincide, 1-5."""
    source: str = Field(default="", max_length=300)
    illustrative: bool = False
    version: int = 1
    created_at: datetime
    updated_at: datetime


class RiskGroupMember(SQLModel, table=True):
    """A risk in a scenario."""

    __table_args__ = (sa.UniqueConstraint("group_id", "risk_id"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="riskgroup.id", index=True)
    risk_id: int = Field(foreign_key="risk.id", index=True)
    created_at: datetime
