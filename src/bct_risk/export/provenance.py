"""Document line references kept out of papers.

Seed and imported texts cite their sources by document and line ("(002 L93)", "(as in 002
L97)", "£9.3m in 2024/25, 002 L427"). The citation is provenance: ``show`` and the JSON export
keep it; a paper tabled at a committee does not print it.
"""

from __future__ import annotations

import re

_LINE = r"L\d+(?:\s*[-–]\s*(?:L)?\d+)?"
_REF = rf"(?:\d{{3}}\s+)?{_LINE}(?:\s*(?:,|and)\s*(?:\d{{3}}\s+)?{_LINE})*"
# A parenthesis holding nothing but references: "(002 L93)", "(as in 002 L97, L290)".
_ONLY = re.compile(rf"\s*\((?:(?:as|see|cf\.?)\s+(?:in\s+)?)?\d{{3}}\s+{_REF}\)")
# References at the end of a parenthesis after other words: "(£9.3m in 2024/25, 002 L427)".
_TRAILING = re.compile(rf"\s*[,;]\s*(?:(?:as|see)\s+(?:in\s+)?)?\d{{3}}\s+{_REF}(?=\))")
# Anything left: "002 L93" standing alone in the text.
_BARE = re.compile(rf"\s*\b\d{{3}}\s+{_REF}\b")
_QUICK = re.compile(r"\bL\d")


def strip_references(text: str) -> str:
    """The text without document line references (unchanged when it has none)."""
    if not _QUICK.search(text):
        return text
    text = _ONLY.sub("", text)
    text = _TRAILING.sub("", text)
    return _BARE.sub("", text)
