"""Side by side: ``bct-risk`` as a whole process against what a user would run instead.

Each comparison runs every contender as a fresh process, round after round, the order of the
contenders reversed every other round, so a change in the machine's load weighs on all alike.
Each figure is printed as min / median / max over the rounds, and each ratio as the min /
median / max of the rounds' own ratios (the product's time over the alternative's in the same
round). The machine's load average is taken as the comparisons begin and as they end.

The comparisons (see ``bench/README.md`` for a line on each floor):

* first rows on screen: ``bct-risk`` on the benchmark's pseudo-terminal against VisiData
  (``vd``, the ``bench`` extra) opening the app's own CSV export of the same register, and
  VisiData opening the SQLite file at its ``risk`` table; "first rows on screen" is, for every
  contender, the moment the terminal's output (escape sequences removed) holds the first 16
  characters of the title of the first row that contender shows;
* ``list --json``, ``export register`` as CSV and as JSON against the ``sqlite3`` command line
  writing the same records from the same file (checked equal in the run, as bytes, else as
  parsed records; what differs is printed), with the peak memory (``ru_maxrss``) of each;
* the Markdown register paper and the committee pack, whole processes, against the plain
  writer of the register paper (``run.py --plain-paper``) run as its own process, imports
  included;
* ``--help``, ``show REF``, ``list`` (its first screenful on the pseudo-terminal) and one write
  (``score``) against ``python -c pass`` and ``python -c "import sqlalchemy"``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TITLE_CHARS = 16
"""How much of the first row's title must be on screen (VisiData shows about 18)."""
ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>78])")


def runner() -> Any:
    """``bench/run.py`` (the pseudo-terminal, the child's environment, the app's argv)."""
    module = sys.modules.get("__main__")
    if module is not None and hasattr(module, "Terminal"):
        return module
    module = sys.modules.get("bench_run")
    if module is not None:
        return module
    sys.path.insert(0, str(HERE))
    import run

    return run


def visidata() -> str | None:
    """The ``vd`` command beside this Python, or on the PATH; None when not installed."""
    beside = Path(sys.executable).parent / "vd"
    if beside.exists():
        return str(beside)
    return shutil.which("vd")


# -- results --------------------------------------------------------------------------------


@dataclass
class Contender:
    """One side of a comparison: its samples (seconds) and peak memory (MB) per round."""

    label: str
    seconds: list[float] = field(default_factory=list)
    memory_mb: list[float] = field(default_factory=list)


@dataclass
class Comparison:
    """The product against one or more alternatives, timed in the same rounds."""

    what: str
    size: str
    product: Contender
    others: list[Contender]
    check: str = ""
    """How the outputs were found equal (or what differed)."""
    note: str = ""

    def ratios(self, other: Contender) -> list[float]:
        pairs = zip(self.product.seconds, other.seconds, strict=False)
        return [a / b for a, b in pairs if b > 0]


@dataclass
class Goal:
    """A goal of the issue: the measured value, its limit, met or not."""

    text: str
    size: str
    value: float | None
    limit: float
    unit: str
    note: str = ""

    @property
    def met(self) -> bool | None:
        return None if self.value is None else self.value <= self.limit


def spread(values: Sequence[float], unit: str = "s") -> str:
    """min / median / max."""
    if not values:
        return "-"
    parts = (min(values), statistics.median(values), max(values))
    if unit == "x":
        return " / ".join(f"{v:.2f}" for v in parts)
    if unit == "MB":
        return " / ".join(f"{v:.0f}" for v in parts) + " MB"
    if max(parts) < 1:
        return " / ".join(f"{v * 1000:.0f}" for v in parts) + " ms"
    return " / ".join(f"{v:.2f}" for v in parts) + " s"


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


# -- running contenders ---------------------------------------------------------------------


LAUNCHER = """
import os, sys, time
out, result, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
fd = os.open(out if out else os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(fd, 1)
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
with open(result, "w") as handle:
    handle.write(f"{seconds} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""
"""Runs one contender and reports its seconds, peak memory and exit code. Linux folds the
memory of the process that execs into the new program's ``ru_maxrss``, so a child forked from
the runner (which holds SQLAlchemy and the registers' facts) would report the runner's size:
the launcher, a bare interpreter (``-S -I``), forks it instead, and times it from fork to exit."""


def whole(
    argv: Sequence[str], out: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Run ``argv`` to its end (standard output to ``out``, else discarded): seconds from its
    fork to its exit, and its own peak resident memory (MB, ``ru_maxrss`` from ``wait4``)."""
    result = Path(os.environ.get("TMPDIR", "/tmp")) / f"bct-risk-bench-{os.getpid()}.result"
    launcher = [sys.executable, "-S", "-I", "-c", LAUNCHER, str(out or ""), str(result)]
    done = subprocess.run(
        [*launcher, *argv], stdin=subprocess.DEVNULL, capture_output=True, env=env, check=False
    )
    try:
        seconds, rss_kb, code = result.read_text().split()
    except (OSError, ValueError):
        raise RuntimeError(f"{argv[0]}: the launcher failed: {done.stderr[-300:]!r}") from None
    finally:
        result.unlink(missing_ok=True)
    if int(code) != 0 or done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:4])} … exited {code}: {done.stderr[-300:]!r}")
    return float(seconds), int(rss_kb) / 1024


def visible(output: bytes) -> str:
    """The terminal's output without its escape sequences, as text."""
    return ESCAPES.sub(b"", output).decode(errors="replace")


