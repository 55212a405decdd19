"""The register as a Markdown paper: a summary table, then a section per risk.

The risk section is shared with the committee pack, so a risk reads the same in both papers.
:func:`write_register` writes the paper as the register is read (a chunk of risks at a time),
so a register of 100,000 risks is written in the memory of a few hundred;
:func:`render_register` gives a whole paper as text, for the app's preview and the tests.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from typing import TextIO

from bct_risk.domain.enums import ActionStatus, Appetite, Direction, RiskStatus, Tier, Treatment
from bct_risk.domain.scoring import SCALE, Matrix, Score
from bct_risk.export.markdown import (
    block,
    cell,
    fmt_date,
    fmt_direction,
    fmt_score,
    fmt_score_labels,
    heading,
    inline,
    table,
)
from bct_risk.export.provenance import strip_references
from bct_risk.export.spool import Spool
from bct_risk.services.papers import (
    RegisterPaper,
    RegisterStream,
    RiskSection,
    SectionAction,
    SectionChunk,
    SectionControl,
    Withheld,
)
from bct_risk.services.register_rows import RiskRow

CONFIDENTIAL = (
    "**CONFIDENTIAL**: this paper includes exempt items (in Part B) and is not for publication."
)
ILLUSTRATIVE_MARK = " †"
"""After a value chosen for the demonstration register rather than given by the documents."""
ILLUSTRATIVE_NOTE = (
    "† Illustrative: chosen for the demonstration register, not given by the Trust's documents."
)

SUMMARY_HEADERS = (
    "Ref",
    "Title",
    "Risk owner",
    "Lead committee",
    "Inherent",
    "Current",
    "Target",
    "Direction of travel",
    "Appetite",
    "Next review",
)

ACTION_HEADERS = ("Action", "Owner", "Due", "Status", "Latest update")
CONTROL_HEADERS = ("Control", "Owner", "Effectiveness")


def marking(public: bool, withheld: Withheld, exempt_included: bool = False) -> str:
    """The line at the top of a paper: confidential when it includes exempt items, what a
    public version leaves out, or nothing."""
    if not public:
        return CONFIDENTIAL if exempt_included else ""
    if withheld.total == 0:
        return "Public version: no exempt items on this paper."
    risks = f"{withheld.risks} risk" + ("" if withheld.risks == 1 else "s")
    actions = f"{withheld.actions} action" + ("" if withheld.actions == 1 else "s")
    items = "item was" if withheld.total == 1 else "items were"
    return f"Public version: {withheld.total} exempt {items} withheld ({risks}, {actions})."


def appetite_text(matrix: Matrix, row: RiskRow) -> str:
    """Appetite with its ceiling, and how far above it the current score stands."""
    if row.appetite is None:
        return "not set"
    text = f"{row.appetite.label} (up to {matrix.ceiling(row.appetite)})"
    if row.above_appetite and row.gap_to_appetite is not None:
        text += f", above appetite by {row.gap_to_appetite}"
    return text


def review_text(row: RiskRow) -> str:
    """The next review date, marked when it has passed."""
    text = fmt_date(row.next_review_date)
    return f"{text} (overdue)" if row.review_overdue else text


class Phrases:
    """The words a paper repeats, made once per paper for its matrix: scores, labels, names.

    A register paper prints hundreds of thousands of them; looking each up costs a fraction
    of making it again.
    """

    def __init__(self, matrix: Matrix) -> None:
        self.matrix = matrix
        scores = [Score(likelihood, impact) for likelihood in SCALE for impact in SCALE]
        # Keyed by (likelihood, impact): a tuple hashes in C, a Score in Python.
        self._score = {(s.likelihood, s.impact): fmt_score(matrix, s) for s in scores}
        self._score_labels = {(s.likelihood, s.impact): fmt_score_labels(matrix, s) for s in scores}
        self.direction = {d: fmt_direction(d) for d in Direction}
        self.tier = {t: t.label for t in Tier}
        self.status = {s: s.label for s in RiskStatus}
        self.treatment = {t: t.label for t in Treatment}
        self.action_status = {
            (s, overdue): s.label + (" (overdue)" if overdue else "")
            for s in ActionStatus
            for overdue in (False, True)
        }
        self._names: dict[str, str] = {}
        self._appetites: dict[tuple[Appetite | None, int | None], str] = {}

    def score_of(self, score: Score | None) -> str:
        """16 (4×4) Extreme."""
        if score is None:
            return fmt_score(self.matrix, None)
        return self._score[score.likelihood, score.impact]

    def score_labels_of(self, score: Score | None) -> str:
        """16 (4×4) Extreme: likelihood 4 Likely, impact 4 Major."""
        if score is None:
            return fmt_score_labels(self.matrix, None)
        return self._score_labels[score.likelihood, score.impact]

    def name(self, text: str) -> str:
        """A table cell from a small vocabulary (people, committees, categories), escaped once."""
        found = self._names.get(text)
        if found is None:
            found = self._names[text] = cell(text)
        return found

    def appetite(self, row: RiskRow) -> str:
        """:func:`appetite_text`, escaped: a few dozen different ones on a whole register."""
        key = (row.appetite, row.gap_to_appetite if row.above_appetite else None)
        found = self._appetites.get(key)
        if found is None:
            found = self._appetites[key] = inline(appetite_text(self.matrix, row))
        return found

    def summary_line(self, row: RiskRow, illustrative: Collection[str] = ()) -> str:
        """The risk's line of the summary table; ``illustrative`` values marked."""
        if illustrative:
            o, c, s, a = (
                ILLUSTRATIVE_MARK if name in illustrative else ""
                for name in ("owner", "lead_committee", "scores", "appetite")
            )
            return (
                f"| {cell(row.reference)} | {cell(row.title)} | {self.name(row.owner)}{o} | "
                f"{self.name(row.lead_committee)}{c} | {self.score_of(row.inherent)}{s} | "
                f"{self.score_of(row.current)}{s} | {self.score_of(row.target)}{s} | "
                f"{self.direction[row.direction]} | {self.appetite(row)}{a} | "
                f"{review_text(row)} |"
            )
        return (
            f"| {cell(row.reference)} | {cell(row.title)} | {self.name(row.owner)} | "
            f"{self.name(row.lead_committee)} | {self.score_of(row.inherent)} | "
            f"{self.score_of(row.current)} | {self.score_of(row.target)} | "
            f"{self.direction[row.direction]} | {self.appetite(row)} | {review_text(row)} |"
        )

    def action_line(self, action: SectionAction) -> str:
        """A further action's line: owner, due date, status and the latest update."""
        latest = action.latest_update
        update = f"{fmt_date(latest.update_date)}: {inline(latest.text)}" if latest else "–"
        mark = ILLUSTRATIVE_MARK if action.illustrative else ""
        return (
            f"| {cell(action.description)}{mark} | {self.name(action.owner)} | "
            f"{fmt_date(action.due_date)} | {self.action_status[action.status, action.overdue]} | "
            f"{update} |"
        )

    def control_line(self, control: SectionControl) -> str:
        """A control's line: owner and effectiveness."""
        owner = self.name(control.owner)
        mark = ILLUSTRATIVE_MARK if control.illustrative else ""
        return f"| {cell(control.description)}{mark} | {owner} | {control.effectiveness} |"

    def section(self, detail: RiskSection, level: int = 3) -> str:
        """Everything a paper says about one risk, under a heading of the given level."""
        row = detail.row
        sub = "#" * (level + 1)
        facts = (
            f"**Risk owner:** {self.name(row.owner)} · **Lead committee:** "
            f"{self.name(row.lead_committee)} · **Tier:** {self.tier[row.tier]} · **Status:** "
            f"{self.status[row.status]} · **Category:** {self.name(row.category)}"
        )
        if row.exempt:
            facts += " · **Exempt:** left out of public papers"
        if detail.illustrative:
            facts += f" · **Illustrative values:** {inline(', '.join(_words(detail.illustrative)))}"
        parts = [heading(level, f"{row.reference} {row.title}"), facts]
        if detail.closed_reason:
            parts.append(f"Closed on {fmt_date(detail.closed_on)}: {inline(detail.closed_reason)}")
        parts += [
            f"{sub} Description",
            block(detail.description) or "Not recorded.",
            f"{sub} Cause",
            block(detail.cause) or "Not recorded.",
            f"{sub} Effect",
            block(detail.effect) or "Not recorded.",
            f"{sub} Scores",
        ]
        target = self.score_labels_of(row.target)
        if row.target is not None and row.target_date is not None:
            target += f", by {fmt_date(row.target_date)}"
        previous = f" (from {row.previous_score})" if row.previous_score is not None else ""
        parts.append(
            f"- Inherent: {self.score_labels_of(row.inherent)}\n"
            f"- Current: {self.score_labels_of(row.current)}\n"
            f"- Target: {target}\n"
            f"- Direction of travel: {self.direction[row.direction]}{previous}\n"
            f"- Appetite: {self.appetite(row)}\n"
            f"- Treatment: {self.treatment[detail.treatment]}\n"
            f"- Next review: {review_text(row)}"
        )
        parts.append(f"{sub} Controls")
        if detail.controls:
            parts.append("\n".join([_CONTROLS_HEAD, *map(self.control_line, detail.controls)]))
        else:
            parts.append("No controls recorded.")
        parts.append(f"{sub} Further actions")
        if detail.further_actions:
            parts.append("\n".join([_ACTIONS_HEAD, *map(self.action_line, detail.further_actions)]))
        else:
            parts.append("No further actions recorded.")
        parts.append(f"{sub} Last committee review")
        if detail.last_review is not None:
            r = detail.last_review
            text = f"{inline(r.committee)}, {fmt_date(r.meeting_date)}: {r.outcome}"
            if r.assurance:
                text += f"; assurance {r.assurance.lower()}"
            if r.score is not None:
                text += f"; score at the time {self.score_of(r.score)}"
            text += "."
            if r.comments.strip():
                text += "\n\n" + block(r.comments)
            parts.append(text)
        else:
            parts.append("Not yet reviewed by a committee.")
        return "\n\n".join(parts)


