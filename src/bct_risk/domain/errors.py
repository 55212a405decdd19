"""Errors the services raise for a broken rule: each says what is wrong in the user's words."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the register was broken; nothing was written."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        """The input the message is about, where there is one (for inline messages)."""

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """An input value is out of range, missing or malformed."""


class NotFoundError(DomainError):
    """A reference, person, committee or meeting does not exist."""


class ConflictError(DomainError):
    """A save was made over someone else's newer change (optimistic locking)."""


class PermissionDeniedError(DomainError):
    """The acting person's role does not allow this change."""
