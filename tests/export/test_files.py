"""Saving papers: whole files only, and never over an existing file unless asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from bct_risk.domain.errors import ValidationError
from bct_risk.export.files import check_target, save_text


def test_save_writes_utf8_text(tmp_path: Path) -> None:
    target = tmp_path / "pack.md"
    save_text("£24.0m – café ▲\n", target)
    assert target.read_text("utf-8") == "£24.0m – café ▲\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.md"]


def test_an_existing_file_is_kept_unless_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "pack.md"
    target.write_text("edited by hand", "utf-8")
    with pytest.raises(ValidationError, match="already exists; it was left as it is"):
        save_text("new", target)
    assert target.read_text("utf-8") == "edited by hand"
    save_text("new", target, overwrite=True)
    assert target.read_text("utf-8") == "new"


def test_the_callers_hint_says_how_to_replace(tmp_path: Path) -> None:
    target = tmp_path / "pack.md"
    target.touch()
    with pytest.raises(ValidationError, match="already exists; press R to replace it"):
        check_target(target, hint="press R to replace it")


def test_a_folder_or_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="is a folder; give a file name"):
        save_text("x", tmp_path)
    with pytest.raises(ValidationError, match=r"the folder .* does not exist"):
        save_text("x", tmp_path / "missing" / "pack.md")
    assert list(tmp_path.iterdir()) == []