def on_screen(
    argv: Sequence[str], marker: str, timeout: float, quit_keys: bytes
) -> tuple[float, float]:
    """Start ``argv`` cold on the pseudo-terminal; seconds until ``marker`` is on screen (the
    arrival of the chunk that completed it, escape sequences removed), and peak memory then."""
    run = runner()
    term = run.Terminal(list(argv), run.child_env())
    checked = 0
    try:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with term.lock:
                ends = list(term.ends)
                data = bytes(term.output)
            for end, arrived in ends[checked:]:
                if marker in visible(data[:end]):
                    return arrived - term.started, term.peak_memory_mb()
            checked = len(ends)
            if term.process.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited before showing {marker!r}: {term.tail()}")
            time.sleep(0.003)
        raise TimeoutError(f"{marker!r} not on screen within {timeout:.0f} s: {term.tail()}")
    finally:
        import contextlib

        with contextlib.suppress(OSError):
            os.write(term.master, quit_keys)
        term.close()


def first_screenful(argv: Sequence[str], timeout: float) -> tuple[float, float]:
    """``argv`` on the pseudo-terminal: seconds until it has written a screenful of lines (or
    ended, if it writes fewer), and its peak memory."""
    run = runner()
    term = run.Terminal(list(argv), run.child_env())
    try:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with term.lock:
                for end, arrived in term.ends:
                    if term.output.count(b"\n", 0, end) >= run.LINES - 1:
                        return arrived - term.started, term.peak_memory_mb()
            if term.process.poll() is not None:
                term.reader.join(2)
                last = term.ends[-1][1] if term.ends else time.perf_counter()
                return last - term.started, 0.0
            time.sleep(0.002)
        raise TimeoutError(f"no screenful within {timeout:.0f} s: {term.tail()}")
    finally:
        term.close()


def in_rounds(
    comparison: Comparison, runs: dict[str, Callable[[], tuple[float, float]]], rounds: int
) -> Comparison:
    """Each contender once a round, the order reversed every other round."""
    order = [comparison.product, *comparison.others]
    for n in range(rounds):
        for contender in order if n % 2 == 0 else reversed(order):
            seconds, memory = runs[contender.label]()
            contender.seconds.append(seconds)
            contender.memory_mb.append(memory)
    return comparison


# -- the sqlite3 command line's version of each output --------------------------------------


@dataclass(frozen=True)
class Words:
    """The matrix's words, read before any clock: band and colour by score, ceilings."""

    bands: dict[int, tuple[str, str]]
    ceilings: dict[str, int]
    today: str


def words_of(database: Path) -> Words:
    run = runner()
    ctx = run._open(database)
    matrix = ctx.matrix
    today = ctx.today().isoformat()
    bands = {}
    for v in {lk * im for lk in range(1, 6) for im in range(1, 6)}:
        band = matrix.band(v)
        bands[v] = (band.name, band.colour)
    ceilings = {a.value: c for a, c in matrix.appetite.items()}
    ctx.engine.dispose()
    return Words(bands, ceilings, today)


def _case(expr: str, mapping: dict[Any, Any], default: str = "NULL") -> str:
    whens = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in mapping.items())
    return f"CASE {expr} {whens} ELSE {default} END"


