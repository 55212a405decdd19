"""The register's lines in SQL, written once: the text every reader of the register list runs.

:func:`register_sql` gives the SELECT of the register's lines for a filter, with its parameters:
the columns :class:`~bct_risk.services.register_rows.RowReader` reads, the risk owner and lead
committee joined, the filter's conditions and the register's order (SR2 before SR10). The
register list of the app and the command line (:func:`bct_risk.services.queries.list_risks`, on
SQLite or PostgreSQL), the first screenful read before the register is open
(:mod:`bct_risk.services.first_rows`) and the plain read of ``list`` (:mod:`bct_risk.services.
plain_read`) all run this text. Nothing here needs SQLAlchemy.

A lead committee or an objective is named by its id here: finding one from what a user typed is
the register's own look-up (:func:`~bct_risk.services.lookup.find_committee`,
:func:`~bct_risk.services.assurance.find_objective`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from bct_risk.domain.enums import Appetite, RiskStatus
from bct_risk.domain.scoring import Matrix
from bct_risk.services.register_rows import RiskFilter

Style = Literal["named", "pyformat"]
"""How parameters are marked: ``:name`` (sqlite3) or ``%(name)s`` (psycopg)."""

LINE_COLUMNS = """risk.id, risk.reference, risk.title, coalesce(person.name, '') AS owner,
       coalesce(nullif(committee.short_name, ''), committee.name, '') AS committee,
       risk.tier, risk.status, risk.category, risk.appetite, risk.exempt,
       risk.next_review_date, risk.target_date,
       risk.inherent_likelihood, risk.inherent_impact,
       risk.current_likelihood, risk.current_impact, risk.previous_score,
       risk.target_likelihood, risk.target_impact"""
"""The columns of a register line, in the order :class:`RowReader` reads them."""

LINE_FROM = """risk
LEFT OUTER JOIN person ON person.id = risk.owner_id
LEFT OUTER JOIN committee ON committee.id = risk.lead_committee_id"""
"""The risk with its owner and lead committee."""

_HEAD = "rtrim(risk.reference, '0123456789')"
_NUMBER = f"ltrim(substr(risk.reference, length({_HEAD}) + 1), '0')"
REFERENCE_ORDER = (
    f"{_HEAD}, length(risk.reference) > length({_HEAD}), length({_NUMBER}), {_NUMBER}, "
    "risk.reference"
)
"""The order of :func:`~bct_risk.services.register_rows.reference_key` in SQL: the letters,
then a reference with no number before those with one, then the number (its digits less
leading zeros, shorter first, so that numbers of any length compare as numbers), then the
reference."""


def like_pattern(text: str) -> str:
    """A LIKE pattern (``ESCAPE '/'``) matching text holding ``text``, ``%`` and ``_`` as
    themselves."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


@dataclass
class RegisterSQL:
    """One statement and its parameters, marked in a driver's style."""

    style: Style
    params: dict[str, Any] = field(default_factory=dict)
    where: list[str] = field(default_factory=list)

    def bind(self, name: str, value: Any) -> str:
        """A parameter's mark in the text, its value kept."""
        self.params[name] = value
        return f":{name}" if self.style == "named" else f"%({name})s"

    def text(self, order: bool = True) -> str:
        where = "\nWHERE " + "\n  AND ".join(self.where) if self.where else ""
        tail = f"\nORDER BY {REFERENCE_ORDER}" if order else ""
        return f"SELECT {LINE_COLUMNS}\nFROM {LINE_FROM}{where}{tail}"


def register_sql(
    flt: RiskFilter,
    matrix: Matrix,
    today: date,
    *,
    committee_id: int | None = None,
    objective_id: int | None = None,
    ids: Collection[int] | None = None,
    style: Style = "named",
) -> tuple[str, dict[str, Any]]:
    """The SELECT of the register's lines for a filter, in the register's order, and its
    parameters.

    ``committee_id`` and ``objective_id`` are the lead committee and the objective the filter
    names, found by the caller (required when the filter names one); with ``ids``, only those
    of the filtered risks. A band the matrix does not know is refused (a
    :class:`~bct_risk.domain.errors.ValidationError`). Dates are bound as ISO text for sqlite3
    and as dates for psycopg.
    """
    q = RegisterSQL(style)
    day: Any = today.isoformat() if style == "named" else today
    if flt.status is not None:
        q.where.append(f"risk.status = {q.bind('status', flt.status.value)}")
    elif not flt.include_closed:
        q.where.append(f"risk.status = {q.bind('status', RiskStatus.OPEN.value)}")
    if not flt.include_exempt:
        q.where.append("NOT risk.exempt")
    if flt.needle:
        like = f"LIKE {q.bind('needle', like_pattern(flt.needle))} ESCAPE '/'"
        q.where.append(
            f"(lower(risk.reference) {like} OR lower(risk.title) {like}"
            f" OR lower(coalesce(person.name, '')) {like}"
            f" OR lower(risk.description) {like} OR lower(risk.cause) {like}"
            " OR EXISTS (SELECT 1 FROM control WHERE control.risk_id = risk.id"
            f" AND control.retired_on IS NULL AND lower(control.description) {like}))"
        )
    if flt.owner.strip():
        like = f"LIKE {q.bind('owner', like_pattern(flt.owner.strip().lower()))} ESCAPE '/'"
        q.where.append(f"(lower(person.name) {like} OR lower(person.job_title) {like})")
    if flt.committee.strip():
        if committee_id is None:
            raise ValueError("the filter names a committee: give its id")
        q.where.append(f"risk.lead_committee_id = {q.bind('committee_id', committee_id)}")
    if flt.tier is not None:
        q.where.append(f"risk.tier = {q.bind('tier', flt.tier.value)}")
    if flt.category.strip():
        q.where.append(f"lower(risk.category) = {q.bind('category', flt.category.strip().lower())}")
    if flt.objective.strip():
        if objective_id is None:
            raise ValueError("the filter names an objective: give its id")
        q.where.append(
            "EXISTS (SELECT 1 FROM riskobjective WHERE riskobjective.risk_id = risk.id"
            f" AND riskobjective.objective_id = {q.bind('objective_id', objective_id)})"
        )
    if flt.band.strip():
        band = matrix.band_by_name(flt.band)
        q.where.append(
            f"risk.current_score BETWEEN {q.bind('band_min', band.min)}"
            f" AND {q.bind('band_max', band.max)}"
        )
    if flt.above_appetite:
        cases = " ".join(
            f"WHEN risk.appetite = {q.bind(f'appetite_{n}', a.value)}"
            f" THEN {q.bind(f'ceiling_{n}', matrix.appetite[a])}"
            for n, a in enumerate(Appetite)
        )
        q.where.append(f"risk.current_score > CASE {cases} ELSE NULL END")
    if flt.review_overdue:
        q.where.append(
            f"risk.next_review_date < {q.bind('today', day)}"
            f" AND risk.status = {q.bind('open', RiskStatus.OPEN.value)}"
        )
    if ids is not None:
        marks = ", ".join(q.bind(f"id_{n}", i) for n, i in enumerate(ids))
        q.where.append(f"risk.id IN ({marks})" if marks else "1 = 0")
    return q.text(), q.params
