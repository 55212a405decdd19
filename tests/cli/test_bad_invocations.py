"""Generated bad invocations of every command: each refused cleanly, and nothing written.

A table of bad values (scores 0, 6, -1, abc, 4.5 and huge; malformed, empty and blank dates; dates
still to come where the event has happened; unknown references, people, committees, meetings and
action numbers, numbers past 2^31; empty and blank text; NUL and control characters; overlong
text; unknown options and missing arguments; words that are not in a vocabulary; same-tier moves;
bad files for import, restore, backup, export and the matrix; writes by a viewer) is crossed with
the commands that take them, and every leaf command also gets the generic cases (an unknown
option, no arguments, an extra argument, each number option given a word). Every case asserts:

- a non-zero exit: 1 for a refusal, 2 for a usage error (never 4, a fault of the program);
- no traceback and no exception escaping the command; a message on standard error that is one
  line (a usage error: Typer's block of at most five lines);
- the database exactly as it was: SQLite's ``iterdump`` before and after, or on PostgreSQL every
  table's rows in primary-key order.

The bulk runs in-process on one shared register (the seed register, with an administrator "ada"
acting, and a viewer "val"), on SQLite and, under ``scripts/with-postgres``, on PostgreSQL; a
handful run as real processes. Figures (2 Dec 2026): see ``test_the_table_is_large_enough`` and the
README ("Bad input and exit codes").
"""

from __future__ import annotations

import gc
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
import typer.testing
from typer.main import get_command
from typer.testing import CliRunner

from bct_risk.cli.app import app
from bct_risk.domain.enums import Role
from bct_risk.services import people
from bct_risk.services.context import Context
from tests.conftest import POSTGRES_URL, PostgresServer, _database, make_context
from tests.helpers import fingerprint

runner = CliRunner()
COMMAND = get_command(app)
"""The command line built once (Typer builds it afresh on every invoke, about 0.6 s)."""

FAR_ID = "2147483648"  # 2^31: past a PostgreSQL integer
HUGE = "99999999999999999999"


@dataclass(frozen=True)
class Case:
    """One bad invocation: the arguments after the global options, who runs it, what it gets."""

    args: tuple[str, ...]
    actor: str = "ada"
    codes: tuple[int, ...] = (1, 2)
    expect: str = ""
    """Words the message must hold (any case), where the refusal has a known reason."""
    env: dict[str, str] = field(default_factory=dict)
    xfail: str = ""

    @property
    def id(self) -> str:
        shown = " ".join(self.args).replace("\x00", "\\0").replace("\x1b", "\\e")
        shown = shown.replace("\x07", "\\a").replace("\n", "\\n")
        return f"{self.actor}: {shown[:90]}"


# -- the values ----------------------------------------------------------------------------

BAD_SCORES = ("0", "6", "-1", "abc", "4.5", HUGE, "")
BAD_DATES = (
    "", " ", "2026-13-01", "31/02/2026", "tomorrow", "23 Nov", "0000-01-01", "99999-01-01",
    "2026-11-23T10:00", "\x00",
)  # fmt: skip
FUTURE = "2099-01-01"
BAD_TEXTS = ("", "   ", "\t\n")
CONTROL_TEXTS = ("a\x00b", "bell\x07", "esc\x1b[31mred")
LONG = "x" * 20_000
UNKNOWN_PERSON = "Nobody Atall"
UNKNOWN_COMMITTEE = "Committee of Nowhere"
NO_MEETING = "2026-01-07"  # no committee meets that day


