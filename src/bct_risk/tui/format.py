"""How the app writes dates and scores: the way board papers do."""

from __future__ import annotations

import re
from datetime import date

from bct_risk.domain.scoring import Matrix, Score

_BRACKET = re.compile(r"(\\*)(\[|\Z)")


def escape(text: str) -> str:
    """Text to show as itself inside markup, for Textual's markup and Rich's alike.

    Rich's own ``escape`` leaves a bracket it does not take for a tag, which Textual can
    still read as one (``[/`` closes a tag there): every bracket, and any backslashes
    before it or at the end (which would escape the tag that follows), are escaped here.
    """
    return _BRACKET.sub(lambda m: m.group(1) * 2 + ("\\[" if m.group(2) else ""), text)


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


_JOB_TITLE_STARTS = ("Director", "Assistant Director", "Deputy Director", "Head of", "Chief")


def short_owner(owner: str) -> str:
    """A risk owner as the register's column shows them: a person's name as it is, a job title
    shortened (Director of Finance and Resources: Dir. Finance & Resources)."""
    if not owner.startswith(_JOB_TITLE_STARTS):
        return owner
    short = owner
    for long, brief in (
        ("Assistant Director of ", "Asst Dir. "),
        ("Assistant Director for ", "Asst Dir. "),
        ("Deputy Director of ", "Dep. Dir. "),
        ("Deputy Director for ", "Dep. Dir. "),
        ("Director of ", "Dir. "),
        ("Director for ", "Dir. "),
        ("Chief Executive", "Chief Exec."),
        (" and ", " & "),
        ("Corporate ", "Corp. "),
    ):
        short = short.replace(long, brief)
    return short


def committee_initials(name: str) -> str:
    """A committee's initials, for a narrow column: Finance and Resources is F&R; a one-word
    name (Workforce, Board) stays whole."""
    words = [w for w in name.replace("&", " and ").split() if w.lower() != "committee"]
    if len(words) <= 1:
        return name
    initials = ""
    for word in words:
        if word.lower() == "and":
            initials += "&"
        elif word[:1].isupper() or word[:1].isdigit():
            initials += word[:1]
    return initials or name


def _shown(value: object) -> str:
    text = "blank" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def change_words(summary: str, changes: object) -> str:
    """An audit event as the trail shows it: its summary, then each changed field as
    ``field: old → new`` (an edit records each field as an [old, new] pair)."""
    if not isinstance(changes, dict):
        return summary
    pairs = [
        f"{name.replace('_', ' ')}: {_shown(value[0])} → {_shown(value[1])}"
        for name, value in changes.items()
        if isinstance(value, list | tuple) and len(value) == 2
    ]
    return "\n".join([summary, *pairs]) if pairs else summary
