"""Papers as issued, and meetings' papers settings (cut-off and front matter).

Issuing a paper records it (what it is, its date, who issued it, the SHA-256 of its bytes) and
audits it; a file is an issued paper unchanged exactly when its digest is one recorded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import Committee
from bct_risk.domain.papers import IssuedPaper
from bct_risk.services import audit
from bct_risk.services.audit import id_of
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_committee, find_meeting
from bct_risk.services.permissions import Change, authorize


def digest(data: bytes) -> str:
    """The SHA-256 of a paper's bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class IssuedView:
    """A paper as issued."""

    id: int
    kind: str
    title: str
    committee: str
    meeting_date: date | None
    as_at: date | None
    public: bool
    format: str
    sha256: str
    size: int
    file_name: str
    issued_on: date
    issued_by: str


def issue_paper(
    ctx: Context,
    data: bytes,
    *,
    kind: str,
    title: str,
    fmt: str,
    committee: str | None = None,
    meeting_date: date | None = None,
    as_at: date | None = None,
    public: bool = False,
    file_name: str = "",
) -> IssuedView:
    """Record a paper as issued today by the acting user (audited)."""
    if not data:
        raise ValidationError("an empty paper cannot be issued")
    if kind not in ("pack", "register"):
        raise ValidationError(f"'{kind}' is not a kind of paper; use pack or register")
    with ctx.transaction() as session:
        authorize(session, ctx, Change.MEETINGS)
        body = find_committee(session, committee) if committee else None
        paper = IssuedPaper(
            kind=kind,
            title=title.strip()[:300],
            committee_id=body.id if body else None,
            meeting_date=meeting_date,
            as_at=as_at,
            public=public,
            format=fmt,
            sha256=digest(data),
            size=len(data),
            file_name=file_name[:300],
            issued_on=ctx.today(),
            issued_by=ctx.actor,
            created_at=ctx.now(),
        )
        session.add(paper)
        session.flush()
        audit.record(
            session,
            ctx,
            entity="issued_paper",
            entity_id=id_of(paper),
            action="issue",
            summary=f"Issued {paper.title} ({fmt}, SHA-256 {paper.sha256[:12]})",
            changes={
                "kind": kind,
                "format": fmt,
                "sha256": paper.sha256,
                "size": paper.size,
                "meeting_date": audit.plain(meeting_date),
                "as_at": audit.plain(as_at),
                "public": public,
            },
        )
        return _view(paper, body.name if body else "")


def issued_papers(ctx: Context) -> list[IssuedView]:
    """Every paper issued, oldest first."""
    with ctx.read() as session:
        names = {c.id: c.name for c in session.exec(select(Committee))}
        return [
            _view(p, names.get(p.committee_id, ""))
            for p in session.exec(select(IssuedPaper).order_by(col(IssuedPaper.id)))
        ]


def find_issued(ctx: Context, data: bytes) -> list[IssuedView]:
    """The issued papers whose bytes these are (none: not an issued paper, or changed)."""
    wanted = digest(data)
    return [p for p in issued_papers(ctx) if p.sha256 == wanted]


def _view(paper: IssuedPaper, committee: str) -> IssuedView:
    return IssuedView(
        id=id_of(paper),
        kind=paper.kind,
        title=paper.title,
        committee=committee,
        meeting_date=paper.meeting_date,
        as_at=paper.as_at,
        public=paper.public,
        format=paper.format,
        sha256=paper.sha256,
        size=paper.size,
        file_name=paper.file_name,
        issued_on=paper.issued_on,
        issued_by=paper.issued_by,
    )


FRONT_MATTER = ("cut_off", "agenda_item", "report_of", "author", "purpose", "recommendations")


def set_meeting_papers(
    ctx: Context,
    committee: str,
    meeting_date: date,
    *,
    cut_off: date | None = None,
    agenda_item: str | None = None,
    report_of: str | None = None,
    author: str | None = None,
    purpose: str | None = None,
    recommendations: list[str] | None = None,
) -> dict[str, list[object]]:
    """Set a meeting's pack cut-off and front matter (only what is given); the changes made.

    The cut-off must fall before the meeting; empty text restores the default.
    """
    if cut_off is not None and cut_off >= meeting_date:
        raise ValidationError(
            f"the cut-off {cut_off.isoformat()} must be before the meeting on "
            f"{meeting_date.isoformat()}",
            field="cut_off",
        )
    given = {
        "cut_off": cut_off,
        "agenda_item": None if agenda_item is None else agenda_item.strip()[:100],
        "report_of": None if report_of is None else report_of.strip()[:200],
        "author": None if author is None else author.strip()[:200],
        "purpose": None if purpose is None else purpose.strip(),
        "recommendations": None
        if recommendations is None
        else "\n".join(r.strip() for r in recommendations if r.strip()),
    }
    with ctx.transaction() as session:
        authorize(session, ctx, Change.MEETINGS)
        body = find_committee(session, committee)
        meeting = find_meeting(session, body, meeting_date)
        before = {name: getattr(meeting, name) for name in FRONT_MATTER}
        for name, value in given.items():
            if value is not None:
                setattr(meeting, name, value)
        changed = audit.diff(before, {name: getattr(meeting, name) for name in FRONT_MATTER})
        if not changed:
            return {}
        session.add(meeting)
        session.flush()
        audit.record(
            session,
            ctx,
            entity="meeting",
            entity_id=id_of(meeting),
            action="update",
            summary=f"Set the papers of {body.name} on {meeting_date.isoformat()}: "
            + ", ".join(changed),
            changes=changed,
        )
        return {k: list(v) for k, v in changed.items()}
