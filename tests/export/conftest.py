"""Golden files for papers: syrupy single-file snapshots written as readable Markdown."""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode


class MarkdownSnapshot(SingleFileSnapshotExtension):
    """One ``.md`` file per snapshot, so a change to a paper reads as a diff of the paper."""

    _write_mode = WriteMode.TEXT
    _file_extension = "md"


class TextSnapshot(SingleFileSnapshotExtension):
    """One text file per snapshot for CSV and JSON exports."""

    _write_mode = WriteMode.TEXT
    _file_extension = "txt"


@pytest.fixture
def md_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """A snapshot written as a Markdown file under ``__snapshots__``."""
    return snapshot.use_extension(MarkdownSnapshot)


@pytest.fixture
def text_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """A snapshot written as a plain text file under ``__snapshots__``."""
    return snapshot.use_extension(TextSnapshot)