def _lit(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def _score(lk: str, im: str) -> str:
    return (
        f"CASE WHEN {lk} IS NULL OR {im} IS NULL THEN NULL ELSE json_object("
        f"'likelihood', {lk}, 'impact', {im}, 'score', {lk} * {im}) END"
    )


def list_json_sql(register_sql: str, words: Words) -> str:
    """``bct-risk list --json`` in one SQL statement over the register's own SELECT."""
    cur = "(c_l * c_i)"
    ceiling = _case("appetite", words.ceilings)
    names = {v: n for v, (n, _) in words.bands.items()}
    colours = {v: c for v, (_, c) in words.bands.items()}
    fields = [
        "'id', id",
        "'reference', reference",
        "'title', title",
        "'owner', owner",
        "'lead_committee', committee",
        "'tier', tier",
        "'status', status",
        "'category', category",
        "'appetite', appetite",
        "'exempt', json(CASE WHEN exempt THEN 'true' ELSE 'false' END)",
        "'next_review_date', next_review_date",
        "'target_date', target_date",
        f"'inherent', json({_score('i_l', 'i_i')})",
        f"'current', json({_score('c_l', 'c_i')})",
        "'previous_score', previous_score",
        f"'target', json({_score('t_l', 't_i')})",
        f"'band', {_case(cur, names, _lit(''))}",
        f"'band_colour', {_case(cur, colours, _lit(''))}",
        f"'direction', CASE WHEN {cur} IS NULL OR previous_score IS NULL THEN 'NEW' "
        f"WHEN {cur} > previous_score THEN '▲' WHEN {cur} < previous_score THEN '▼' "
        "ELSE '►' END",
        f"'above_appetite', json(CASE WHEN {cur} > {ceiling} THEN 'true' ELSE 'false' END)",
        f"'review_overdue', json(CASE WHEN status = 'open' AND next_review_date < "
        f"'{words.today}' THEN 'true' ELSE 'false' END)",
        f"'gap_to_target', {cur} - t_l * t_i",
        f"'gap_to_appetite', {cur} - {ceiling}",
    ]
    columns = (
        "id, reference, title, owner, committee, tier, status, category, appetite, exempt, "
        "next_review_date, target_date, i_l, i_i, c_l, c_i, previous_score, t_l, t_i"
    )
    return (
        f"WITH r({columns}) AS ({register_sql}) "
        f"SELECT json_group_array(json_object({', '.join(fields)})) FROM r"
    )


EXPORT_COLUMNS = (
    "reference, title, description, cause, effect, category, tier, status, owner, "
    "lead_committee, appetite, treatment, inherent_likelihood, inherent_impact, "
    "current_likelihood, current_impact, target_likelihood, target_impact, target_date, "
    "next_review_date, exempt, closed_reason, source"
)


def export_select(register_sql: str) -> str:
    """The export's columns for the register's open risks, in the register's order (and, for
    the JSON, the risk's id, flags, lead committee's id, and the days it was recorded and
    closed)."""
    return (
        f"WITH r AS ({register_sql}) SELECT k.reference, k.title, k.description, k.cause, "
        "k.effect, k.category, k.tier, k.status, coalesce(p.name, '') AS owner, "
        "coalesce(c.name, '') AS lead_committee, k.appetite, k.treatment, "
        "k.inherent_likelihood, k.inherent_impact, k.current_likelihood, k.current_impact, "
        "k.target_likelihood, k.target_impact, k.target_date, k.next_review_date, "
        "CASE WHEN k.exempt THEN 'true' ELSE 'false' END AS exempt, k.closed_reason, k.source, "
        "k.id AS id, k.lead_committee_id AS body, k.illustrative AS flags, "
        "substr(k.created_at, 1, 10) AS created_on, k.closed_on AS closed_on, "
        "k.review_frequency_days AS every FROM r JOIN risk k ON k.id = r.id "
        "LEFT JOIN person p ON p.id = k.owner_id "
        "LEFT JOIN committee c ON c.id = k.lead_committee_id ORDER BY "
        + register_sql.rsplit(" ORDER BY ", 1)[1].replace("risk.", "k.")
    )


def export_csv_sql(register_sql: str) -> str:
    return f"SELECT {EXPORT_COLUMNS} FROM ({export_select(register_sql)})"


def _bool(expr: str) -> str:
    """A stored flag as JSON's true or false."""
    return f"json(CASE WHEN {expr} THEN 'true' ELSE 'false' END)"


def export_json_sql(register_sql: str) -> str:
    """``export register --format json`` in one statement: the risks with their controls (and
    their sources of assurance), retired controls, further actions (and their updates), history
    (assessments, escalations, reviews), illustrative values and closures and reopenings (from
    the audit trail); at the top, the committees and meetings the risks name."""
    keys = [c.strip() for c in EXPORT_COLUMNS.split(",")]
    exempt = _bool("e.exempt = 'true'")
    pairs = ", ".join(f"'{k}', {exempt}" if k == "exempt" else f"'{k}', e.{k}" for k in keys)
    day = "substr({}.created_at, 1, 10)"
    owner = "(SELECT name FROM person WHERE id = x.owner_id)"
    meeting = (
        "json(CASE WHEN {0}.meeting_id IS NULL THEN 'null' ELSE (SELECT json_object("
        "'committee', c.name, 'date', m.meeting_date) FROM meeting m JOIN committee c ON "
        "c.id = m.committee_id WHERE m.id = {0}.meeting_id) END)"
    )
    sources = (
        "(SELECT json_group_array(json_object('evidence', s.evidence, 'provider', s.provider, "
        "'received_on', s.received_on, 'line', s.line, 'positive', "
        f"{_bool('s.positive')}, 'reference', s.reference, 'sha256', s.sha256, 'source', "
        f"s.source, 'illustrative', {_bool('s.illustrative')})) FROM (SELECT * FROM "
        "assurancesource WHERE control_id = x.id ORDER BY received_on, id) s)"
    )
    control = (
        f"'description', x.description, 'owner', {owner}, 'effectiveness', x.effectiveness, "
        "'assurance_line', x.assurance_line, 'assurance_level', nullif(x.assurance_level, ''), "
        f"'key_control', {_bool('x.key_control')}, 'illustrative', "
        f"{_bool('x.illustrative')}, 'assurance', json({sources})"
    )
    controls = (
        f"(SELECT json_group_array(json_object({control})) FROM (SELECT * FROM control "
        "WHERE risk_id = e.id AND retired_on IS NULL ORDER BY id) x)"
    )
    # Who retired a control and the day it was recorded: its latest retirement in the trail.
    retirement = (
        "(SELECT {} FROM auditevent a WHERE a.entity = 'control' AND a.action = 'retire' AND "
        "a.entity_id = c.id AND a.risk_id = c.risk_id ORDER BY a.at DESC, a.id DESC LIMIT 1)"
    )
    retired = (
        f"(SELECT json_group_array(json_object({control}, 'retired_on', x.retired_on, "
        "'retired_reason', coalesce(x.retired_reason, ''), 'retired_by', "
        "nullif(x.retirer, ''), 'recorded_on', coalesce(x.retired_day, x.retired_on))) "
        f"FROM (SELECT c.*, {retirement.format('a.actor')} AS retirer, "
        f"{retirement.format('substr(a.at, 1, 10)')} AS retired_day FROM control c "
        "WHERE c.risk_id = e.id AND c.retired_on IS NOT NULL ORDER BY c.id) x)"
    )
    updates = (
        "(SELECT json_group_array(json_object('date', u.update_date, 'note', u.text, 'by', "
        f"u.author, 'recorded_on', {day.format('u')})) FROM (SELECT * FROM actionupdate "
        "WHERE action_id = x.id ORDER BY update_date, id) u)"
    )
    actions = (
        f"(SELECT json_group_array(json_object('description', x.description, 'owner', {owner}, "
        "'raised_on', x.raised_on, 'due_date', x.due_date, 'status', x.status, "
        f"'completed_on', x.completed_on, 'recorded_on', {day.format('x')}, 'updates', "
        f"json({updates}), 'illustrative', {_bool('x.illustrative')})) "
        "FROM (SELECT * FROM action WHERE risk_id = e.id AND kind = 'further_action' "
        "ORDER BY raised_on, id) x)"
    )
    history = (
        "(SELECT json_group_array(json_object('kind', a.kind, 'likelihood', a.likelihood, "
        "'impact', a.impact, 'assessed_on', a.assessed_on, 'rationale', a.rationale, "
        f"'assessed_by', a.assessed_by, 'meeting', {meeting.format('a')}, 'recorded_on', "
        f"{day.format('a')}, 'illustrative', {_bool('a.illustrative')})) FROM (SELECT * "
        "FROM assessment WHERE risk_id = e.id ORDER BY assessed_on, id) a)"
    )
    escalations = (
        "(SELECT json_group_array(json_object('direction', x.direction, 'decided_on', "
        "x.decided_on, 'from_tier', x.from_tier, 'to_tier', x.to_tier, 'from_committee', "
        "(SELECT name FROM committee WHERE id = x.from_committee_id), 'to_committee', "
        "(SELECT name FROM committee WHERE id = x.to_committee_id), 'reason', x.reason, "
        "'decision', x.decision, 'decided_by', x.decided_by, 'meeting', "
        f"{meeting.format('x')}, 'recorded_on', {day.format('x')}, 'illustrative', "
        f"{_bool('x.illustrative')})) FROM (SELECT * FROM escalation WHERE risk_id = e.id "
        "ORDER BY decided_on, id) x)"
    )
    reviews = (
        "(SELECT json_group_array(json_object('committee', x.body, 'meeting_date', x.held, "
        "'outcome', x.outcome, 'assurance', nullif(x.assurance, ''), 'comments', x.comments, "
        "'likelihood', x.likelihood, 'impact', x.impact, 'score', x.likelihood * x.impact, "
        f"'recorded_by', x.recorded_by, 'recorded_on', {day.format('x')}, 'illustrative', "
        f"{_bool('x.illustrative')})) FROM (SELECT r.*, m.meeting_date AS held, c.name AS "
        "body FROM committeereview r JOIN meeting m ON m.id = r.meeting_id JOIN committee c "
        "ON c.id = m.committee_id WHERE r.risk_id = e.id ORDER BY m.meeting_date, r.id) x)"
    )
    # A closure counts from its closing day, a reopening from the day it was recorded.
    closures = (
        "(SELECT json_group_array(json_object('action', x.action, 'on', CASE WHEN x.action = "
        "'close' THEN coalesce(nullif(json_extract(x.changes, '$.closed_on'), ''), "
        "substr(x.at, 1, 10)) ELSE substr(x.at, 1, 10) END, 'reason', "
        "coalesce(json_extract(x.changes, '$.reason'), ''), 'closed_reason', CASE WHEN "
        "x.action = 'reopen' THEN nullif(json_extract(x.changes, '$.closed_reason'), '') END, "
        "'by', x.actor, 'recorded_on', substr(x.at, 1, 10))) FROM (SELECT * FROM auditevent "
        "WHERE entity = 'risk' AND entity_id = e.id AND action IN ('close', 'reopen') "
        "ORDER BY at, id) x)"
    )
    risks = (
        f"(SELECT json_group_array(json_object({pairs}, 'controls', json({controls}), "
        f"'further_actions', json({actions}), 'created_on', e.created_on, 'closed_on', "
        "e.closed_on, 'review_frequency_days', e.every, "
        f"'history', json({history}), 'escalations', json({escalations}), "
        f"'reviews', json({reviews}), 'illustrative', json(e.flags), "
        f"'closures', json({closures}), 'retired_controls', json({retired}))) FROM e)"
    )
    # The meetings the risks name (assessed at, escalated at, reviewed at), and the committees
    # they name (lead, escalated from or to, holding one of those meetings).
    of_risks = "risk_id IN (SELECT id FROM e)"
    named = (
        f"SELECT meeting_id FROM assessment WHERE {of_risks} UNION SELECT meeting_id FROM "
        f"escalation WHERE {of_risks} UNION SELECT meeting_id FROM committeereview WHERE "
        f"{of_risks}"
    )
    bodies = (
        f"SELECT body FROM e UNION SELECT from_committee_id FROM escalation WHERE {of_risks} "
        f"UNION SELECT to_committee_id FROM escalation WHERE {of_risks} UNION SELECT "
        "committee_id FROM meeting WHERE id IN (SELECT id FROM named)"
    )
    committees = (
        "(SELECT json_group_array(json_object('name', name, 'short_name', "
        "nullif(short_name, ''))) FROM (SELECT name, short_name FROM committee WHERE id IN "
        f"({bodies}) AND name <> '' ORDER BY name))"
    )
    meetings = (
        "(SELECT json_group_array(json_object('committee', body, 'date', meeting_date, "
        "'title', nullif(title, ''))) FROM (SELECT c.name AS body, m.meeting_date, m.title "
        "FROM meeting m JOIN committee c ON c.id = m.committee_id WHERE m.id IN (SELECT id "
        "FROM named) ORDER BY c.name, m.meeting_date))"
    )
    return (
        f"WITH e AS MATERIALIZED ({export_select(register_sql)}), named(id) AS ({named}) "
        "SELECT json_object('format', 'bct-risk register', 'version', 1, 'risks', "
        f"json({risks}), 'committees', json({committees}), 'meetings', json({meetings}))"
    )


def sqlite3_argv(database: Path, sql: str, *options: str) -> list[str]:
    command = shutil.which("sqlite3")
    if command is None:
        raise RuntimeError("the sqlite3 command line is not installed")
    return [command, "-readonly", *options, str(database), sql]


def same_output(product: Path, alternative: Path, kind: str, ignore: Sequence[str] = ()) -> str:
    """Are the two outputs the same? Bytes first, else parsed records; what differs."""
    a, b = product.read_bytes(), alternative.read_bytes()
    if a == b:
        return f"byte-identical ({len(a):,} bytes)"
    if kind == "csv":
        left = list(csv.reader(io.StringIO(a.decode())))
        right = list(csv.reader(io.StringIO(b.decode())))
        if left == right:
            return f"same records, not byte-identical ({len(left) - 1:,} rows)"
        for n, (x, y) in enumerate(zip(left, right, strict=False)):
            if x != y:
                return f"DIFFERENT: row {n}: {x[:4]} against {y[:4]}"
        return f"DIFFERENT: {len(left)} rows against {len(right)}"
    left_j, right_j = json.loads(a), json.loads(b)
    records_l = left_j["risks"] if isinstance(left_j, dict) else left_j
    records_r = right_j["risks"] if isinstance(right_j, dict) else right_j
    if isinstance(left_j, dict) and {k: v for k, v in left_j.items() if k != "risks"} != {
        k: v for k, v in right_j.items() if k != "risks"
    }:
        return "DIFFERENT: the document's own fields"
    if len(records_l) != len(records_r):
        return f"DIFFERENT: {len(records_l)} records against {len(records_r)}"
    for n, (x, y) in enumerate(zip(records_l, records_r, strict=True)):
        for key in ignore:
            x.pop(key, None)
            y.pop(key, None)
        if x != y:
            keys = sorted(k for k in x.keys() | y.keys() if x.get(k) != y.get(k))
            return f"DIFFERENT: record {n}: {[(k, x.get(k), y.get(k)) for k in keys[:3]]}"
    left_out = f" (not compared: {', '.join(ignore)})" if ignore else ""
    return f"same parsed records, not byte-identical ({len(records_l):,} records){left_out}"


# -- the comparisons ------------------------------------------------------------------------


@dataclass
class Register:
    """A register and what its comparisons need, prepared before any clock."""

    size: str
    database: Path
    register_sql: str
    words: Words
    first_reference: str
    first_title: str
    stored_title: str
    """The title of the risk table's first row (what VisiData shows first on the file)."""
    pack_committee: str
    pack_meeting: str
    folder: Path


def prepare(size: str, database: Path, workdir: Path) -> Register:
    run = runner()
    from bct_risk.services.register_rows import RiskFilter

    ctx = run._open(database)
    sql = run.compiled_sql(ctx, RiskFilter())
    ctx.engine.dispose()
    raw = sqlite3.connect(database)
    first = raw.execute(sql).fetchone()
    stored = raw.execute("SELECT title FROM risk ORDER BY id LIMIT 1").fetchone()[0]
    pack = raw.execute(
        "SELECT c.name, max(m.meeting_date) FROM meeting m JOIN committee c "
        "ON c.id = m.committee_id WHERE c.key = 'fr' AND m.meeting_date <= date('now')"
    ).fetchone()
    raw.close()
    folder = workdir / f"side-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    return Register(
        size,
        database,
        sql,
        words_of(database),
        first[1],
        first[2],
        stored,
        pack[0] or "",
        pack[1] or "",
        folder,
    )


