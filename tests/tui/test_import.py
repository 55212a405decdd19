"""Importing: the dry run's report on screen, the import only once it is clean and confirmed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DirectoryTree, Input, Select, Static

from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.register_rows import RiskFilter
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.confirm import ConfirmScreen
from bct_risk.tui.screens.import_screen import FilePickScreen, ImportScreen
from bct_risk.tui.screens.register import RegisterScreen
from tests.helpers import fingerprint
from tests.tui.conftest import notices, press, screen_text, settle, type_text

FIXTURES = Path(__file__).parent.parent / "io" / "fixtures"


def shown(app: RiskApp, part: str) -> str:
    return str(app.screen.query_one(f"#import-{part}", Static).render())


async def check(app: RiskApp, pilot: object, path: Path | str) -> ImportScreen:
    """From the register: 'i', the file's path, Enter."""
    await press(pilot, "i")  # type: ignore[arg-type]
    assert isinstance(app.screen, ImportScreen)
    app.screen.query_one("#import-path", Input).value = str(path)
    await press(pilot, "enter")  # type: ignore[arg-type]
    return app.screen


async def test_dry_run_shows_every_problem_and_writes_nothing(
    app: RiskApp, app_ctx: Context
) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await check(app, pilot, FIXTURES / "score_seven.csv")
        assert screen.checked is not None
        assert "score_seven.csv: CSV, UTF-8, commas between columns" in shown(app, "summary")
        assert "Would add: 2 risks" in shown(app, "summary")
        problems = shown(app, "problems")
        assert "Problems (1 error, 0 warnings)" in problems
        assert "error row 3, column 'Likelihood': likelihood 7 is outside the 1-5 scale" in problems
        assert shown(app, "status").startswith("1 problem stops the import")
        # The mapping is shown column by column.
        lines = screen_text(app).splitlines()
        assert any("Likelihood" in line and "current likelihood" in line for line in lines)
        # Import is refused while there are errors.
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ImportScreen)
        assert "The file has errors: fix them and check it again" in notices(app)
    assert fingerprint(app_ctx) == unchanged


async def test_a_clean_file_imports_once_confirmed_and_shows_in_the_register(
    app: RiskApp, app_ctx: Context
) -> None:
    before = {r.title for r in queries.list_risks(app_ctx, RiskFilter())}
    assert "Cyber attack" not in before
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await check(app, pilot, FIXTURES / "council_register.csv")
        assert "Problems (0 errors" in shown(app, "problems")
        assert shown(app, "status").startswith(
            "Checked: nothing was written. ctrl+s imports 5 risks"
        )
        assert fingerprint(app_ctx) == unchanged
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        # No leaves the register as it was.
        await press(pilot, "n")
        assert isinstance(app.screen, ImportScreen)
        assert fingerprint(app_ctx) == unchanged
        await press(pilot, "ctrl+s", "y")
        assert isinstance(app.screen, RegisterScreen)
        assert any(n.startswith("Imported 5 risks") for n in notices(app))
        titles = {row.title for row in app.screen.rows}
        assert {"Cyber attack", "Budget gap", "Data breach"} <= titles
    after = {r.title for r in queries.list_risks(app_ctx, RiskFilter())}
    assert "Cyber attack" in after


async def test_a_change_after_the_check_needs_a_new_check(app: RiskApp, app_ctx: Context) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await check(app, pilot, FIXTURES / "council_register.csv")
        screen.query_one("#import-register", Input).focus()
        await type_text(pilot, "board")
        assert screen.checked is None
        assert "Changed since the check" in shown(app, "status")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ImportScreen)
        assert "Check the file first (Enter or ctrl+r)" in notices(app)
        # Checked again with the new register, it may go ahead.
        await press(pilot, "ctrl+r")
        assert screen.checked is not None
        assert screen.checked[0].options.register == "board"
    assert fingerprint(app_ctx) == unchanged


async def test_the_kind_can_be_chosen(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await check(app, pilot, FIXTURES / "action_log.yaml")
        assert "Read as an action log" in shown(app, "summary") or "action" in shown(app, "summary")
        screen.query_one("#import-kind", Select).value = "risks"
        await press(pilot, "ctrl+r")
        assert screen.checked is not None and screen.checked[0].options.kind == "risks"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No file at {path}"),
        (b"", "Empty.csv is empty: there is nothing to import"),
        ("Ref,Title\nA1,Risk\n".encode("utf-16-le"), "is not text in a known encoding"),
    ],
)
async def test_a_bad_file_shows_its_message(
    app: RiskApp, app_ctx: Context, tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / ("Empty.csv" if content == b"" else "register.csv")
    if content is not None:
        path.write_bytes(content)
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await check(app, pilot, path)
        status = shown(app, "status")
        assert message.format(path=path) in status
        assert any(message.format(path=path) in n for n in notices(app))
        assert screen.checked is None
        assert shown(app, "problems") == ""
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ImportScreen)
    assert fingerprint(app_ctx) == unchanged