def _cases(files: dict[str, str]) -> list[Case]:
    cases: list[Case] = []

    def add(*args: str, **kw: Any) -> None:
        cases.append(Case(tuple(args), **kw))

    # Scores.
    for v in BAD_SCORES:
        add("score", "SR3", "-l", v, "-i", "3", "-r", "Why")
        add("score", "SR3", "-l", "3", "-i", v, "-r", "Why")
        add("add", "SR90", "--title", "New", "--likelihood", v, "--impact", "3")
        add("add", "SR90", "--title", "New", "--target-likelihood", "2", "--target-impact", v)
        add("control", "add", "SR3", "--description", "Weekly check", "--line", v)
    add("add", "SR90", "--title", "New", "--likelihood", "3")  # impact missing
    add("score", "SR3", "-l", "3", "-i", "3", "-r", "Why", "--kind", "residual")

    # Dates: malformed, empty, blank, impossible.
    for d in BAD_DATES:
        add("score", "SR3", "-l", "3", "-i", "3", "-r", "Why", "--date", d)
        add("escalate", "SR3", "--to", "board", "--reason", "Why", "--date", d)
        add("deescalate", "SR3", "--to", "operational", "--reason", "Why", "--date", d)
        add("add", "SR90", "--title", "New", "--target-date", d)
        add("edit", "SR3", "--target-date", d)
        add("edit", "SR3", "--next-review", d)
        add("actions", "add", "SR3", "--description", "Do it", "--due", d)
        add("actions", "raise", "--committee", "fr", "--meeting", d, "--action", "Do it")
        add("actions", "update", "1", "--due", d)
        add("actions", "update", "1", "--note", "Progress", "--date", d)
        add("meetings", "add", "--committee", "fr", "--date", d)
        add("review", "SR9", "--committee", "fr", "--meeting", d, "--outcome", "noted")
        add("pack", "--committee", "fr", "--meeting", d)
        add("actions", "list", "--meeting", d)
        add("score", "SR3", "-l", "3", "-i", "3", "-r", "Why", "--meeting-committee", "fr",
            "--meeting-date", d)  # fmt: skip

    # Dates still to come where the event has happened.
    add("score", "SR3", "-l", "3", "-i", "3", "-r", "Why", "--date", FUTURE)
    add("escalate", "SR3", "--to", "board", "--reason", "Why", "--date", FUTURE)
    add("deescalate", "SR3", "--to", "operational", "--reason", "Why", "--date", FUTURE)
    add("actions", "update", "1", "--note", "Progress", "--date", FUTURE)
    add("review", "SR9", "--committee", "fr", "--meeting", "2026-12-10", "--outcome", "noted")

    # Unknown references, people, committees, meetings and numbers.
    for args in (
        ("show", "SR999"), ("history", "SR999"), ("edit", "SR999", "--title", "New"),
        ("score", "SR999", "-l", "3", "-i", "3", "-r", "Why"),
        ("escalate", "SR999", "--to", "board", "--reason", "Why"),
        ("deescalate", "SR999", "--to", "operational", "--reason", "Why"),
        ("close", "SR999", "--reason", "Why"), ("reopen", "SR999", "--reason", "Why"),
        ("link", "SR1", "SR999"), ("link", "SR999", "SR1"),
        ("actions", "add", "SR999", "--description", "Do it"),
        ("control", "add", "SR999", "--description", "Check"),
        ("review", "SR999", "--committee", "fr", "--meeting", "2026-09-10", "--outcome", "noted"),
        ("actions", "raise", "--committee", "fr", "--meeting", "2026-09-10", "--action", "Do it",
         "--risk", "SR999"),
        ("actions", "update", "1", "--risk", "SR999"),
    ):  # fmt: skip
        add(*args, expect="SR999")
    for args in (
        ("add", "SR90", "--title", "New", "--owner", UNKNOWN_PERSON),
        ("edit", "SR3", "--owner", UNKNOWN_PERSON),
        ("actions", "add", "SR3", "--description", "Do it", "--owner", UNKNOWN_PERSON),
        ("actions", "raise", "--committee", "fr", "--meeting", "2026-09-10", "--action", "Do it",
         "--owner", UNKNOWN_PERSON),
        ("actions", "update", "1", "--owner", UNKNOWN_PERSON),
        ("control", "add", "SR3", "--description", "Check", "--owner", UNKNOWN_PERSON),
        ("people", "access", UNKNOWN_PERSON, "--role", "viewer"),
    ):  # fmt: skip
        add(*args, expect=UNKNOWN_PERSON)
    for args in (
        ("add", "SR90", "--title", "New", "--committee", UNKNOWN_COMMITTEE),
        ("edit", "SR3", "--committee", UNKNOWN_COMMITTEE),
        ("review", "SR9", "--committee", UNKNOWN_COMMITTEE, "--meeting", "2026-09-10",
         "--outcome", "noted"),
        ("meetings", "add", "--committee", UNKNOWN_COMMITTEE, "--date", "2026-09-10"),
        ("meetings", "list", "--committee", UNKNOWN_COMMITTEE),
        ("actions", "raise", "--committee", UNKNOWN_COMMITTEE, "--meeting", "2026-09-10",
         "--action", "Do it"),
        ("pack", "--committee", UNKNOWN_COMMITTEE, "--meeting", "2026-09-10"),
        ("escalate", "SR3", "--to", UNKNOWN_COMMITTEE, "--reason", "Why"),
        ("score", "SR3", "-l", "3", "-i", "3", "-r", "Why", "--meeting-committee",
         UNKNOWN_COMMITTEE, "--meeting-date", "2026-09-10"),
    ):  # fmt: skip
        add(*args, expect=UNKNOWN_COMMITTEE)
    for args in (
        ("review", "SR9", "--committee", "fr", "--meeting", NO_MEETING, "--outcome", "noted"),
        ("actions", "raise", "--committee", "fr", "--meeting", NO_MEETING, "--action", "Do it"),
        ("pack", "--committee", "fr", "--meeting", NO_MEETING),
        ("score", "SR3", "-l", "3", "-i", "3", "-r", "Why", "--meeting-committee", "fr",
         "--meeting-date", NO_MEETING),
        ("meetings", "add", "--committee", "fr", "--date", "2026-09-10"),  # already held
    ):  # fmt: skip
        add(*args)
    for number in ("0", "999999", FAR_ID, HUGE, "-1", "abc", "1.5"):
        add("actions", "update", number, "--note", "Progress")
        add("actions", "complete", number)
    add("edit", "SR3", "--title", "New", "--version", FAR_ID)
    add("edit", "SR3", "--title", "New", "--version", "0")
    add("edit", "SR3", "--review-days", "1000000000")
    add("edit", "SR3", "--review-days", "0")
    add("edit", "SR3", "--review-days", "-5")
    add("edit", "SR3", "--review-days", HUGE)
    add("demo-data", "--seed", HUGE, "--size", "Q")

    # Empty, blank, control characters and overlong text where text is required or kept.
    text_fields: list[tuple[str, ...]] = [
        ("add", "SR90", "--title", "{}"),
        ("score", "SR3", "-l", "3", "-i", "3", "-r", "{}"),
        ("close", "SR3", "--reason", "{}"),
        ("reopen", "KR1920-1", "--reason", "{}"),
        ("escalate", "SR3", "--to", "board", "--reason", "{}"),
        ("deescalate", "SR3", "--to", "operational", "--reason", "{}"),
        ("actions", "add", "SR3", "--description", "{}"),
        ("actions", "raise", "--committee", "fr", "--meeting", "2026-09-10", "--action", "{}"),
        ("control", "add", "SR3", "--description", "{}"),
        ("people", "add", "{}"),
        ("actions", "update", "1", "--note", "{}"),
    ]
    for template in text_fields:
        for text in BAD_TEXTS:
            add(*(text if a == "{}" else a for a in template))
    kept_fields = [
        *text_fields,
        ("add", "SR90", "--title", "New", "--description", "{}"),
        ("edit", "SR3", "--title", "{}"),
        ("edit", "SR3", "--description", "{}"),
        ("link", "SR1", "SR2", "--note", "{}"),
        ("review", "SR9", "--committee", "fr", "--meeting", "2026-09-10", "--outcome", "noted",
         "--comments", "{}"),
        ("meetings", "add", "--committee", "fr", "--date", "2026-09-11", "--title", "{}"),
        ("actions", "complete", "1", "--note", "{}"),
    ]  # fmt: skip
    for template in kept_fields:
        for text in CONTROL_TEXTS:
            add(*(text if a == "{}" else a for a in template))
    for template in (
        ("add", "SR90", "--title", "{}"), ("add", "{}", "--title", "New"),
        ("edit", "SR3", "--title", "{}"), ("people", "add", "{}"),
        ("meetings", "add", "--committee", "fr", "--date", "2026-09-11", "--title", "{}"),
        ("add", "SR90", "--title", "New", "--category", "{}"),
    ):  # fmt: skip
        add(*(LONG if a == "{}" else a for a in template))
    add("add", "SR1", "--title", "A risk already on the register")
    add("add", "", "--title", "New")
    add("add", "   ", "--title", "New")
    add("edit", "SR3")  # nothing to change
    add("people", "add", "Someone", "--login", "ada")  # a login already held
    add("link", "SR1", "SR1")

    # Words outside a vocabulary.
    for args in (
        ("add", "SR90", "--title", "New", "--tier", "galactic"),
        ("add", "SR90", "--title", "New", "--appetite", "hungry"),
        ("add", "SR90", "--title", "New", "--treatment", "ignore"),
        ("edit", "SR3", "--appetite", "hungry"), ("edit", "SR3", "--treatment", "ignore"),
        ("review", "SR9", "--committee", "fr", "--meeting", "2026-09-10", "--outcome", "shrug"),
        ("review", "SR9", "--committee", "fr", "--meeting", "2026-09-10", "--outcome", "noted",
         "--assurance", "total"),
        ("control", "add", "SR3", "--description", "Check", "--effectiveness", "magic"),
        ("actions", "update", "1", "--status", "finished-ish"),
        ("actions", "list", "--kind", "chore"),
        ("people", "add", "Someone", "--role", "emperor"),
        ("people", "access", "dfr", "--role", "emperor"),
        ("list", "--status", "pending"), ("list", "--tier", "galactic"),
        ("export", "register", "--status", "pending"), ("export", "register", "--tier", "x"),
        ("export", "register", "--format", "pdf"),
        ("import", files["csv"], "--kind", "sheep"),
        ("demo-data", "--size", "XXL"),
        ("escalate", "SR3", "--to", "the moon", "--reason", "Why"),
        ("deescalate", "SR3", "--to", "galactic", "--reason", "Why"),
    ):  # fmt: skip
        add(*args)

    # Same-tier and wrong-way moves; closing twice.
    add("escalate", "SR3", "--to", "strategic", "--reason", "Why")
    add("deescalate", "SR3", "--to", "strategic", "--reason", "Why")
    add("deescalate", "SR3", "--to", "board", "--reason", "Why")
    add("escalate", "SR3", "--to", "operational", "--reason", "Why")
    add("reopen", "SR3", "--reason", "Never closed")
    add("close", "KR1920-1", "--reason", "Closed already")
    add("demo-data")  # the register already holds risks

    # Bad files.
    missing = files["missing"]
    for args in (
        ("import", missing), ("import", files["folder"]), ("import", files["empty"]),
        ("import", files["junk_xlsx"]), ("import", files["text"]),
        ("import", files["csv"], "--mapping", missing),
        ("import", files["csv"], "--mapping", files["junk_yaml"]),
        ("import", files["bad_csv"]), ("import", files["bad_csv"], "--dry-run"),
        ("restore", missing, "--yes"), ("restore", files["folder"], "--yes"),
        ("restore", files["junk_xlsx"], "--yes"), ("restore", files["empty"], "--yes"),
        ("backup", str(Path(missing) / "inside" / "copy.sqlite")),
        ("backup", files["empty"]),
        ("export", "register", "-o", str(Path(missing) / "inside" / "register.md")),
        ("export", "register", "-o", files["empty"]),
        ("pack", "--committee", "fr", "--meeting", "2026-09-10", "-o", files["empty"]),
    ):  # fmt: skip
        add(*args)
    for matrix in (missing, files["junk_yaml"], files["bad_matrix"], files["folder"]):
        add("list", env={"BCT_RISK_MATRIX": matrix})
        add("score", "SR3", "-l", "3", "-i", "3", "-r", "Why", env={"BCT_RISK_MATRIX": matrix})

    # Writes by a viewer, and by someone who is not a person of the register.
    for args in (
        ("add", "SR90", "--title", "New"), ("edit", "SR3", "--title", "New"),
        ("score", "SR3", "-l", "3", "-i", "3", "-r", "Why"),
        ("escalate", "SR3", "--to", "board", "--reason", "Why"),
        ("deescalate", "SR3", "--to", "operational", "--reason", "Why"),
        ("close", "SR3", "--reason", "Why"), ("reopen", "KR1920-1", "--reason", "Why"),
        ("link", "SR1", "SR2"), ("actions", "add", "SR3", "--description", "Do it"),
        ("actions", "raise", "--committee", "fr", "--meeting", "2026-09-10", "--action", "Do"),
        ("actions", "update", "1", "--note", "Progress"), ("actions", "complete", "1"),
        ("control", "add", "SR3", "--description", "Check"),
        ("review", "SR9", "--committee", "fr", "--meeting", "2026-09-10", "--outcome", "noted"),
        ("meetings", "add", "--committee", "fr", "--date", "2026-09-11"),
        ("people", "add", "Someone"), ("people", "access", "dfr", "--role", "viewer"),
        ("seed",), ("init",), ("demo-data", "--force"), ("import", files["csv"]),
        ("restore", files["backup"], "--yes"),
    ):  # fmt: skip
        add(*args, actor="val", expect="val viewer (viewer)")
        if args[0] in {"score", "add", "seed", "people"}:
            add(*args, actor="", expect="is not a person of this register")
    return cases


