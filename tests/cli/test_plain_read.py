"""``bct-risk list`` by the plain read (sqlite3 alone): the same bytes as the usual path for
every filter and format, on the seed register and a demonstration register; the usual path
wherever the plain read cannot answer; and neither SQLAlchemy, SQLModel nor pydantic loaded."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bct_risk.cli.app import app
from bct_risk.cli.plain import TEXTS, read_list_args, run_plain
from bct_risk.cli.values import LineJson, item_json, jsonable, print_json, write_json_texts
from bct_risk.services import plain_read
from bct_risk.services.demo import SIZES, generate
from bct_risk.services.register_rows import RiskRow
from tests.conftest import make_context

runner = CliRunner()

FILTERS: list[list[str]] = [
    [],
    ["--all"],
    ["--status", "closed"],
    ["--status=open", "--all"],
    ["--search", "care"],
    ["-s", "SR1"],
    ["--search=%"],
    ["--search", "_"],
    ["--owner", "director"],
    ["--band", "high"],
    ["--band", "Extreme", "--all"],
    ["--tier", "board"],
    ["--tier", "operational", "--all"],
    ["--category", "Finance"],
    ["--above-appetite"],
    ["--overdue", "--all"],
    ["--all", "--above-appetite", "--overdue", "--search", "a"],
]
"""Every filter ``list`` reads by the plain read, alone and together."""

FORMATS: list[list[str]] = [
    [],
    ["--format", "table"],
    ["--format", "tsv"],
    ["--format=md"],
    ["--format", "CSV"],
    ["--format", "json"],
    ["--json"],
    ["--json", "--format", "tsv"],
]

WEIRD_TITLE = 'Quote " back\\slash\ttab\nnew line [bold]x[/] :smile: \u2028 é ✓ \x01'
"""Text JSON, CSV and Markdown each escape their own way."""


def usual(path: Path, args: list[str]) -> str:
    result = runner.invoke(app, ["-d", str(path), "list", *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode()


def plain(path: Path, args: list[str]) -> str | None:
    out = io.StringIO()
    code = run_plain(["-d", str(path), "list", *args], stream=out)
    if code is None:
        return None
    assert code == 0
    return out.getvalue()


def without_indicators(path: Path) -> Path:
    """The register less its key risk indicators' links, and one title written oddly."""
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM indicatorrisk")
        db.execute("UPDATE risk SET title = ? WHERE reference = 'SR1'", (WEIRD_TITLE,))
    return path


@pytest.fixture(scope="module")
def registers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plain")
    seeded = folder / "seeded.sqlite"
    ctx = make_context(seeded, actor="seed")
    from bct_risk.services.seed import load_seeds

    load_seeds(ctx)
    ctx.engine.dispose()
    bare = without_indicators(Path(shutil.copy(seeded, folder / "bare.sqlite")))
    demo = folder / "demo.sqlite"
    ctx = make_context(demo, actor="demo")
    generate(ctx, SIZES["S"], seed=7)
    ctx.engine.dispose()
    return {"seeded": seeded, "bare": bare, "demo": demo}


@pytest.mark.parametrize("name", ["seeded", "bare", "demo"])
@pytest.mark.parametrize("filters", FILTERS, ids=" ".join)
def test_the_plain_read_writes_the_same_bytes_as_the_usual_path(
    registers: dict[str, Path], name: str, filters: list[str]
) -> None:
    path = registers[name]
    for form in FORMATS:
        args = [*filters, *form]
        json_asked = "--json" in form or "json" in form
        written = plain(path, args)
        if name == "seeded" and json_asked:
            # Its risks have key risk indicators, whose breaches the usual path adds.
            assert written is None
            continue
        assert written is not None, f"{args}: the plain read did not answer"
        assert written == usual(path, args), f"{name} {args}"


@pytest.mark.parametrize(
    "args",
    [
        ["--committee", "Finance and Resources"],
        ["--objective", "care_planning"],
        ["--as-at", "2026-09-09"],
        ["--status", "dormant"],
        ["--tier", "nowhere"],
        ["--band", "Scarlet"],
        ["--format", "xml"],
        ["--help"],
        ["--all", "extra"],
        ["--search"],
        ["--search", "-x"],
        ["-sSR1"],
        ["--json=yes"],
        ["--no-such-option"],
        ["--"],
    ],
    ids=" ".join,
)
def test_the_usual_path_answers_what_the_plain_read_does_not(
    registers: dict[str, Path], args: list[str]
) -> None:
    assert plain(registers["bare"], args) is None


def test_only_list_with_global_options_before_it_is_read_plainly() -> None:
    assert read_list_args(["list"]) is not None
    assert read_list_args(["-dfile.db", "--as=someone", "list", "--all"]) is not None
    for args in (["show", "SR1"], ["--help"], ["list-x"], ["-x", "list"], ["--as", "list"], []):
        assert read_list_args(args) is None, args


