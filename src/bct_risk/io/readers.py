"""Reading a file into rows of cells: CSV (any common delimiter and encoding), XLSX, JSON, YAML.

Readers know nothing of risks: they return a :class:`Table` of numbered rows as the user would
count them (spreadsheet rows, or records in JSON and YAML) so every problem can name its row.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bct_risk.domain.errors import ValidationError
from bct_risk.io.workbook import Sheet, read_workbook

FORMATS = ("csv", "xlsx", "json", "yaml")
"""The formats the importer reads."""

NATIVE_FORMAT = "bct-risk register"
"""The ``format`` marker of this product's own JSON export, read directly."""

NATIVE_HISTORY = (
    "created_on",
    "closed_on",
    "review_frequency_days",
    "history",
    "escalations",
    "reviews",
    "illustrative",
    "closures",
    "retired_controls",
)
"""The fields of this product's own export that are a risk's history, not columns: read by
:mod:`bct_risk.io.history`."""

_DELIMITERS = (",", ";", "\t", "|")


@dataclass
class Table:
    """A file's content as numbered rows of cells."""

    path: Path
    format: str
    description: str
    """How the file was read, for the report: "CSV, UTF-8 with BOM, ';' between columns"."""
    rows: list[tuple[int, list[Any]]]
    """(row number as the user counts it, cells)."""
    unit: str = "row"
    """What a row is called in messages: "row" (sheets and CSV) or "record" (JSON, YAML)."""
    header_row: int | None = None
    """The header row where the format fixes it (JSON and YAML keys)."""
    native: bool = False
    """The file is this product's own export."""
    warnings: list[str] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    """Every sheet of a workbook (empty for other formats)."""
    sheet: Sheet | None = None
    """The workbook's sheet the rows come from."""
    history: dict[int, dict[str, Any]] = field(default_factory=dict)
    """This product's own export: each record's history fields (:data:`NATIVE_HISTORY`)."""


def detect_format(path: Path, head: bytes) -> str:
    """The format of a file, by its content first (an .xlsx saved as .csv) and then its name."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("yml", "yaml"):
        return "yaml"
    if suffix in ("json", "xlsx", "xlsm"):
        return "xlsx" if suffix == "xlsm" else suffix
    if suffix in ("csv", "tsv", "txt"):
        return "csv"
    stripped = head.lstrip(codecs.BOM_UTF8).lstrip()
    if stripped[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    """Read a file of any supported format; raises ValidationError when it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ValidationError(f"no file at {path}") from exc
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror}") from exc
    if not data.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise ValidationError(f"{path.name} is empty: there is nothing to import")
    kind = detect_format(path, data[:8])
    if kind == "xlsx":
        return _read_xlsx(path, data, sheet)
    text, encoding, warnings = decode(data, path.name)
    if kind == "csv":
        table = _read_csv(path, text, encoding)
    else:
        table = _read_records(path, text, kind, encoding)
    table.warnings[:0] = warnings
    return table


def decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    for bom, encoding, label in (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), label, []
            except UnicodeDecodeError as exc:
                raise _encoding_error(name, exc) from exc
    if b"\x00" in data:
        raise ValidationError(
            f"{name} is not text in a known encoding (it holds NUL bytes: UTF-16 without a "
            "byte-order mark, or not a text file at all); save it as 'CSV UTF-8' and try again"
        )
    try:
        return data.decode("utf-8"), "UTF-8", []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _encoding_error(name, exc) from exc
    return (
        text,
        "Windows-1252",
        [
            f"{name} is not UTF-8; it was read as Windows-1252 (Excel's 'CSV' on Windows): "
            "check accented letters and symbols such as £ in the preview"
        ],
    )