async def test_no_file_named(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await check(app, pilot, "")
        assert shown(app, "status") == "Give the file to import."


async def test_pick_the_file_from_a_folder_tree(
    app: RiskApp, app_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        # The folder tree loads in a worker that lives as long as the tree: pause, not settle.
        await pilot.press("ctrl+o")
        await pilot.pause(0.5)
        assert isinstance(app.screen, FilePickScreen)
        tree = app.screen.query_one(DirectoryTree)
        names = []
        for line in range(tree.last_line + 1):
            node = tree.get_node_at_line(line)
            assert node is not None and node.data is not None
            names.append(node.data.path.name)
        # Only files the importer reads are offered.
        assert "score_seven.csv" in names and "action_log.yaml" in names
        assert all(Path(name).suffix in {".csv", ".yaml", ".json", ""} for name in names[1:])
        tree.cursor_line = names.index("score_seven.csv")
        await pilot.press("enter")
        await pilot.pause(0.3)
        await settle(pilot)
        # Choosing a file fills in its name and checks it straight away.
        assert isinstance(app.screen, ImportScreen)
        assert app.screen.query_one("#import-path", Input).value == "score_seven.csv"
        assert "likelihood 7 is outside the 1-5 scale" in shown(app, "problems")
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ImportScreen)
    assert fingerprint(app_ctx) == unchanged


def _two_sheet_workbook(tmp_path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append(["Risk", "Score"])
    summary.append(["Ward closures", 12])
    register = book.create_sheet("Register")
    register.append(["Ref", "Risk title", "Likelihood", "Impact", "Notes"])
    register.append(["W1", "Ward closures", 3, 4, "Seen at the May board"])
    path = tmp_path / "wards.xlsx"
    book.save(path)
    return path


async def test_choose_a_sheet_map_a_column_and_save_the_mapping(
    app: RiskApp, app_ctx: Context, tmp_path: Path
) -> None:
    from textual.widgets import DataTable, OptionList

    from bct_risk.io import ImportOptions, import_file, load_mapping
    from bct_risk.tui.screens.import_screen import FieldPickScreen

    path = _two_sheet_workbook(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await check(app, pilot, path)
        assert screen.checked is not None and screen.checked[1].plan.sheet == "Register"
        assert "'Summary': a register table" in shown(app, "layout") or "Summary" in shown(
            app, "layout"
        )
        # Another sheet is read at once when chosen.
        sheet = screen.query_one("#import-sheet", Select)
        sheet.value = "Summary"
        await settle(pilot)
        assert screen.checked is not None and screen.checked[1].plan.sheet == "Summary"
        sheet.value = "Register"
        await settle(pilot)
        assert screen.checked is not None and screen.checked[1].plan.sheet == "Register"
        # The Notes column, kept as text by default, mapped to the comments.
        table = screen.query_one("#import-mapping", DataTable)
        table.focus()
        table.move_cursor(row=4)
        await press(pilot, "ctrl+e")
        assert isinstance(app.screen, FieldPickScreen)
        options = app.screen.query_one(OptionList)
        options.highlighted = next(
            i
            for i in range(options.option_count)
            if options.get_option_at_index(i).id == "comments"
        )
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        assert screen.overrides == {"Notes": "comments"}
        assert screen.checked is not None
        notes = next(c for c in screen.checked[1].plan.columns if c.header == "Notes")
        assert notes.field == "comments" and notes.how.startswith("mapping file")
        # Saved as a file the command line accepts.
        await press(pilot, "ctrl+k")
        await press(pilot, "enter")
        saved = tmp_path / "wards.mapping.yaml"
        assert saved.exists()
        mapping = load_mapping(saved)
        assert mapping.sheet == "Register" and mapping.columns["Notes"] == "comments"
        dry = import_file(app_ctx, path, ImportOptions(mapping=saved), dry_run=True)
        assert dry.ok and [c.field for c in dry.plan.columns][-1] == "comments"
        await press(pilot, "ctrl+s", "y")
        assert isinstance(app.screen, RegisterScreen)
    with app_ctx.transaction() as session:
        from sqlmodel import select as sql_select

        from bct_risk.domain.models import Risk

        stored = session.exec(sql_select(Risk).where(Risk.reference == "W1")).one()
        assert "Notes: Seen at the May board" in stored.description


async def test_owners_written_as_job_titles_become_people_when_ticked(
    app: RiskApp, app_ctx: Context, tmp_path: Path
) -> None:
    from sqlmodel import select as sql_select
    from textual.widgets import Checkbox

    from bct_risk.domain.models import Person
    from bct_risk.io import load_mapping

    path = tmp_path / "owners.csv"
    path.write_text(
        "Ref,Title,Owner,Likelihood,Impact\n"
        "J1,Fraud,Director of Finance,2,3\nJ2,Fire,Head of Estates,1,4\n"
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await check(app, pilot, path)
        assert "reads as a job title" in shown(app, "problems")
        screen.query_one("#import-titles-as-people", Checkbox).value = True
        await settle(pilot)
        assert screen.checked is None  # the option changed: a new check is needed
        await press(pilot, "ctrl+r")
        assert screen.checked is not None
        assert "2 new people from job titles: Director of Finance, Head of Estates" in shown(
            app, "problems"
        )
        screen.query_one("#import-mapping").focus()  # ctrl+k in a text box cuts to its end
        await press(pilot, "ctrl+k")
        await press(pilot, "enter")
        assert load_mapping(tmp_path / "owners.mapping.yaml").job_titles_as_people
        await press(pilot, "ctrl+s", "y")
        assert isinstance(app.screen, RegisterScreen)
    with app_ctx.transaction() as session:
        people = {p.name: p.job_title for p in session.exec(sql_select(Person))}
    assert people.get("Director of Finance") == "Director of Finance"
    assert people.get("Head of Estates") == "Head of Estates"