def _generic_cases() -> list[Case]:
    """Cases made from each leaf command's own parameters, so a new command is covered too."""
    cases: list[Case] = []

    def walk(path: list[str], command: Any) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            cases.append(Case((*path, "no-such-subcommand"), codes=(2,)))
            for name, sub in subs.items():
                walk([*path, name], sub)
            return
        params = [p for p in command.params if p.name != "help"]
        arguments = [p for p in params if p.param_type_name == "argument"]
        cases.append(Case((*path, "--no-such-option"), codes=(2,)))
        if arguments or any(p.required for p in params):
            cases.append(Case(tuple(path), codes=(2,)))
        if not arguments:
            cases.append(Case((*path, "stray-argument"), codes=(2,)))
        for p in params:
            if p.param_type_name != "option" or getattr(p, "is_flag", False):
                continue
            if p.name in {"seed", "size"} and path == ["demo-data"]:
                continue  # exercised above; a good value would write 1,000 risks
            kind = getattr(getattr(p, "type", None), "name", "")
            if "int" in str(kind).lower() or p.name in {"line", "review_days", "version"}:
                cases.append(Case((*path, p.opts[0], "abc"), codes=(1, 2)))
            cases.append(Case((*path, p.opts[0]), codes=(2,)))  # the option's value missing

    walk([], get_command(app))
    return cases


