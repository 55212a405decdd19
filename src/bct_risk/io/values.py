"""Reading cell values as real registers hold them: scores, dates, owners, bullets and statuses.

Each reader returns the value it could read, or raises :class:`CellError` with a message in the
user's words; the importer adds the row and column. Nothing here touches the database.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bct_risk.domain.enums import ActionStatus, RiskStatus
from bct_risk.domain.scoring import Matrix

BULLETS = "\uf0b7\u2022\u25aa\u25cf\u25e6\u2023\u2043\u25a0\u25a1\u27a2\u2219\uf0a7\uf076\uf0d8"
"""Bullet glyphs: U+F0B7 and friends come from Symbol/Wingdings fonts in PDFs, • from Word."""

_HAS_BULLET = re.compile(rf"[{BULLETS}]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters (NUL and the like) that no register means: dropped from text."""
_ALNUM = re.compile(r"[^\W_]")
_BULLET_SPLIT = re.compile(rf"[{BULLETS}]|(?:^|\n)\s*[-*]\s+")
_BULLET = re.compile(rf"[{BULLETS}]")
_LEADING_BULLET = re.compile(rf"^[{BULLETS}]\s*|^[-*]\s+")
_INNER_BULLET = re.compile(rf"\s*[{BULLETS}]\s*")
_UNCLEAN = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00a0{BULLETS}]")
"""What :func:`clean_text` does more with than collapse spaces: control characters, no-break
spaces and bullets."""
_LEADING_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?:\s*[-–:)]\s*\D.*)?")


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in the user's words."""


def clean_text(value: Any) -> str:
    """A cell as one line of text: bullets dropped, wrapped lines joined, spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if type(value) is str else str(value)
    if _UNCLEAN.search(text) is None:  # most cells: nothing but spaces to collapse
        return " ".join(text.split())
    text = _CONTROL.sub("", text).replace("\u00a0", " ")
    if _HAS_BULLET.search(text):
        text = _BULLET.sub(" ", text)
    return " ".join(text.split())


def is_wrapped(text: str) -> bool:
    """Text taken from a PDF's narrow columns, broken every few words (not by its author)."""
    filled = [" ".join(line.split()) for line in text.split("\n")]
    filled = [line for line in filled if line]
    return len(filled) >= 3 and sum(len(line) for line in filled) / len(filled) <= 25


def keep_text(value: Any, wrapped: bool | None = None) -> str:
    """A cell as text with its paragraphs and lists kept: bullets become "- ", lines trimmed.

    Spaces inside a line are collapsed; blank lines between paragraphs are kept (one at most).
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _CONTROL.sub("", str(value)).replace("\u00a0", " ")
    if not _is_multiline(text) and not _HAS_BULLET.search(text):
        # One line (line breaks only around it): what the loop below would make of it.
        plain = " ".join(text.split())
        return "- " + plain[2:].strip() if plain.startswith(("- ", "* ")) else plain
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if wrapped is None:
        wrapped = is_wrapped(text)
    lines: list[str] = []
    for line in text.split("\n"):
        stripped = " ".join(line.split())
        bullet = _LEADING_BULLET.match(stripped)
        if bullet:
            stripped = "- " + stripped[bullet.end() :].strip()
        stripped = _INNER_BULLET.sub("\n- ", stripped).strip()
        if stripped.startswith("\n"):
            stripped = stripped.lstrip("\n")
        if not stripped:
            if lines and lines[-1]:
                lines.append("")
            continue
        for part in stripped.split("\n"):
            previous = lines[-1] if lines else ""
            if (
                previous
                and not part.startswith("- ")
                and (part[:1].islower() or wrapped)
                and not previous.endswith((".", ":", ";", "!", "?"))
            ):
                # A line wrapped mid-sentence (text taken from a PDF): one line again.
                lines[-1] = f"{previous} {part}"
            else:
                lines.append(part)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _is_multiline(text: str) -> bool:
    """Whether text has a line break between two of its lines (not only before or after)."""
    if "\n" not in text and "\r" not in text:
        return False
    inner = text.strip()
    return "\n" in inner or "\r" in inner


def is_blank(value: Any) -> bool:
    """Empty, spaces, or only punctuation (divider rows such as ``-----`` or ``====``)."""
    if value is None:
        return True
    if isinstance(value, str):
        # A letter or digit first is not blank ([^\W_] is what str.isalnum() accepts).
        return not value[:1].isalnum() and _ALNUM.search(value) is None
    if isinstance(value, int | float | date):
        return False
    return _ALNUM.search(str(value)) is None


def bullet_items(value: Any) -> list[str]:
    """The items of a bulleted cell; a cell with no bullets is one item, its lines kept."""
    if isinstance(value, list):
        return [t for t in (keep_text(v) for v in value) if t]
    if value is None:
        return []
    raw = str(value).replace("\u00a0", " ")
    parts = _BULLET_SPLIT.split(raw)
    # Whether the cell is a PDF's wrapped lines matters only to an item of several lines.
    wrapped = is_wrapped(raw) if any(_is_multiline(p) for p in parts) else False
    return [t for t in (keep_text(p, wrapped) for p in parts) if t]


# -- scores ----------------------------------------------------------------------------------

_WORDS_3 = {"low": 1, "medium": 2, "med": 2, "moderate": 2, "high": 3}
"""Low/Medium/High: a three-point scale."""

_WORDS_5 = {
    "very low": 1,
    "negligible": 1,
    "insignificant": 1,
    "remote": 1,
    "very unlikely": 1,
    "minor": 2,
    "low medium": 2,
    "significant": 3,
    "medium high": 4,
    "serious": 4,
    "severe": 4,
    "very likely": 4,
    "very high": 5,
    "critical": 5,
    "extreme": 5,
    "certain": 5,
}
"""Words common on five-point scales besides the matrix's own labels."""

