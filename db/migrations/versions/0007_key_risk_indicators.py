"""Key risk indicators: indicators, their yearly definitions, targets, values and risk links

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

An indicator (a contract KPI) has a key that never changes, a number and name per year, a target
and tolerance band per year (carried forward until new ones are set) and dated values. Links tie
an indicator to the risks it warns about; a risk owner may acknowledge a value outside tolerance.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime


def _enum(name: str, length: int, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length)


def upgrade() -> None:
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", AutoString(length=40), nullable=False),
        sa.Column("name", AutoString(length=300), nullable=False),
        sa.Column(
            "basket",
            _enum(
                "basket",
                37,
                "front_door",
                "child_protection",
                "children_in_care_and_care_leavers",
                "workforce",
                "youth_justice",
            ),
            nullable=False,
        ),
        sa.Column(
            "unit",
            _enum("unit", 19, "percent", "days", "count", "rate_per_10000", "rate_per_100000"),
            nullable=False,
        ),
        sa.Column("polarity", _enum("polarity", 8, "high", "low"), nullable=False),
        sa.Column(
            "kind", _enum("indicatorkind", 12, "trust", "shared", "activity"), nullable=False
        ),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("source", AutoString(length=300), nullable=False),
        sa.Column("notes", AutoString(), nullable=False),
        sa.Column("illustrative", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(op.f("ix_indicator_basket"), "indicator", ["basket"], unique=False)
    op.create_index(op.f("ix_indicator_owner_id"), "indicator", ["owner_id"], unique=False)
    op.create_table(
        "indicatordefinition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("year", AutoString(length=7), nullable=False),
        sa.Column("number", AutoString(length=10), nullable=False),
        sa.Column("name", AutoString(length=300), nullable=False),
        sa.Column("months_on_target", sa.Integer(), nullable=True),
        sa.Column("result_note", AutoString(length=200), nullable=False),
        sa.Column("source", AutoString(length=300), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indicator_id", "year"),
    )
    op.create_index(
        op.f("ix_indicatordefinition_indicator_id"),
        "indicatordefinition",
        ["indicator_id"],
        unique=False,
    )
    op.create_table(
        "indicatorrisk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("note", AutoString(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"]),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indicator_id", "risk_id"),
    )
    op.create_index(
        op.f("ix_indicatorrisk_indicator_id"), "indicatorrisk", ["indicator_id"], unique=False
    )
    op.create_index(op.f("ix_indicatorrisk_risk_id"), "indicatorrisk", ["risk_id"], unique=False)
    op.create_table(
        "indicatortarget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("year", AutoString(length=7), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("tolerance_low", sa.Float(), nullable=True),
        sa.Column("tolerance_high", sa.Float(), nullable=True),
        sa.Column("source", AutoString(length=300), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("set_by", AutoString(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indicator_id", "effective_from"),
    )
    op.create_index(
        op.f("ix_indicatortarget_indicator_id"), "indicatortarget", ["indicator_id"], unique=False
    )
    op.create_table(
        "indicatorvalue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column(
            "period_kind",
            _enum(
                "periodkind", 21, "month", "rolling_12_months", "year_to_date", "rolling_3_years"
            ),
            nullable=False,
        ),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("comment", AutoString(), nullable=False),
        sa.Column("national_average", sa.Float(), nullable=True),
        sa.Column("neighbour_average", sa.Float(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("source", AutoString(length=300), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("recorded_by", AutoString(length=100), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indicator_id", "period_kind", "period_end"),
    )
    op.create_index(
        "ix_indicatorvalue_latest",
        "indicatorvalue",
        ["indicator_id", "period_end", "id"],
        unique=False,
    )
    op.create_table(
        "breachacknowledgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("value_id", sa.Integer(), nullable=False),
        sa.Column("reason", AutoString(), nullable=False),
        sa.Column("acknowledged_on", sa.Date(), nullable=False),
        sa.Column("acknowledged_by", AutoString(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"]),
        sa.ForeignKeyConstraint(["value_id"], ["indicatorvalue.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("risk_id", "value_id"),
    )
    op.create_index(
        op.f("ix_breachacknowledgement_risk_id"), "breachacknowledgement", ["risk_id"], unique=False
    )
    op.create_index(
        op.f("ix_breachacknowledgement_value_id"),
        "breachacknowledgement",
        ["value_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("breachacknowledgement")
    op.drop_table("indicatorvalue")
    op.drop_table("indicatortarget")
    op.drop_table("indicatorrisk")
    op.drop_table("indicatordefinition")
    op.drop_table("indicator")
