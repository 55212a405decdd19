"""Saving a paper to a file the user names: whole or not at all, never over a file by surprise.

Shared by the CLI (``-o``/``--force``) and the TUI's save dialog; problems are raised as
:class:`~bct_risk.domain.errors.ValidationError` with a message a user can act on.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from bct_risk.domain.errors import ValidationError

T = TypeVar("T")


def check_target(path: Path, *, overwrite: bool = False, hint: str = "") -> None:
    """Refuse a folder, a missing folder, or an existing file (unless ``overwrite``).

    ``hint`` says how to replace an existing file where the caller offers a way (``--force``).
    """
    if path.is_dir():
        raise ValidationError(f"{path} is a folder; give a file name", field="output")
    if path.exists() and not overwrite:
        how = f"; {hint}" if hint else "; it was left as it is"
        raise ValidationError(f"{path} already exists{how}", field="output")
    if not path.parent.is_dir():
        raise ValidationError(
            f"cannot write {path}: the folder {path.parent} does not exist", field="output"
        )


def save_text(text: str, path: Path, *, overwrite: bool = False, hint: str = "") -> None:
    """Write text as UTF-8 to a temporary file beside ``path``, then rename it into place."""
    save_stream(lambda out: out.write(text), path, overwrite=overwrite, hint=hint)


def save_stream(
    write: Callable[[TextIO], T], path: Path, *, overwrite: bool = False, hint: str = ""
) -> T:
    """Let ``write`` write a paper as it goes to a temporary file beside ``path``, then rename it.

    Whatever ``write`` returns is returned. If it fails, or the disk does, the temporary file
    is removed and ``path`` is left as it was: a paper is saved whole or not at all.
    """
    check_target(path, overwrite=overwrite, hint=hint)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise ValidationError(f"cannot write {path}: {exc.strerror}", field="output") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            result = write(out)
        # mkstemp makes the file private; a paper gets the permissions any new file would.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ValidationError(f"cannot write {path}: {exc.strerror}", field="output") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


def save_bytes(data: bytes, path: Path, *, overwrite: bool = False, hint: str = "") -> None:
    """Write bytes (a Word paper) to a temporary file beside ``path``, then rename it."""
    check_target(path, overwrite=overwrite, hint=hint)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise ValidationError(f"cannot write {path}: {exc.strerror}", field="output") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ValidationError(f"cannot write {path}: {exc.strerror}", field="output") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
