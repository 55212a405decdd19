"""The register paper written as it is read: the same paper in any chunks, whole files only."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TextIO

import pytest
from typer.testing import CliRunner

from bct_risk.cli.app import app
from bct_risk.domain.errors import NotFoundError
from bct_risk.export import spool
from bct_risk.export.files import save_stream
from bct_risk.export.register import render_register, write_register
from bct_risk.services import papers
from bct_risk.services.context import Context
from bct_risk.services.papers import register_paper, register_stream
from bct_risk.services.register_rows import RiskFilter


def _streamed(ctx: Context, flt: RiskFilter | None = None, public: bool = False) -> str:
    out = io.StringIO()
    write_register(ctx.matrix, register_stream(ctx, flt, public=public), out)
    return out.getvalue()


@pytest.mark.parametrize("chunk", [1, 2, 500])
@pytest.mark.parametrize("public", [False, True], ids=["confidential", "public"])
def test_the_paper_is_the_same_in_chunks_of_any_size(
    seeded_ctx: Context, monkeypatch: pytest.MonkeyPatch, public: bool, chunk: int
) -> None:
    flt = RiskFilter(include_closed=True)
    whole = render_register(seeded_ctx.matrix, register_paper(seeded_ctx, flt, public=public))
    # Small chunks (each counts what it withholds), and spools that move to a temporary file
    # after a few characters.
    monkeypatch.setattr(papers, "CHUNK", chunk)
    monkeypatch.setattr(spool, "LIMIT", 100)
    streamed = _streamed(seeded_ctx, flt, public)
    assert streamed == whole
    assert streamed.startswith("Public version: 3 exempt" if public else "**CONFIDENTIAL**")


def test_a_bad_filter_is_refused_before_anything_is_read(seeded_ctx: Context) -> None:
    with pytest.raises(NotFoundError, match="no committee is called 'Audit'"):
        register_stream(seeded_ctx, RiskFilter(committee="Audit"))


def test_a_spool_gives_back_what_it_was_given_in_order() -> None:
    parts = [f"line {n} – £ é\n" for n in range(500)]
    for limit in (10, 10_000_000):
        out = io.StringIO()
        with spool.Spool(limit) as kept:
            for part in parts:
                kept.write(part)
            kept.copy_to(out)
        assert out.getvalue() == "".join(parts)


def test_save_stream_returns_what_the_writer_returns(tmp_path: Path) -> None:
    target = tmp_path / "register.md"

    def write(out: TextIO) -> int:
        out.write("# Register\n")
        return 7

    assert save_stream(write, target) == 7
    assert target.read_text("utf-8") == "# Register\n"


def test_a_writer_that_fails_halfway_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "register.md"
    target.write_text("the secretariat's copy", "utf-8")

    def write(out: TextIO) -> None:
        out.write("# Register\n" * 1000)
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        save_stream(write, target, overwrite=True)
    assert target.read_text("utf-8") == "the secretariat's copy"
    assert [p.name for p in tmp_path.iterdir()] == ["register.md"]


def test_standard_output_and_a_file_get_the_same_paper(
    seeded_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(papers, "CHUNK", 3)
    runner = CliRunner()
    base = ["--database", seeded_database, "--as", "tester", "export", "register", "--all"]
    printed = runner.invoke(app, base)
    assert printed.exit_code == 0, printed.stderr
    target = tmp_path / "register.md"
    saved = runner.invoke(app, [*base, "-o", str(target)])
    assert saved.exit_code == 0, saved.stderr
    assert target.read_text("utf-8") == printed.stdout
    assert printed.stdout.startswith("**CONFIDENTIAL**") and printed.stdout.endswith(".\n")
