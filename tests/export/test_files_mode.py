"""Saved papers are readable as any new file would be, not private to their writer."""

from __future__ import annotations

import os
from pathlib import Path

from bct_risk.export.files import save_text


def test_a_saved_paper_has_the_usual_permissions(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        target = tmp_path / "pack.md"
        save_text("# Pack\n", target)
    finally:
        os.umask(previous)
    assert target.read_text("utf-8") == "# Pack\n"
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["pack.md"]
