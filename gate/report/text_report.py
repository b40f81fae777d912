"""Plain text for a person reading a CI log: a line per check, the verdict last."""

from __future__ import annotations

from typing import Callable

from gate.model import Report, Status
from gate.report.common import LABEL
from gate.report.comparison import comparison, percent, points

MAX_FINDINGS = 20


def render(report: Report, colour: bool = False) -> str:
    """The report as text; `colour` adds ANSI colours to the status words."""
    paint = _painter(colour)
    width = max((len(c.id) for c in report.checks), default=0)
    lines = []
    for check in report.checks:
        status = paint(check.status, f"{LABEL[check.status]:<5}")
        lines.append(f"{status}  {check.id:<{width}}  {check.summary}")
        for finding in check.findings[:MAX_FINDINGS]:
            lines.append(f"{'':7}{'':{width}}  - {finding.message}")
        hidden = len(check.findings) - MAX_FINDINGS
        if hidden > 0:
            lines.append(f"{'':7}{'':{width}}  ... and {hidden} more")
        if check.id == "coverage.ratchet":
            lines += [f"{'':7}{'':{width}}  {line}" for line in _touched(report)]
    for warning in report.warnings:
        lines.append(f"{paint(Status.SKIP, 'warning')}: {warning}")
    lines.append(paint(Status.PASS if report.allowed else Status.FAIL, report.verdict()))
    return "\n".join(lines) + "\n"


COLOURS = {Status.PASS: "32", Status.FAIL: "31", Status.ERROR: "31;1", Status.SKIP: "33"}


def _painter(colour: bool) -> Callable[[Status, str], str]:
    def paint(status: Status, text: str) -> str:
        return f"\x1b[{COLOURS[status]}m{text}\x1b[0m" if colour else text

    return paint


def _touched(report: Report) -> list[str]:
    """The files the change touched, one line each: before -> after (change), uncovered."""
    compared = comparison(report)
    if compared is None or not compared.files:
        return []
    lines = []
    for row in compared.files[:MAX_FINDINGS]:
        before = percent(row.before) if row.before is not None else "new"
        change = f" ({points(row.before, row.after)})" if row.before is not None else ""
        missed = f"; uncovered changed lines {row.uncovered}" if row.uncovered else ""
        lines.append(f"* {row.path}: {before} -> {percent(row.after)}{change}{missed}")
    hidden = len(compared.files) - MAX_FINDINGS
    if hidden > 0:
        lines.append(f"... and {hidden} more touched files")
    return lines
