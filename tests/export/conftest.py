"""Golden files for papers: syrupy single-file snapshots written as readable Markdown."""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode


class MarkdownSnapshot(SingleFileSnapshotExtension):
    """One ``.md`` file per snapshot, so a change to a paper reads as a diff of the paper."""

    _write_mode = WriteMode.TEXT
    _file_extension = "md"


class CsvSnapshot(SingleFileSnapshotExtension):
    """One ``.csv`` file per snapshot."""

    _write_mode = WriteMode.TEXT
    _file_extension = "csv"


class JsonSnapshot(SingleFileSnapshotExtension):
    """One ``.json`` file per snapshot."""

    _write_mode = WriteMode.TEXT
    _file_extension = "json"


@pytest.fixture
def md_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """A snapshot written as a Markdown file under ``__snapshots__``."""
    return snapshot.use_extension(MarkdownSnapshot)


@pytest.fixture
def csv_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """A snapshot written as a CSV file under ``__snapshots__``."""
    return snapshot.use_extension(CsvSnapshot)


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """A snapshot written as a JSON file under ``__snapshots__``."""
    return snapshot.use_extension(JsonSnapshot)