def _words(names: list[str]) -> list[str]:
    """Illustrative field names as words: "lead_committee" is "lead committee"."""
    return [n.replace("_", " ") for n in names]


_ACTIONS_HEAD = table(ACTION_HEADERS, [])
_CONTROLS_HEAD = table(CONTROL_HEADERS, [])
_SUMMARY_HEAD = table(SUMMARY_HEADERS, [])


def summary_table(matrix: Matrix, rows: list[RiskRow]) -> str:
    """One line per risk: scores, direction of travel, appetite and next review."""
    phrases = Phrases(matrix)
    return "\n".join([_SUMMARY_HEAD, *map(phrases.summary_line, rows)])


def actions_table(matrix: Matrix, actions: list[SectionAction]) -> str:
    """Further actions with owners, due dates, status and the latest update."""
    phrases = Phrases(matrix)
    return "\n".join([_ACTIONS_HEAD, *map(phrases.action_line, actions)])


def risk_section(matrix: Matrix, detail: RiskSection, level: int = 3) -> str:
    """Everything a paper says about one risk, under a heading of the given level.

    For many risks, make one :class:`Phrases` and call its ``section``.
    """
    return Phrases(matrix).section(detail, level)


def write_register(matrix: Matrix, paper: RegisterStream, out: TextIO) -> int:
    """Write the register paper to ``out`` as its risks are read; the number of risks.

    The opening lines say how many risks there are and what a public version withholds, so
    the summary lines and the sections wait in spools (a temporary file once large) until
    every chunk is read; then the paper is written in order, ending with a newline. Exempt
    risks (in a paper that is not public) are set apart in Part B.
    """
    phrases = Phrases(matrix)
    count = exempt = 0
    withheld = Withheld()
    with Spool() as summary, Spool() as sections, Spool() as part_b:
        for chunk in paper.chunks:
            for detail in chunk.sections:
                if detail.row.exempt:
                    exempt += 1
                    part_b.write("\n\n" + strip_references(phrases.section(detail)))
                    continue
                line = phrases.summary_line(detail.row, detail.illustrative)
                summary.write("\n" + strip_references(line))
                sections.write("\n\n" + strip_references(phrases.section(detail)))
            count += len(chunk.sections)
            withheld += chunk.withheld
        opening = [
            marking(paper.public, withheld, exempt > 0),
            heading(1, paper.title),
            f"{_dated(paper)}. {count} risk{'' if count == 1 else 's'}; "
            + inline("; ".join(paper.filters))
            + ".",
            ILLUSTRATIVE_NOTE,
            "## Summary",
        ]
        out.write("\n\n".join(b for b in opening if b) + "\n\n")
        if not count:
            out.write("No risks match.\n")
            return 0
        if count > exempt:
            out.write(_SUMMARY_HEAD)
            summary.copy_to(out)
            out.write("\n\n## Risks")
            sections.copy_to(out)
        else:
            out.write("Every risk that matches is exempt: see Part B.")
        if exempt:
            out.write(
                "\n\n## Part B: exempt items (not for publication)\n\n"
                f"{exempt} exempt risk{'' if exempt == 1 else 's'}, left out of the public version."
            )
            part_b.copy_to(out)
        out.write("\n")
    return count


def _dated(paper: RegisterStream) -> str:
    if paper.as_at is not None:
        return f"The register as at {fmt_date(paper.as_at)}"
    return f"Prepared on {fmt_date(paper.today)}"


def render_register(matrix: Matrix, paper: RegisterPaper) -> str:
    """The register paper as Markdown, ending with a newline."""
    out = io.StringIO()
    stream = RegisterStream(
        title=paper.title,
        today=paper.today,
        public=paper.public,
        filters=paper.filters,
        chunks=iter([SectionChunk(paper.risks, paper.withheld)]),
        as_at=paper.as_at,
    )
    write_register(matrix, stream, out)
    return out.getvalue()
