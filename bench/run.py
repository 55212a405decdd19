"""The benchmark suite: how fast the register opens, filters, exports and imports at each size.

Run ``make bench`` (or ``.venv/bin/python bench/run.py --sizes S,M``). For each size it makes a
demonstration register under ``--workdir`` (once; reused while its counts match), then measures
each figure several times and prints the median beside a floor measured in the same run:

* app figures come from a pseudo-terminal: the real ``bct-risk`` command is started cold on a
  pty (120x40) and a reader thread timestamps the bytes the app writes, so "rows on screen" is
  the moment the first row's reference reaches the terminal, not the return of a test call;
* the floors are a minimal Textual app's first frame and key-to-frame time on the same pty, the
  raw ``sqlite3`` fetch of the register's own SQL, a GROUP BY for the heat map, and a plain-Python
  Markdown writer over ``sqlite3`` rows.

Then ``bench/sidebyside.py`` runs the app as a whole process beside what a user would run
instead (VisiData, the ``sqlite3`` command line, the plain paper writer as its own process, the
bare interpreter), alternated round by round, min / median / max, with the load average as it
begins and ends. Each budget and goal is printed as met or NOT MET. Results are written as JSON
to ``bench/results/`` (git-ignored). The figures are not part of the test suite's pass/fail.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import fcntl
import json
import os
import platform
import re
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
COLUMNS, LINES = 120, 40
SEED = 7
FILTER_TEXT = "fost"
"""Typed one key at a time into the register's search box (matches "Fostering" titles)."""

KEYS = {
    "down": b"\x1b[B",
    "pagedown": b"\x1b[6~",
    "enter": b"\r",
    "escape": b"\x1b",
    "quit": b"\x11",
}

FLOOR_APP = """
import sys
from textual.app import App
from textual.widgets import Header, Static

class Floor(App):
    def compose(self):
        yield Header()
        yield Static("floor ready", id="s")

    def on_key(self, event):
        self.n = getattr(self, "n", 0) + 1
        self.query_one("#s", Static).update(f"floor key {self.n}")
        if event.key == "ctrl+q":
            self.exit()

Floor().run()
"""
"""The floor for frames: the smallest Textual app, on the same pseudo-terminal."""


# -- results --------------------------------------------------------------------------------


@dataclass
class Figure:
    """One measured figure: samples, their median (and p95), a floor and the ratio to it."""

    name: str
    size: str
    unit: str
    samples: list[float]
    floor: float | None = None
    floor_what: str = ""
    note: str = ""
    p95: float | None = None
    floor_samples: list[float] | None = None
    """The floor's own samples, one a round, when the floor and the figure were timed in turn,
    round after round: the ratio is then the median of each round's ratio."""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def ratio(self) -> float | None:
        if self.median is None or not self.floor:
            return None
        if self.floor_samples:
            # Each round's figure against the floor timed just before it, on the same state
            # of the machine. A ratio of medians lets a lull in one and a burst in the other
            # decide: on the M register, sets of seven rounds gave 1.0x to 1.6x that way, and
            # 1.28x to 1.44x as the median of the rounds' ratios.
            pairs = zip(self.samples, self.floor_samples, strict=True)
            return statistics.median(work / floor for work, floor in pairs)
        return self.median / self.floor


@dataclass
class Budget:
    """A budget of issue 7 and whether this run met it."""

    text: str
    size: str
    value: float | None
    limit: float
    unit: str
    met: bool | None
    note: str = ""


@dataclass
class Run:
    """Everything one invocation measured."""

    started: str
    machine: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    side_by_side: Any = None
    """The whole-process comparisons (``sidebyside.SideBySide``), when they were run."""

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(f"  {figure.size} {figure.name}: {_fmt(figure.median, figure.unit)}", flush=True)
        return figure

    def get(self, name: str, size: str) -> Figure | None:
        return next((f for f in self.figures if f.name == name and f.size == size), None)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.2f} {unit}"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GB"
    import textual

    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "textual": getattr(textual, "__version__", ""),
        "os": platform.platform(),
        "load_average": os.getloadavg(),
    }


# -- the pseudo-terminal --------------------------------------------------------------------


class Terminal:
    """A program on a pseudo-terminal; every chunk it writes is kept with its arrival time."""

    def __init__(self, argv: Sequence[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self.output = bytearray()
        self.ends: list[tuple[int, float]] = []
        """(end offset in output, arrival time) of each chunk read."""
        self.lock = threading.Lock()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.5)
                if not ready:
                    if self.process.poll() is not None:
                        return
                    continue
                data = os.read(self.master, 1 << 16)
            except OSError:
                return
            if not data:
                return
            now = time.perf_counter()
            with self.lock:
                self.output += data
                self.ends.append((len(self.output), now))
            # Answer the terminal queries Textual makes, as a terminal would, so it never waits.
            if b"\x1b[6n" in data:
                os.write(self.master, b"\x1b[1;1R")

    def mark(self) -> int:
        """The current end of the output: later waits look only at what comes after it."""
        with self.lock:
            return len(self.output)

    def send(self, key: bytes) -> tuple[int, float]:
        """Send keys; returns the output mark and the time they were sent."""
        mark = self.mark()
        sent = time.perf_counter()
        os.write(self.master, key)
        return mark, sent

    def wait_for(self, marker: bytes, after: int, timeout: float) -> float:
        """The arrival time of the chunk that completed ``marker`` (searched after ``after``)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self.lock:
                at = self.output.find(marker, after)
                if at >= 0:
                    end = at + len(marker)
                    return next(t for e, t in self.ends if e >= end)
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited before showing {marker!r}: {self.tail()}")
            time.sleep(0.002)
        raise TimeoutError(f"{marker.decode()!r} not shown within {timeout:.0f} s: {self.tail()}")

    def wait_output(self, after: int, timeout: float) -> float:
        """The arrival time of the first chunk written after ``after`` (the next frame)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self.lock:
                for end, t in self.ends:
                    if end > after:
                        return t
            time.sleep(0.001)
        raise TimeoutError("no frame after the key")

    def settle(self, quiet: float = 0.25, timeout: float = 10.0) -> None:
        """Wait until the app has written nothing for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self.lock:
                last = self.ends[-1][1] if self.ends else self.started
            if time.perf_counter() - last >= quiet:
                return
            time.sleep(0.02)

    def peak_memory_mb(self) -> float:
        """The program's peak resident memory so far (VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kb = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return kb / 1024

    def tail(self) -> str:
        text = re.sub(rb"\x1b\[[0-9;?<>=$]*[A-Za-z~]", b"", bytes(self.output[-600:]))
        return text.decode(errors="replace")[-300:]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self.master, KEYS["quit"])
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        with contextlib.suppress(OSError):
            os.close(self.master)


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "BCT_RISK"))}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", BCT_RISK_USER="bench")
    # Each process starts from no remembered app settings (never the user's, nor a sort that
    # an earlier session of the run chose and the app remembered).
    env["BCT_RISK_APP_CONFIG"] = str(Path(tempfile.mkdtemp(prefix="bct-risk-bench-")) / "app.toml")
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return env


