"""What a committee has recorded at one meeting: its review of each risk (for the app's
meeting view, where the secretariat records reviews in sequence)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from bct_risk.domain.models import CommitteeReview, Risk
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_committee, find_meeting


@dataclass(frozen=True)
class ReviewAtMeeting:
    """A review recorded at the meeting."""

    reference: str
    outcome: str
    assurance: str
    comments: str
    score: int | None


def reviews_at(ctx: Context, committee: str, meeting_date: date) -> dict[str, ReviewAtMeeting]:
    """The reviews recorded at a committee's meeting, by risk reference."""
    with ctx.read() as session:
        meeting = find_meeting(session, find_committee(session, committee), meeting_date)
        rows = session.exec(
            select(Risk.reference, CommitteeReview)
            .join(CommitteeReview, col(CommitteeReview.risk_id) == col(Risk.id))
            .where(col(CommitteeReview.meeting_id) == meeting.id)
        ).all()
        return {
            reference: ReviewAtMeeting(
                reference=reference,
                outcome=review.outcome.label,
                assurance=review.assurance.label if review.assurance else "",
                comments=review.comments,
                score=review.score,
            )
            for reference, review in rows
        }
