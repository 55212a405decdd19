"""Shared helpers for the importer's tests: the fixture folder and a look into the register."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from bct_risk.domain.enums import ScoreKind
from bct_risk.domain.models import Assessment, Person, Risk
from bct_risk.services.context import Context

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The folder of hand-written registers and action logs."""
    return FIXTURES


def scores_of(ctx: Context, reference: str) -> dict[ScoreKind, tuple[int, int]]:
    """The likelihood and impact of each assessment kind of a risk."""
    with ctx.transaction() as session:
        risk = session.exec(select(Risk).where(Risk.reference == reference)).one()
        found = session.exec(select(Assessment).where(Assessment.risk_id == risk.id)).all()
        return {ScoreKind(a.kind): (a.likelihood, a.impact) for a in found}


def owner_of(ctx: Context, reference: str) -> str | None:
    """The risk owner's name."""
    with ctx.transaction() as session:
        risk = session.exec(select(Risk).where(Risk.reference == reference)).one()
        person = session.get(Person, risk.owner_id) if risk.owner_id else None
        return person.name if person else None


def risk(ctx: Context, reference: str) -> Risk:
    """A risk by reference."""
    with ctx.transaction() as session:
        return session.exec(select(Risk).where(Risk.reference == reference)).one()
