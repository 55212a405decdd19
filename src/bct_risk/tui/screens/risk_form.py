"""Add a risk, or edit one: title, text, owner, lead committee, tier, appetite, treatment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Input, Select

from bct_risk.domain.enums import Appetite, Tier, Treatment
from bct_risk.domain.models import Risk, RiskCreate, RiskUpdate
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.queries import RiskDetail
from bct_risk.services.risks import create_risk, update_risk
from bct_risk.services.validation import validate
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import OneRiskForm, field


class RiskFormScreen(OneRiskForm):
    """A new risk (no detail given) or an edit of one; dismisses True once saved."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "reference": "reference",
        "title": "title",
        "owner": "owner",
        "committee": "committee",
        "lead_committee": "committee",
    }

    def __init__(self, ctx: Context, detail: RiskDetail | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.detail: RiskDetail | None = detail
        self.saved_reference: str | None = None
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

    def on_mount(self) -> None:
        self.query_one("#reference" if self.detail is None else "#title", Input).focus()

        def choices() -> tuple[list[str], list[tuple[str, str]]]:
            names = sorted({p.name for p in queries.people(self.ctx)})
            bodies = [(c.name, c.short_name or c.name) for c in queries.committees(self.ctx)]
            return names, bodies

        call_service(self, choices, self._offer, group="choices")

    def _offer(self, loaded: tuple[list[str], list[tuple[str, str]]]) -> None:
        names, bodies = loaded
        people = self.query_one("#owner", Select)
        people.set_options([(n, n) for n in names])
        committee = self.query_one("#committee", Select)
        committee.set_options([(name, name) for name, _ in bodies])
        if self.detail is None:
            return
        if self.detail.row.owner in names:
            people.value = self.detail.row.owner
        shown = self.detail.row.lead_committee
        for name, short in bodies:
            if shown in (name, short):
                committee.value = name

    def refill(self, before: Any, after: Any) -> None:
        """Fields still as the form opened them take the newer record's values."""
        texts = {
            "title": (before.row.title, after.row.title),
            "description": (before.description, after.description),
            "cause": (before.cause, after.cause),
            "effect": (before.effect, after.effect),
            "category": (before.row.category, after.row.category),
        }
        for name, (old, new) in texts.items():
            box = self.query_one(f"#{name}", Input)
            if box.value == old:
                box.value = new
        choices = {
            "owner": (before.row.owner, after.row.owner),
            "appetite": (
                before.row.appetite.value if before.row.appetite else Select.NULL,
                after.row.appetite.value if after.row.appetite else Select.NULL,
            ),
            "treatment": (
                Treatment.parse(before.treatment).value,
                Treatment.parse(after.treatment).value,
            ),
        }
        for name, (old, new) in choices.items():
            select = self.query_one(f"#{name}", Select)
            if select.value == old and old != new:
                select.value = new

    def build(self) -> Callable[[], Risk]:
        owner, committee = self.choice("owner"), self.choice("committee")
        appetite = self.choice("appetite")
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
        }
        if self.detail is None:
            data = validate(
                RiskCreate,
                {**common, "reference": self.text("reference"), "tier": self.choice("tier")},
            )
            return lambda: create_risk(self.ctx, data)
        changes = validate(RiskUpdate, common)
        ref, version = self.detail.row.reference, self.detail.version
        return lambda: update_risk(self.ctx, ref, changes, expected_version=version)

    def done_message(self, result: Any) -> str:
        assert isinstance(result, Risk)
        self.saved_reference = result.reference
        verb = "Added" if self.detail is None else "Saved"
        return f"{verb} {result.reference}"