def _encoding_error(name: str, exc: UnicodeDecodeError) -> ValidationError:
    return ValidationError(
        f"{name} cannot be read as UTF-8, UTF-16 or Windows-1252 (byte {exc.start}: "
        f"{exc.object[exc.start : exc.start + 1]!r}); save it as 'CSV UTF-8' and try again"
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter the header line uses most, outside quotes (a comma when none is used)."""
    sample = text[:65536]
    best, best_count = ",", 0
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
        try:
            rows = [r for _, r in zip(range(5), reader, strict=False) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not rows:
            continue
        count = len(rows[0]) - 1
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _read_csv(path: Path, text: str, encoding: str) -> Table:
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    try:
        # Numbered as a spreadsheet shows them: one row per record, whatever its line breaks.
        for number, cells in enumerate(reader, start=1):
            rows.append((number, list(cells)))
    except csv.Error as exc:
        raise ValidationError(f"{path.name} line {reader.line_num}: not valid CSV: {exc}") from exc
    names = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
    description = f"CSV, {encoding}, {names[delimiter]} between columns"
    return Table(path, "csv", description, rows)


def _read_xlsx(path: Path, data: bytes, sheet: str | None) -> Table:
    """A workbook: every sheet read (bounded by the cells holding values); rows come later.

    The register's sheet is chosen by :func:`bct_risk.io.plan.build_plan` from a survey of all
    of them, unless ``sheet`` names it.
    """
    sheets = read_workbook(path, data)
    if sheet is not None and sheet not in [s.name for s in sheets]:
        names = ", ".join(f"'{s.name}'" for s in sheets)
        raise ValidationError(f"{path.name} has no sheet '{sheet}'; its sheets are: {names}")
    if not any(s.rows for s in sheets):
        raise ValidationError(f"{path.name} is empty: no sheet holds anything")
    table = Table(path, "xlsx", "Excel workbook", [], sheets=sheets)
    for each in sheets:
        table.warnings.extend(each.warnings)
    return table


def use_sheet(table: Table, sheet: Sheet) -> None:
    """Read the table from this sheet of its workbook."""
    if not sheet.rows:
        raise ValidationError(f"{table.path.name} is empty: sheet '{sheet.name}' holds nothing")
    table.sheet = sheet
    table.rows = sheet.rows
    hidden = " (a hidden sheet)" if sheet.hidden else ""
    table.description = f"Excel workbook, sheet '{sheet.name}'{hidden}"


def _read_records(path: Path, text: str, kind: str, encoding: str) -> Table:
    import yaml  # only for JSON and YAML files: a CSV import does without it

    try:
        data: Any = json.loads(text) if kind == "json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    except yaml.YAMLError as exc:
        raise ValidationError(f"{path.name} is not valid YAML: {exc}") from exc
    native = isinstance(data, dict) and data.get("format") == NATIVE_FORMAT
    records = _record_list(data, path.name)
    if not records:
        raise ValidationError(f"{path.name} is empty: it holds no records to import")
    keys: list[str] = []
    flat_records: list[dict[str, Any]] = []
    history: dict[int, dict[str, Any]] = {}
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise ValidationError(
                f"{path.name} record {index} is not a set of named fields "
                f"(it is {type(record).__name__}); each record needs fields such as title"
            )
        if native:
            record = dict(record)
            history[index] = {k: record.pop(k) for k in NATIVE_HISTORY if k in record}
            # Their flags and sources of assurance: read by io.history as well.
            history[index].update(parts={k: record.get(k) for k in ("controls", "further_actions")})
        flat = _flatten(record)
        flat_records.append(flat)
        keys.extend(k for k in flat if k not in keys)
    rows: list[tuple[int, list[Any]]] = [(0, list(keys))]
    rows.extend((index, [flat.get(k) for k in keys]) for index, flat in enumerate(flat_records, 1))
    label = "JSON" if kind == "json" else "YAML"
    description = f"{label}, {encoding}, {len(records)} records" + (
        " (bct-risk register export)" if native else ""
    )
    table = Table(path, kind, description, rows, unit="record", header_row=0, native=native)
    if native:  # the committees and meetings the risks name (record 0: the file as a whole)
        history[0] = {k: data[k] for k in ("committees", "meetings") if k in data}
    table.history = history
    return table


def _record_list(data: Any, name: str) -> list[Any]:
    if data is None:
        return []
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("risks", "actions", "items", "records", "rows", "register", "data"):
            if isinstance(data.get(key), list):
                return list(data[key])
        if all(isinstance(v, dict) for v in data.values()):
            # A mapping of reference → fields: the key is the reference.
            return [{"reference": k, **v} for k, v in data.items()]
    raise ValidationError(
        f"{name} does not hold a list of records (expected a list, or 'risks:' or 'actions:' "
        "holding one)"
    )


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested groups become prefixed names: {"current": {"impact": 4}} → "current impact"."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix} {key}".strip()
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        else:
            flat[name] = value
    return flat
