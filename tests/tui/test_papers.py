"""Papers: the register as filtered and a committee's pack, previewed, marked and saved."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, Markdown, OptionList, Static

from bct_risk.export.pack import render_pack
from bct_risk.export.register import render_register
from bct_risk.services.context import Context
from bct_risk.services.papers import committee_pack, register_paper
from bct_risk.services.register_rows import RiskFilter
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.committees import CommitteesScreen
from bct_risk.tui.screens.confirm import ConfirmScreen
from bct_risk.tui.screens.paper import PaperScreen, SaveScreen
from bct_risk.tui.screens.register import RegisterScreen
from tests.helpers import fingerprint
from tests.tui.conftest import notices, press, settle

DECEMBER = date(2026, 12, 10)
DEFAULT_NAME = "pack-finance-and-resources-2026-12-10.md"


@pytest.fixture
def documents(own_home: Path) -> Path:
    """The user's documents folder (in the test's own home), where papers go by default."""
    folder = own_home / "Documents"
    folder.mkdir()
    return folder


def headings(markdown: str) -> list[str]:
    """The headings a Markdown text has, as a renderer titles them."""
    return [re.sub(r"^#+\s*", "", line) for line in markdown.splitlines() if line.startswith("#")]


async def open_pack(app: RiskApp, pilot: object, held: date) -> PaperScreen:
    """From the committees screen: the Finance and Resources Committee, a meeting, then 'p'."""
    await press(pilot, "4")  # type: ignore[arg-type]
    assert isinstance(app.screen, CommitteesScreen)
    app.screen.query_one(
        "#committee-list", OptionList
    ).highlighted = app.screen.committee_keys.index("fr")
    await settle(pilot)  # type: ignore[arg-type]
    meetings = app.screen.query_one("#meeting-list", OptionList)
    meetings.focus()
    meetings.highlighted = app.screen.meeting_dates.index(held)
    await press(pilot, "p")  # type: ignore[arg-type]
    assert isinstance(app.screen, PaperScreen)
    return app.screen


def shown_headings(screen: PaperScreen) -> list[str]:
    return [title for _, title, _ in screen.query_one(Markdown).table_of_contents]


def form_error(app: RiskApp) -> str:
    return str(app.screen.query_one("#form-error", Static).render())


async def test_pack_preview_shows_its_headings_and_saves_what_the_cli_writes(
    app: RiskApp, app_ctx: Context, documents: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = render_pack(app_ctx.matrix, committee_pack(app_ctx, "fr", DECEMBER))
    # The notice stays until it is read, however slow the machine.
    monkeypatch.setattr(app, "NOTIFICATION_TIMEOUT", 60)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_pack(app, pilot, DECEMBER)
        assert screen.paper is not None and screen.paper.text == expected
        shown = shown_headings(screen)
        assert shown == headings(expected)
        assert "Finance and Resources Committee: risk report" in shown[0]
        assert any(title.startswith("Changes since the meeting of") for title in shown)
        # The paper has the focus, so the keyboard reads on through it.
        await press(pilot, "pagedown")
        assert screen.query_one("#paper").scroll_y > 0
        await press(pilot, "s")
        assert isinstance(app.screen, SaveScreen)
        # The name offered says what the paper is; a bare name is saved in the documents folder.
        assert app.screen.query_one("#file-name", Input).value == DEFAULT_NAME
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, PaperScreen)
        assert f"Saved to {documents / DEFAULT_NAME}" in notices(app)
    assert (documents / DEFAULT_NAME).read_text("utf-8") == expected


async def test_public_marking_renders_and_saves_the_public_paper(
    app: RiskApp, app_ctx: Context, documents: Path
) -> None:
    public = render_pack(app_ctx.matrix, committee_pack(app_ctx, "fr", DECEMBER, public=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_pack(app, pilot, DECEMBER)
        assert "Confidential" in str(screen.query_one("#paper-state", Static).render())
        await press(pilot, "p")
        assert screen.paper is not None and screen.paper.text == public
        assert "Public" in str(screen.query_one("#paper-state", Static).render())
        await press(pilot, "s")
        name = app.screen.query_one("#file-name", Input).value
        assert name == "pack-finance-and-resources-2026-12-10-public.md"
        await press(pilot, "ctrl+s")
    assert (documents / name).read_text("utf-8") == public


async def test_register_paper_is_the_register_as_filtered(
    app: RiskApp, app_ctx: Context, tmp_path: Path
) -> None:
    flt = RiskFilter(committee="fr", above_appetite=True)
    expected = render_register(app_ctx.matrix, register_paper(app_ctx, flt))
    target = tmp_path / "fr-register.md"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        register = app.screen
        assert isinstance(register, RegisterScreen)
        register.committee_name = "Finance and Resources Committee"
        register.filter = flt
        register.reload()
        await settle(pilot)
        await press(pilot, "p")
        assert isinstance(app.screen, PaperScreen)
        assert app.screen.paper is not None and app.screen.paper.text == expected
        assert shown_headings(app.screen) == headings(expected)
        await press(pilot, "s")
        app.screen.query_one("#file-name", Input).value = str(target)
        await press(pilot, "ctrl+s")
    assert target.read_text("utf-8") == expected


async def test_an_existing_file_is_kept_until_the_user_confirms(
    app: RiskApp, app_ctx: Context, tmp_path: Path
) -> None:
    papers = tmp_path / "papers"
    papers.mkdir()
    target = papers / "pack.md"
    target.write_text("the paper from last month\n", "utf-8")
    expected = render_pack(app_ctx.matrix, committee_pack(app_ctx, "fr", DECEMBER))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_pack(app, pilot, DECEMBER)
        await press(pilot, "s")
        app.screen.query_one("#file-name", Input).value = str(target)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        assert f"{target} already exists. Replace it?" in str(
            app.screen.query_one("#confirm-question", Static).render()
        )
        await press(pilot, "n")
        assert isinstance(app.screen, SaveScreen)
        assert form_error(app) == f"{target} was left as it is; give another name to keep both"
        assert target.read_text("utf-8") == "the paper from last month\n"
        # Enter alone answers No: the safe button has the focus.
        await press(pilot, "ctrl+s", "enter")
        assert isinstance(app.screen, SaveScreen)
        assert target.read_text("utf-8") == "the paper from last month\n"
        await press(pilot, "ctrl+s", "y")
        assert isinstance(app.screen, PaperScreen)
    assert target.read_text("utf-8") == expected
    # The file was replaced whole: no temporary file is left beside it.
    assert sorted(p.name for p in papers.iterdir()) == ["pack.md"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "missing/pack.md",
            "Cannot write {tmp}/missing/pack.md: the folder {tmp}/missing does not exist",
        ),
        ("", "Give a file name to save the paper to"),
        (".", "{tmp} is a folder; give a file name"),
    ],
)
async def test_a_file_that_cannot_be_written_says_why(
    app: RiskApp,
    app_ctx: Context,
    documents: Path,
    name: str,
    message: str,
) -> None:
    papers = documents
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_pack(app, pilot, DECEMBER)
        await press(pilot, "s")
        app.screen.query_one("#file-name", Input).value = name
        await press(pilot, "ctrl+s")
        # The form stays open with the message, so the user can give another name.
        assert isinstance(app.screen, SaveScreen)
        wanted = message.format(tmp=papers)
        assert form_error(app) == wanted
        assert wanted in notices(app)
    assert list(papers.iterdir()) == []
    assert fingerprint(app_ctx) == unchanged


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
async def test_a_folder_without_write_permission_says_so(app: RiskApp, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await open_pack(app, pilot, DECEMBER)
            await press(pilot, "s")
            app.screen.query_one("#file-name", Input).value = str(locked / "pack.md")
            await press(pilot, "ctrl+s")
            assert isinstance(app.screen, SaveScreen)
            assert form_error(app).startswith(f"Cannot write {locked / 'pack.md'}: ")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


async def test_pack_needs_a_meeting(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "4")
        assert isinstance(app.screen, CommitteesScreen)
        app.screen.meeting_dates = []
        app.screen.query_one("#meeting-list", OptionList).clear_options()
        await press(pilot, "p")
        assert isinstance(app.screen, CommitteesScreen)
        assert "Choose a committee and a meeting first" in notices(app)
