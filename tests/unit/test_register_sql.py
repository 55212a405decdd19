"""The register's SQL text (services.register_sql), which every reader of the register's lines
runs (the list, the app, the papers, the first screenful) on SQLite and PostgreSQL, lists the
risks each filter means, in the register's order: checked against the filters' meaning written
out here over the register's records."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import col, select

from bct_risk.domain.assurance import RiskObjective
from bct_risk.domain.enums import RiskStatus, Tier
from bct_risk.domain.models import Control, Person, Risk
from bct_risk.services import queries
from bct_risk.services.assurance import find_objective
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_committee
from bct_risk.services.register_rows import RiskFilter, RowReader, reference_key
from bct_risk.services.register_sql import like_pattern, register_sql

FILTERS = [
    RiskFilter(),
    RiskFilter(include_closed=True),
    RiskFilter(status=RiskStatus.CLOSED),
    RiskFilter(text="care"),
    RiskFilter(text="%", include_closed=True),
    RiskFilter(text="_"),
    RiskFilter(owner="director"),
    RiskFilter(committee="Finance and Resources"),
    RiskFilter(committee="fr", include_closed=True),
    RiskFilter(tier=Tier.BOARD),
    RiskFilter(category="finance"),
    RiskFilter(band="High"),
    RiskFilter(band="extreme", include_closed=True),
    RiskFilter(above_appetite=True),
    RiskFilter(review_overdue=True, include_closed=True),
    RiskFilter(include_exempt=False),
    RiskFilter(objective="care_planning"),
    RiskFilter(text="a", above_appetite=True, review_overdue=True, include_closed=True),
]


def _meant(ctx: Context, flt: RiskFilter) -> list[str]:
    """The references a filter means, in the register's order, from the records themselves."""
    today, matrix = ctx.today(), ctx.matrix
    with ctx.read() as session:
        people = {p.id: p for p in session.exec(select(Person))}
        committee = find_committee(session, flt.committee).id if flt.committee.strip() else None
        objective = find_objective(session, flt.objective).id if flt.objective.strip() else None
        linked = {(o.risk_id, o.objective_id) for o in session.exec(select(RiskObjective))}
        live_controls: dict[int, list[str]] = {}
        for c in session.exec(select(Control).where(col(Control.retired_on).is_(None))):
            live_controls.setdefault(c.risk_id, []).append(c.description.lower())
        chosen = []
        for risk in session.exec(select(Risk)):
            owner = people.get(risk.owner_id)
            name = owner.name if owner else ""
            texts = [risk.reference, risk.title, name, risk.description, risk.cause]
            texts = [t.lower() for t in texts] + live_controls.get(risk.id or 0, [])
            score = risk.current_score
            conditions = [
                risk.status == flt.status
                if flt.status is not None
                else flt.include_closed or risk.status == RiskStatus.OPEN,
                flt.include_exempt or not risk.exempt,
                not flt.needle or any(flt.needle in t for t in texts),
                not flt.owner.strip()
                or (
                    owner is not None
                    and any(
                        flt.owner.strip().lower() in (t or "").lower()
                        for t in (owner.name, owner.job_title)
                    )
                ),
                committee is None or risk.lead_committee_id == committee,
                flt.tier is None or risk.tier == flt.tier,
                not flt.category.strip() or risk.category.lower() == flt.category.strip().lower(),
                objective is None or (risk.id, objective) in linked,
                not flt.band.strip()
                or (
                    score is not None
                    and matrix.band_by_name(flt.band).min
                    <= score
                    <= matrix.band_by_name(flt.band).max
                ),
                not flt.above_appetite
                or (
                    score is not None
                    and risk.appetite is not None
                    and score > matrix.appetite[risk.appetite]
                ),
                not flt.review_overdue
                or (
                    risk.status == RiskStatus.OPEN
                    and risk.next_review_date is not None
                    and risk.next_review_date < today
                ),
            ]
            if all(conditions):
                chosen.append(risk.reference)
    return sorted(chosen, key=reference_key)


@pytest.mark.parametrize("flt", FILTERS, ids=repr)
def test_the_sql_text_lists_what_each_filter_means(seeded_ctx: Context, flt: RiskFilter) -> None:
    listed = queries.list_risks(seeded_ctx, flt)
    assert [line.reference for line in listed] == _meant(seeded_ctx, flt)
    reader = RowReader(seeded_ctx.matrix, seeded_ctx.today())
    with seeded_ctx.read() as session:
        sql, params = queries.register_query(seeded_ctx, session, flt)
        assert reader.read_all(session.connection().exec_driver_sql(sql, params)) == listed
    if flt == RiskFilter(include_closed=True):
        some = [line.id for line in listed[::3]]
        chosen = queries.list_risks(seeded_ctx, flt, ids=some)
        assert chosen == [line for line in listed if line.id in some]
        assert queries.list_risks(seeded_ctx, flt, ids=[]) == []


def test_a_filter_naming_a_committee_or_objective_needs_its_id(seeded_ctx: Context) -> None:
    for flt in (RiskFilter(committee="fr"), RiskFilter(objective="care_planning")):
        with pytest.raises(ValueError, match="give its id"):
            register_sql(flt, seeded_ctx.matrix, seeded_ctx.today())
    sql, params = register_sql(
        replace(RiskFilter(text="x"), committee="fr"),
        seeded_ctx.matrix,
        seeded_ctx.today(),
        committee_id=4,
        style="pyformat",
    )
    assert "%(committee_id)s" in sql and params["committee_id"] == 4


def test_like_patterns_read_percent_and_underscore_as_themselves() -> None:
    assert like_pattern("50%_a/b") == "%50/%/_a//b%"