def app(database: Path, *args: str) -> list[str]:
    return runner().bct_risk_argv("-d", str(database), *args)


def first_rows(reg: Register, rounds: int, timeout: float) -> Comparison:
    """``bct-risk`` against VisiData on its CSV export and on the SQLite file."""
    vd = visidata()
    comparison = Comparison("first rows on screen", reg.size, Contender("bct-risk"), [])
    if vd is None:
        comparison.note = "VisiData not installed (pip install -e '.[bench]'): not compared"
        in_rounds(comparison, {"bct-risk": lambda: app_rows(reg, timeout)}, rounds)
        return comparison
    exported = reg.folder / "register.csv"
    if not exported.exists():
        subprocess.run(
            app(reg.database, "export", "register", "-o", str(exported)),
            check=True,
            capture_output=True,
            env=runner().child_env(),
        )
    csv_side = Contender("VisiData on the app's CSV export")
    file_side = Contender("VisiData on the SQLite file")
    comparison.others = [csv_side, file_side]
    quit_vd = b"gq"
    mark = reg.first_title[:TITLE_CHARS]
    stored = reg.stored_title[:TITLE_CHARS]
    runs = {
        "bct-risk": lambda: app_rows(reg, timeout),
        csv_side.label: lambda: on_screen([vd, str(exported)], mark, timeout, quit_vd),
        file_side.label: lambda: on_screen(
            [vd, str(reg.database), "+:risk:1:1"], stored, timeout, quit_vd
        ),
    }
    comparison.check = (
        f"first row's title on screen ({TITLE_CHARS} characters): {reg.first_title!r} for "
        f"bct-risk and the CSV, {reg.stored_title!r} (the risk table's first row) for the file"
    )
    return in_rounds(comparison, runs, rounds)


