"""Text a user typed is shown as typed everywhere in the app, never read as markup: a title
holding ``[/`` (which Textual's markup takes for a closing tag) or ``[bold]`` included."""

from __future__ import annotations

from textual.widgets import Label, OptionList

from bct_risk.domain.models import RiskCreate
from bct_risk.domain.scoring import Score
from bct_risk.services import actions, risks
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp
from bct_risk.tui.format import escape
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.heatmap import HeatMapScreen
from tests.tui.conftest import press, screen_text, settle, type_text

TITLE = "Budget [2026/27 [/ overspend [bold]x[/bold] \\"


def test_escape_keeps_text_as_written_through_textual_and_rich_markup() -> None:
    from rich.text import Text
    from textual.markup import to_content

    for text in (TITLE, "[/", "a[/]b", "[@click=app.quit]", "plain", "end\\"):
        assert Text.from_markup(f"[bold]{escape(text)}[/]").plain == text
        # Textual cannot show a backslash right before a tag; everything else reads as typed.
        if not text.endswith("\\"):
            assert to_content(f"[bold]{escape(text)}[/]").plain == text


async def test_a_title_with_brackets_reads_as_typed(app: RiskApp, app_ctx: Context) -> None:
    risks.create_risk(
        app_ctx,
        RiskCreate(reference="X1", title=TITLE, owner="James Thomas"),
        current=Score(5, 5),
        rationale="Why [/ not",
    )
    actions.add_further_action(app_ctx, "X1", description="Act [/ now", due_date=None)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "[/")
        assert "matching '[/'" in screen_text(app)
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, DetailScreen)
        title = app.screen.query_one("#detail-title", Label)
        assert str(title.render()).startswith(f"X1  {TITLE.rstrip(chr(92))}")
        text = screen_text(app)
        assert "Why [/ not" in text and "Act [/ now" in text
        await press(pilot, "escape", "2")
        assert isinstance(app.screen, HeatMapScreen)
        app.screen.query_one("#cell-5-5").focus()
        await press(pilot, "enter")
        assert app.screen.query_one("#cell-risks", OptionList).option_count == 1
        assert "X1  Budget [2026/27 [/ overspend [bold]x[/bold]" in screen_text(app)
