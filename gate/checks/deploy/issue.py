"""What one rule found, where: the deploy checks' common currency.

A message never holds a value from the deployment: it names the place, the
key and the rule, so a secret cannot leak through any report format.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gate.model import Finding


@dataclass(frozen=True)
class Place:
    """A file and line, or the process environment when `file` is None."""

    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return "environment"
        return f"{self.file}:{self.line}" if self.line else self.file


ENVIRONMENT = Place()
#: What a deploy finding names as its tool, and its severity: each one blocks the release.
TOOL = "releasegate"
SEVERITY = "high"


@dataclass(frozen=True)
class Issue:
    """A rule that failed for a key (an env name or a dotted path; empty for a whole file)."""

    rule: str
    key: str
    problem: str
    place: Place

    def finding(self) -> Finding:
        """The issue as a Finding: `place: key: problem [rule]`, with the rule id in its field."""
        key = f"{self.key}: " if self.key else ""
        return Finding(f"{self.place}: {key}{self.problem} [{self.rule}]",
                       file=self.place.file, line=self.place.line, rule=self.rule,
                       tool=TOOL, severity=SEVERITY)


def display(path: Path) -> str:
    """A file name as reports show it: relative to the working folder when below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative
