"""Band and marker colours taken from the running theme, so they follow light and dark themes.

A matrix names its band colours in words (green, yellow, amber, red); here each word becomes a
colour of the current theme, and each score is drawn as a badge whose text colour is chosen for
contrast against it, so a band stays readable whatever the theme.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.color import Color, ColorParseError

from bct_risk.domain.enums import Direction
from bct_risk.domain.scoring import Matrix, Score
from bct_risk.tui.format import escape


@dataclass(frozen=True)
class Palette:
    """The theme's colours for bands and markers, as hex strings Rich markup accepts."""

    bands: dict[str, tuple[str, str]]
    """Band colour word → (badge background, badge text)."""
    worse: str
    better: str
    muted: str
    alert: str

    def badge(self, colour_word: str, text: str) -> str:
        """Markup for text on a band's colour."""
        if colour_word in self.bands:
            background, foreground = self.bands[colour_word]
        else:
            # A matrix may name a colour the themes lack (blue, purple): use it as written.
            colour = _hex(colour_word, self.muted)
            background, foreground = colour.hex, colour.get_contrast_text(1.0).hex
        return f"[bold {foreground} on {background}]{escape(text)}[/]"

    def score(self, matrix: Matrix, score: Score | None) -> str:
        """A score as a coloured badge, or blank when not scored."""
        if score is None:
            return ""
        return self.badge(matrix.band(score.value).colour, f"{score.value:>3} ")

    def direction(self, value: Direction) -> str:
        """A direction of travel arrow in its colour."""
        colour = {Direction.WORSE: self.worse, Direction.BETTER: self.better}.get(value, self.muted)
        return f"[bold {colour}]{value.value}[/]"

    def alert_text(self, text: str) -> str:
        """Text that needs attention (overdue, above appetite)."""
        return f"[bold {self.alert}]{escape(text)}[/]"


def _hex(value: str | None, fallback: str) -> Color:
    try:
        return Color.parse(value or fallback)
    except ColorParseError:
        return Color.parse(fallback)


def palette(app: App[Any]) -> Palette:
    """The palette of the app's current theme."""
    variables = app.get_css_variables()
    success = _hex(variables.get("success"), "green")
    warning = _hex(variables.get("warning"), "orange")
    error = _hex(variables.get("error"), "red")
    # The themes have no yellow and amber of their own: both come from the theme's warning
    # colour, yellow lighter and towards success, amber towards error, so the four stay distinct.
    words = {
        "green": success,
        "yellow": warning.blend(Color.parse("yellow"), 0.45),
        "amber": warning.blend(error, 0.25),
        "red": error,
    }
    bands = {word: (c.hex, c.get_contrast_text(1.0).hex) for word, c in words.items()}
    return Palette(
        bands=bands,
        worse=_hex(variables.get("text-error"), "red").hex,
        better=_hex(variables.get("text-success"), "green").hex,
        muted=_hex(variables.get("foreground"), "grey")
        .blend(_hex(variables.get("background"), "black"), 0.4)
        .hex,
        alert=_hex(variables.get("text-error"), "red").hex,
    )


__all__ = ["Palette", "palette"]