def app_rows(reg: Register, timeout: float) -> tuple[float, float]:
    return on_screen(app(reg.database), reg.first_title[:TITLE_CHARS], timeout, b"\x11")


def outputs(reg: Register, rounds: int, only: Collection[str] = ()) -> list[Comparison]:
    """``list --json`` and the CSV and JSON exports against ``sqlite3`` writing the same (with
    ``only``, those of them named)."""
    found = []
    f = reg.folder
    cases = [
        (
            "list --json",
            app(reg.database, "list", "--json"),
            f / "app-list.json",
            sqlite3_argv(reg.database, list_json_sql(reg.register_sql, reg.words)),
            f / "sqlite-list.json",
            "json",
            ("indicator_breaches",),
        ),
        (
            "export register (CSV)",
            app(reg.database, "export", "register", "-o", str(f / "app.csv"), "--force"),
            f / "app.csv",
            sqlite3_argv(
                reg.database, export_csv_sql(reg.register_sql), "-csv", "-header", "-newline", "\n"
            ),
            f / "sqlite.csv",
            "csv",
            (),
        ),
        (
            "export register (JSON)",
            app(
                reg.database,
                "export",
                "register",
                "-f",
                "json",
                "-o",
                str(f / "app-x.json"),
                "--force",
            ),
            f / "app-x.json",
            sqlite3_argv(reg.database, export_json_sql(reg.register_sql)),
            f / "sqlite-x.json",
            "json",
            (),
        ),
    ]
    env = runner().child_env()
    for what, argv, out, alt_argv, alt_out, kind, ignore in cases:
        if only and what not in only:
            continue
        writes_itself = "-o" in argv
        comparison = Comparison(what, reg.size, Contender("bct-risk"), [Contender("sqlite3")])

        def product(
            argv: list[str] = argv, out: Path = out, own: bool = writes_itself
        ) -> tuple[float, float]:
            return whole(argv, None if own else out, env)

        def other(alt_argv: list[str] = alt_argv, alt_out: Path = alt_out) -> tuple[float, float]:
            return whole(alt_argv, alt_out, env)

        in_rounds(comparison, {"bct-risk": product, "sqlite3": other}, rounds)
        comparison.check = same_output(out, alt_out, kind, ignore)
        found.append(comparison)
    return found