# -- the register the cases run on ----------------------------------------------------------


@dataclass
class Register:
    """The shared register: where it is and the files the cases use."""

    database: str
    files: dict[str, str]
    last: Any = None
    """The dump after the previous case: the next case's "before"."""
    reader: Context | None = None
    """The register opened once for reading the PostgreSQL dumps."""

    def before(self) -> Any:
        """The database as it is before a case (the previous case's "after")."""
        if self.last is None:
            self.last = self.dump()
        return self.last

    def after(self) -> Any:
        """The database as a case left it (and the next case's "before")."""
        self.last = self.dump()
        return self.last

    def dump(self) -> Any:
        """Everything in the database, in a fixed order."""
        if "://" not in self.database:
            connection = sqlite3.connect(self.database)
            try:
                return list(connection.iterdump())
            finally:
                connection.close()
        if self.reader is None:
            self.reader = make_context(self.database)
        return fingerprint(self.reader)


def _files(folder: Path, database: str) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a folder").mkdir()
    (folder / "empty.csv").write_text("")
    (folder / "junk.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook" * 20)
    (folder / "notes.txt").write_text("Not a register at all\n")
    (folder / "junk.yaml").write_text("columns: [unclosed\n  - : :\n")
    (folder / "matrix.toml").write_text("[[bands]]\nname = 'Low'\nmin = 'x'\n")
    (folder / "good.csv").write_text("Ref,Title,Likelihood,Impact\nIMP1,Imported risk,3,4\n")
    (folder / "bad.csv").write_text("Ref,Title,Likelihood,Impact\nIMP2,Bad risk,9,abc\n")
    (folder / "nul.json").write_text('[{"Ref": "IMP3", "Title": "Nul \\u0000 risk"}]')
    backup = folder / "backup.sqlite"
    if "://" not in database:
        sqlite3.connect(database).backup(target := sqlite3.connect(backup))
        target.close()
    else:
        backup.write_bytes(b"")
    return {
        "missing": str(folder / "no such file.csv"),
        "folder": str(folder / "a folder"),
        "empty": str(folder / "empty.csv"),
        "junk_xlsx": str(folder / "junk.xlsx"),
        "text": str(folder / "notes.txt"),
        "junk_yaml": str(folder / "junk.yaml"),
        "bad_matrix": str(folder / "matrix.toml"),
        "csv": str(folder / "good.csv"),
        "bad_csv": str(folder / "bad.csv"),
        "nul_json": str(folder / "nul.json"),
        "backup": str(backup),
    }