def bct_risk_argv(*args: str) -> list[str]:
    """The ``bct-risk`` command of this environment, with arguments."""
    script = Path(sys.executable).parent / "bct-risk"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "bct_risk", *args]


def app_argv(database: Path | str) -> list[str]:
    return bct_risk_argv("-d", str(database))


# -- register facts the app's screens are checked against -----------------------------------


@dataclass
class Expected:
    """What the app must show at each step, worked out beforehand through the services."""

    total: int
    first_reference: str
    filter_counts: list[int]
    heat_scored: int
    title_first: str


def expected(database: Path) -> Expected:
    from bct_risk.config import Settings
    from bct_risk.services import queries
    from bct_risk.services.context import open_register
    from bct_risk.services.register_rows import RiskFilter
    from bct_risk.tui.widgets.risk_table import sort_order

    ctx = open_register(Settings.from_env(database=str(database), actor="bench"))
    rows = queries.list_risks(ctx)
    first = [rows[i] for i in sort_order(rows, "reference", False)]
    by_title = [rows[i] for i in sort_order(rows, "title", False)]
    counts = []
    filtered: list[Any] = []
    for n in range(1, len(FILTER_TEXT) + 1):
        filtered = queries.list_risks(ctx, RiskFilter(text=FILTER_TEXT[:n]))
        counts.append(len(filtered))
    scored = sum(1 for r in filtered if r.current is not None)
    ctx.engine.dispose()
    return Expected(
        total=len(rows),
        first_reference=first[0].reference if first else "",
        filter_counts=counts,
        heat_scored=scored,
        title_first=by_title[0].reference if by_title else "",
    )


# -- app sessions ---------------------------------------------------------------------------


@dataclass
class Session:
    """What one cold start of the app and a user's walk through it measured."""

    first_frame: float
    rows_on_screen: float
    memory_mb: float
    cursor: list[float]
    page: list[float]
    detail: float
    sort: float
    filters: list[float]
    heat_map: float


def app_session(database: Path, exp: Expected, timeout: float, quick: bool = False) -> Session:
    """Start ``bct-risk`` cold on a pty and walk through the register as a user would."""
    term = Terminal(app_argv(database), child_env())
    try:
        first = term.wait_for(b"BCT risk register", 0, timeout) - term.started
        rows = term.wait_for(exp.first_reference.encode(), 0, timeout) - term.started
        term.wait_for(f"{exp.total} shown".encode(), 0, timeout)
        term.settle()
        memory = term.peak_memory_mb()

        def key_to_frame(key: str, count: int) -> list[float]:
            times = []
            for _ in range(count):
                mark, sent = term.send(KEYS[key])
                times.append(term.wait_output(mark, timeout) - sent)
                term.settle(0.08)
            return times

        cursor = key_to_frame("down", 3 if quick else 15)
        page = key_to_frame("pagedown", 2 if quick else 5)

        mark, sent = term.send(KEYS["enter"])
        detail = term.wait_for(b"Risk owner", mark, timeout) - sent
        term.settle()
        mark, _ = term.send(KEYS["escape"])
        term.wait_for(f"{exp.total} shown".encode(), mark, timeout)
        term.settle(1.0)

        # The search box's cursor blinks, so the screen never goes quiet: wait a fixed second.
        # In earlier versions of the register a key sent soon after "/" could be lost, so End
        # (which changes nothing in an empty box) goes first; the filter keys time from their own.
        mark, _ = term.send(b"/")
        term.wait_output(mark, timeout)
        time.sleep(1.0)
        term.send(b"\x1b[F")
        time.sleep(1.0)
        filters = []
        for char, count in zip(FILTER_TEXT, exp.filter_counts, strict=True):
            mark, sent = term.send(char.encode())
            filters.append(term.wait_for(f"{count} shown".encode(), mark, timeout) - sent)
            term.settle(0.15)
        term.send(KEYS["enter"])
        term.settle()
        mark, sent = term.send(b"2")
        heat = term.wait_for(f"of {exp.heat_scored} risks".encode(), mark, timeout) - sent
        term.settle()
        mark, _ = term.send(b"1")
        term.wait_for(f"{exp.filter_counts[-1]} shown".encode(), mark, timeout)
        term.settle()

        # Sorting last: after the sort dialog the search box may hold the focus.
        mark, _ = term.send(b"s")
        term.wait_for(b"Sort by", mark, timeout)
        term.settle()
        term.send(KEYS["down"])
        term.settle()
        mark, sent = term.send(KEYS["enter"])
        sort = term.wait_for(b"sorted by Title", mark, timeout) - sent
        term.settle()
        return Session(first, rows, memory, cursor, page, detail, sort, filters, heat)
    finally:
        term.close()


@dataclass
class FloorSession:
    """The minimal Textual app: first frame, key to frame, memory."""

    first_frame: float
    key: list[float]
    memory_mb: float


def floor_session(timeout: float, quick: bool = False) -> FloorSession:
    term = Terminal([sys.executable, "-c", FLOOR_APP], child_env())
    try:
        first = term.wait_for(b"floor ready", 0, timeout) - term.started
        term.settle()
        keys = []
        for _ in range(3 if quick else 10):
            mark, sent = term.send(b"x")
            keys.append(term.wait_output(mark, timeout) - sent)
            term.settle(0.08)
        return FloorSession(first, keys, term.peak_memory_mb())
    finally:
        term.close()


def empty_app_memory(workdir: Path, timeout: float) -> float:
    """Peak memory of ``bct-risk`` on an empty register, once it is open and has drawn its
    (empty) table: past the welcome a register with no risks opens on (Esc)."""
    empty = workdir / "empty.sqlite"
    if not empty.exists():
        _open(empty).engine.dispose()
    term = Terminal(app_argv(empty), child_env())
    try:
        term.wait_for(b"no risks yet", 0, timeout)  # the welcome, once the register is open
        mark, _ = term.send(b"\x1b")
        term.wait_for(b"0 shown", mark, timeout)
        term.settle()
        return term.peak_memory_mb()
    finally:
        term.close()


# -- in-process figures ---------------------------------------------------------------------


def _open(database: Path) -> Any:
    from bct_risk.config import Settings
    from bct_risk.services.context import open_register

    return open_register(Settings.from_env(database=str(database), actor="bench"))


