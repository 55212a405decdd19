"""The register's tables (SQLModel) and the input models the services validate.

Model families follow SQLModel's "multiple models" pattern: ``RiskBase`` holds the fields a user
edits, ``Risk`` is the table, ``RiskCreate`` and ``RiskUpdate`` are what the services accept.
Timestamps are timezone-aware UTC; dates are calendar dates.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import field_validator
from sqlalchemy.orm import declared_attr
from sqlmodel import JSON, Field, SQLModel

from bct_risk.domain.enums import (
    ActionKind,
    ActionStatus,
    Appetite,
    Assurance,
    CommitteeKind,
    Effectiveness,
    EscalationDirection,
    ReviewOutcome,
    RiskStatus,
    Role,
    ScoreKind,
    Tier,
    Treatment,
)

MAX_REVIEW_DAYS = 3650
"""The longest review interval a risk may have: ten years."""


def enum_type(enum: type[StrEnum]) -> sa.Enum:
    """Store a vocabulary as its plain values in a VARCHAR: the same on SQLite and PostgreSQL."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        validate_strings=True,
        length=max(len(m.value) for m in enum) + 4,
        values_callable=lambda e: [m.value for m in e],
    )


class Versioned:
    """A record edited in place: every UPDATE names the version it replaces.

    SQLAlchemy adds ``AND version = <the version read>`` to the UPDATE, so a save made over
    someone else's newer change touches no row and is refused (``StaleDataError``), whatever
    the order in which concurrent transactions reach the database. The services set the new
    version themselves (``version_id_generator`` off) so it is also what they audit.
    """

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        table: sa.Table = cls.__table__  # type: ignore[attr-defined]
        return {"version_id_col": table.c.version, "version_id_generator": False}


# -- people and governance ------------------------------------------------------------------


class Person(SQLModel, table=True):
    """Someone who owns risks or actions, or records changes: the Trust's executive roles."""

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, max_length=40, unique=True)
    """Stable short key used by the seed files (``ceo``, ``dfr``)."""
    name: str = Field(max_length=200)
    """The person's name, or the role title where the documents name nobody."""
    job_title: str = Field(default="", max_length=200)
    login: str | None = Field(default=None, max_length=100, unique=True)
    """The operating-system login (or ``--as`` name) that acts as this person."""
    role: Role = Field(
        default=Role.RISK_OWNER,
        sa_type=enum_type(Role),
        sa_column_kwargs={"server_default": Role.RISK_OWNER.value},
    )
    """What the person may change, once logins are given (see ``services.permissions``)."""
    source: str = Field(default="", max_length=200)
    illustrative: bool = False
    left_on: date | None = None
    """The day the person left the Trust: what they own needs a new owner."""
    created_at: datetime


class Committee(SQLModel, table=True):
    """The Board, its committees, the Executive, and the Council bodies the Trust reports to."""

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, max_length=40, unique=True)
    name: str = Field(max_length=200, unique=True)
    short_name: str = Field(default="", max_length=100)
    kind: CommitteeKind = Field(sa_type=enum_type(CommitteeKind))
    source: str = Field(default="", max_length=200)
    receives_register: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    """The whole strategic register is routed to it: its pack summarises every strategic risk."""
    created_at: datetime


class Meeting(SQLModel, table=True):
    """A meeting of a committee on a date."""

    __table_args__ = (sa.UniqueConstraint("committee_id", "meeting_date"),)

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    meeting_date: date
    title: str = Field(default="", max_length=200)
    source: str = Field(default="", max_length=200)
    illustrative: bool = False
    created_at: datetime
    cut_off: date | None = None
    """The day the pack is built as at (its papers go out after it); default the day before."""
    agenda_item: str = Field(default="", max_length=100)
    report_of: str = Field(default="", max_length=200)
    author: str = Field(default="", max_length=200)
    purpose: str = ""
    recommendations: str = ""
    """The pack's front matter, set per meeting; empty for the defaults."""


# -- risks ----------------------------------------------------------------------------------


class RiskBase(SQLModel):
    """The fields of a risk that a user sets directly."""

    title: str = Field(max_length=300)
    description: str = ""
    cause: str = ""
    effect: str = ""
    category: str = Field(default="", max_length=100)
    tier: Tier = Field(default=Tier.STRATEGIC, sa_type=enum_type(Tier))
    appetite: Appetite | None = Field(default=None, sa_type=enum_type(Appetite))
    treatment: Treatment = Field(default=Treatment.TREAT, sa_type=enum_type(Treatment))
    target_date: date | None = None
    review_frequency_days: int | None = Field(default=None, gt=0, le=MAX_REVIEW_DAYS)
    """Days between reviews; when unset, the band of the current score decides."""
    next_review_date: date | None = None
    exempt: bool = False
    """Confidential: left out of public papers."""
    source: str = Field(default="", max_length=300)
    """The document (and line) or file (and row) the risk comes from."""


