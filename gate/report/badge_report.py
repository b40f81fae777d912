"""An SVG coverage badge, for a README, with no badge service.

The figure is the run's total line coverage exactly as every other report shows
it (rounded down at the threshold's precision, so it never reads higher than the
gate measured); the colour is the verdict on it: green when the line threshold
is met, red when not, grey when the run set no line threshold. The layout is the
common "flat" badge: a grey label, a coloured value, white text with a shadow.
"""

from __future__ import annotations

# Escaping for output only: nothing here parses XML (bandit B406 flags the module).
from xml.sax.saxutils import escape, quoteattr  # nosec B406

from gate.model import CheckResult, Report, Status
from gate.thresholds import show

LABEL = "coverage"
GREEN, RED, GREY, LABEL_GREY = "#2da44e", "#d1242f", "#8c959f", "#555"
#: Advance widths of Verdana at 11px, in pixels, for what a badge says; others get 7.
WIDTHS = {
    **dict.fromkeys("0123456789", 7.0), ".": 3.9, "%": 11.9, " ": 3.9, "/": 4.9, "-": 4.9,
    "a": 6.7, "b": 6.9, "c": 5.8, "d": 6.9, "e": 6.6, "f": 3.9, "g": 6.9, "h": 7.0,
    "i": 3.0, "j": 3.8, "k": 6.5, "l": 3.0, "m": 10.7, "n": 7.0, "o": 6.7, "p": 6.9,
    "q": 6.9, "r": 4.7, "s": 5.7, "t": 4.4, "u": 7.0, "v": 6.5, "w": 9.0, "x": 6.5, "y": 6.5,
    "z": 5.8,
}
PADDING = 6.0  # each side of a text


def figure(report: Report) -> tuple[str, str]:
    """The badge's value and colour: the line coverage check's figure, else the ratchet's
    total (grey: no threshold), else "unknown"."""
    line = _check(report, "coverage.line")
    if line is not None and line.measured is not None:
        colour = GREEN if line.status is Status.PASS else RED
        return show(line.measured.value, line.threshold), colour
    ratchet = _check(report, "coverage.ratchet")
    if ratchet is not None and ratchet.measured is not None:
        return show(ratchet.measured.value, None), GREY
    return "unknown", GREY


def _check(report: Report, check_id: str) -> CheckResult | None:
    return next((c for c in report.checks if c.id == check_id), None)


def text_width(text: str) -> float:
    """The width of `text` in Verdana 11px, near enough to lay a badge out."""
    return round(sum(WIDTHS.get(char, 7.0) for char in text), 1)


def render(report: Report) -> str:
    """The badge as an SVG document."""
    value, colour = figure(report)
    return svg(LABEL, value, colour)


def svg(label: str, value: str, colour: str) -> str:
    """A flat two-part badge saying `label` on grey and `value` on `colour`."""
    label_text, value_text = text_width(label), text_width(value)
    left = label_text + 2 * PADDING
    right = value_text + 2 * PADDING
    width = left + right
    title = f"{label}: {value}"

    def words(x: float, length: float, text: str) -> list[str]:
        attrs = f'x="{x:g}" textLength="{length:g}" lengthAdjust="spacing"'
        return [f'    <text {attrs} y="15" fill="#010101" fill-opacity=".3">{escape(text)}</text>',
                f'    <text {attrs} y="14">{escape(text)}</text>']

    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="20"'
        f' role="img" aria-label={quoteattr(title)}>',
        f"  <title>{escape(title)}</title>",
        '  <linearGradient id="shine" x2="0" y2="100%">',
        '    <stop offset="0" stop-color="#bbb" stop-opacity=".1"/>',
        '    <stop offset="1" stop-opacity=".1"/>',
        "  </linearGradient>",
        '  <clipPath id="round">',
        f'    <rect width="{width:g}" height="20" rx="3" fill="#fff"/>',
        "  </clipPath>",
        '  <g clip-path="url(#round)">',
        f'    <rect width="{left:g}" height="20" fill="{LABEL_GREY}"/>',
        f'    <rect x="{left:g}" width="{right:g}" height="20" fill="{colour}"/>',
        f'    <rect width="{width:g}" height="20" fill="url(#shine)"/>',
        "  </g>",
        '  <g fill="#fff" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">',
        *words(PADDING, label_text, label),
        *words(left + PADDING, value_text, value),
        "  </g>",
        "</svg>",
    ]
    return "\n".join(lines) + "\n"