def timed(work: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return samples


def timed_in_rounds(
    floor: Callable[[], object], work: Callable[[], object], rounds: int
) -> tuple[list[float], list[float]]:
    """The floor and the work timed in turn, round after round, so a change in the machine's
    load weighs on both alike."""
    floors: list[float] = []
    works: list[float] = []
    for _ in range(rounds):
        floors += timed(floor, 1)
        works += timed(work, 1)
    return floors, works


def compiled_sql(ctx: Any, flt: Any) -> str:
    """The register's own SELECT for a filter (naming no committee or objective), the text
    ``list`` runs (``services.register_sql``), its parameters written in: plain SQL text for
    sqlite3, on one line."""
    from bct_risk.services.register_sql import register_sql

    sql, params = register_sql(flt, ctx.matrix, ctx.today())

    def literal(match: re.Match[str]) -> str:
        value = params[match.group(1)]
        if value is None:
            return "NULL"
        if isinstance(value, bool | int):
            return str(int(value))
        return "'" + str(value).replace("'", "''") + "'"

    return " ".join(re.sub(r":(\w+)", literal, sql).split())


def data_figures(run: Run, size: str, database: Path, runs: int) -> None:
    """Register data load against the raw sqlite3 fetch of the same SQL; heat map; detail."""
    from bct_risk.domain.enums import ScoreKind
    from bct_risk.services import queries
    from bct_risk.services.register_rows import RiskFilter

    ctx = _open(database)
    raw = sqlite3.connect(database)
    sql = compiled_sql(ctx, RiskFilter())
    # Fifteen rounds at least (one of each takes a twentieth of a second at M): the median of
    # their ratios held within 1.30x-1.40x over fourteen sets of fifteen, 1.28x-1.44x over
    # sets of seven.
    fetch, load = timed_in_rounds(
        lambda: raw.execute(sql).fetchall(), lambda: queries.list_risks(ctx), max(runs, 15)
    )
    run.add(
        Figure(
            "register data load",
            size,
            "s",
            load,
            statistics.median(fetch),
            "raw sqlite3 fetch of the same SQL",
            floor_samples=fetch,
        )
    )
    flt = RiskFilter(text=FILTER_TEXT)
    group_by = (
        "SELECT a.likelihood, a.impact, count(*) FROM risk r JOIN assessment a ON a.id = ("
        "SELECT id FROM assessment WHERE risk_id = r.id AND kind = 'current' "
        "ORDER BY assessed_on DESC, id DESC LIMIT 1) LEFT JOIN person p ON p.id = r.owner_id "
        "WHERE r.status = 'open' AND (lower(r.title) LIKE ? OR lower(r.reference) LIKE ? "
        "OR lower(coalesce(p.name, '')) LIKE ?) GROUP BY a.likelihood, a.impact"
    )
    like = f"%{FILTER_TEXT}%"
    floor = timed(lambda: raw.execute(group_by, (like, like, like)).fetchall(), runs)
    heat = timed(lambda: queries.heat_map(queries.list_risks(ctx, flt), ScoreKind.CURRENT), runs)
    run.add(
        Figure(
            "heat map data after a filter",
            size,
            "s",
            heat,
            statistics.median(floor),
            "sqlite3 GROUP BY of the filtered current scores",
        )
    )
    reference = raw.execute("SELECT reference FROM risk ORDER BY id LIMIT 1").fetchone()[0]
    rid = raw.execute("SELECT id FROM risk WHERE reference = ?", (reference,)).fetchone()[0]

    def raw_detail() -> None:
        for table in ("assessment", "control", "action", "committeereview", "auditevent"):
            raw.execute(f"SELECT * FROM {table} WHERE risk_id = ?", (rid,)).fetchall()

    run.add(
        Figure(
            "risk detail data",
            size,
            "s",
            timed(lambda: queries.risk_detail(ctx, reference), runs),
            statistics.median(timed(raw_detail, runs)),
            "sqlite3 fetch of the risk's five child tables",
        )
    )
    raw.close()
    ctx.engine.dispose()


# -- papers, import and memory in a worker process ------------------------------------------


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class PlainWords:
    """The matrix's words for the plain writer, taken from the register before the clock starts."""

    bands: dict[int, str]
    """Band name by score value."""
    likelihood: list[str]
    impact: list[str]
    ceilings: dict[str, int]
    """Appetite ceiling by stored value ("cautious")."""

    @classmethod
    def of(cls, matrix: Any) -> PlainWords:
        products = {lk * im for lk in range(1, 6) for im in range(1, 6)}
        return cls(
            bands={v: matrix.band(v).name for v in products},
            likelihood=list(matrix.likelihood),
            impact=list(matrix.impact),
            ceilings={a.value: c for a, c in matrix.appetite.items()},
        )


def plain_register_markdown(database: Path, register_sql: str, words: PlainWords, out: Any) -> int:
    """The floor for the register paper: a plain-Python Markdown writer over sqlite3 rows.

    It writes what the register paper writes, from the same rows: the register's own SQL for
    the open risks (summary table and each risk's facts and scores), then each risk's
    description, cause and effect, controls, further actions with their latest update, and
    last committee review, one query per table. Plain f-strings: no escaping, no objects.
    """
    today = datetime.now(UTC).date().isoformat()

    def day(text: str | None) -> str:
        return f"{int(text[8:10])} {MONTHS[int(text[5:7]) - 1]} {text[:4]}" if text else "–"

    def label(value: str) -> str:
        return value.replace("_", " ").capitalize()

    def score(lk: int | None, im: int | None) -> str:
        if lk is None or im is None:
            return "not scored"
        return f"{lk * im} ({lk}×{im}) {words.bands[lk * im]}"

    def score_words(lk: int | None, im: int | None) -> str:
        if lk is None or im is None:
            return "not scored"
        return (
            f"{score(lk, im)}: likelihood {lk} {words.likelihood[lk - 1]}, "
            f"impact {im} {words.impact[im - 1]}"
        )

    raw = sqlite3.connect(database)
    risks = raw.execute(register_sql).fetchall()
    open_risks = "SELECT id FROM risk WHERE status = 'open'"
    texts = {
        r[0]: r[1:]
        for r in raw.execute(
            "SELECT id, description, cause, effect, treatment, closed_reason, closed_on, "
            "illustrative FROM risk WHERE status = 'open'"
        )
    }
    people = dict(raw.execute("SELECT id, name FROM person").fetchall())
    controls: dict[int, list[str]] = {}
    for rid, text, owner, effect, marked in raw.execute(
        f"SELECT risk_id, description, owner_id, effectiveness, illustrative FROM control "
        f"WHERE risk_id IN ({open_risks}) ORDER BY id"
    ):
        controls.setdefault(rid, []).append(
            f"| {text}{' †' if marked else ''} | {people.get(owner, '–')} | {label(effect)} |"
        )
    latest: dict[int, str] = {}
    for aid, when, text in raw.execute(
        "SELECT action_id, update_date, text FROM actionupdate ORDER BY update_date, id"
    ):
        latest[aid] = f"{day(when)}: {text}"
    actions: dict[int, list[str]] = {}
    for aid, rid, text, owner, due, status, marked in raw.execute(
        f"SELECT id, risk_id, description, owner_id, due_date, status, illustrative FROM action "
        f"WHERE kind = 'further_action' AND risk_id IN ({open_risks}) ORDER BY raised_on, id"
    ):
        late = " (overdue)" if due and due < today and status in ("open", "in_progress") else ""
        actions.setdefault(rid, []).append(
            f"| {text}{' †' if marked else ''} | {people.get(owner, '–')} | {day(due)} | "
            f"{label(status)}{late} | "
            f"{latest.get(aid, '–')} |"
        )
    meetings = {
        m: (c, when)
        for m, c, when in raw.execute(
            "SELECT m.id, coalesce(nullif(c.short_name, ''), c.name), m.meeting_date "
            "FROM meeting m JOIN committee c ON c.id = m.committee_id"
        )
    }
    reviews: dict[int, str] = {}
    for rid, meeting, outcome, assurance, comments, lk, im in raw.execute(
        f"SELECT r.risk_id, r.meeting_id, r.outcome, r.assurance, r.comments, r.likelihood, "
        f"r.impact FROM committeereview r JOIN meeting m ON m.id = r.meeting_id "
        f"WHERE r.risk_id IN ({open_risks}) ORDER BY m.meeting_date, r.id"
    ):
        body, when = meetings[meeting]
        text = f"{body}, {day(when)}: {label(outcome)}"
        text += f"; assurance {assurance.replace('_', ' ')}" if assurance else ""
        text += f"; score at the time {score(lk, im)}" if lk is not None else ""
        reviews[rid] = text + "." + (f"\n\n{comments}" if comments else "")
    raw.close()

    # Direction of travel, appetite and next review, once per risk: both parts print them.
    derived = []
    for r in risks:
        status, appetite, review, cl, ci, prev = r[6], r[8], r[10], r[14], r[15], r[16]
        current = cl * ci if cl is not None and ci is not None else None
        if prev is None or current is None:
            trend = "NEW"
        else:
            trend = "▲ worse" if current > prev else "▼ better" if current < prev else "► unchanged"
        ceiling = words.ceilings.get(appetite) if appetite else None
        taste = f"{label(appetite)} (up to {ceiling})" if appetite else "not set"
        if current is not None and ceiling is not None and current > ceiling:
            taste += f", above appetite by {current - ceiling}"
        due = day(review) + (" (overdue)" if review and review < today and status == "open" else "")
        derived.append((trend, taste, due))
    # Exempt risks are set apart in Part B: out of the summary and the Risks section.
    exempt = [bool(r[9]) for r in risks]
    out.write(
        (
            "**CONFIDENTIAL**: this paper includes exempt items (in Part B) and is not for "
            "publication.\n\n"
            if any(exempt)
            else ""
        )
        + f"# Risk register\n\nPrepared on {day(today)}. {len(risks)} risks; open risks.\n\n"
        "† Illustrative: chosen for the demonstration register, not given by the Trust's "
        "documents.\n\n"
        "## Summary\n\n| Ref | Title | Risk owner | Lead committee | Inherent | Current | Target |"
        " Direction of travel | Appetite | Next review |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    )
    for r, (trend, taste, due), apart in zip(risks, derived, exempt, strict=True):
        if apart:
            continue
        out.write(
            f"\n| {r[1]} | {r[2]} | {r[3] or '–'} | {r[4] or '–'} | {score(r[12], r[13])} | "
            f"{score(r[14], r[15])} | {score(r[17], r[18])} | {trend} | {taste} | {due} |"
        )

    def section(r: Any, trend: str, taste: str, due: str) -> None:
        rid, ref, title, owner, body, tier, status, category, _, exempt, _, target_date = r[:12]
        description, cause, effect, treatment, closed_reason, closed_on, marked = texts[rid]
        illustrative = json.loads(marked or "[]") if isinstance(marked, str) else marked or []
        target = score_words(r[17], r[18])
        if r[17] is not None and target_date:
            target += f", by {day(target_date)}"
        out.write(
            f"\n\n### {ref} {title}\n\n**Risk owner:** {owner or '–'} · **Lead committee:** "
            f"{body or '–'} · **Tier:** {label(tier)} · **Status:** {label(status)} · "
            f"**Category:** {category or '–'}"
            + (" · **Exempt:** left out of public papers" if exempt else "")
            + (
                " · **Illustrative values:** "
                + ", ".join(str(v).replace("_", " ") for v in illustrative)
                if illustrative
                else ""
            )
            + (f"\n\nClosed on {day(closed_on)}: {closed_reason}" if closed_reason else "")
            + f"\n\n#### Description\n\n{description or 'Not recorded.'}"
            f"\n\n#### Cause\n\n{cause or 'Not recorded.'}"
            f"\n\n#### Effect\n\n{effect or 'Not recorded.'}"
            f"\n\n#### Scores\n\n- Inherent: {score_words(r[12], r[13])}"
            f"\n- Current: {score_words(r[14], r[15])}\n- Target: {target}"
            f"\n- Direction of travel: {trend}"
            + (f" (from {r[16]})" if r[16] is not None else "")
            + f"\n- Appetite: {taste}\n- Treatment: {label(treatment)}\n- Next review: {due}"
            "\n\n#### Controls\n\n"
        )
        found = controls.get(rid)
        out.write(
            "| Control | Owner | Effectiveness |\n| --- | --- | --- |\n" + "\n".join(found)
            if found
            else "No controls recorded."
        )
        out.write("\n\n#### Further actions\n\n")
        found = actions.get(rid)
        out.write(
            "| Action | Owner | Due | Status | Latest update |\n| --- | --- | --- | --- | --- |\n"
            + "\n".join(found)
            if found
            else "No further actions recorded."
        )
        out.write(
            "\n\n#### Last committee review\n\n"
            + reviews.get(rid, "Not yet reviewed by a committee.")
        )

    out.write("\n\n## Risks")
    for r, (trend, taste, due), apart in zip(risks, derived, exempt, strict=True):
        if not apart:
            section(r, trend, taste, due)
    if any(exempt):
        count = sum(exempt)
        out.write(
            "\n\n## Part B: exempt items (not for publication)\n\n"
            f"{count} exempt risk{'' if count == 1 else 's'}, left out of the public version."
        )
        for r, (trend, taste, due), apart in zip(risks, derived, exempt, strict=True):
            if apart:
                section(r, trend, taste, due)
    out.write("\n")
    return len(risks)


def worker(kind: str, database: Path, extra: str) -> dict[str, float]:
    """Run one paper or import in this process; report seconds and memory growth (MB).

    The modules are imported before the clock starts (their import time is its own figure,
    "import of the CLI"): the clock times opening the register, reading it and writing the
    paper to a file, as ``bct-risk export register -o FILE`` does. The plain writer's SQL and
    the matrix's words are prepared before its clock too.
    """
    from bct_risk.export.files import save_stream, save_text
    from bct_risk.export.pack import render_pack
    from bct_risk.export.register import write_register
    from bct_risk.io.importer import import_file
    from bct_risk.services.papers import committee_pack, register_stream
    from bct_risk.services.register_rows import RiskFilter

    if kind == "plain":
        ctx = _open(database)
        sql, words = compiled_sql(ctx, RiskFilter()), PlainWords.of(ctx.matrix)
        ctx.engine.dispose()
    folder = Path(tempfile.mkdtemp(prefix="papers-", dir=database.parent))
    target = folder / "paper.md"
    base = _rss_mb()
    started = time.perf_counter()
    try:
        if kind == "plain":
            with target.open("w", encoding="utf-8", newline="") as out:
                plain_register_markdown(database, sql, words, out)
        elif kind == "export":
            ctx = _open(database)
            stream = register_stream(ctx)
            save_stream(lambda out: write_register(ctx.matrix, stream, out), target)
        elif kind == "pack":
            ctx = _open(database)
            pack = committee_pack(ctx, "fr", date.fromisoformat(extra))
            save_text(render_pack(ctx.matrix, pack), target)
        elif kind == "import":
            ctx = _open(database)
            result = import_file(ctx, Path(extra))
            if not result.ok:
                raise SystemExit(f"import failed: {result.plan.errors[:3]}")
        elif kind == "plain-import":
            plain_import(database, Path(extra))
        else:
            raise SystemExit(f"unknown worker {kind}")
        seconds = time.perf_counter() - started
        size = target.stat().st_size if target.exists() else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"seconds": seconds, "growth_mb": _rss_mb("VmHWM") - base, "bytes": size}


def _rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory now (VmRSS) or at its peak (VmHWM), in MB.

    Not ``getrusage``: Linux carries a process's ``ru_maxrss`` across fork and exec, so a
    worker would report the runner's own size as its peak.
    """
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]


def plain_import(database: Path, path: Path) -> str:
    """The floor for import: csv.reader and one sqlite3 executemany of the same rows."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    raw = sqlite3.connect(database)
    header = rows[0]
    columns = ", ".join(f'"{h}" TEXT' for h in header)
    raw.execute(f"CREATE TEMP TABLE plain_import ({columns})")
    marks = ", ".join("?" for _ in header)
    raw.executemany(f"INSERT INTO plain_import VALUES ({marks})", rows[1:])
    raw.commit()
    raw.close()
    return ""


class WorkerError(RuntimeError):
    """A paper or import failed: the figure records the error instead of a time."""

    def __init__(self, kind: str, stderr: str) -> None:
        lines = [
            line for line in stderr.splitlines() if re.match(r"^\w+(\.\w+)*(Error|Exception)", line)
        ]
        found = lines[-1] if lines else (stderr.strip().splitlines() or [""])[-1]
        self.summary = found[:300]
        super().__init__(f"{kind} failed: {self.summary}")


def in_worker(kind: str, database: Path, extra: str, timeout: float) -> dict[str, float] | None:
    """Run :func:`worker` in a fresh process (its memory is its own); None when it timed out."""
    argv = [sys.executable, str(Path(__file__)), "--worker", kind, str(database), extra]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise WorkerError(kind, done.stderr)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def paper_figures(run: Run, size: str, database: Path, runs: int, timeout: float) -> None:
    raw = sqlite3.connect(database)
    day = raw.execute(
        "SELECT max(m.meeting_date) FROM meeting m JOIN committee c ON c.id = m.committee_id "
        "WHERE c.key = 'fr' AND m.meeting_date <= ?",
        (datetime.now(UTC).date().isoformat(),),
    ).fetchone()[0]
    raw.close()
    papers = {"export": "Markdown export of the register", "pack": "committee pack"}
    plain: list[dict[str, float]] = []
    results: dict[str, list[dict[str, float]]] = {kind: [] for kind in papers}
    notes: dict[str, str] = {}
    # Each round runs the floor and both papers one after the other, so a change in the
    # machine's load during the figures weighs on the floor and the papers alike.
    for _ in range(runs):
        floor_result = in_worker("plain", database, "", timeout)
        if floor_result:
            plain.append(floor_result)
        for kind in papers:
            if kind in notes:
                continue
            try:
                result = in_worker(kind, database, day or "", timeout)
            except WorkerError as exc:
                notes[kind] = f"failed: {exc.summary}"
                continue
            if result is None:
                notes[kind] = f"did not finish within {timeout:.0f} s"
                continue
            results[kind].append(result)
    floor = statistics.median(p["seconds"] for p in plain) if plain else None
    floor_what = "plain sqlite3 writer of the register paper"
    for kind, name in papers.items():
        note = notes.get(kind, "")
        done = [] if note else results[kind]
        seconds = [r["seconds"] for r in done]
        # Every round complete: each paper against the floor written in its own round.
        paired = [p["seconds"] for p in plain] if done and len(plain) == len(done) else None
        if done and paired is None:
            note = "ratio of the medians: a round's floor did not finish"
        run.add(Figure(name, size, "s", seconds, floor, floor_what, note, floor_samples=paired))
        if kind == "export" and done and plain:
            # Like with like: the floor writes the same paper (unescaped), so the same size.
            print(f"    {done[0]['bytes']:,.0f} bytes written; the plain writer "
                  f"{plain[0]['bytes']:,.0f}")  # fmt: skip
        if done:
            run.add(Figure(f"{name}: memory growth", size, "MB", [r["growth_mb"] for r in done]))


def import_csv(database: Path, target: Path, rows: int) -> Path:
    """A CSV register of ``rows`` risks, written by the register's own CSV export."""
    from bct_risk.export.data import register_csv
    from bct_risk.services.papers import register_records
    from bct_risk.services.register_rows import RiskFilter

    path = target / f"import-{rows}.csv"
    if path.exists():
        return path
    ctx = _open(database)
    records = register_records(ctx, RiskFilter(include_closed=True))[:rows]
    path.write_text(register_csv(records), encoding="utf-8")
    ctx.engine.dispose()
    return path


def import_figure(run: Run, source: Path, workdir: Path, rows: int, runs: int, timeout: float):  # type: ignore[no-untyped-def]
    path = import_csv(source, workdir, rows)
    empty = workdir / "empty.sqlite"
    if not empty.exists():
        _open(empty).engine.dispose()
    samples, floors, note = [], [], ""
    for n in range(runs):
        target = workdir / f"import-target-{n}.sqlite"
        shutil.copy(empty, target)
        try:
            result = in_worker("import", target, str(path), timeout)
            floor = in_worker("plain-import", target, str(path), timeout)
        except WorkerError as exc:
            note = f"failed: {exc.summary}"
            break
        finally:
            target.unlink()
        if result is None:
            note = f"did not finish within {timeout:.0f} s"
            break
        samples.append(result["seconds"])
        if floor:
            floors.append(floor["seconds"])
    run.add(
        Figure(
            f"import of a {rows:,}-row CSV",
            "-",
            "s",
            samples,
            statistics.median(floors) if floors else None,
            "csv.reader + sqlite3 executemany of the same rows",
            note,
        )
    )


def import_costs(run: Run, runs: int) -> None:
    """Is sqlmodel imported before the first frame, and what do the imports cost cold?"""
    probe = (
        "import sys, time; t = time.perf_counter(); import bct_risk.cli; "
        "a = time.perf_counter() - t; t = time.perf_counter(); import textual.app; "
        "b = time.perf_counter() - t; print(a, b, 'sqlmodel' in sys.modules)"
    )
    samples, textual_app, before = [], [], False
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.split()
        samples.append(float(out[0]))
        textual_app.append(float(out[1]))
        before = out[2] == "True"
    run.add(
        Figure(
            "import of the CLI (sqlmodel loaded: " + ("yes" if before else "no") + ")",
            "-",
            "s",
            samples,
            note="sqlmodel imported before the first frame" if before else "",
        )
    )
    run.add(Figure("import of textual.app after the CLI", "-", "s", textual_app))


# -- a size ---------------------------------------------------------------------------------


def ensure_database(workdir: Path, size: str) -> Path:
    """The demonstration register of ``size``, made once and reused while its counts match."""
    from bct_risk.services.demo import generate, size_named

    wanted = size_named(size)
    path = workdir / f"bench-{size}-seed{SEED}.sqlite"
    if path.exists():
        raw = sqlite3.connect(path)
        try:
            have = raw.execute("SELECT count(*) FROM risk").fetchone()[0]
        except sqlite3.Error:
            have = -1
        raw.close()
        if have == wanted.risks:
            return path
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(f"Generating the {size} register in {path} …", flush=True)
    ctx = _open(path)
    started = time.perf_counter()
    generate(ctx, wanted, seed=SEED)
    with ctx.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    ctx.engine.dispose()
    print(f"  written in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def measure_size(run: Run, size: str, args: argparse.Namespace, floor: FloorSession) -> None:
    database = ensure_database(args.workdir, size)
    print(f"Size {size}: {database}", flush=True)
    exp = expected(database)
    timeout = args.timeout
    sessions: list[Session] = []
    for _ in range(args.runs):
        try:
            sessions.append(app_session(database, exp, timeout, args.quick))
        except (TimeoutError, RuntimeError) as exc:
            print(f"  app session failed: {exc}", flush=True)
    raw_fetch = _raw_fetch(database)
    frame_floor, key_floor = floor.first_frame, statistics.median(floor.key)
    if sessions:
        run.add(
            Figure(
                "cold start to first frame",
                size,
                "s",
                [s.first_frame for s in sessions],
                frame_floor,
                "minimal Textual app's first frame",
            )
        )
        run.add(
            Figure(
                "cold start to register rows on screen",
                size,
                "s",
                [s.rows_on_screen for s in sessions],
                frame_floor + raw_fetch,
                "minimal app's first frame + raw sqlite3 fetch",
            )
        )
        filters = [t for s in sessions for t in s.filters]
        run.add(
            Figure(
                "filter keystroke to updated rows",
                size,
                "s",
                filters,
                key_floor,
                "minimal app's key to frame",
                p95=_p95(filters),
            )
        )
        for name, samples in (
            ("cursor move (key to frame)", [t for s in sessions for t in s.cursor]),
            ("page move (key to frame)", [t for s in sessions for t in s.page]),
            ("sort by title (key to rows)", [s.sort for s in sessions]),
            ("heat map after a filter (key to counts)", [s.heat_map for s in sessions]),
            ("open a risk's detail (key to detail)", [s.detail for s in sessions]),
        ):
            run.add(Figure(name, size, "s", samples, key_floor, "minimal app's key to frame"))
        run.add(
            Figure(
                "peak memory with the register open",
                size,
                "MB",
                [s.memory_mb for s in sessions],
                args.empty_memory,
                "bct-risk on an empty register",
            )
        )
    data_figures(run, size, database, 1 if args.quick else max(3, args.runs))
    if size in args.paper_sizes:
        paper_figures(run, size, database, max(1, min(args.runs, 3)), args.paper_timeout)
    if size == args.import_from:
        import_figure(run, database, args.workdir, args.import_rows, args.runs, args.paper_timeout)


# -- PostgreSQL ------------------------------------------------------------------------------


def postgres_register(admin_url: str, size: str, timeout: float) -> str:
    """A demonstration register of ``size`` on the server, made on first use and kept."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"bct_bench_{size.lower()}_seed{SEED}"
    admin = make_url(admin_url)
    url = admin.set(database=name).render_as_string(hide_password=False)
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with engine.connect() as connection:
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name}
        ).first()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    if not exists:
        print(f"  generating the {size} register on PostgreSQL …", flush=True)
        argv = bct_risk_argv("-d", url, "demo-data", "--size", size, "--seed", str(SEED))
        subprocess.run(argv, check=True, env=child_env(), timeout=max(timeout, 1800))
    return url


def postgres_figures(run: Run, size: str, admin_url: str, args: argparse.Namespace) -> None:
    """The register's data and the app's first rows and search on a PostgreSQL server."""
    import psycopg

    from bct_risk.services import queries
    from bct_risk.services.register_rows import RiskFilter

    url = postgres_register(admin_url, size, args.timeout)
    print(f"Size {size} on PostgreSQL: {url.rsplit('@', 1)[-1]}", flush=True)
    runs = 1 if args.quick else max(3, args.runs)
    ctx = _open(url)  # type: ignore[arg-type]
    sql = compiled_sql(ctx, RiskFilter())
    raw = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    fetch, load = timed_in_rounds(
        lambda: raw.execute(sql).fetchall(), lambda: queries.list_risks(ctx), max(runs, 15)
    )
    name = "register data load (PostgreSQL)"
    run.add(
        Figure(
            name,
            size,
            "s",
            load,
            statistics.median(fetch),
            "raw psycopg fetch of the same SQL",
            floor_samples=fetch,
        )
    )
    raw.close()
    ctx.engine.dispose()
    exp = expected(url)  # type: ignore[arg-type]
    sessions: list[Session] = []
    for _ in range(args.runs):
        try:
            sessions.append(app_session(url, exp, args.timeout, args.quick))  # type: ignore[arg-type]
        except (TimeoutError, RuntimeError) as exc:
            print(f"  app session failed: {exc}", flush=True)
    if sessions:
        filters = [t for s in sessions for t in s.filters]
        for figure in (
            Figure("cold start to register rows on screen (PostgreSQL)", size, "s",
                   [s.rows_on_screen for s in sessions]),
            Figure("filter keystroke to updated rows (PostgreSQL)", size, "s", filters,
                   p95=_p95(filters)),
            Figure("open a risk's detail (PostgreSQL)", size, "s", [s.detail for s in sessions]),
        ):  # fmt: skip
            run.add(figure)


def _raw_fetch(database: Path) -> float:
    from bct_risk.services.register_rows import RiskFilter

    ctx = _open(database)
    sql = compiled_sql(ctx, RiskFilter())
    ctx.engine.dispose()
    raw = sqlite3.connect(database)
    samples = timed(lambda: raw.execute(sql).fetchall(), 3)
    raw.close()
    return statistics.median(samples)


def _p95(samples: list[float]) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# -- budgets --------------------------------------------------------------------------------


def budgets(run: Run) -> None:
    def check(text: str, size: str, value: float | None, limit: float, unit: str, note: str = ""):  # type: ignore[no-untyped-def]
        met = None if value is None else value <= limit
        run.budgets.append(Budget(text, size, value, limit, unit, met, note))

    def median(name: str, size: str) -> float | None:
        figure = run.get(name, size)
        return figure.median if figure else None

    def ratio(name: str, size: str) -> float | None:
        figure = run.get(name, size)
        return figure.ratio if figure else None

    check("first frame <= 0.5 s", "M", median("cold start to first frame", "M"), 0.5, "s")
    rows = "cold start to register rows on screen"
    check("rows on screen <= 1.0 s", "M", median(rows, "M"), 1.0, "s")
    check("rows on screen <= 2.0 s", "L", median(rows, "L"), 2.0, "s")
    keystroke = run.get("filter keystroke to updated rows", "M")
    check(
        "filter keystroke median <= 150 ms", "M", keystroke.median if keystroke else None, 0.15, "s"
    )
    check("filter keystroke p95 <= 300 ms", "M", keystroke.p95 if keystroke else None, 0.3, "s")
    check("cursor move <= 16 ms", "M", median("cursor move (key to frame)", "M"), 0.016, "s")
    check(
        "register data load <= 1.5x raw sqlite3 fetch",
        "M",
        ratio("register data load", "M"),
        1.5,
        "x",
    )
    export = run.get("Markdown export of the register", "M")
    check(
        "Markdown export <= 2x plain writer",
        "M",
        export.ratio if export else None,
        2.0,
        "x",
        export.note if export else "",
    )
    growth = median("Markdown export of the register: memory growth", "L")
    check("L export streams: memory growth <= 200 MB", "L", growth, 200, "MB")
    memory = run.get("peak memory with the register open", "M")
    above = memory.median - memory.floor if memory and memory.median and memory.floor else None
    check("peak memory with M open <= 100 MB above an empty app", "M", above, 100, "MB")
    cli = next((f for f in run.figures if f.name.startswith("import of the CLI")), None)
    first = median("cold start to first frame", "M")
    loaded = bool(cli and "yes" in cli.name)
    check(
        "sqlmodel not imported before the first frame, or first frame within budget",
        "M",
        None if first is None else (0.0 if not loaded else first),
        0.5,
        "s",
        "sqlmodel is imported before the first frame" if loaded else "sqlmodel not imported",
    )


# -- output ---------------------------------------------------------------------------------


def table(run: Run) -> str:
    lines = [
        "| Figure | Size | Median | p95 | Floor | Ratio | Floor is |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for f in run.figures:
        ratio = f"{f.ratio:.1f}x" if f.ratio is not None else "-"
        median = _fmt(f.median, f.unit) if f.samples else (f.note or "-")
        # A measured figure's note says how its ratio was taken, beside what its floor is.
        floor_what = f"{f.floor_what} ({f.note})" if f.samples and f.note else f.floor_what
        lines.append(
            f"| {f.name} | {f.size} | {median} | {_fmt(f.p95, f.unit) if f.p95 else '-'} | "
            f"{_fmt(f.floor, f.unit)} | {ratio} | {floor_what} |"
        )
    lines += ["", "| Budget | Size | Measured | Limit | Result |", "|---|---|---:|---:|---|"]
    for b in run.budgets:
        result = "not measured" if b.met is None else ("met" if b.met else "NOT MET")
        value = (
            f"{b.value:.1f}x" if b.unit == "x" and b.value is not None else _fmt(b.value, b.unit)
        )
        if b.note and b.met is None:
            value = b.note
        limit = f"{b.limit:g}x" if b.unit == "x" else _fmt(b.limit, b.unit)
        lines.append(f"| {b.text} | {b.size} | {value} | {limit} | {result} |")
    return "\n".join(lines)


def write_results(run: Run, folder: Path = RESULTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    side = run.side_by_side
    run.side_by_side = None
    data = asdict(run)
    run.side_by_side = side
    if side is not None:
        import sidebyside

        data["side_by_side"] = sidebyside.as_json(side)
    data["load_average_end"] = os.getloadavg()
    for figure, raw in zip(run.figures, data["figures"], strict=True):
        raw.update(median=figure.median, ratio=figure.ratio)
    stamp = run.started.replace(":", "").replace("-", "")[:15]
    path = folder / f"bench-{stamp}.json"
    path.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    (folder / "latest.json").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="S,M", help="Sizes to measure: S, M, L (default S,M).")
    parser.add_argument("--runs", type=int, default=3, help="Cold starts per size (default 3).")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/bct-risk-bench"),
        help="Where the generated registers are kept (never inside the project).",
    )
    parser.add_argument("--papers", default="M,L", help="Sizes to export papers at (default M,L).")
    parser.add_argument(
        "--import-from", default="M", help="Size to take the CSV import from (none: no import)."
    )
    parser.add_argument("--import-rows", type=int, default=10_000, help="Rows in the CSV import.")
    parser.add_argument("--timeout", type=float, default=120, help="Seconds to wait for a screen.")
    parser.add_argument(
        "--paper-timeout", type=float, default=300, help="Seconds allowed for one paper or import."
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="Folder for the JSON (bench/results)."
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Fewer repetitions: a smoke check that the suite works.",
    )
    parser.add_argument(
        "--papers-only",
        action="store_true",
        help="Only the Markdown export and committee pack at the --papers sizes, --runs times "
        "each, against the plain writer: no app sessions, data figures or import.",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BCT_RISK_TEST_POSTGRES_URL", ""),
        help="An administrative URL of a PostgreSQL server: the --sizes registers are made "
        "there too (kept, named bct_bench_*) and measured (default BCT_RISK_TEST_POSTGRES_URL, "
        "which scripts/with-postgres sets; empty: SQLite only).",
    )
    parser.add_argument(
        "--side-by-side",
        default="",
        help="Sizes at which to run the whole-process comparisons against VisiData, the sqlite3 "
        "command line, the plain paper writer and the bare interpreter (default: the --sizes; "
        "none: skip them).",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=0,
        help="Rounds of each side-by-side comparison (default: --runs, at least 3; 1 with "
        "--quick).",
    )
    parser.add_argument(
        "--commands-only",
        action="store_true",
        help="Only the side-by-side comparisons of the commands that should feel instant "
        "(list --json against sqlite3, --help, show, list, score against the interpreter) at "
        "the --side-by-side sizes (default M), --rounds rounds (default 5).",
    )
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--plain-paper", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # The app remembers a user's sort, columns and theme: the benchmark starts from none of them.
    settings = args.workdir / "app-settings" / "app.toml"
    settings.unlink(missing_ok=True)
    os.environ["BCT_RISK_APP_CONFIG"] = str(settings)
    if args.worker:
        kind, database, extra = args.worker
        print(json.dumps(worker(kind, Path(database), extra)))
        return 0
    if args.plain_paper:
        plain_paper_process(*args.plain_paper)
        return 0
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    args.paper_sizes = {s.strip().upper() for s in args.papers.split(",") if s.strip()}
    args.import_from = args.import_from.strip().upper()
    if args.import_from not in (*sizes, "NONE"):
        args.import_from = sizes[0]
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.workdir.resolve().is_relative_to(ROOT):
        parser.error("--workdir must be outside the project (generated registers are large)")
    run = Run(started=datetime.now(UTC).isoformat(timespec="seconds"), machine=machine())
    if args.papers_only:
        for size in sorted(args.paper_sizes, key="SML".index):
            database = ensure_database(args.workdir, size)
            print(f"Size {size}: {database}", flush=True)
            paper_figures(run, size, database, max(1, args.runs), args.paper_timeout)
        budgets(run)
        run.budgets = [b for b in run.budgets if "export" in b.text]
        return report(run, args.results)
    if args.commands_only:
        commands_only(run, args)
        return report(run, args.results)
    print(f"Floors and the empty app (timeout {args.timeout:.0f} s) …", flush=True)
    floors = [floor_session(args.timeout, args.quick) for _ in range(args.runs)]
    floor = FloorSession(
        statistics.median(f.first_frame for f in floors),
        [k for f in floors for k in f.key],
        statistics.median(f.memory_mb for f in floors),
    )
    run.add(Figure("minimal Textual app: first frame", "-", "s", [f.first_frame for f in floors]))
    run.add(Figure("minimal Textual app: key to frame", "-", "s", floor.key))
    args.empty_memory = statistics.median(
        empty_app_memory(args.workdir, args.timeout) for _ in range(min(2, args.runs))
    )
    import_costs(run, 1 if args.quick else 3)
    for size in sizes:
        measure_size(run, size, args, floor)
    if args.postgres:
        for size in sizes:
            postgres_figures(run, size, args.postgres, args)
    side_by_side(run, args, sizes)
    budgets(run)
    return report(run, args.results)


def side_by_side(run: Run, args: argparse.Namespace, sizes: list[str]) -> None:
    """The whole-process comparisons (``bench/sidebyside.py``) and the issue's goals."""
    import sidebyside

    wanted = args.side_by_side.strip().upper() or ",".join(sizes)
    side_sizes = [s.strip() for s in wanted.split(",") if s.strip() and s.strip() != "NONE"]
    if not side_sizes:
        return
    rounds = args.rounds or (1 if args.quick else max(3, args.runs))
    side = sidebyside.SideBySide(load_start=os.getloadavg())
    for size in side_sizes:
        database = ensure_database(args.workdir, size)
        sidebyside.measure(
            side, size, database, args.workdir, rounds, args.timeout, size in args.paper_sizes
        )
    side.load_end = os.getloadavg()
    sidebyside.goals(side, run.get)
    run.side_by_side = side


def commands_only(run: Run, args: argparse.Namespace) -> None:
    """``--commands-only``: the commands' side-by-side comparisons and their goals alone."""
    import sidebyside

    wanted = args.side_by_side.strip().upper() or "M"
    side_sizes = [s.strip() for s in wanted.split(",") if s.strip() and s.strip() != "NONE"]
    rounds = args.rounds or 5
    side = sidebyside.SideBySide(load_start=os.getloadavg())
    for size in side_sizes:
        database = ensure_database(args.workdir, size)
        sidebyside.measure_commands(side, size, database, args.workdir, rounds, args.timeout)
    side.load_end = os.getloadavg()
    sidebyside.goals(side, run.get)
    run.side_by_side = side


def plain_paper_process(database: str, spec: str, out: str) -> None:
    """The plain writer of the register paper as a whole process (``--plain-paper``): the
    register's SQL and the matrix's words come prepared in ``spec``, so the process imports
    nothing of the product (nor SQLAlchemy) and its clock, taken from outside, holds its
    imports."""
    prepared = json.loads(Path(spec).read_text(encoding="utf-8"))
    words = prepared["words"]
    plain = PlainWords(
        bands={int(k): v for k, v in words["bands"].items()},
        likelihood=words["likelihood"],
        impact=words["impact"],
        ceilings=words["ceilings"],
    )
    with Path(out).open("w", encoding="utf-8", newline="") as handle:
        plain_register_markdown(Path(database), prepared["sql"], plain, handle)


def report(run: Run, results: Path) -> int:
    """Print the machine and the table, and write the JSON."""
    print()
    print(
        f"Machine: {run.machine['cpu']}, {run.machine['cores']} cores, {run.machine['memory']};"
        f" Python {run.machine['python']}, SQLite {run.machine['sqlite']}, "
        f"Textual {run.machine['textual']}; load {run.machine['load_average']}"
    )
    print(table(run))
    if run.side_by_side is not None:
        import sidebyside

        print("\nSide by side, whole process against whole process, alternated round by round:")
        print(sidebyside.table(run.side_by_side))
    print(f"\nLoad average at the start of the run: {run.machine['load_average']}; at the end: "
          f"{os.getloadavg()}")  # fmt: skip
    path = write_results(run, results)
    print(f"\nResults: {path}")
    return 0


sys.path.insert(0, str(HERE))  # bench/sidebyside.py

if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