def papers(reg: Register, rounds: int) -> list[Comparison]:
    """The Markdown register and the committee pack against the plain writer, whole."""
    env = runner().child_env()
    spec = reg.folder / "plain-spec.json"
    spec.write_text(json.dumps({"sql": reg.register_sql, "words": words_spec(reg.database)}))
    paper, plain, pack = reg.folder / "app.md", reg.folder / "plain.md", reg.folder / "pack.md"
    floor_argv = [
        sys.executable,
        str(HERE / "run.py"),
        "--plain-paper",
        str(reg.database),
        str(spec),
        str(plain),
    ]
    register = Comparison(
        "Markdown register", reg.size, Contender("bct-risk"), [Contender("plain writer")]
    )
    in_rounds(
        register,
        {
            "bct-risk": lambda: whole(
                app(reg.database, "export", "register", "-o", str(paper), "--force"), None, env
            ),
            "plain writer": lambda: whole(floor_argv, None, env),
        },
        rounds,
    )
    register.check = same_output_bytes(paper, plain)
    committee = Comparison(
        "committee pack",
        reg.size,
        Contender("bct-risk"),
        [Contender("plain writer of the register paper")],
    )
    committee.note = (
        "no plain writer of the pack exists yet: its floor here is the register paper's "
        "writer, which does other (more) work, so this ratio is not the goal's"
    )
    in_rounds(
        committee,
        {
            "bct-risk": lambda: whole(
                app(
                    reg.database,
                    "pack",
                    "--committee",
                    reg.pack_committee,
                    "--meeting",
                    reg.pack_meeting,
                    "-o",
                    str(pack),
                    "--force",
                ),
                None,
                env,
            ),
            "plain writer of the register paper": lambda: whole(floor_argv, None, env),
        },
        rounds,
    )
    return [register, committee]


def same_output_bytes(a: Path, b: Path) -> str:
    x, y = a.read_bytes(), b.read_bytes()
    if x == y:
        return f"byte-identical ({len(x):,} bytes)"
    return f"DIFFERENT: {len(x):,} bytes against {len(y):,}"


def words_spec(database: Path) -> dict[str, Any]:
    run = runner()
    ctx = run._open(database)
    words = run.PlainWords.of(ctx.matrix)
    ctx.engine.dispose()
    return {
        "bands": {str(k): v for k, v in words.bands.items()},
        "likelihood": words.likelihood,
        "impact": words.impact,
        "ceilings": words.ceilings,
    }


def commands(reg: Register, rounds: int, timeout: float) -> list[Comparison]:
    """``--help``, ``show``, ``list`` (first screenful), ``score`` against the interpreter."""
    env = runner().child_env()
    python = sys.executable
    copy = reg.folder / "scored.sqlite"
    shutil.copy(reg.database, copy)
    floors = {
        "python -c pass": lambda: whole([python, "-c", "pass"], None, env),
        "python -c 'import sqlalchemy'": lambda: whole(
            [python, "-c", "import sqlalchemy"], None, env
        ),
    }
    scores = iter(range(10**6))

    def score() -> tuple[float, float]:
        n = next(scores)
        return whole(
            app(
                copy,
                "score",
                reg.first_reference,
                "-l",
                str(1 + n % 5),
                "-i",
                "3",
                "-r",
                "benchmark rescoring",
            ),
            None,
            env,
        )

    cases: dict[str, Callable[[], tuple[float, float]]] = {
        "--help": lambda: whole(app(reg.database, "--help"), None, env),
        f"show {reg.first_reference}": lambda: whole(
            app(reg.database, "show", reg.first_reference), None, env
        ),
        "list (first screenful)": lambda: first_screenful(app(reg.database, "list"), timeout),
        "score (a write)": score,
    }
    found = []
    for what, work in cases.items():
        comparison = Comparison(
            what, reg.size, Contender("bct-risk"), [Contender(label) for label in floors]
        )
        in_rounds(comparison, {"bct-risk": work, **floors}, rounds)
        found.append(comparison)
    copy.unlink(missing_ok=True)
    return found