class Risk(Versioned, RiskBase, table=True):
    """A risk on a register.

    Scores are history: they live in its assessments. The risk keeps a copy of the latest of
    each kind (and the current score before the latest), written only by
    :func:`bct_risk.services.latest.refresh_latest_scores` whenever assessments are added, so
    the register list is a plain fetch rather than a ranking of every assessment.
    """

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=40, unique=True)
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    lead_committee_id: int | None = Field(default=None, foreign_key="committee.id", index=True)
    status: RiskStatus = Field(default=RiskStatus.OPEN, sa_type=enum_type(RiskStatus), index=True)
    closed_reason: str | None = None
    closed_on: date | None = None
    exempt_reason: str = Field(default="", sa_column_kwargs={"server_default": ""})
    """Why the risk is exempt (confidential); the checks flag an exempt risk without one."""
    illustrative: list[str] = Field(default_factory=list, sa_type=JSON)
    """Which values are illustrative rather than from the source (``scores``, ``owner``…)."""
    source_reference: str | None = Field(default=None, max_length=100)
    """The reference the imported register gave the risk, where it is held under another."""
    title_derived: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    """The title was taken from the description (the imported register gave none)."""
    owner_role: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    """The risk owner as a job title, where the imported register names a role, not a person."""
    additional_fields: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    """Columns of an imported register with no field of their own, kept as written."""
    version: int = 1
    """Incremented on every change; a save made against an older version is refused."""
    inherent_likelihood: int | None = None
    inherent_impact: int | None = None
    current_likelihood: int | None = None
    current_impact: int | None = None
    current_score: int | None = Field(default=None, index=True)
    """The latest current score; the band and appetite filters use it."""
    previous_score: int | None = None
    """The current score before the latest: the direction of travel compares the two."""
    target_likelihood: int | None = None
    target_impact: int | None = None
    created_at: datetime
    updated_at: datetime


class RiskCreate(RiskBase):
    """A new risk as a user enters it."""

    reference: str = Field(min_length=1, max_length=40)
    owner: str | None = None
    """Name, key or job title of the risk owner."""
    lead_committee: str | None = None
    """Name, short name or key of the lead committee."""

    @field_validator("reference", "title")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value


class RiskUpdate(SQLModel):
    """A change to a risk's fields; only the fields given are changed."""

    title: str | None = Field(default=None, max_length=300)
    description: str | None = None
    cause: str | None = None
    effect: str | None = None
    category: str | None = Field(default=None, max_length=100)
    appetite: Appetite | None = None
    treatment: Treatment | None = None
    target_date: date | None = None
    review_frequency_days: int | None = Field(default=None, gt=0, le=MAX_REVIEW_DAYS)
    next_review_date: date | None = None
    exempt: bool | None = None
    owner: str | None = None
    lead_committee: str | None = None


class RiskLink(SQLModel, table=True):
    """Two risks that bear on each other (they may materialise together)."""

    __table_args__ = (sa.UniqueConstraint("risk_id", "linked_risk_id"),)

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True)
    linked_risk_id: int = Field(foreign_key="risk.id", index=True)
    note: str = ""
    created_at: datetime


class Assessment(SQLModel, table=True):
    """One scoring of a risk: inherent, current or target. History, never overwritten."""

    __table_args__ = (
        sa.Index("ix_assessment_latest", "risk_id", "kind", "assessed_on", "id"),
        sa.CheckConstraint("likelihood BETWEEN 1 AND 5", name="ck_assessment_likelihood"),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name="ck_assessment_impact"),
    )

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id")
    kind: ScoreKind = Field(sa_type=enum_type(ScoreKind))
    likelihood: int
    impact: int
    score: int
    """Likelihood x impact, kept with the assessment so lists and the heat map can use it."""
    assessed_on: date
    rationale: str
    assessed_by: str = Field(max_length=100)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    illustrative: bool = False
    created_at: datetime


