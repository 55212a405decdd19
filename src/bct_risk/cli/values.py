"""Values as the command line reads and writes them: a typed vocabulary word, JSON, a date.

Free of Typer, Rich and SQLAlchemy, so that the commands that only read
(:mod:`bct_risk.cli.plain`) can run without them; :mod:`bct_risk.cli.app` gives the same names
to every command.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from json.encoder import encode_basestring
from operator import call
from typing import IO, TYPE_CHECKING, Any, TypeVar

from bct_risk.domain.errors import ValidationError

if TYPE_CHECKING:
    from bct_risk.domain.enums import Labelled
    from bct_risk.services.register_rows import RiskFilter

ChoiceT = TypeVar("ChoiceT", bound="Labelled")


def parse_choice(kind: type[ChoiceT], text: str | None) -> ChoiceT | None:
    """A vocabulary value typed by a user (any case, spaces or hyphens), or None when blank."""
    if text is None or not text.strip():
        return None
    try:
        return kind.parse(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def risk_filter(
    *,
    all_: bool,
    status: str | None,
    search: str,
    owner: str,
    committee: str,
    band: str,
    tier: str | None,
    category: str,
    above_appetite: bool,
    overdue: bool,
) -> RiskFilter:
    """The filter the register's filter options describe; a bad status or tier is a clear
    error."""
    # Imported here: help and the commands that take no filter do without them.
    from bct_risk.domain.enums import RiskStatus, Tier
    from bct_risk.services.register_rows import RiskFilter

    return RiskFilter(
        text=search,
        include_closed=all_,
        status=parse_choice(RiskStatus, status),
        owner=owner,
        committee=committee,
        band=band,
        tier=parse_choice(Tier, tier),
        category=category,
        above_appetite=above_appetite,
        review_overdue=overdue,
    )


def jsonable(value: Any) -> Any:
    """Dataclasses, named tuples, dates and vocabularies as JSON-ready values."""
    from bct_risk.domain.scoring import Score

    if isinstance(value, Score):
        return {"likelihood": value.likelihood, "impact": value.impact, "score": value.value}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    # A named tuple (a register line) by its fields' names, as a dataclass is, not as a list.
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {name: jsonable(v) for name, v in zip(value._fields, value, strict=True)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    """Print a value as indented JSON on standard output."""
    print(json.dumps(jsonable(value), indent=2, ensure_ascii=False))


def write_json_list(out: IO[str], items: Iterable[Any]) -> int:
    """Write a list as :func:`print_json` prints it, byte for byte, an item at a time as the
    items come (a list of 100,000 risks is never held whole); the number written."""
    return write_json_texts(out, (item_json(jsonable(item)) for item in items))


def item_json(value: Any) -> str:
    """A value as :func:`print_json` writes it as an item of a list (indented one level).

    JSON text holds no raw line break (one in a string is written ``\\n``), so indenting every
    line of the value's own dump gives the text of the value inside the whole list's dump.
    """
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")


def write_json_texts(out: IO[str], texts: Iterable[str]) -> int:
    """Write the items of a list (each as :func:`item_json` gives it) as :func:`print_json`
    prints the list; the number written."""
    count = 0
    for text in texts:
        out.write(("[\n  " if count == 0 else ",\n  ") + text)
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count


class _Dumps(dict[Any, str]):
    """The JSON text of the values one field of the lines takes, each dumped once."""

    def __missing__(self, value: Any) -> str:
        self[value] = text = LineJson.dump(value)
        return text


class LineJson:
    """Register lines (named tuples) as :func:`item_json` writes ``jsonable(line)`` with fields
    added, the same text, made about ten times as fast.

    A line's values other than its text are few (25 scores, a few words and dates), so each
    field's are dumped once and looked up after (a field takes values of one kind: a look-up by
    value would take True for 1); the fields named in ``texts`` are escaped as ``json`` escapes
    text, those in ``numbers`` written as ``json`` writes whole numbers. A line holding anything
    else there (None, say) is written value by value. Tests hold the two to the same bytes.
    """

    def __init__(
        self,
        fields: Sequence[str],
        added: Mapping[str, Any],
        *,
        texts: Collection[str] = (),
        numbers: Collection[str] = (),
    ) -> None:
        keys = [*fields, *added]
        self._keys = [
            ("{\n    " if n == 0 else ",\n    ") + encode_basestring(k) + ": "
            for n, k in enumerate(keys)
        ]
        self._added = [self.dump(v) for v in added.values()]
        tail = "".join(k + v for k, v in zip(self._keys[len(fields) :], self._added, strict=True))
        self._template = "".join(k.replace("%", "%%") + "%s" for k in self._keys[: len(fields)])
        self._template += tail.replace("%", "%%") + "\n  }"
        self._encoders: list[Callable[[Any], str]] = [
            encode_basestring
            if f in texts
            else int.__repr__
            if f in numbers
            else _Dumps().__getitem__
            for f in fields
        ]
        self._dumps = [_Dumps() for _ in fields]

    @staticmethod
    def dump(value: Any) -> str:
        """A value as it reads inside a line."""
        return json.dumps(jsonable(value), indent=2, ensure_ascii=False).replace("\n", "\n    ")

    def __call__(self, line: tuple[Any, ...]) -> str:
        try:
            # Every call made in C: the encoders are str and dict methods.
            return self._template % tuple(map(call, self._encoders, line))
        except TypeError:
            pass
        texts = [d[v] if v.__class__ is not str else encode_basestring(v)
                 for d, v in zip(self._dumps, line, strict=True)]  # fmt: skip
        return self._template % tuple(texts)


def fmt_date(value: date | None) -> str:
    """A date as papers print it: 23 Nov 2026."""
    return value.strftime("%d %b %Y").lstrip("0") if value else ""