FIVE_POINT_WORDS = _WORDS_5
"""The words read on a five-point scale when a workbook gives no key for them."""

_PRODUCT = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*[x×*]\s*(\d+(?:\.\d+)?)\s*(?:=\s*(\d+(?:\.\d+)?))?\s*$", re.I
)
_TRAILING_NUMBER = re.compile(r"\((\d+)\)\s*$")


@dataclass(frozen=True)
class Level:
    """A likelihood or impact read from a cell, on the 1-5 scale, with how it was written."""

    value: int
    written: str
    """The cell as written, kept for the assessment's rationale."""
    scale: int = 5
    """The scale the register used (3, 4, 5 or 10)."""

    @property
    def converted(self) -> bool:
        """Whether the value was mapped from another scale or a word."""
        return self.scale != 5 or self.written != str(self.value)


def to_five(value: int, scale: int) -> int:
    """A value on a 1-``scale`` scale, mapped to 1-5 by keeping its place on the scale."""
    if scale == 5:
        return value
    return math.floor(1 + (value - 1) * 4 / (scale - 1) + 0.5)


def number_in(value: Any) -> float | None:
    """The number a cell holds: ``4``, ``4.0``, ``4 - Likely``, ``Likely (4)``; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = clean_text(value)
    if text.isascii() and text.isdigit():  # "4": what the pattern below reads, sooner
        return float(text)
    match = _LEADING_NUMBER.fullmatch(text)
    if match is None:
        match = _TRAILING_NUMBER.search(text)
    return float(match.group(1)) if match else None


def parse_level(
    value: Any,
    axis: str,
    matrix: Matrix,
    scale: int = 5,
    *,
    words: dict[str, int] | None = None,
    stretch: tuple[float, int] | None = None,
) -> Level | None:
    """A likelihood or impact: a number on the column's scale, or a word; None when blank.

    ``stretch`` reads a scale stored stretched or as percentages, (top, steps): a 1-3 scale
    stored as 3.33 / 6.67 / 10 is (10, 3); percentages are (100, 0), read proportionally.
    ``words`` gives the level of each scale word where the workbook's own key (or the default
    ordering of the words it uses) sets them.
    """
    if is_blank(value):
        return None
    written = clean_text(value)
    number = number_in(value)
    if number is None and written.endswith("%"):
        number = number_in(written[:-1].strip())
        if number is not None and stretch is None:
            stretch = (100.0, 0)
    if number is not None:
        if stretch is not None:
            return _stretched(number, written, axis, stretch)
        if not number.is_integer():
            raise CellError(f"{axis} '{written}' is not a whole number on the 1-{scale} scale")
        whole = int(number)
        if not 1 <= whole <= scale:
            hint = (
                "; if this register scores on a longer scale, give it in the mapping file "
                f"(scales: {{{axis}: 10}}) or the header (e.g. '{axis.title()} (1-10)')"
                if scale == 5
                else ""
            )
            raise CellError(f"{axis} {whole} is outside the 1-{scale} scale{hint}")
        return Level(to_five(whole, scale), written, scale)
    key = " ".join(re.sub(r"[^a-z ]", " ", written.lower()).split())
    if words and key in words:
        return Level(words[key], written, 5)
    labels = matrix.likelihood if axis == "likelihood" else matrix.impact
    for index, label in enumerate(labels):
        if key == label.lower():
            return Level(index + 1, written, 5)
    if key in _WORDS_3:
        return Level(to_five(_WORDS_3[key], 3), written, 3)
    if key in _WORDS_5:
        return Level(_WORDS_5[key], written, 5)
    known = ", ".join(labels)
    raise CellError(
        f"'{written}' is not {'a' if axis == 'likelihood' else 'an'} {axis}; "
        f"use 1-{scale}, Low/Medium/High or {known}"
    )


def _stretched(number: float, written: str, axis: str, stretch: tuple[float, int]) -> Level:
    top, steps = stretch
    shown = f"0-{top:g}%" if top == 100 and steps == 0 else f"1-{top:g}"
    if not 0 < number <= top + 1e-9:
        raise CellError(f"{axis} '{written}' is outside the {shown} scale")
    if steps:
        place = max(1, min(steps, round(number / (top / steps))))
        return Level(to_five(place, steps), written, steps if steps != 5 else 10)
    fraction = number / top
    return Level(max(1, min(5, math.ceil(fraction * 5 - 1e-9))), written, 100)


@dataclass(frozen=True)
class StatedScore:
    """A score cell: the product the register states, and a likelihood x impact if it gives one."""

    value: int | None
    likelihood: int | None = None
    impact: int | None = None
    written: str = ""


def parse_score(value: Any) -> StatedScore | None:
    """A score cell: ``20``, ``4x5=20``, ``4 x 5``; a formula is kept as text. None when blank."""
    if is_blank(value):
        return None
    written = clean_text(value)
    if written.startswith("="):
        return StatedScore(None, written=written)
    match = _PRODUCT.match(written)
    if match:
        first, second = int(float(match.group(1))), int(float(match.group(2)))
        stated = int(float(match.group(3))) if match.group(3) else first * second
        return StatedScore(stated, first, second, written)
    number = number_in(value)
    if number is None or not number.is_integer():
        return StatedScore(None, written=written)
    return StatedScore(int(number), written=written)


# -- dates -----------------------------------------------------------------------------------

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%d %b %y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%b %d %Y",
    "%B %d %Y",
)
_DATE_SHAPED = re.compile(
    r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$"
    r"|^\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{2,4}$"
    r"|^[A-Za-z]{3,9} \d{1,2},? \d{4}$"
)
_MONTHS = [
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def parse_date_cell(value: Any) -> date | str | None:
    """A date cell: a date; the text itself where it is no date (``Q3 2024``, ``ongoing``).

    Raises :class:`CellError` for something written as a date that is no real date
    (``31/02/2026``), so a typing slip is not silently kept as text.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if is_blank(value):
        return None
    text = clean_text(value)
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text, flags=re.I)
    text = re.sub(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}(:\d{2})?$", r"\1", text)
    candidate = text.replace(",", "")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    if _DATE_SHAPED.match(text):
        words = re.findall(r"[A-Za-z]+", text)
        if not words or all(w.lower() in _MONTHS for w in words):
            raise CellError(f"'{text}' is not a date (write it as 23/11/2026 or 2026-11-23)")
    return text


