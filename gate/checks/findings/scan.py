"""Read every configured report and fingerprint what it found: the input of the check and of
`gate baseline` alike."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from gate.checks.findings.fingerprint import Located, Print, Sources, compute
from gate.checks.findings.settings import FindingsSettings
from gate.readers.findings import reader
from gate.readers.findings.model import ScanFinding, ScanReport


@dataclass(frozen=True)
class Item:
    """A finding, the file it is in (relative to the working folder), and its fingerprint."""

    finding: ScanFinding
    file: str
    print: Print


@dataclass(frozen=True)
class Scan:
    """Every report read, the tools they came from in order, and each finding fingerprinted."""

    reports: tuple[ScanReport, ...]
    tools: tuple[str, ...]
    items: tuple[Item, ...]
    warnings: tuple[str, ...]


def file_name(path: str | None, cwd: Path) -> str:
    """A report's file name as the gate shows and stores it: relative to `cwd` when inside it,
    forward slashes, no `./`."""
    if not path:
        return ""
    name = path.replace("\\", "/")
    if os.path.isabs(name):
        relative = os.path.relpath(name, cwd)
        if not relative.startswith(".."):
            name = relative.replace(os.sep, "/")
    return posixpath.normpath(name)


def scan(settings: FindingsSettings, cwd: Path) -> Scan:
    """Read the reports; fingerprint each finding against the files below `cwd`."""
    reports = tuple(reader(fmt)(path) for fmt, path in settings.reports)
    tools = tuple(dict.fromkeys(tool for report in reports for tool in report.tools))
    findings = [f for report in reports for f in report.findings]
    files = [file_name(f.path, cwd) for f in findings]
    sources = Sources(cwd)
    prints = compute([Located(f.tool, f.rule, name, f.line, f.snippet, f.message)
                      for f, name in zip(findings, files)], sources.lines)
    warnings = [w for report in reports for w in report.warnings]
    unreadable = sources.unreadable
    if unreadable:
        shown = ", ".join(unreadable[:5]) + (", ..." if len(unreadable) > 5 else "")
        warnings.append(f"findings: cannot read {len(unreadable)} file(s) the reports name, here "
                        f"in {cwd}: {shown}; their findings are matched by the text the report "
                        "quotes, so they may show as new (run the gate where the scanners ran)")
    items = tuple(Item(f, name, p) for f, name, p in zip(findings, files, prints))
    return Scan(reports, tools, items, tuple(warnings))
