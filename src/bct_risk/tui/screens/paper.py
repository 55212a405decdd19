"""A paper previewed as it will read: the register as filtered, or a committee's pack for a
meeting; public or confidential; saved to a file the user names, never over one by surprise.

A bare file name is saved in the folder a paper was last saved in, else the user's documents
folder (see :func:`bct_risk.tui.settings.papers_folder`); the folder is remembered."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Markdown, Static

from bct_risk.domain.errors import ValidationError
from bct_risk.export.files import save_text
from bct_risk.export.pack import render_pack
from bct_risk.export.register import render_register
from bct_risk.services.context import Context
from bct_risk.services.papers import committee_pack, register_paper
from bct_risk.services.register_rows import RiskFilter
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.format import fmt_date
from bct_risk.tui.screens.confirm import ConfirmScreen
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.form import FormScreen, field


@dataclass(frozen=True)
class Paper:
    """A paper as rendered: what it is called, its Markdown, and the file name offered."""

    title: str
    text: str
    file_name: str


PaperSource = Callable[[bool], Paper]
"""Renders the paper, public (True) or confidential (False); runs off the UI thread."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "paper"


def _suffix(public: bool) -> str:
    return "-public" if public else ""


def register_source(ctx: Context, flt: RiskFilter) -> PaperSource:
    """The register as the user has filtered it (what ``bct-risk export register`` writes)."""

    def make(public: bool) -> Paper:
        paper = register_paper(ctx, flt, public=public)
        name = f"register-{ctx.today().isoformat()}{_suffix(public)}.md"
        return Paper("Risk register", render_register(ctx.matrix, paper), name)

    return make


def pack_source(ctx: Context, committee: str, meeting_date: date) -> PaperSource:
    """A committee's pack for one meeting (what ``bct-risk pack`` writes)."""

    def make(public: bool) -> Paper:
        pack = committee_pack(ctx, committee, meeting_date, public=public)
        name = f"pack-{_slug(pack.short_name)}-{meeting_date.isoformat()}{_suffix(public)}.md"
        title = f"{pack.short_name} pack, {fmt_date(meeting_date)}"
        return Paper(title, render_pack(ctx.matrix, pack), name)

    return make


class PaperScreen(Screen[None]):
    """The paper rendered in the app; switch public/confidential; save it to a file."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction(
            "toggle_public", "p", "Marking", "Switch the paper between public and confidential"
        ),
        UserAction("save_paper", "s", "Save", "Save the paper to a Markdown file"),
        UserAction("back", "escape", "Back", "Close the paper"),
    )
    BINDINGS = bindings(ACTIONS)
    AUTO_FOCUS = "#paper"

    def __init__(self, ctx: Context, source: PaperSource, *, public: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.source = source
        self.public = public
        self.paper: Paper | None = None
        """The paper on screen: the text saved is exactly this."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="paper-state")
        # A focusable scroll around the document: arrows, Page Up/Down, Home and End read it.
        with VerticalScroll(id="paper"):
            yield Markdown(open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Paper"
        self.load()

    def load(self) -> None:
        """Render the paper for the current marking, off the UI thread."""
        self.paper = None
        public, source = self.public, self.source
        self._show_state()
        call_service(self, lambda: source(public), self._shown, group="paper")

    async def _shown(self, paper: Paper) -> None:
        await self.query_one(Markdown).update(paper.text)
        self.paper = paper
        self.sub_title = paper.title
        self._show_state()

    def _show_state(self) -> None:
        # The title is in the header; this line says which marking is shown, and how to change.
        if self.public:
            marking = "[b]Public[/b]: exempt risks left out · p for confidential"
        else:
            marking = "[b]Confidential[/b]: not for publication · p for public"
        doing = " · s save" if self.paper else " · rendering…"
        self.query_one("#paper-state", Static).update(marking + doing)

    def action_toggle_public(self) -> None:
        """Render the other marking."""
        self.public = not self.public
        self.load()

    def action_save_paper(self) -> None:
        """Ask for a file name and save the paper shown."""
        if self.paper is None:
            self.app.notify("The paper is still being prepared", severity="warning")
            return
        from bct_risk.tui.settings import AppSettings, papers_folder

        settings = getattr(self.app, "settings", None)
        folder = papers_folder(settings if isinstance(settings, AppSettings) else AppSettings())
        self.app.push_screen(SaveScreen(self.paper, folder))

    def action_back(self) -> None:
        """Close the paper."""
        self.app.pop_screen()


@dataclass(frozen=True)
class Saved:
    """Where a paper went, or that the file was already there and nothing was written."""

    path: Path
    written: bool


class SaveScreen(FormScreen):
    """The file name for a paper. An existing file is replaced only once the user confirms."""

    FIELD_IDS: ClassVar[dict[str, str]] = {"output": "file-name"}

    def __init__(self, paper: Paper, folder: Path) -> None:
        super().__init__()
        self.paper = paper
        self.folder = folder
        """Where a bare file name is saved."""
        self.title_text = f"Save {paper.title}"

    def fields(self) -> ComposeResult:
        yield from field(
            f"File name (in {self.folder}) or a full path",
            Input(self.paper.file_name, id="file-name"),
        )

    def on_mount(self) -> None:
        self.query_one("#file-name", Input).focus()

    def target(self) -> Path:
        """The file the user named; a bare name (or a relative path) is in the folder offered."""
        name = self.text("file-name").strip()
        if not name:
            raise ValidationError("give a file name to save the paper to", field="output")
        path = Path(name).expanduser()
        return path if path.is_absolute() else self.folder / path

    def build(self) -> Callable[[], Saved]:
        path, text = self.target(), self.paper.text
        return lambda: write(text, path, overwrite=False)

    def _saved(self, result: object) -> None:
        assert isinstance(result, Saved)
        if result.written:
            remember = getattr(self.app, "remember", None)
            if remember is not None and str(result.path.parent) != str(self.folder):
                remember(paper_folder=str(result.path.parent))  # offered again next time
            self.app.notify(f"Saved to {result.path}", title="Saved")
            self.dismiss(True)
            return
        path, text = result.path, self.paper.text

        def answered(replace: bool | None) -> None:
            error = self.query_one("#form-error", Static)
            if not replace:
                error.update(f"{path} was left as it is; give another name to keep both")
                return
            error.update("Saving…")
            call_service(
                self,
                lambda: write(text, path, overwrite=True),
                self._saved,
                group="save",
                failed=self.show_error,
            )

        self.app.push_screen(
            ConfirmScreen(
                "Replace the file?", f"{path} already exists. Replace it?", yes="Replace"
            ),
            answered,
        )


def write(text: str, path: Path, *, overwrite: bool) -> Saved:
    """Save the paper whole, or report the file is already there (nothing written)."""
    if not overwrite and path.is_file():
        return Saved(path, written=False)
    save_text(text, path, overwrite=overwrite)
    return Saved(path, written=True)