# -- people, statuses, cause and effect ------------------------------------------------------

_OWNER_SPLIT = re.compile(r"\s*[/;,]\s*")
"""Names are split at slashes, semicolons and commas, never at "and" or "&", which role titles
use ("Director of Children and Families")."""


def owners(value: Any) -> list[str]:
    """The people named in an owner cell: ``Carol Pilson / Peter Catchpole`` gives two."""
    if isinstance(value, list):
        return [n for v in value for n in owners(v)]
    text = clean_text(value)
    if not text:
        return []
    names = [n.strip(" .") for n in _OWNER_SPLIT.split(text)]
    return [n for n in names if n]


_CAUSE_LABEL = re.compile(r"^\s*(?:risk|cause|causes|the risk)\s*:\s*-?\s*", re.I)
_EFFECT_LABEL = re.compile(r"\b(?:effects?|consequences?|impacts?)\s*:\s*-?\s*", re.I)


def split_cause_effect(value: Any) -> tuple[str, str] | None:
    """``Risk:- … Effects:- …`` in one cell, as (cause, effect); None where it has no labels."""
    if value is None:
        return None
    raw = str(value)
    effect_match = _EFFECT_LABEL.search(raw)
    cause_match = _CAUSE_LABEL.match(raw)
    if effect_match is None and cause_match is None:
        return None
    start = cause_match.end() if cause_match else 0
    if effect_match is None:
        return clean_text(raw[start:]), ""
    return clean_text(raw[start : effect_match.start()]), clean_text(raw[effect_match.end() :])


