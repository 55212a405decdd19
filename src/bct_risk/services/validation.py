"""Turning input models and typed text into validated values with clear messages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from bct_risk.domain.errors import ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y")


def validate(model: type[ModelT], data: Mapping[str, Any]) -> ModelT:
    """Build an input model, or raise a domain error naming each bad field."""
    try:
        return model.model_validate(dict(data))
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"]) or model.__name__
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in exc.errors()
        )
        raise ValidationError(problems, field=name) from exc


def parse_date(text: str, what: str = "date") -> date:
    """A date typed as 2026-11-23, 23/11/2026 or 23 Nov 2026."""
    value = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        f"{what} '{text}' is not a date; write it as 2026-11-23, 23/11/2026 or 23 Nov 2026",
        field=what,
    )


def required_text(value: str | None, what: str, limit: int | None = None) -> str:
    """Text a rule requires (a rationale, a reason): refuse it blank, or longer than ``limit``."""
    text = (value or "").strip()
    if not text:
        article = "an" if what[:1].lower() in "aeiou" else "a"
        raise ValidationError(f"{article} {what} is required", field=what)
    return text if limit is None else bounded_text(text, what, limit)


def bounded_text(value: str, what: str, limit: int) -> str:
    """Text kept in a column of ``limit`` characters: refused when longer, saying by how much."""
    if len(value) > limit:
        raise ValidationError(
            f"the {what} is {len(value):,} characters long; it may be at most {limit:,}",
            field=what,
        )
    return value
