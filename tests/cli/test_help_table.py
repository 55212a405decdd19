"""``bct-risk --help`` lists the commands from a table, without importing their modules: the
table holds each command's own help, and help reads the same as with every module loaded."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.main import get_group

from bct_risk.cli.app import COMMAND_HELP, COMMAND_MODULES, app

HELP_AFTER = (
    "import importlib, json, sys\n"
    "from bct_risk.cli import main\n"
    "from bct_risk.cli.app import COMMAND_MODULES\n"
    "if sys.argv[1] == 'loaded':\n"
    "    for module in set(COMMAND_MODULES.values()):\n"
    "        importlib.import_module('bct_risk.cli.' + module)\n"
    "sys.argv = ['bct-risk', '--help']\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "names = ('sqlalchemy', 'sqlmodel', 'pydantic', 'alembic', 'textual')\n"
    "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(names))),\n"
    "      file=sys.stderr)\n"
)


def test_the_table_holds_each_commands_own_help() -> None:
    commands = get_group(app).commands
    assert list(COMMAND_HELP) == list(COMMAND_MODULES) == list(commands)
    for name, command in commands.items():
        first = " ".join((command.help or "").split("\n\n")[0].split())
        assert COMMAND_HELP[name] == first, name
        assert not command.short_help and not command.hidden and not command.deprecated


def help_of(mode: str, columns: str) -> tuple[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", HELP_AFTER, mode],
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": columns, "PATH": "/usr/bin:/bin"},
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_help_reads_the_same_without_the_commands_and_loads_no_database_library() -> None:
    for columns in ("40", "80", "200"):
        listed, loaded = help_of("table", columns)
        assert loaded == []
        assert "list        List the risks on the register" in listed
        assert listed == help_of("loaded", columns)[0]