ABBREVIATIONS = {
    "st", "e.g", "eg", "i.e", "ie", "etc", "mr", "mrs", "ms", "dr", "no", "nos", "approx",
    "incl", "cllr", "prof", "dept", "govt", "vs", "v", "cf", "al", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "co", "ltd", "plc", "inc", "fig",
}  # fmt: skip
"""Words ending in a full stop that do not end a sentence ("St. Mary's", "e.g. fire")."""

_SENTENCE_END = re.compile(r"[.!?](?=[\s\"')\]]|$)")


def title_from(text: str, limit: int = 200) -> str:
    """A title for a risk whose register gives none: the first sentence of its description.

    It stops at the end of the first paragraph or the first full stop, question or exclamation
    mark that ends a sentence: not after an abbreviation ("St.", "e.g."), an initial or a
    number ("No. 4"), and not at a semicolon.
    """
    first = text.strip().split("\n", 1)[0].strip()
    first = re.sub(r"^-\s+", "", first)
    for match in _SENTENCE_END.finditer(first):
        before = first[: match.start()]
        word = re.split(r"\s", before)[-1].lower().lstrip("(\"'") if before else ""
        if word in ABBREVIATIONS or len(word) == 1:
            continue
        following = first[match.end() :].lstrip(" \"')]")
        if following and following[0].islower():
            continue
        first = before if first[match.start()] == "." else first[: match.end()]
        break
    first = first.strip()
    if len(first) <= limit:
        return first
    return first[: limit - 1].rsplit(" ", 1)[0] + "…"


_COMPLETE_START = re.compile(r"^(?:done|complete|completed|closed|finished|achieved|yes)\b", re.I)
_COMPLETE_ANY = re.compile(
    r"\b(?:can be closed|now closed|item closed|action closed|has been completed|"
    r"is complete|was completed)\b",
    re.I,
)
_CANCELLED = re.compile(
    r"^(?:cancelled|canceled|withdrawn|superseded|not required)\b"
    r"|\bno longer (?:needed|required)\b",
    re.I,
)
_IN_PROGRESS = re.compile(r"^(?:in progress|ongoing|underway|on track|started|amber)\b", re.I)
_OPEN_WORDS = re.compile(r"^(?:open|not started|outstanding|to do|red|new|pending)\b", re.I)


def action_status(value: Any) -> tuple[ActionStatus, bool]:
    """An action's status from what the log says, and whether the words were recognised.

    Logs write statuses as prose ("Done.", "Action item can be closed", "still not done"), so
    closure is read from the opening word or an explicit closing phrase; negations are never
    taken as done. Unrecognised prose leaves the action open, with the text kept as an update.
    """
    text = clean_text(value)
    if not text:
        return ActionStatus.OPEN, True
    lowered = text.lower()
    keep_open = re.search(r"\bkeep (?:item |action |it )?open\b", lowered)
    if keep_open is None and (_COMPLETE_START.match(text) or _COMPLETE_ANY.search(text)):
        return ActionStatus.COMPLETE, True
    if lowered in ("green", "blue", "c", "x", "✓", "✔"):
        return ActionStatus.COMPLETE, True
    if _CANCELLED.search(text):
        return ActionStatus.CANCELLED, True
    if _IN_PROGRESS.match(text):
        return ActionStatus.IN_PROGRESS, True
    if _OPEN_WORDS.match(text):
        return ActionStatus.OPEN, True
    return ActionStatus.OPEN, False


def risk_status(value: Any) -> RiskStatus | None:
    """Open or closed from a register's status column; None where the words say neither."""
    text = clean_text(value).lower()
    if not text:
        return RiskStatus.OPEN
    if re.match(r"^(?:closed|archived|retired|removed|terminated|inactive)\b", text):
        return RiskStatus.CLOSED
    if re.match(r"^(?:open|live|active|current|new|ongoing)\b", text):
        return RiskStatus.OPEN
    return None


def truthy(value: Any) -> bool:
    """Yes/no cells: yes, y, true, 1, x."""
    return clean_text(value).lower() in (
        "yes",
        "y",
        "true",
        "1",
        "x",
        "✓",
        "exempt",
        "confidential",
    )