def empty_memory(empty: Path, reg: Register) -> dict[str, float]:
    """Peak memory of each output command on an empty register: the base for growth."""
    env = runner().child_env()
    out = reg.folder / "empty-out"
    base = {
        "list --json": whole(app(empty, "list", "--json"), out, env)[1],
        "export register (CSV)": whole(
            app(empty, "export", "register", "-f", "csv", "-o", str(out), "--force"), None, env
        )[1],
        "export register (JSON)": whole(
            app(empty, "export", "register", "-f", "json", "-o", str(out), "--force"), None, env
        )[1],
    }
    out.unlink(missing_ok=True)
    return base


# -- goals and the table ----------------------------------------------------------------------


@dataclass
class SideBySide:
    """Every comparison of a run, the load average before and after, and the goals."""

    load_start: tuple[float, float, float]
    comparisons: list[Comparison] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    load_end: tuple[float, float, float] | None = None
    growth_base: dict[str, float] = field(default_factory=dict)

    def add(self, comparison: Comparison) -> None:
        self.comparisons.append(comparison)
        line = (
            f"  {comparison.size} {comparison.what}: bct-risk {spread(comparison.product.seconds)}"
        )
        for other in comparison.others:
            line += f"; {other.label} {spread(other.seconds)}"
        print(line, flush=True)
        if comparison.check:
            print(f"    outputs: {comparison.check}", flush=True)

    def get(self, what: str, size: str) -> Comparison | None:
        return next((c for c in self.comparisons if c.what == what and c.size == size), None)


def goals(side: SideBySide, figures: Callable[[str, str], Any]) -> None:
    """The issue's goals, each met or not, from the comparisons and the in-app figures."""
    g = side.goals

    def ratio(what: str, size: str, other: int = 0) -> float | None:
        c = side.get(what, size)
        if c is None or len(c.others) <= other:
            return None
        return median(c.ratios(c.others[other]))

    for size in ("M", "L"):
        g.append(
            Goal(
                "first rows no slower than VisiData on the CSV export",
                size,
                ratio("first rows on screen", size, 0),
                1.0,
                "x",
            )
        )
        g.append(
            Goal(
                "first rows no slower than VisiData on the SQLite file",
                size,
                ratio("first rows on screen", size, 1),
                1.0,
                "x",
            )
        )
    for size in ("S", "M", "L"):
        c = side.get("--help", size)
        if c:
            g.append(Goal("--help <= 250 ms", size, median(c.product.seconds), 0.25, "s"))
            break
    for what in ("show", "list (first screenful)"):
        c = next((c for c in side.comparisons if c.what.startswith(what) and c.size == "M"), None)
        g.append(
            Goal(
                f"{what.split(' (')[0]} (reads) <= 300 ms",
                "M",
                median(c.product.seconds) if c else None,
                0.3,
                "s",
            )
        )
    c = side.get("score (a write)", "M")
    if c:
        limit = (median(c.others[1].seconds) or 0) + 0.15
        g.append(
            Goal(
                "score (a write) <= import of sqlalchemy + 150 ms",
                "M",
                median(c.product.seconds),
                limit,
                "s",
            )
        )
    else:
        g.append(
            Goal(
                "score (a write) <= import of sqlalchemy + 150 ms",
                "M",
                None,
                0.15,
                "s",
                "the limit is the import's median + 150 ms",
            )
        )
    for size in ("M", "L"):
        for what in ("list --json", "export register (CSV)", "export register (JSON)"):
            c = side.get(what, size)
            note = c.check if c and c.check.startswith("DIFFERENT") else ""
            g.append(Goal(f"{what} within 3x of sqlite3", size, ratio(what, size), 3.0, "x", note))
            growth = None
            if c and what in side.growth_base and c.product.memory_mb:
                growth = max(c.product.memory_mb) - side.growth_base[what]
            if size == "L":
                g.append(Goal(f"{what}: memory growth <= 50 MB", size, growth, 50, "MB"))
    for size in ("M", "L"):
        g.append(
            Goal(
                "Markdown register within 1.5x of the plain writer (whole processes)",
                size,
                ratio("Markdown register", size),
                1.5,
                "x",
            )
        )
        g.append(
            Goal(
                "committee pack within 1.5x of a plain writer of the pack",
                size,
                None,
                1.5,
                "x",
                "no plain writer of the pack yet",
            )
        )

    def fig(name: str, size: str, what: str = "median") -> float | None:
        f = figures(name, size)
        return None if f is None else getattr(f, what)

    g.append(
        Goal(
            "search keystroke median <= 100 ms",
            "L",
            fig("filter keystroke to updated rows", "L"),
            0.1,
            "s",
        )
    )
    g.append(Goal("cursor <= 16 ms", "L", fig("cursor move (key to frame)", "L"), 0.016, "s"))
    g.append(
        Goal(
            "risk's detail <= 150 ms",
            "L",
            fig("open a risk's detail (key to detail)", "L"),
            0.15,
            "s",
        )
    )
    g.append(
        Goal(
            "returning from a risk does not reload the register",
            "L",
            None,
            0,
            "s",
            "not measured by the benchmark yet",
        )
    )
    pg = fig("cold start to register rows on screen (PostgreSQL)", "L")
    lite = fig("cold start to register rows on screen", "L")
    g.append(
        Goal(
            "PostgreSQL first rows <= 1.5x SQLite's",
            "L",
            None if pg is None or not lite else pg / lite,
            1.5,
            "x",
        )
    )


