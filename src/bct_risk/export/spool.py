"""Text put aside while a paper is written, to be copied out later in the same order.

A paper's opening lines (how many risks, what a public version withholds) and its summary table
come before the risk sections, yet are known only once every risk has been read. The summary
and the sections wait in spools: in memory while small, in an unnamed temporary file beyond
that, so a paper of 100,000 risks is written in the memory of a few hundred.
"""

from __future__ import annotations

import shutil
import tempfile
from types import TracebackType
from typing import IO, TextIO

LIMIT = 4_000_000
"""Characters kept in memory before the spool moves to a temporary file."""


class Spool:
    """Write now, copy out later: a list of strings, then a temporary file past :data:`LIMIT`."""

    def __init__(self, limit: int | None = None) -> None:
        self._limit = LIMIT if limit is None else limit
        self._parts: list[str] = []
        self._size = 0
        self._file: IO[str] | None = None

    def write(self, text: str) -> None:
        """Add text at the end."""
        self._parts.append(text)
        self._size += len(text)
        if self._size >= self._limit:
            self._spill()

    def _spill(self) -> None:
        if self._file is None:
            # Unnamed and removed by the system when closed, even if the writer is killed; it
            # outlives this call, and close() (the spool's own context manager) closes it.
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
        self._file.write("".join(self._parts))
        self._parts.clear()
        self._size = 0

    def copy_to(self, out: TextIO) -> None:
        """Write everything added so far to ``out``, in order."""
        if self._file is None:
            out.write("".join(self._parts))
            return
        self._spill()
        self._file.seek(0)
        shutil.copyfileobj(self._file, out, 1 << 20)

    def close(self) -> None:
        """Free the memory and the temporary file."""
        self._parts.clear()
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
