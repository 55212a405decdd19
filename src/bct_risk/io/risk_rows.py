"""Reading a risk register's rows into risks: scores, people, controls, further actions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from bct_risk.domain.enums import (
    ActionStatus,
    Appetite,
    Assurance,
    Effectiveness,
    Labelled,
    RiskStatus,
    ScoreKind,
    Tier,
    Treatment,
)
from bct_risk.io import values
from bct_risk.io.records import ERROR, NOTE, WARNING
from bct_risk.io.rows import RowReader
from bct_risk.io.values import CellError, Level
from bct_risk.services.bulk import ControlIn, FurtherActionIn, RiskIn, ScoreIn, UpdateIn
from bct_risk.services.guard import CONTROL

LabelledT = TypeVar("LabelledT", bound=Labelled)


def _parse_choice(kind: type[LabelledT], text: str, extra: dict[str, str]) -> LabelledT:
    key = values.clean_text(text).lower()
    return kind.parse(extra.get(key, key))


_SCORE_NAMES = {
    kind.value: {part: f"{kind.value}_{part}" for part in ("likelihood", "impact", "score")}
    for kind in ScoreKind
}
"""Each score's fields: inherent → inherent_likelihood, inherent_impact, inherent_score."""

_UNREAD = object()
"""A cell value not read yet in its column."""

_TREATMENTS = {
    "reduce": "treat",
    "mitigate": "treat",
    "accept": "tolerate",
    "avoid": "terminate",
    "share": "transfer",
    "insure": "transfer",
    "manage": "treat",
}
_TIERS = {
    "corporate": "strategic",
    "strategic risk register": "strategic",
    "directorate": "operational",
    "service": "operational",
    "departmental": "operational",
    "project": "operational",
    "trust board": "board",
}
_EFFECTIVENESS = {
    "partial": "partially_effective",
    "partially": "partially_effective",
    "adequate": "effective",
    "strong": "effective",
    "weak": "ineffective",
    "": "not_assessed",
    "not assessed": "not_assessed",
}


