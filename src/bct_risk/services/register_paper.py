"""The register paper: the register, or a filtered part of it, read risk by risk."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bct_risk.services.as_at import end_of, register_as_at
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_committee
from bct_risk.services.queries import (
    register_query,
)
from bct_risk.services.register_rows import (
    RiskFilter,
    RiskRow,
    RowReader,
    collector_paused,
)
from bct_risk.services.sections import (
    CHUNK,
    Lookups,
    RiskSection,
    _further_actions_of,
    load_sections,
)

# -- the register export --------------------------------------------------------------------


@dataclass(frozen=True)
class Withheld:
    """Exempt (confidential) items left out of a public paper."""

    risks: int = 0
    actions: int = 0

    @property
    def total(self) -> int:
        """Risks and actions together."""
        return self.risks + self.actions

    def __add__(self, other: Withheld) -> Withheld:
        return Withheld(self.risks + other.risks, self.actions + other.actions)


@dataclass(frozen=True)
class RegisterPaper:
    """The register, or a filtered part of it, with everything a paper prints about each risk."""

    title: str
    today: date
    public: bool
    filters: list[str]
    """The filter in words ("lead committee: Finance and Resources"), empty for everything."""
    risks: list[RiskSection]
    withheld: Withheld
    as_at: date | None = None
    """The day the register is as at (None: as it stands)."""


@dataclass(frozen=True)
class SectionChunk:
    """Consecutive risks of a paper, and the exempt items a public paper left out among them."""

    sections: list[RiskSection]
    withheld: Withheld


@dataclass(frozen=True)
class RegisterStream:
    """The register paper read as it is written: its opening facts, then its risks in chunks.

    ``chunks`` is read once, in reference order, each chunk loaded while the one before is
    written: memory stays the same whatever the size of the register. The number of risks
    and what a public version withholds are known only once every chunk has been read.
    """

    title: str
    today: date
    public: bool
    filters: list[str]
    chunks: Iterator[SectionChunk]
    as_at: date | None = None
    """The day the register is as at (None: as it stands)."""


def describe_filter(flt: RiskFilter, committee: str = "") -> list[str]:
    """A filter in words, for the paper's opening lines; ``committee`` is the filter's
    committee by its name (what the user typed may be its key)."""
    words: list[str] = []
    if flt.text.strip():
        words.append(f"text: {flt.text.strip()}")
    if flt.committee.strip():
        words.append(f"lead committee: {committee or flt.committee.strip()}")
    if flt.owner.strip():
        words.append(f"risk owner: {flt.owner.strip()}")
    if flt.tier is not None:
        words.append(f"tier: {flt.tier.label}")
    if flt.band.strip():
        words.append(f"band: {flt.band.strip()}")
    if flt.category.strip():
        words.append(f"category: {flt.category.strip()}")
    if flt.objective.strip():
        words.append(f"threatening the objective: {flt.objective.strip()}")
    if flt.above_appetite:
        words.append("above appetite only")
    if flt.review_overdue:
        words.append("review overdue only")
    if flt.status is not None:
        words.append(f"status: {flt.status.label}")
    elif flt.include_closed:
        words.append("open and closed risks")
    else:
        words.append("open risks")
    return words


def register_stream(
    ctx: Context,
    flt: RiskFilter | None = None,
    *,
    public: bool = False,
    title: str = "",
    as_at: date | None = None,
) -> RegisterStream:
    """The register for a paper, risk by risk; a public paper leaves exempt risks out. With
    ``as_at``, the register as recorded by the end of that day.

    The filter is checked here (an unknown committee or band is an error before anything is
    written); the risks are read as ``chunks`` is.
    """
    flt = flt or RiskFilter()
    with ctx.read() as session:
        query = register_query(ctx, session, replace(flt, include_exempt=True))
        name = find_committee(session, flt.committee).name if flt.committee.strip() else ""
    if as_at is not None:
        rows = register_as_at(ctx, as_at, replace(flt, include_exempt=True))
        chunks = _chunks_as_at(ctx, rows, as_at, public)
    else:
        chunks = _register_chunks(ctx, query, public)
    return RegisterStream(
        title=title or "Risk register",
        today=as_at or ctx.today(),
        public=public,
        filters=describe_filter(flt, name),
        chunks=chunks,
        as_at=as_at,
    )


def _chunks_as_at(
    ctx: Context, rows: list[RiskRow], day: date, public: bool
) -> Iterator[SectionChunk]:
    cut = end_of(day)
    with ctx.read() as session:
        lookups = Lookups.read(session)
        for start in range(0, len(rows), CHUNK):
            part = rows[start : start + CHUNK]
            hidden = [r for r in part if r.exempt] if public else []
            shown = [r for r in part if not r.exempt] if public else part
            sections = load_sections(session, lookups, day, shown, cut=cut)
            counted = load_sections(session, lookups, day, hidden, cut=cut) if hidden else []
            actions = sum(len(s.further_actions) for s in counted)
            yield SectionChunk(sections=sections, withheld=Withheld(len(hidden), actions))


def _register_chunks(
    ctx: Context, query: tuple[str, dict[str, Any]], public: bool
) -> Iterator[SectionChunk]:
    reader = RowReader(ctx.matrix, ctx.today())
    sql, params = query
    with ctx.read() as session:
        lookups = Lookups.read(session)
        # stream_results: the register's lines arrive as they are read (a server-side cursor
        # where the database has one), never all at once; each part's sections read what
        # they print beyond the line by the part's ids.
        result = session.connection().exec_driver_sql(
            sql, params, execution_options={"stream_results": True}
        )
        for part in result.partitions(CHUNK):
            with collector_paused():
                rows = reader.read_all(part)
                hidden = [r.id for r in rows if r.exempt] if public else []
                shown = [r for r in rows if not r.exempt] if public else rows
                chunk = SectionChunk(
                    sections=load_sections(session, lookups, reader.today, shown),
                    withheld=Withheld(len(hidden), _further_actions_of(session, hidden)),
                )
            yield chunk


def register_paper(
    ctx: Context,
    flt: RiskFilter | None = None,
    *,
    public: bool = False,
    title: str = "",
    as_at: date | None = None,
) -> RegisterPaper:
    """The register for a paper, whole; a public paper leaves exempt risks and their actions out.

    For the preview in the app and for tests; a file or standard output is written from
    :func:`register_stream`, which never holds the whole register.
    """
    stream = register_stream(ctx, flt, public=public, title=title, as_at=as_at)
    sections: list[RiskSection] = []
    withheld = Withheld()
    for chunk in stream.chunks:
        sections += chunk.sections
        withheld += chunk.withheld
    return RegisterPaper(
        title=stream.title,
        today=stream.today,
        public=public,
        filters=stream.filters,
        risks=sections,
        withheld=withheld,
        as_at=stream.as_at,
    )
