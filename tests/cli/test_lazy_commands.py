"""Command modules are imported only when a command is run or help lists the commands, and help
is the same as when every module was imported up front."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from bct_risk.cli.app import COMMAND_MODULES, app

runner = CliRunner()

EARLIER_IMPORT_ORDER = ["export", "importer", "actions", "admin", "committees", "database"]
EARLIER_IMPORT_ORDER += ["demo", "risks"]
"""The order the package imported the command modules in when it loaded them all up front."""

LATER_MODULES = ["papers", "diff", "audit", "indicators", "assurance"]
"""Command modules added since: their commands come after the earlier ones in help."""


def in_fresh_python(code: str) -> object:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_table_names_every_command_in_the_order_help_always_had() -> None:
    registered = in_fresh_python(
        "import importlib, json\n"
        "from bct_risk.cli.app import app\n"
        f"for name in {EARLIER_IMPORT_ORDER!r}:\n"
        "    importlib.import_module('bct_risk.cli.' + name)\n"
        "print(json.dumps([c.name for c in app.registered_commands]"
        " + [g.name for g in app.registered_groups]))\n"
    )
    assert isinstance(registered, list)
    earlier = [name for name in COMMAND_MODULES if name in registered]
    assert earlier == registered
    later = [name for name in COMMAND_MODULES if name not in registered]
    assert {COMMAND_MODULES[name] for name in later} <= set(LATER_MODULES)


def test_importing_the_module_the_table_names_registers_each_command() -> None:
    found = in_fresh_python(
        "import importlib, json\n"
        "from bct_risk.cli.app import app, COMMAND_MODULES\n"
        "found = {}\n"
        "for module in dict.fromkeys(COMMAND_MODULES.values()):\n"
        "    importlib.import_module('bct_risk.cli.' + module)\n"
        "    names = [c.name for c in app.registered_commands]\n"
        "    names += [g.name for g in app.registered_groups]\n"
        "    found.update({n: module for n in names if n not in found})\n"
        "print(json.dumps(found))\n"
    )
    assert found == COMMAND_MODULES


def test_the_package_alone_imports_no_command_and_no_database_library() -> None:
    loaded = in_fresh_python(
        "import json, sys\n"
        "import bct_risk.cli\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith("
        "('bct_risk.cli.', 'sqlalchemy', 'sqlmodel', 'alembic', 'pydantic', 'textual')))))\n"
    )
    # Not even Typer's module: the app starts without it (see bct_risk.cli.launch).
    assert loaded == ["bct_risk.cli.launch"]


def test_a_command_loads_only_its_own_module() -> None:
    loaded = in_fresh_python(
        "import json, sys\n"
        "from typer.main import get_group\n"
        "from bct_risk.cli.app import app\n"
        "group = get_group(app)\n"
        "assert group.get_command(None, 'list').name == 'list'\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('bct_risk.cli.'))))\n"
    )
    assert "bct_risk.cli.risks" in loaded
    assert not {"bct_risk.cli.export", "bct_risk.cli.importer", "bct_risk.cli.demo"} & set(loaded)


def test_help_lists_every_command_in_order() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bct_risk", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "100"},
    )
    lines = result.stdout.split("Commands:", 1)[1].splitlines()
    names = [line.split()[0] for line in lines if line[:2] == "  " and line[2:3] != " "]
    assert names == list(COMMAND_MODULES)


def test_a_mistyped_command_is_still_corrected() -> None:
    result = runner.invoke(app, ["lst"])
    assert result.exit_code == 2
    assert "No such command 'lst'. Did you mean 'list'?" in result.output
