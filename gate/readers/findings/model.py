"""What the findings readers return: scanner findings as plain data, no verdict.

Every scanner says the same few things in its own words: a tool, a rule id, a
place, a message, a severity and sometimes a confidence. The readers translate
them into `ScanFinding`s on the scales below, so the gate can compare a bandit
finding with a SARIF one.
"""

from __future__ import annotations

from dataclasses import dataclass

from gate.severity import Level

__all__ = ["Level", "ScanFinding", "ScanReport"]


@dataclass(frozen=True)
class ScanFinding:
    """One finding a scanner reported.

    `path` is the file as the report names it (made relative to the folder the
    gate runs in when the report gives an absolute path or a file: URI under
    it). `snippet` is the source text the report quotes, when it quotes any.
    """

    tool: str
    rule: str
    message: str
    severity: Level
    path: str | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    confidence: Level | None = None
    snippet: str | None = None


@dataclass(frozen=True)
class ScanReport:
    """What one report file holds: its findings, the tools that wrote them, notes worth a look."""

    path: str
    format: str
    tools: tuple[str, ...]
    findings: tuple[ScanFinding, ...]
    warnings: tuple[str, ...] = ()