@pytest.fixture(scope="module")
def shared(
    tmp_path_factory: pytest.TempPathFactory,
    template_dbs: dict[str, Path],
    postgres: PostgresServer | None,
) -> Iterator[Register]:
    """The seed register with roles on: ada (administrator) and val (viewer)."""
    folder = tmp_path_factory.mktemp("bad-invocations")
    databases = _database("seeded", folder, template_dbs, postgres)
    database = next(databases)
    ctx = make_context(database, actor="seed")
    people.add_person(ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    people.add_person(ctx.acting_as("ada"), "Val Viewer", login="val", role=Role.VIEWER)
    ctx.engine.dispose()
    register = Register(database, _files(folder / "files", database))
    yield register
    if register.reader is not None:
        register.reader.engine.dispose()
    next(databases, None)


FILE_KEYS = (
    "missing", "folder", "empty", "junk_xlsx", "text", "junk_yaml", "bad_matrix", "csv",
    "bad_csv", "nul_json", "backup",
)  # fmt: skip
PLACEHOLDERS = {key: f"<{key}>" for key in FILE_KEYS}
CASES = _cases(PLACEHOLDERS) + _generic_cases()


def _resolved(case: Case, files: dict[str, str]) -> Case:
    def real(text: str) -> str:
        for key, placeholder in PLACEHOLDERS.items():
            text = text.replace(placeholder, files[key])
        return text

    return Case(
        tuple(real(a) for a in case.args),
        actor=case.actor,
        codes=case.codes,
        expect=case.expect,
        env={k: real(v) for k, v in case.env.items()},
    )


def invoke(register: Register, case: Case) -> tuple[int, str, str, BaseException | None]:
    """Run a case in-process; its exit code, output, error output and any escaped exception."""
    env = {"BCT_RISK_MATRIX": "", **case.env}
    with patch.object(typer.testing, "_get_command", lambda _app: COMMAND):
        result = runner.invoke(
            app, ["--database", register.database, "--as", case.actor, *case.args], env=env
        )
    if "://" in register.database:
        gc.collect()  # let go of the command's PostgreSQL connections at once
    escaped = result.exception
    if isinstance(escaped, SystemExit):
        escaped = None
    return result.exit_code, result.stdout, result.stderr, escaped


def assert_refused_cleanly(case: Case, code: int, err: str, escaped: BaseException | None) -> None:
    """Non-zero exit of the kind expected, no traceback, one short message."""
    assert escaped is None, f"an exception escaped the command: {escaped!r}"
    assert "Traceback" not in err
    assert code in case.codes, f"exit code {code}, not one of {case.codes}: {err!r}"
    lines = err.strip().splitlines()
    assert lines, "no message on standard error"
    if code == 2:
        assert len(lines) <= 5 and lines[-1].startswith("Error:"), err
    else:
        assert len(lines) == 1 and lines[0].startswith("Error: "), err
        assert "This is a fault in bct-risk" not in err, err
    if case.expect:
        assert case.expect.lower() in err.lower(), err


KNOWN_GAPS: dict[str, str] = {}
"""Cases a service does not refuse yet, by id, with the reason (marked xfail, strict)."""


def _param(case: Case) -> Any:
    reason = KNOWN_GAPS.get(case.id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=case.id, marks=marks)


ON_POSTGRES = CASES[::2]
"""On the PostgreSQL pass every other case (still over 300): each opens a server connection, and
the whole table there took most of the pass's time. SQLite runs them all."""


@pytest.mark.parametrize("case", [_param(c) for c in (ON_POSTGRES if POSTGRES_URL else CASES)])
def test_a_bad_invocation_is_refused_cleanly_and_writes_nothing(
    shared: Register, case: Case
) -> None:
    if "://" in shared.database and not case.actor:
        pytest.skip("on PostgreSQL the server login decides who acts, not an empty --as")
    case = _resolved(case, shared.files)
    if "://" in shared.database and case.args[0] in {"backup", "restore"}:
        case = Case(case.args, actor=case.actor, codes=case.codes)  # PostgreSQL: use pg_dump
    before = shared.before()
    code, _out, err, escaped = invoke(shared, case)
    after = shared.after()
    assert_refused_cleanly(case, code, err, escaped)
    assert after == before, "the database changed"


def test_the_table_is_large_enough() -> None:
    """At least 300 bad invocations, over every leaf command (on each database)."""
    assert len(CASES) >= 300, len(CASES)
    assert len(ON_POSTGRES) >= 300, len(ON_POSTGRES)
    leaves: set[str] = set()

    def walk(path: list[str], command: Any) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk([*path, name], sub)
        else:
            leaves.add(" ".join(path))

    walk([], get_command(app))
    covered = {
        " ".join(c.args[:n]) for c in CASES for n in (1, 2) if " ".join(c.args[:n]) in leaves
    }
    assert leaves <= covered, sorted(leaves - covered)


# -- a handful as real processes -------------------------------------------------------------

PROCESS_CASES = [
    ("score", "SR3", "-l", "6", "-i", "3", "-r", "Why"),
    ("meetings", "add", "--committee", "fr", "--date", ""),
    ("actions", "raise", "--committee", "fr", "--meeting", "", "--action", "Do it"),
    ("actions", "update", FAR_ID, "--note", "Progress"),
    ("add", "SR90", "--title", "   "),
    ("escalate", "SR3", "--to", "the moon", "--reason", "Why"),
    ("list", "--no-such-option"),
    ("show",),
]


@pytest.mark.parametrize("args", PROCESS_CASES, ids=" ".join)
def test_a_bad_invocation_in_a_process_of_its_own(shared: Register, args: tuple[str, ...]) -> None:
    before = shared.dump()
    env = {**os.environ, "BCT_RISK_MATRIX": "", "COLUMNS": "100"}
    result = subprocess.run(
        [sys.executable, "-m", "bct_risk", "--database", shared.database, "--as", "ada", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    case = Case(args)
    assert_refused_cleanly(case, result.returncode, result.stderr, None)
    assert shared.dump() == before
