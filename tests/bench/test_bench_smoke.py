"""A smoke run of the benchmark suite at size S: every figure is measured and reported.

No timing is asserted (the figures depend on the machine); the test fails when the runner
breaks: a screen it waits for never appears, a worker fails, or a figure goes missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "cold start to first frame",
    "cold start to register rows on screen",
    "filter keystroke to updated rows",
    "cursor move (key to frame)",
    "page move (key to frame)",
    "sort by title (key to rows)",
    "heat map after a filter (key to counts)",
    "open a risk's detail (key to detail)",
    "peak memory with the register open",
    "register data load",
    "heat map data after a filter",
    "risk detail data",
    "Markdown export of the register",
    "committee pack",
    "import of a 200-row CSV",
}

SIDE_BY_SIDE = {
    "first rows on screen",
    "list --json",
    "export register (CSV)",
    "export register (JSON)",
    "Markdown register",
    "committee pack",
    "--help",
    "list (first screenful)",
    "score (a write)",
}
"""The whole-process comparisons, each against its alternatives in the same round."""


def test_bench_runs_at_size_s(tmp_path: Path) -> None:
    out = tmp_path / "results" / "latest.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "S",
            "--runs",
            "1",
            "--quick",
            "--papers",
            "S",
            "--import-rows",
            "200",
            "--timeout",
            "60",
            "--paper-timeout",
            "60",
            "--workdir",
            str(tmp_path / "work"),
            "--results",
            str(out.parent),
            "--postgres",
            "",
        ],
        capture_output=True,
        text=True,
        timeout=420,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "app session failed" not in done.stdout, done.stdout[-2000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    measured = {f["name"] for f in results["figures"] if f["samples"]}
    assert measured >= EXPECTED, EXPECTED - measured
    for figure in results["figures"]:
        if figure["name"] in EXPECTED and figure["floor"] is not None:
            assert figure["floor"] > 0 and figure["ratio"] > 0
    budgets = {b["text"] for b in results["budgets"]}
    assert "filter keystroke median <= 150 ms" in budgets
    assert "| Budget | Size | Measured | Limit | Result |" in done.stdout
    assert "side-by-side comparison failed" not in done.stdout, done.stdout[-2000:]
    side = results["side_by_side"]
    assert len(side["load_start"]) == len(side["load_end"]) == 3
    compared = {c["what"]: c for c in side["comparisons"]}
    assert compared.keys() >= SIDE_BY_SIDE, SIDE_BY_SIDE - compared.keys()
    assert any(what.startswith("show ") for what in compared)
    for comparison in compared.values():
        for contender in comparison["contenders"]:
            # A single round at S: every contender ran once, the app and its alternatives.
            if contender["label"].startswith("VisiData") and not visidata():
                continue
            assert len(contender["seconds"]) == 1 and contender["seconds"][0] > 0, comparison
    for what in ("list --json", "export register (CSV)", "export register (JSON)"):
        # The sqlite3 command line wrote the same records (as bytes or parsed), checked in the run.
        assert compared[what]["check"].startswith(("byte-identical", "same")), compared[what]
    rows = compared["first rows on screen"]
    if visidata():
        labels = [c["label"] for c in rows["contenders"]]
        assert labels[1:] == ["VisiData on the app's CSV export", "VisiData on the SQLite file"]
    else:
        assert "VisiData not installed" in rows["note"]
    goals = {g["text"] for g in side["goals"]}
    assert "first rows no slower than VisiData on the CSV export" in goals
    assert "list --json within 3x of sqlite3" in goals
    assert "| Goal | Size | Measured | Limit | Result |" in done.stdout


def visidata() -> bool:
    """VisiData is the ``bench`` extra: ``make test`` installs only ``dev``."""
    return (Path(sys.executable).parent / "vd").exists() or shutil.which("vd") is not None


POSTGRES_FIGURES = {
    "register data load (PostgreSQL)",
    "cold start to register rows on screen (PostgreSQL)",
    "filter keystroke to updated rows (PostgreSQL)",
    "open a risk's detail (PostgreSQL)",
}


@pytest.mark.postgres
def test_bench_measures_a_postgresql_register_when_a_server_is_given(tmp_path: Path) -> None:
    server = os.environ.get("BCT_RISK_TEST_POSTGRES_URL", "")
    if not server:
        pytest.skip("runs on the PostgreSQL pass")
    out = tmp_path / "results"
    argv = [
        sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "S", "--runs", "1",
        "--quick", "--papers", "none", "--import-from", "none", "--timeout", "60",
        "--workdir", str(tmp_path / "work"), "--results", str(out), "--postgres", server,
    ]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=400, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "app session failed" not in done.stdout, done.stdout[-2000:]
    results = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    measured = {f["name"] for f in results["figures"] if f["samples"]}
    assert measured >= POSTGRES_FIGURES, POSTGRES_FIGURES - measured
