"""Papers are saved by default in the folder used last, else the user's documents folder,
else their home; no folder is made for the user, and the folder used is remembered."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input, Label

from bct_risk.services.context import Context
from bct_risk.tui.app import make_app
from bct_risk.tui.screens.paper import PaperScreen, SaveScreen
from bct_risk.tui.settings import AppSettings, load_settings, papers_folder, save_settings
from tests.tui.conftest import press, settle
from tests.tui.test_papers import open_pack

DECEMBER = date(2026, 12, 10)
NAME = "pack-finance-and-resources-2026-12-10.md"


async def save_pack(ctx: Context, name: str | None = None) -> tuple[SaveScreen, str]:
    """Open the December pack and save it (as ``name``, else as offered); the dialog used, and
    what its field's label said."""
    app = make_app(ctx, blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_pack(app, pilot, DECEMBER)
        await press(pilot, "s")
        dialog = app.screen
        assert isinstance(dialog, SaveScreen)
        label = " ".join(str(field.render()) for field in dialog.query(Label))
        if name is not None:
            dialog.query_one("#file-name", Input).value = name
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, PaperScreen)
        return dialog, label


async def test_without_a_documents_folder_the_home_folder_is_offered_and_none_is_made(
    app_ctx: Context, own_home: Path
) -> None:
    dialog, label = await save_pack(app_ctx)
    assert dialog.folder == own_home
    assert f"File name (in {own_home}) or a full path" in label
    assert sorted(p.name for p in own_home.iterdir()) == [NAME]  # no Documents made


async def test_the_documents_folder_is_offered_then_the_folder_used_last(
    app_ctx: Context, own_home: Path, own_settings: Path, tmp_path: Path
) -> None:
    documents = own_home / "Documents"
    documents.mkdir()
    dialog, _ = await save_pack(app_ctx)
    assert dialog.folder == documents
    assert (documents / NAME).is_file()
    # Saved elsewhere by a full path: that folder is offered from then on, in a new run too.
    elsewhere = tmp_path / "committee papers"
    elsewhere.mkdir()
    await save_pack(app_ctx, str(elsewhere / "december.md"))
    assert load_settings(own_settings).paper_folder == str(elsewhere)
    dialog, _ = await save_pack(app_ctx, "december-again.md")
    assert dialog.folder == elsewhere
    assert sorted(p.name for p in elsewhere.iterdir()) == ["december-again.md", "december.md"]


def test_a_folder_used_last_that_is_gone_gives_way_to_documents(own_home: Path) -> None:
    gone = AppSettings(paper_folder=str(own_home / "moved away"))
    assert papers_folder(gone) == own_home
    (own_home / "Documents").mkdir()
    assert papers_folder(gone) == own_home / "Documents"
    assert not (own_home / "moved away").exists()


def test_the_documents_folder_the_desktop_names_is_used(own_home: Path) -> None:
    # xdg-user-dirs names the documents folder in ~/.config/user-dirs.dirs (platformdirs reads it).
    papers = own_home / "Papiers"
    papers.mkdir()
    config = own_home / ".config"
    config.mkdir(mode=0o700)
    (config / "user-dirs.dirs").write_text('XDG_DOCUMENTS_DIR="$HOME/Papiers"\n', "utf-8")
    assert papers_folder(AppSettings()) == papers


def test_the_folder_is_kept_in_the_settings_file(own_settings: Path, tmp_path: Path) -> None:
    save_settings(AppSettings(paper_folder=str(tmp_path)), own_settings)
    assert f'paper_folder = "{tmp_path}"' in own_settings.read_text("utf-8")
    assert load_settings(own_settings).paper_folder == str(tmp_path)
