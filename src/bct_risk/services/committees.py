"""Committee work: meetings, and the committee's review of each risk at a meeting."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from bct_risk.domain.enums import Assurance, CommitteeKind, ReviewOutcome, ScoreKind
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import Assessment, Committee, CommitteeReview, Meeting
from bct_risk.services import audit
from bct_risk.services.audit import id_of
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_committee, find_meeting, find_risk
from bct_risk.services.permissions import Change, authorize
from bct_risk.services.validation import bounded_text, required_text


def add_committee(
    ctx: Context,
    name: str,
    *,
    kind: CommitteeKind,
    key: str | None = None,
    short_name: str = "",
    source: str = "",
    receives_register: bool = False,
) -> Committee:
    """Add a committee (the Board, a Board committee, the Executive or a Council body)."""
    text = required_text(name, "name", limit=200)
    short = bounded_text(short_name.strip(), "short name", 100)
    with ctx.transaction() as session:
        authorize(session, ctx, Change.MEETINGS)
        if session.exec(select(Committee.id).where(Committee.name == text)).first():
            raise ValidationError(f"there is already a committee called {text}", field="name")
        wanted = (key or "").strip() or None
        if wanted and session.exec(select(Committee.id).where(Committee.key == wanted)).first():
            raise ValidationError(f"the key '{wanted}' is already a committee's", field="key")
        body = Committee(
            key=wanted,
            name=text,
            short_name=short,
            kind=kind,
            source=source.strip(),
            receives_register=receives_register,
            created_at=ctx.now(),
        )
        session.add(body)
        session.flush()
        audit.record(
            session,
            ctx,
            entity="committee",
            entity_id=id_of(body),
            action="create",
            summary=f"Added the committee {text}",
            changes={"name": text, "kind": kind, "receives_register": receives_register},
        )
        return body


def add_meeting(
    ctx: Context,
    committee: str,
    meeting_date: date,
    title: str = "",
    *,
    source: str = "",
    illustrative: bool = False,
) -> Meeting:
    """Schedule (or record) a meeting of a committee (``source``: the document naming it)."""
    with ctx.transaction() as session:
        authorize(session, ctx, Change.MEETINGS)
        body = find_committee(session, committee)
        taken = session.exec(
            select(Meeting.id).where(
                Meeting.committee_id == body.id, Meeting.meeting_date == meeting_date
            )
        ).first()
        if taken is not None:
            raise ValidationError(
                f"the {body.name} already has a meeting on {meeting_date.isoformat()}"
            )
        meeting = Meeting(
            committee_id=id_of(body),
            meeting_date=meeting_date,
            title=bounded_text(title.strip(), "meeting title", 200) or body.name,
            source=source.strip(),
            illustrative=illustrative,
            created_at=ctx.now(),
        )
        session.add(meeting)
        session.flush()
        audit.record(
            session,
            ctx,
            entity="meeting",
            entity_id=id_of(meeting),
            action="create",
            summary=f"Added a meeting of the {body.name} on {meeting_date.isoformat()}",
            changes={"committee": body.name, "meeting_date": meeting_date},
        )
        return meeting


def record_review(
    ctx: Context,
    reference: str,
    *,
    committee: str,
    meeting_date: date,
    outcome: ReviewOutcome | None,
    assurance: Assurance | None = None,
    comments: str | None = None,
    by: str | None = None,
    illustrative: bool = False,
) -> CommitteeReview:
    """Record a committee's review of a risk at a meeting, with the current score at the time.

    Recording again for the same meeting amends the earlier record: what is given replaces
    what was recorded, what is not given (``None``) is kept, and the audit event keeps the
    earlier values (old → new). A meeting still to come has no review yet, so it is refused.
    ``by`` is who recorded it where a document says (else the person recording it).
    """
    note = comments.strip() if comments is not None else None
    with ctx.transaction() as session:
        risk = find_risk(session, reference)
        meeting = find_meeting(session, find_committee(session, committee), meeting_date)
        if meeting_date > ctx.today():
            raise ValidationError(
                f"the meeting on {meeting_date.isoformat()} is still to come: record its "
                "reviews once it has met",
                field="meeting",
            )
        authorize(session, ctx, Change.REVIEW, risk=risk)
        current = session.exec(
            select(Assessment)
            .where(
                Assessment.risk_id == risk.id,
                Assessment.kind == ScoreKind.CURRENT,
                Assessment.assessed_on <= meeting_date,
            )
            .order_by(col(Assessment.assessed_on).desc(), col(Assessment.id).desc())
        ).first()
        review = session.exec(
            select(CommitteeReview)
            .where(CommitteeReview.meeting_id == meeting.id, CommitteeReview.risk_id == risk.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        now = ctx.now()
        given: dict[str, object] = {
            "outcome": outcome,
            "assurance": assurance,
            "comments": note,
        }
        if review is None:
            if outcome is None:
                raise ValidationError("give the outcome of the review", field="outcome")
            fields: dict[str, object] = {
                "outcome": outcome,
                "assurance": assurance,
                "comments": note or "",
                "likelihood": current.likelihood if current else None,
                "impact": current.impact if current else None,
                "score": current.score if current else None,
            }
            review = CommitteeReview(
                meeting_id=id_of(meeting),
                risk_id=id_of(risk),
                outcome=outcome,
                recorded_by=(by or "").strip() or ctx.actor,
                illustrative=illustrative,
                created_at=now,
                updated_at=now,
            )
            for name, value in fields.items():
                setattr(review, name, value)
            action, changes = "review", {k: audit.plain(v) for k, v in fields.items()}
        else:
            amended = {k: v for k, v in given.items() if v is not None}
            before = {k: getattr(review, k) for k in amended}
            changes = audit.diff(before, amended)
            if not changes:
                return review
            for name, value in amended.items():
                setattr(review, name, value)
            review.version += 1
            review.updated_at = now
            review.recorded_by = ctx.actor
            action = "amend_review"
        session.add(review)
        session.flush()
        shown_outcome = ReviewOutcome(review.outcome)
        shown_assurance = Assurance(review.assurance) if review.assurance else None
        audit.record(
            session,
            ctx,
            entity="review",
            entity_id=id_of(review),
            risk_id=risk.id,
            action=action,
            summary=(
                f"{'Amended the review' if action == 'amend_review' else 'Review'} of "
                f"{risk.reference} at {meeting_date.isoformat()}: {shown_outcome.label}"
                + (f", {shown_assurance.label.lower()} assurance" if shown_assurance else "")
            ),
            changes=changes,
        )
        return review
