"""How the app writes dates and scores: the way board papers do."""

from __future__ import annotations

from datetime import date

from bct_risk.domain.scoring import Matrix, Score


def fmt_date(value: date | None) -> str:
    """A date as papers print it: 23 Nov 2026."""
    return value.strftime("%d %b %Y").lstrip("0") if value else ""


def score_words(matrix: Matrix, score: Score | None) -> str:
    """A score with its labels: 16 Extreme (Likely 4 x Major 4)."""
    if score is None:
        return "not scored"
    band = matrix.band(score.value).name
    return (
        f"{score.value} {band} ({matrix.likelihood_label(score.likelihood)} {score.likelihood}"
        f" x {matrix.impact_label(score.impact)} {score.impact})"
    )