class Control(Versioned, SQLModel, table=True):
    """A control in place now, with its effectiveness."""

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True)
    description: str
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    effectiveness: Effectiveness = Field(
        default=Effectiveness.NOT_ASSESSED, sa_type=enum_type(Effectiveness)
    )
    assurance_line: int | None = Field(default=None, ge=1, le=3)
    """Line of assurance that evidences the control (1 management, 2 oversight, 3 independent)."""
    assurance_level: Assurance | None = Field(default=None, sa_type=enum_type(Assurance))
    """How sure the committee is that the control works (substantial … none), on the evidence."""
    key_control: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    """A control the risk relies on: its assurance is tested for gaps (see ``domain.gaps``)."""
    source: str = Field(default="", max_length=300)
    illustrative: bool = False
    retired_on: date | None = None
    """The day the control stopped being in place: it leaves the lists, papers and gap checks."""
    retired_reason: str = Field(default="", sa_column_kwargs={"server_default": ""})
    version: int = 1
    created_at: datetime
    updated_at: datetime


# -- actions --------------------------------------------------------------------------------


class Action(Versioned, SQLModel, table=True):
    """A further action on a risk, or an action-tracker item raised at a meeting.

    Both have an owner, a due date, a status and dated updates; a further action belongs to a
    risk, a tracker item to a meeting (and may be linked to a risk).
    """

    __table_args__ = (sa.Index("ix_action_status_due", "status", "due_date"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: ActionKind = Field(sa_type=enum_type(ActionKind), index=True)
    risk_id: int | None = Field(default=None, foreign_key="risk.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    agenda_item: str = Field(default="", max_length=300)
    description: str
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    raised_on: date
    due_date: date | None = None
    status: ActionStatus = Field(default=ActionStatus.OPEN, sa_type=enum_type(ActionStatus))
    completed_on: date | None = None
    source: str = Field(default="", max_length=300)
    illustrative: bool = False
    version: int = 1
    created_at: datetime
    updated_at: datetime


class ActionUpdate(SQLModel, table=True):
    """A dated progress note on an action, appended, never edited."""

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    update_date: date
    text: str
    author: str = Field(max_length=100)
    created_at: datetime


# -- committee work ------------------------------------------------------------------------


class CommitteeReview(Versioned, SQLModel, table=True):
    """A committee's review of a risk at a meeting, with the score at the time."""

    __table_args__ = (sa.UniqueConstraint("meeting_id", "risk_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    risk_id: int = Field(foreign_key="risk.id", index=True)
    outcome: ReviewOutcome = Field(sa_type=enum_type(ReviewOutcome))
    assurance: Assurance | None = Field(default=None, sa_type=enum_type(Assurance))
    comments: str = ""
    likelihood: int | None = None
    impact: int | None = None
    score: int | None = None
    recorded_by: str = Field(max_length=100)
    illustrative: bool = False
    version: int = 1
    created_at: datetime
    updated_at: datetime


class Escalation(SQLModel, table=True):
    """A move of a risk between register tiers (or to a committee), with reason and decision."""

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True)
    direction: EscalationDirection = Field(sa_type=enum_type(EscalationDirection))
    from_tier: Tier = Field(sa_type=enum_type(Tier))
    to_tier: Tier = Field(sa_type=enum_type(Tier))
    from_committee_id: int | None = Field(default=None, foreign_key="committee.id")
    to_committee_id: int | None = Field(default=None, foreign_key="committee.id")
    reason: str
    decision: str = Field(default="agreed", max_length=100)
    decided_on: date
    decided_by: str = Field(max_length=100)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    illustrative: bool = False
    created_at: datetime


# -- audit ----------------------------------------------------------------------------------


class AuditEvent(SQLModel, table=True):
    """One change to the register: who, when, what. Appended by the services, never edited."""

    __table_args__ = (sa.Index("ix_audit_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str = Field(max_length=100)
    entity: str = Field(max_length=40)
    entity_id: int
    risk_id: int | None = Field(default=None, index=True)
    """The risk the change bears on, so a risk's trail includes its assessments and actions."""
    action: str = Field(max_length=40)
    """create, update, score, close, reopen, escalate, ..."""
    summary: str = ""
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    """Field name → [old, new] for updates; the new values for a creation."""
    prev_hash: str | None = Field(default=None, max_length=64)
    """The seal of the event before it (by id); empty for the first (see ``audit_chain``)."""
    hash: str | None = Field(default=None, max_length=64)
    """SHA-256 over every other column: the chain ``bct-risk audit verify`` walks."""


from bct_risk.domain import assurance as _assurance  # noqa: E402, F401  (BAF tables)
from bct_risk.domain import indicators as _indicators  # noqa: E402, F401  (its tables)
from bct_risk.domain import papers as _papers  # noqa: E402, F401  (issued papers)
