"""The merchant's theme choices turned into what the browser needs: readable colours and a font
stack from a safe list (fonts every device has: nothing is downloaded)."""

import re

from django.core.validators import RegexValidator
from django.db import models

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
hex_colour_validator = RegexValidator(
    HEX_COLOUR, message="Enter a colour as # and six hex digits, such as #1f6feb."
)

DEFAULT_PRIMARY = "#1f4e79"
DEFAULT_ACCENT = "#d9822b"
WHITE = "#ffffff"
BLACK = "#000000"
INK = "#14161a"  # the darkest text colour of the storefront
# WCAG 2.2 AA for normal text.
MIN_TEXT_CONTRAST = 4.5


class FontStack(models.TextChoices):
    """System font stacks (after modernfontstacks.com): good on every platform, no download."""

    SYSTEM = "system", "System UI (clean, modern)"
    HUMANIST = "humanist", "Humanist (friendly sans-serif)"
    GEOMETRIC = "geometric", "Geometric (rounded sans-serif)"
    TRANSITIONAL = "transitional", "Transitional (classic serif)"
    OLD_STYLE = "old_style", "Old style (bookish serif)"
    SLAB = "slab", "Slab serif (sturdy)"

    @property
    def css(self) -> str:
        return FONT_STACK_CSS[self]


FONT_STACK_CSS = {
    FontStack.SYSTEM: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    "sans-serif",
    FontStack.HUMANIST: 'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", '
    "source-sans-pro, sans-serif",
    FontStack.GEOMETRIC: 'Avenir, Montserrat, Corbel, "URW Gothic", source-sans-pro, sans-serif',
    FontStack.TRANSITIONAL: 'Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif',
    FontStack.OLD_STYLE: '"Iowan Old Style", "Palatino Linotype", "URW Palladio L", P052, serif',
    FontStack.SLAB: 'Rockwell, "Rockwell Nova", "Roboto Slab", "DejaVu Serif", "Sitka Small", '
    "serif",
}


def is_hex_colour(value: str) -> bool:
    return bool(HEX_COLOUR.match(value or ""))


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """White or ink, whichever reads better on ``background``; pure black for the few
    mid-tones where neither reaches AA (one of white and black always does)."""
    for candidate in sorted((WHITE, INK), key=lambda text: -contrast_ratio(background, text)):
        if contrast_ratio(background, candidate) >= MIN_TEXT_CONTRAST:
            return candidate
    return BLACK


def readable_on_white(colour: str) -> str:
    """``colour``, darkened just enough to be readable as text or a link on a white page."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    candidate = colour.lower()
    factor = 1.0
    while contrast_ratio(candidate, WHITE) < MIN_TEXT_CONTRAST and factor > 0:
        factor -= 0.05
        candidate = "#{:02x}{:02x}{:02x}".format(
            *(round(max(0.0, factor) * channel) for channel in (red, green, blue))
        )
    return candidate


def colour_properties(*, primary: str, accent: str) -> dict[str, str]:
    """The CSS custom properties of a theme's colours, each with a readable text colour."""
    return {
        "primary": primary.lower(),
        "on_primary": text_colour_on(primary),
        "primary_ink": readable_on_white(primary),
        "accent": accent.lower(),
        "on_accent": text_colour_on(accent),
        "accent_ink": readable_on_white(accent),
    }
