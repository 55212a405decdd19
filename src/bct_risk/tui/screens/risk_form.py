"""Add a risk, or edit one: title, text, owner, lead committee, tier, appetite, treatment, the
exempt flag, the target score and date, the review interval, and on a new risk its first scores."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select

from bct_risk.domain.enums import Appetite, Tier, Treatment
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import Risk, RiskCreate, RiskUpdate
from bct_risk.domain.scoring import SCALE, Score
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_risk
from bct_risk.services.queries import RiskDetail
from bct_risk.services.risks import create_risk, update_risk
from bct_risk.services.validation import validate
from bct_risk.tui.format import fmt_date
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import OneRiskForm, field, person_choices, person_handles

FIRST_SCORES = (("inherent", "Inherent"), ("current", "Current"), ("target", "Target"))
"""The scores a new risk may be given as it is added (as ``bct-risk add`` offers)."""


@dataclass(frozen=True)
class Choices:
    """What the form's choosers offer, loaded off the UI thread."""

    people: list[tuple[str, str]]
    """(name and role, the value that names the person alone)."""
    names: dict[str, str]
    """Each value → the person's name (to follow a reloaded risk's owner)."""
    owner: str | None
    """The value naming the risk's owner now (an edit), else None."""
    bodies: list[tuple[str, str]]
    """(name, short name) of each committee."""


def score_pair(kind: str, label: str, matrix: Any, now: Score | None) -> Iterable[Widget]:
    """A likelihood and an impact chosen side by side, for one kind of score."""
    yield Label(f"{label}: likelihood and impact", classes="field-label")
    with Horizontal(classes="score-pair"):
        yield Select(
            [(f"{v} {matrix.likelihood_label(v)}", v) for v in SCALE],
            value=now.likelihood if now else Select.NULL,
            prompt="Likelihood",
            id=f"{kind}-likelihood",
        )
        yield Select(
            [(f"{v} {matrix.impact_label(v)}", v) for v in SCALE],
            value=now.impact if now else Select.NULL,
            prompt="Impact",
            id=f"{kind}-impact",
        )


