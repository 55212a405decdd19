"""Papers as issued: each paper the secretariat sent out, with a SHA-256 of its bytes."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel


class IssuedPaper(SQLModel, table=True):
    """A paper recorded as issued: what it was, when, by whom, and the digest of its bytes.

    A file is that paper unchanged exactly when its SHA-256 is the one recorded.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    """``pack`` or ``register``."""
    title: str = Field(max_length=300)
    committee_id: int | None = Field(default=None, foreign_key="committee.id")
    meeting_date: date | None = None
    as_at: date | None = None
    public: bool = False
    format: str = Field(max_length=10)
    sha256: str = Field(max_length=64, index=True)
    size: int
    file_name: str = Field(default="", max_length=300)
    issued_on: date
    issued_by: str = Field(max_length=100)
    created_at: datetime