def test_a_value_the_register_does_not_know_is_refused_as_the_usual_path_refuses_it(
    registers: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plain_read, "PART", 100)
    odd = Path(shutil.copy(registers["demo"], tmp_path / "odd.sqlite"))
    listed = usual(odd, ["--all", "--format", "tsv"]).splitlines()
    first, last = listed[1].split("\t")[0], listed[-1].split("\t")[0]

    def likelihood(reference: str, value: int) -> None:
        with sqlite3.connect(odd) as db:
            db.execute(
                "UPDATE risk SET current_likelihood = ? WHERE reference = ?", (value, reference)
            )

    # In the first part read: nothing is written yet, so the usual path reports it.
    likelihood(first, 6)
    assert plain(odd, ["--all", "--format", "tsv"]) is None
    likelihood(first, 1)
    # In a later part, once lines are written: one line on standard error, exit 1.
    likelihood(last, 6)
    out = io.StringIO()
    assert run_plain(["-d", str(odd), "list", "--format", "tsv", "--all"], stream=out) == 1
    assert out.getvalue().startswith("Ref\tTitle")
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and f"risk {last} holds 6" in said[0], said


def test_a_register_not_at_the_newest_schema_is_left_to_the_usual_path(
    registers: dict[str, Path], tmp_path: Path
) -> None:
    older = Path(shutil.copy(registers["demo"], tmp_path / "older.sqlite"))
    with sqlite3.connect(older) as db:
        db.execute("UPDATE alembic_version SET version_num = 'an-older-one'")
    assert plain(older, []) is None
    assert plain(tmp_path / "not-there.sqlite", []) is None


def test_json_written_an_item_at_a_time_is_the_whole_lists_json() -> None:
    values = [[], [{}], [{"a": [1, {"b": "x\ny"}], "c": None}], ["é", 1.5, True], [[[]]]]
    for value in values:
        printed = io.StringIO()
        sys.stdout, saved = printed, sys.stdout
        try:
            print_json(value)
        finally:
            sys.stdout = saved
        out = io.StringIO()
        write_json_texts(out, (item_json(v) for v in value))
        assert out.getvalue() == printed.getvalue()


def test_a_line_written_by_line_json_is_its_item_json(registers: dict[str, Path]) -> None:
    ctx = make_context(registers["bare"])
    try:
        from bct_risk.services import queries
        from bct_risk.services.register_rows import RiskFilter

        lines = queries.list_risks(ctx, RiskFilter(include_closed=True))
    finally:
        ctx.engine.dispose()
    made = LineJson(RiskRow._fields, {"indicator_breaches": []}, texts=TEXTS, numbers=("id",))
    odd = [
        lines[0]._replace(exempt=True, previous_score=1, gap_to_target=0),
        lines[0]._replace(category=None, title=WEIRD_TITLE, id=None),
    ]
    for line in [*lines, *odd]:
        expected = {**jsonable(line), "indicator_breaches": []}
        assert made(line) == item_json(expected)
        json.loads(made(line))


LOADED = (
    "import json, sys\n"
    "from bct_risk.cli import main\n"
    "sys.argv = ['bct-risk', *json.loads(sys.argv[1])]\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    names = ('sqlalchemy', 'sqlmodel', 'pydantic', 'typer', 'alembic')\n"
    "    print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(names))),\n"
    "          file=sys.stderr)\n"
)


@pytest.mark.parametrize(
    "args",
    [["list", "--json"], ["list"], ["list", "--all", "--format", "csv", "--band", "high"]],
    ids=" ".join,
)
def test_listing_loads_neither_sqlalchemy_nor_sqlmodel(
    registers: dict[str, Path], args: list[str]
) -> None:
    argv = json.dumps(["-d", str(registers["demo"]), *args])
    done = subprocess.run([sys.executable, "-c", LOADED, argv], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stderr.decode().strip().splitlines()[-1]) == []
    assert done.stdout.decode() == usual(registers["demo"], args[1:])


def test_the_root_options_are_read_before_list_as_typer_reads_them() -> None:
    from bct_risk.cli.launch import app_options
    from bct_risk.cli.plain import read_list_args

    read = read_list_args(["-dx.db", "--as=ann", "list", "--json"])
    assert read is not None and read.settings == {"database": "x.db", "actor": "ann"}
    assert read.options == {"as_json": True}
    # An option's value may be the word "list"; the command comes after it.
    read = read_list_args(["--database", "list", "list"])
    assert read is not None and read.settings == {"database": "list"}
    for other in (["show", "SR1"], ["--nope", "x", "list"], ["-d"], ["--as", "--json", "list"]):
        assert read_list_args(other) is None, other
    assert app_options(["-d", "x.db", "--as", "ann"]) == {"database": "x.db", "actor": "ann"}
    assert app_options(["-d", "x.db", "list"]) is None