class RiskFormScreen(OneRiskForm):
    """A new risk (no detail given) or an edit of one; dismisses True once saved."""

    DEFAULT_CSS = """
    RiskFormScreen .score-pair { height: auto; }
    RiskFormScreen .score-pair Select { width: 1fr; }
    RiskFormScreen #exempt { margin-top: 1; }
    """

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "reference": "reference",
        "title": "title",
        "owner": "owner",
        "committee": "committee",
        "lead_committee": "committee",
        "target_date": "target-date",
        "target date": "target-date",
        "next_review_date": "next-review",
        "next review date": "next-review",
        "review_frequency_days": "review-days",
        "rationale": "rationale",
        "rationale for the target score": "rationale",
        **{f"{kind} score": f"{kind}-likelihood" for kind, _ in FIRST_SCORES},
    }
    FIELD_LABELS: ClassVar[dict[str, str]] = {
        "review_frequency_days": "review interval (days)",
        "target_date": "target date",
        "next_review_date": "next review date",
        "lead_committee": "lead committee",
    }

    def __init__(self, ctx: Context, detail: RiskDetail | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.detail: RiskDetail | None = detail
        self.saved_reference: str | None = None
        self.loaded: Choices | None = None
        self.title_text = (
            "Add a risk" if detail is None else f"Edit {detail.row.reference} {detail.row.title}"
        )

    def fields(self) -> ComposeResult:
        d = self.detail
        if d is None:
            yield from field("Reference (required), e.g. SR10", Input(id="reference"))
        yield from field("Title (required)", Input(d.row.title if d else "", id="title"))
        yield from field("Description", Input(d.description if d else "", id="description"))
        yield from field("Cause", Input(d.cause if d else "", id="cause"))
        yield from field("Effect", Input(d.effect if d else "", id="effect"))
        yield from field("Category", Input(d.row.category if d else "", id="category"))
        yield from field("Risk owner", Select([], prompt="No risk owner", id="owner"))
        yield from field("Lead committee", Select([], prompt="No lead committee", id="committee"))
        if d is None:
            yield from field(
                "Register tier",
                Select(
                    [(t.label, t.value) for t in Tier],
                    value=Tier.STRATEGIC.value,
                    allow_blank=False,
                    id="tier",
                ),
            )
        appetite = d.row.appetite.value if d and d.row.appetite else Select.NULL
        yield from field(
            "Risk appetite",
            Select(
                [(a.label, a.value) for a in Appetite],
                value=appetite,
                prompt="Not set",
                id="appetite",
            ),
        )
        yield from field(
            "Treatment",
            Select(
                [(t.label, t.value) for t in Treatment],
                value=Treatment.parse(d.treatment).value if d else Treatment.TREAT.value,
                allow_blank=False,
                id="treatment",
            ),
        )
        yield Checkbox(
            "Exempt (confidential): left out of public papers",
            d.row.exempt if d else False,
            id="exempt",
        )
        matrix = self.ctx.matrix
        if d is None:
            for kind, label in FIRST_SCORES:
                yield from score_pair(kind, f"{label} score (optional)", matrix, None)
            yield from field(
                "Rationale for the first scores",
                Input("Initial assessment", id="rationale"),
            )
        else:
            yield from score_pair("target", "Target score", matrix, d.row.target)
            yield from field(
                "Why the target score changed (required when it changes)",
                Input(id="rationale"),
            )
        yield from field(
            "Target date (when the target score should be reached)",
            Input(
                fmt_date(d.row.target_date) if d else "",
                placeholder="e.g. 31 Mar 2027",
                id="target-date",
            ),
        )
        days = d.review_frequency_days if d else None
        yield from field(
            "Review interval in days (blank: the current score's band sets it)",
            Input(str(days) if days else "", placeholder="e.g. 90", id="review-days"),
        )
        if d is not None:
            yield from field(
                "Next review date",
                Input(fmt_date(d.row.next_review_date), id="next-review"),
            )

    def on_mount(self) -> None:
        self.query_one("#reference" if self.detail is None else "#title", Input).focus()
        ctx, detail = self.ctx, self.detail

        def choices() -> Choices:
            everyone = queries.people(ctx)
            handles = person_handles(everyone)
            owner, owner_id = None, None
            if detail is not None:
                with ctx.read() as session:
                    owner_id = find_risk(session, detail.row.reference).owner_id
                owner = next((h for p, h in handles if p.id == owner_id), None)
            names = {h: p.name for p, h in handles if h is not None}
            bodies = [(c.name, c.short_name or c.name) for c in queries.committees(ctx)]
            offered = person_choices(everyone, today=ctx.today(), keep=owner_id)
            return Choices(offered, names, owner, bodies)

        call_service(self, choices, self._offer, group="choices")

    def _offer(self, loaded: Choices) -> None:
        self.loaded = loaded
        people = self.query_one("#owner", Select)
        people.set_options(loaded.people)
        committee = self.query_one("#committee", Select)
        committee.set_options([(name, name) for name, _ in loaded.bodies])
        if self.detail is None:
            return
        if loaded.owner is not None:
            people.value = loaded.owner
        shown = self.detail.row.lead_committee
        for name, short in loaded.bodies:
            if shown in (name, short):
                committee.value = name

    # -- after a reload -----------------------------------------------------------------------

    def refill(self, before: Any, after: Any) -> None:
        """Fields still as the form opened them take the newer record's values."""

        def days(value: int | None) -> str:
            return str(value) if value else ""

        texts = {
            "title": (before.row.title, after.row.title),
            "description": (before.description, after.description),
            "cause": (before.cause, after.cause),
            "effect": (before.effect, after.effect),
            "category": (before.row.category, after.row.category),
            "target-date": (fmt_date(before.row.target_date), fmt_date(after.row.target_date)),
            "review-days": (days(before.review_frequency_days), days(after.review_frequency_days)),
            "next-review": (
                fmt_date(before.row.next_review_date),
                fmt_date(after.row.next_review_date),
            ),
        }
        for name, (old, new) in texts.items():
            box = self.query_one(f"#{name}", Input)
            if box.value == old:
                box.value = new
        choices = {
            "owner": (self._owner_value(before.row.owner), self._owner_value(after.row.owner)),
            "appetite": (
                before.row.appetite.value if before.row.appetite else Select.NULL,
                after.row.appetite.value if after.row.appetite else Select.NULL,
            ),
            "treatment": (
                Treatment.parse(before.treatment).value,
                Treatment.parse(after.treatment).value,
            ),
        }
        for kind, old_score, new_score in (("target", before.row.target, after.row.target),):
            choices[f"{kind}-likelihood"] = (
                old_score.likelihood if old_score else Select.NULL,
                new_score.likelihood if new_score else Select.NULL,
            )
            choices[f"{kind}-impact"] = (
                old_score.impact if old_score else Select.NULL,
                new_score.impact if new_score else Select.NULL,
            )
        for name, (old, new) in choices.items():
            select = self.query_one(f"#{name}", Select)
            if select.value == old and old != new and new is not None:
                select.value = new
        exempt = self.query_one("#exempt", Checkbox)
        if exempt.value == before.row.exempt:
            exempt.value = after.row.exempt

    def _owner_value(self, name: str) -> Any:
        """The owner select's value for a risk owner shown by name (None when not one alone)."""
        if not name:
            return Select.NULL
        if self.loaded is None:
            return None
        if self.loaded.owner is not None and self.loaded.names.get(self.loaded.owner) == name:
            return self.loaded.owner
        values = [value for value, who in self.loaded.names.items() if who == name]
        return values[0] if len(values) == 1 else None

    # -- saving -------------------------------------------------------------------------------

    def score_of(self, kind: str, label: str) -> Score | None:
        """A score chosen as likelihood and impact together, or None when neither is chosen."""
        likelihood = self.choice(f"{kind}-likelihood")
        impact = self.choice(f"{kind}-impact")
        if likelihood is None and impact is None:
            return None
        if likelihood is None or impact is None:
            raise ValidationError(
                f"choose both a likelihood and an impact for the {label.lower()} score, or neither",
                field=f"{kind} score",
            )
        return Score(likelihood, impact)

    def build(self) -> Callable[[], Risk]:
        owner, committee = self.choice("owner"), self.choice("committee")
        appetite = self.choice("appetite")
        days = self.text("review-days").strip()
        common: dict[str, Any] = {
            "title": self.text("title"),
            "description": self.text("description"),
            "cause": self.text("cause"),
            "effect": self.text("effect"),
            "category": self.text("category"),
            "owner": owner or "",
            "lead_committee": committee or "",
            "appetite": appetite,
            "treatment": self.choice("treatment"),
            "exempt": self.query_one("#exempt", Checkbox).value,
            "target_date": self.date_of("target-date", "target date"),
            "review_frequency_days": days or None,
        }
        if self.detail is None:
            scores = {kind: self.score_of(kind, label) for kind, label in FIRST_SCORES}
            rationale = self.text("rationale")
            data = validate(
                RiskCreate,
                {**common, "reference": self.text("reference"), "tier": self.choice("tier")},
            )
            return lambda: create_risk(
                self.ctx,
                data,
                inherent=scores["inherent"],
                current=scores["current"],
                target=scores["target"],
                rationale=rationale,
            )
        next_review = self.date_of("next-review", "next review date")
        if next_review is not None:  # blank leaves it as it is (scoring sets it)
            common["next_review_date"] = next_review
        if self.loaded is None:  # the choosers are not filled yet: leave owner and committee
            del common["owner"], common["lead_committee"]
        elif owner == self.loaded.owner:
            del common["owner"]  # unchanged: not named again (a name two people may share)
        target = self.score_of("target", "Target")
        if target == self.detail.row.target:
            target = None  # unchanged: no new target score in the history
        rationale = self.text("rationale")
        changes = validate(RiskUpdate, common)
        ref, version = self.detail.row.reference, self.detail.version

        def save() -> Risk:
            return update_risk(
                self.ctx,
                ref,
                changes,
                expected_version=version,
                target=target,
                rationale=rationale,
            )

        return save

    def done_message(self, result: Any) -> str:
        assert isinstance(result, Risk)
        self.saved_reference = result.reference
        verb = "Added" if self.detail is None else "Saved"
        return f"{verb} {result.reference}"