def table(side: SideBySide) -> str:
    lines = [
        f"Load average at the start of the comparisons: {fmt_load(side.load_start)}; at the "
        f"end: {fmt_load(side.load_end)}",
        "",
        "| What | Size | bct-risk (min / median / max) | Alternative | Alternative (min / "
        "median / max) | Ratio (min / median / max) | Peak memory, bct-risk / alternative |",
        "|---|---|---:|---|---:|---:|---:|",
    ]
    for c in side.comparisons:
        others = c.others or [Contender("-")]
        for other in others:
            memory = (
                f"{max(c.product.memory_mb):.0f} / {max(other.memory_mb):.0f} MB"
                if c.product.memory_mb and other.memory_mb and max(c.product.memory_mb)
                else "-"
            )
            lines.append(
                f"| {c.what} | {c.size} | {spread(c.product.seconds)} | {other.label} | "
                f"{spread(other.seconds)} | {spread(c.ratios(other), 'x')} | {memory} |"
            )
    checks = [c for c in side.comparisons if c.check or c.note]
    if checks:
        lines.append("")
        for c in checks:
            text = "; ".join(t for t in (c.check, c.note) if t)
            lines.append(f"- {c.what}, {c.size}: {text}")
    lines += ["", "| Goal | Size | Measured | Limit | Result |", "|---|---|---:|---:|---|"]
    for goal in side.goals:
        result = "not measured" if goal.met is None else ("met" if goal.met else "NOT MET")
        if goal.value is None:
            value = goal.note or "-"
        elif goal.unit == "x":
            value = f"{goal.value:.2f}x"
        elif goal.unit == "MB":
            value = f"{goal.value:.0f} MB"
        else:
            value = f"{goal.value * 1000:.0f} ms"
        limit = (
            f"{goal.limit:g}x"
            if goal.unit == "x"
            else f"{goal.limit:g} MB"
            if goal.unit == "MB"
            else f"{goal.limit * 1000:.0f} ms"
        )
        note = f" ({goal.note})" if goal.note and goal.value is not None else ""
        lines.append(f"| {goal.text} | {goal.size} | {value} | {limit} | {result}{note} |")
    return "\n".join(lines)


def fmt_load(load: tuple[float, float, float] | None) -> str:
    return "-" if load is None else " ".join(f"{v:.2f}" for v in load)


def as_json(side: SideBySide) -> dict[str, Any]:
    return {
        "load_start": side.load_start,
        "load_end": side.load_end,
        "comparisons": [
            {
                "what": c.what,
                "size": c.size,
                "check": c.check,
                "note": c.note,
                "contenders": [
                    {"label": x.label, "seconds": x.seconds, "memory_mb": x.memory_mb}
                    for x in (c.product, *c.others)
                ],
                "ratios": {x.label: c.ratios(x) for x in c.others},
            }
            for c in side.comparisons
        ],
        "goals": [
            {
                "text": g.text,
                "size": g.size,
                "value": g.value,
                "limit": g.limit,
                "unit": g.unit,
                "met": g.met,
                "note": g.note,
            }
            for g in side.goals
        ],
    }


def measure_commands(
    side: SideBySide, size: str, database: Path, workdir: Path, rounds: int, timeout: float
) -> None:
    """The commands that should feel instant, alone (``run.py --commands-only``): ``list
    --json`` against ``sqlite3`` with its memory growth, and ``--help``, ``show``, ``list`` and
    ``score`` against the interpreter."""
    reg = prepare(size, database, workdir)
    print(f"Commands side by side at {size} ({rounds} rounds, alternated) …", flush=True)
    empty = workdir / "empty.sqlite"
    if not empty.exists():
        runner()._open(empty).engine.dispose()
    if not side.growth_base:
        side.growth_base = empty_memory(empty, reg)
    for comparison in [
        *outputs(reg, rounds, only={"list --json"}),
        *commands(reg, rounds, timeout),
    ]:
        side.add(comparison)


def measure(
    side: SideBySide,
    size: str,
    database: Path,
    workdir: Path,
    rounds: int,
    timeout: float,
    with_papers: bool,
) -> None:
    """Every comparison at one size."""
    reg = prepare(size, database, workdir)
    print(f"Side by side at {size} ({rounds} rounds, alternated) …", flush=True)
    empty = workdir / "empty.sqlite"
    if not empty.exists():
        runner()._open(empty).engine.dispose()
    if not side.growth_base:
        side.growth_base = empty_memory(empty, reg)
    for step in (
        lambda: [first_rows(reg, rounds, timeout)],
        lambda: outputs(reg, rounds),
        lambda: papers(reg, rounds) if with_papers else [],
        lambda: commands(reg, rounds, timeout),
    ):
        try:
            for comparison in step():
                side.add(comparison)
        except (RuntimeError, TimeoutError, subprocess.CalledProcessError) as exc:
            print(f"  side-by-side comparison failed: {exc}", flush=True)
