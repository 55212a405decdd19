"""Close an open risk, or reopen a closed one, with a reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Input

from bct_risk.domain.enums import RiskStatus
from bct_risk.domain.models import Risk
from bct_risk.services.context import Context
from bct_risk.services.queries import RiskDetail
from bct_risk.services.risks import close_risk, reopen_risk
from bct_risk.tui.widgets.form import OneRiskForm, field


class CloseScreen(OneRiskForm):
    """Close or reopen a risk; the reason is required and kept in the audit trail."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "reason for closing": "reason",
        "reason for reopening": "reason",
    }

    def __init__(self, ctx: Context, detail: RiskDetail) -> None:
        super().__init__()
        self.ctx = ctx
        self.detail: RiskDetail = detail
        self.closing = detail.row.status == RiskStatus.OPEN
        verb = "Close" if self.closing else "Reopen"
        self.title_text = f"{verb} {detail.row.reference} {detail.row.title}"

    def fields(self) -> ComposeResult:
        what = "closing" if self.closing else "reopening"
        yield from field(f"Reason for {what} (required)", Input(id="reason"))

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def build(self) -> Callable[[], Risk]:
        reason, ref, version = self.text("reason"), self.detail.row.reference, self.detail.version
        if self.closing:
            return lambda: close_risk(self.ctx, ref, reason=reason, expected_version=version)
        return lambda: reopen_risk(self.ctx, ref, reason=reason, expected_version=version)

    def done_message(self, result: Any) -> str:
        assert isinstance(result, Risk)
        return f"{result.reference} is {result.status.label.lower()}"
