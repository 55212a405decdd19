"""Link the risk on screen to another that bears on it, with a note (``bct-risk link``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select

from bct_risk.domain.enums import RiskStatus
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import RiskLink
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.register_rows import RiskFilter
from bct_risk.services.risks import link_risks
from bct_risk.tui.format import escape
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import FormScreen, field


def link_choices(ctx: Context, reference: str, linked: set[str]) -> list[tuple[Text, str]]:
    """Each other risk as ("SR3  Title", "SR3") (the title as text, never markup): open ones
    in the register's order, then closed ones, marked so; those already linked left out."""
    rows = queries.list_risks(ctx, RiskFilter(include_closed=True))
    mine = {reference.upper(), *(r.upper() for r in linked)}
    rows = sorted(
        (r for r in rows if r.reference.upper() not in mine),
        key=lambda r: r.status == RiskStatus.CLOSED,
    )
    return [
        (
            Text(
                f"{r.reference}  {r.title}" + (" (closed)" if r.status == RiskStatus.CLOSED else "")
            ),
            r.reference,
        )
        for r in rows
    ]


class LinkRiskScreen(FormScreen):
    """Choose the other risk (reference and title) and say how they bear on each other."""

    FIELD_IDS: ClassVar[dict[str, str]] = {"other": "other", "note": "note"}

    def __init__(self, ctx: Context, reference: str, linked: set[str]) -> None:
        super().__init__()
        self.ctx = ctx
        self.reference = reference
        self.linked = linked
        self.title_text = escape(f"Link {reference} to another risk")

    def fields(self) -> ComposeResult:
        yield from field(
            "The other risk (required)",
            Select([], prompt="Choose a risk (type to jump)", id="other"),
        )
        yield from field(
            "Note: how they bear on each other",
            Input(placeholder="e.g. Combined exposure: both hit by the settlement", id="note"),
        )

    def on_mount(self) -> None:
        ctx, reference, linked = self.ctx, self.reference, self.linked

        def offer(choices: list[tuple[Text, str]]) -> None:
            other = self.query_one("#other", Select)
            other.set_options(choices)
            other.focus()

        call_service(self, lambda: link_choices(ctx, reference, linked), offer, group="risks")

    def build(self) -> Callable[[], RiskLink]:
        other = self.choice("other")
        if other is None:
            raise ValidationError("choose the other risk", field="other")
        return partial(link_risks, self.ctx, self.reference, other, self.text("note"))

    def done_message(self, result: Any) -> str:
        return f"{self.reference} linked to {self.choice('other')}"
