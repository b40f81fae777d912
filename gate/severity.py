"""One ordered scale for the severities and confidences scanners report (low ... critical).

Shared by the findings readers, which translate each tool's words onto it, and the
findings family's settings, which compare against it; light enough for `gate --help`.
"""

from __future__ import annotations

import enum


class Level(enum.IntEnum):
    """A severity or a confidence, on one ordered scale."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        """The lower-case name (`medium`), as settings and reports spell it."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Level | None:
        """`low`, `Medium`, `HIGH`, `very-high` (SARIF precision), `critical`; else None."""
        word = text.strip().lower().replace("_", "-")
        if word == "very-high":
            return cls.HIGH
        if word in ("info", "informational", "note", "undefined"):
            return cls.LOW
        try:
            return cls[word.upper()]
        except KeyError:
            return None
