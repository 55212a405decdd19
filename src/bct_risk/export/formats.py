"""Word and HTML papers, rendered from the paper's Markdown with pandoc.

Pandoc comes as a wheel (``pypandoc-binary``): nothing else to install. Word papers take their
styles (Arial, dark blue headings, bordered tables) from ``reference.docx`` beside this module,
made by ``scripts/make_reference_docx.py``. The same Markdown gives the same bytes: pandoc's
creation date is set from the paper's date, so an issued Word paper can be verified by its
SHA-256 like any other.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path

from bct_risk.domain.errors import ValidationError

FORMATS = ("md", "docx", "html")
"""The paper formats: Markdown, Word and HTML."""
REFERENCE_DOCX = Path(__file__).with_name("reference.docx")
_CSS = """
body { font-family: Arial, sans-serif; max-width: 60em; margin: 2em auto; color: #222; }
h1, h2, h3, h4 { color: #1f3a68; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #808080; padding: 0.25em 0.5em; vertical-align: top; }
th { background: #e8edf5; }
"""


def _epoch(day: date) -> str:
    return str(int(datetime.combine(day, time(12), tzinfo=UTC).timestamp()))


def render(markdown: str, kind: str, *, title: str, day: date) -> bytes:
    """The paper in a format: its Markdown as UTF-8, or Word or HTML made from it by pandoc."""
    if kind == "md":
        return markdown.encode("utf-8")
    if kind not in FORMATS:
        raise ValidationError(f"'{kind}' is not a paper format; use one of: {', '.join(FORMATS)}")
    import pypandoc  # loaded only for Word and HTML: pandoc's wrapper is slow to import

    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = _epoch(day)
    try:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / f"paper.{kind}"
            args = ["--standalone"]
            if kind == "docx":
                args.append(f"--reference-doc={REFERENCE_DOCX}")
            else:
                # The page's title, not a title block: the paper's first heading is its title.
                args.append(f"--metadata=pagetitle:{title}")
                css = Path(folder) / "paper.css"
                css.write_text(_CSS, "utf-8")
                args += ["--embed-resources", f"--css={css}"]
            pypandoc.convert_text(
                markdown,
                kind,
                format="gfm-yaml_metadata_block",
                outputfile=str(target),
                extra_args=args,
            )
            return target.read_bytes()
    except (OSError, RuntimeError) as exc:
        raise ValidationError(f"pandoc could not write the {kind} paper: {exc}") from exc
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
