"""Make the Word styles the papers use: src/bct_risk/export/reference.docx.

Pandoc's own reference document, with the Trust's paper styles: Arial throughout, dark blue
headings, and tables with borders on every cell and a shaded header row. Run it again after
changing a style here (needs the dev dependency python-docx):

    .venv/bin/python scripts/make_reference_docx.py
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

TARGET = Path(__file__).resolve().parents[1] / "src" / "bct_risk" / "export" / "reference.docx"
BLUE = RGBColor(0x1F, 0x3A, 0x68)
SIZES = {"Title": 20, "Heading 1": 16, "Heading 2": 13, "Heading 3": 11.5, "Heading 4": 11}


def _default_reference() -> bytes:
    pandoc = pypandoc.get_pandoc_path()
    return subprocess.run(
        [pandoc, "--print-default-data-file", "reference.docx"], check=True, capture_output=True
    ).stdout


def _borders(style_element: OxmlElement) -> None:
    """Single borders on every edge and between every cell of a table style."""
    tbl_pr = style_element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        style_element.append(tbl_pr)
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "808080")
        borders.append(line)
    tbl_pr.append(borders)


def main() -> None:
    """Write the reference document."""
    document = Document(io.BytesIO(_default_reference()))
    styles = document.styles
    for style in styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            style.font.name = "Arial"
    for name, size in SIZES.items():
        if name in [s.name for s in styles]:
            styles[name].font.color.rgb = BLUE
            styles[name].font.size = Pt(size)
            styles[name].font.bold = True
    table_style = next(s for s in styles if s.type == WD_STYLE_TYPE.TABLE and s.name == "Table")
    _borders(table_style.element)
    document.save(str(TARGET))
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