class RiskRowReader(RowReader):
    """Reads the rows of a risk register."""

    def read_rows(self, rows: Iterable[tuple[int, list[Any]]]) -> None:
        seen_refs: dict[str, int] = {}
        for number, cells in rows:
            self.row, self.cells = number, cells
            if self.skip(cells):
                continue
            self.plan.rows_read += 1
            risk = self.risk()
            if risk is None:
                continue
            if risk.reference:
                first = seen_refs.get(risk.reference)
                if first is not None:
                    self.problem(
                        ERROR,
                        f"the reference {risk.reference} is also on {self.plan.unit} {first}; "
                        "each risk needs its own reference",
                        "reference",
                    )
                    continue
                seen_refs[risk.reference] = number
            self.plan.risks.append(risk)

    def risk(self) -> RiskIn | None:
        notes: list[str] = []
        reference = self.text("reference").upper() or None
        if reference and len(reference) > 40:
            self.problem(
                ERROR, f"the reference '{reference}' is longer than 40 characters", "reference"
            )
        cause, effect = self.long_text("cause"), self.long_text("effect")
        combined = self.raw("cause_and_effect")
        description = self.long_text("description")
        if combined is not None:
            split = values.split_cause_effect(combined)
            if split is None:
                description = description or values.keep_text(combined)
            else:
                cause, effect = cause or split[0], effect or split[1]
        title = self.text("title")
        labelled = values.split_cause_effect(self.raw("title")) if title else None
        if labelled is not None and labelled[1]:
            # The only risk column holds "Risk:- … Effects:- …": it is cause and effect.
            cause, effect, title = cause or labelled[0], effect or labelled[1], ""
        derived = False
        if not title:
            basis = description or cause
            if not basis:
                self.problem(ERROR, "no title, description or cause: nothing says what the risk is")
                return None
            title = values.title_from(basis)
            derived = True
            self.problem(
                NOTE, f"no title: '{title[:80]}' taken from the description, marked as derived"
            )
        if len(title) > 300:
            self.problem(WARNING, "title longer than 300 characters; cut to fit", "title")
            title = title[:299] + "…"
        source = f"{self.name} {self.plan.unit} {self.row}"
        written_source = self.text("source")
        if written_source:
            source = written_source if self.native else f"{source}; {written_source}"
        risk = RiskIn(
            row=self.row,
            source=source[:300],
            title=title,
            reference=reference,
            cause=cause,
            effect=effect,
            source_reference=reference,
            title_derived=derived,
        )
        category = self.text("category")
        if len(category) > 100:
            self.problem(WARNING, "category longer than 100 characters; cut to fit", "category")
        risk.category = category[:100] or self.section
        if self.section and category:
            risk.extra["Section"] = self.section
        for column in self.extra_columns:
            if column.index < len(self.cells) and not values.is_blank(self.cells[column.index]):
                risk.extra[column.header] = values.keep_text(self.cells[column.index])
        self.people(risk, notes)
        self.choices(risk)
        self.scores(risk)
        risk.assessed_on = self.assessed_on = self.date_of("assessed_on", notes)
        risk.target_date = self.date_of("target_date", notes)
        risk.next_review_date = self.date_of("next_review_date", notes)
        risk.exempt = values.truthy(self.raw("exempt"))
        risk.controls = self.controls()
        risk.further_actions = self.further_actions(notes)
        comments = self.raw("comments")
        parts = [description]
        if not values.is_blank(comments):
            header = self.by_field["comments"].header
            parts.append(f"{header}: {values.keep_text(comments)}")
        parts.extend(notes)
        risk.description = "\n\n".join(p for p in parts if p)
        return risk

    def people(self, risk: RiskIn, notes: list[str]) -> None:
        raw_owner = self.raw("owner")
        # This product's own export names one risk owner per risk, whatever the name holds.
        names = [self.text("owner")] if self.native and raw_owner else values.owners(raw_owner)
        if names:
            risk.owner = names[0]
            if len(names) > 1:
                joint = " / ".join(names)
                notes.append(f"Risk owners as written: {joint}")
                self.problem(
                    NOTE,
                    f"{len(names)} owners ({joint}): {names[0]} is the risk owner, "
                    "all are named in the description",
                    "owner",
                )
        committee = self.text("lead_committee")
        risk.lead_committee = committee or None

    def choices(self, risk: RiskIn) -> None:
        tier_text = self.text("tier")
        if tier_text:
            risk.tier = self.read("tier", lambda v: _parse_choice(Tier, v, _TIERS)) or risk.tier
        elif self.options.register:
            try:
                risk.tier = _parse_choice(Tier, self.options.register, _TIERS)
            except ValueError:
                risk.lead_committee = risk.lead_committee or self.options.register
        status_text = self.text("status")
        status = values.risk_status(status_text)
        if status is None:
            self.problem(
                WARNING,
                f"status '{status_text}' is neither open nor closed; imported as open",
                "status",
            )
            status = RiskStatus.OPEN
        risk.status = status
        if status == RiskStatus.CLOSED:
            risk.closed_reason = self.text("closed_reason") or (
                f"Closed on the imported register ({self.name} {self.plan.unit} {self.row})"
            )
        if self.text("appetite"):
            risk.appetite = self.read("appetite", lambda v: _parse_choice(Appetite, v, {}))
        if self.text("treatment"):
            treatment = self.read("treatment", lambda v: _parse_choice(Treatment, v, _TREATMENTS))
            risk.treatment = treatment or risk.treatment

    def scores(self, risk: RiskIn) -> None:
        for kind in ScoreKind:
            found = self.score(kind.value)
            if found is not None:
                risk.scores[kind] = found

    def level(self, name: str) -> Level | None:
        column = self.by_field.get(name)
        if column is None:
            return None
        axis = name.split("_")[-1]
        known = self.levels.setdefault(name, {})

        def parse(value: Any) -> Level | None:
            # A column holds few distinct values: each is read once (or refused once).
            try:
                key = (type(value), value)
                found = known.get(key, _UNREAD)
            except TypeError:  # a list or other unhashable cell: read it as it comes
                key, found = None, _UNREAD
            if found is _UNREAD:
                try:
                    found = values.parse_level(
                        value, axis, self.matrix, column.scale, words=column.words,
                        stretch=column.stretch,
                    )  # fmt: skip
                except CellError as exc:
                    found = exc
                if key is not None:
                    known[key] = found
            if isinstance(found, CellError):
                raise CellError(str(found))
            return found  # type: ignore[no-any-return]

        return self.read(name, parse)  # type: ignore[no-any-return]

    def score(self, kind: str) -> ScoreIn | None:
        """A score from its likelihood, impact and score cells; cells read before without a
        word to say are not read again (a register repeats the same few)."""
        names = _SCORE_NAMES[kind]
        if not any(n in self.by_field for n in names.values()):
            return None
        try:
            key: Any = (kind, *((type(v), v) for v in map(self.raw, names.values())))
            known = self.scored.get(key, _UNREAD)
        except TypeError:  # a cell that cannot be a key (a list)
            key, known = None, _UNREAD
        if known is not _UNREAD:
            return ScoreIn(*known) if known is not None else None
        told = len(self.plan.problems)
        found = self.read_score(kind, names)
        if key is not None and len(self.plan.problems) == told:
            self.scored[key] = (
                (found.likelihood, found.impact, found.written) if found is not None else None
            )
        return found

    def read_score(self, kind: str, names: dict[str, str]) -> ScoreIn | None:
        before = self.errors
        likelihood, impact = self.level(names["likelihood"]), self.level(names["impact"])
        stated = self.read(names["score"], values.parse_score)
        if self.errors > before:
            return None
        written_parts = []
        for part in ("likelihood", "impact", "score"):
            column = self.by_field.get(names[part])
            cell = values.clean_text(self.raw(names[part])) if column else ""
            if column and cell:
                written_parts.append(f"{column.header}: {cell}")
        written = "; ".join(written_parts)
        if (
            likelihood is None
            and impact is None
            and stated is not None
            and (stated.likelihood is not None and stated.impact is not None)
        ):
            # "4x5=20": likelihood first, as the matrix is written (likelihood x impact).
            try:
                likelihood = values.parse_level(stated.likelihood, "likelihood", self.matrix)
                impact = values.parse_level(stated.impact, "impact", self.matrix)
            except CellError as exc:
                self.problem(ERROR, str(exc), names["score"])
                return None
            self.problem(
                NOTE,
                f"'{stated.written}' read as likelihood {stated.likelihood} x "
                f"impact {stated.impact}",
                names["score"],
            )
        if likelihood is None or impact is None:
            given = [p for p, v in (("likelihood", likelihood), ("impact", impact)) if v]
            if given or stated is not None:
                if given:
                    missing = "impact" if given[0] == "likelihood" else "likelihood"
                    what = f"{_a(kind)} {given[0]} without its {missing}"
                else:
                    shown = stated.written if stated else ""
                    what = f"{_a(kind)} score ('{shown}') without likelihood and impact"
                self.problem(
                    WARNING,
                    f"{what}: no {kind} assessment imported",
                    names["score"] if not given else names[given[0]],
                )
            return None
        assert likelihood is not None and impact is not None
        if stated is not None:
            original = _original_product(likelihood, impact)
            if stated.value is None:
                self.problem(
                    NOTE,
                    f"score '{stated.written}' is not a number; "
                    f"likelihood x impact = {likelihood.value * impact.value} used",
                    names["score"],
                )
            elif stated.value not in (original, likelihood.value * impact.value):
                self.problem(
                    WARNING,
                    f"the stated {kind} score {stated.value} is not likelihood x impact "
                    f"({_product_text(likelihood, impact)}); imported as "
                    f"{likelihood.value} x {impact.value} = {likelihood.value * impact.value}",
                    names["score"],
                )
        for level, axis in ((likelihood, "likelihood"), (impact, "impact")):
            if level.converted and level.scale != 5:
                self.problem(
                    NOTE,
                    f"{axis} '{level.written}' on a 1-{level.scale} scale read as "
                    f"{level.value} of 5",
                    names[axis],
                )
        return ScoreIn(likelihood.value, impact.value, written)

    def controls(self) -> list[ControlIn]:
        raw = self.raw("controls")
        if isinstance(raw, list) and any(isinstance(i, dict) for i in raw):
            found = []
            for item in raw:
                if not isinstance(item, dict) or not values.clean_text(item.get("description")):
                    self.problem(ERROR, "a control with no description", "controls")
                    continue
                try:
                    effectiveness: Effectiveness | None = _parse_choice(
                        Effectiveness, str(item.get("effectiveness") or ""), _EFFECTIVENESS
                    )
                except ValueError as exc:
                    self.problem(ERROR, str(exc), "controls")
                    effectiveness = None
                control = ControlIn(
                    values.clean_text(item["description"]),
                    values.clean_text(item.get("owner")) or None,
                    effectiveness or Effectiveness.NOT_ASSESSED,
                )
                self.assurance(control, item)
                found.append(control)
            return found
        return [ControlIn(text) for text in values.bullet_items(raw)]

    def assurance(self, control: ControlIn, item: dict[str, Any]) -> None:
        """A control's line and level of assurance, as this product's export gives them."""
        line = item.get("assurance_line")
        if line is not None:
            if isinstance(line, bool) or line not in (1, 2, 3):
                self.problem(
                    ERROR,
                    f"control '{control.description[:40]}': line of assurance {line!r} is not "
                    "1, 2 or 3",
                    "controls",
                )
            else:
                control.assurance_line = line
        if item.get("assurance_level") is not None:
            try:
                control.assurance_level = Assurance.parse(str(item["assurance_level"]))
            except ValueError as exc:
                self.problem(ERROR, f"control '{control.description[:40]}': {exc}", "controls")
        if item.get("key_control") is not None:
            control.key_control = values.truthy(item["key_control"])

    def updates(self, text: str, raw: Any) -> list[UpdateIn]:
        """A further action's dated updates, as this product's export gives them."""
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(u, dict) for u in raw):
            raise CellError("updates must be a list of {date, note, by}")
        found = []
        for index, update in enumerate(raw):
            day = values.parse_date_cell(update.get("date"))
            raw_note = update.get("note")
            note = CONTROL.sub("", raw_note) if isinstance(raw_note, str) else ""
            if not isinstance(day, date) or day > self.today:
                raise CellError(f"update {index + 1}: '{update.get('date')}' is not a past date")
            if not note:
                raise CellError(f"update {index + 1} has no note")
            recorded = values.parse_date_cell(update.get("recorded_on"))
            found.append(
                UpdateIn(
                    day,
                    note,
                    values.clean_text(update.get("by")) or "imported",
                    recorded if isinstance(recorded, date) else None,
                )
            )
        return found

    def further_actions(self, notes: list[str]) -> list[FurtherActionIn]:
        raw = self.raw("further_actions")
        if isinstance(raw, list) and any(isinstance(i, dict) for i in raw):
            found = []
            for item in raw:
                text = values.clean_text(item.get("description")) if isinstance(item, dict) else ""
                if not text:
                    self.problem(ERROR, "a further action with no description", "further_actions")
                    continue
                assert isinstance(item, dict)
                try:
                    raised = values.parse_date_cell(item.get("raised_on"))
                    due = values.parse_date_cell(item.get("due_date"))
                    status, _ = values.action_status(item.get("status"))
                    if item.get("status"):
                        status = ActionStatus.parse(str(item["status"]))
                    done = values.parse_date_cell(item.get("completed_on"))
                    recorded = values.parse_date_cell(item.get("recorded_on"))
                    updates = self.updates(text, item.get("updates"))
                except (CellError, ValueError) as exc:
                    self.problem(ERROR, f"further action '{text[:40]}': {exc}", "further_actions")
                    continue
                found.append(
                    FurtherActionIn(
                        text,
                        values.clean_text(item.get("owner")) or None,
                        raised if isinstance(raised, date) else None,
                        due if isinstance(due, date) else None,
                        status,
                        done if isinstance(done, date) else None,
                        recorded if isinstance(recorded, date) else None,
                        updates,
                    )
                )
            return found
        items = [FurtherActionIn(text) for text in values.bullet_items(raw)]
        due = self.date_of("action_due_date", notes) if "action_due_date" in self.by_field else None
        for item in items:
            item.due_date = due
            # The register does not say when the action was raised: no later than it was due.
            if due is not None:
                item.raised_on = min(due, self.assessed_on or self.today)
        return items

    # -- action logs -----------------------------------------------------------------------


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _original_product(likelihood: Level, impact: Level) -> int | None:
    first, second = values.number_in(likelihood.written), values.number_in(impact.written)
    if first is None or second is None:
        return None
    return int(first * second)


def _product_text(likelihood: Level, impact: Level) -> str:
    if likelihood.converted or impact.converted:
        return (
            f"{likelihood.written} x {impact.written}, read as {likelihood.value} x "
            f"{impact.value} = {likelihood.value * impact.value}"
        )
    return f"{likelihood.value} x {impact.value} = {likelihood.value * impact.value}"
