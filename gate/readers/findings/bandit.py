"""A streaming reader for bandit's JSON report (`bandit -f json -o reports/bandit.json`).

The report is an object with `results` (one object per issue: `test_id`,
`issue_text`, `issue_severity`, `issue_confidence`, `filename`, `line_number`,
`col_offset`, `line_range`, `code`), `errors` (files bandit could not scan) and
`metrics`. Results are read one at a time; `metrics` is skipped. Files bandit
could not scan become warnings: their findings are missing from the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gate.errors import InputError
from gate.inputs import open_input
from gate.readers.findings.model import Level, ScanFinding, ScanReport
from gate.readers.jsonstream import Malformed, Stream

WHAT = "bandit report"
HINT = "write one with bandit -f json -o reports/bandit.json"
DIRECTORY_HINT = "pass the JSON file bandit wrote"
TOOL = "bandit"
ERRORS_SHOWN = 5


class _Bad(Exception):
    """The JSON is not a bandit report; becomes an InputError naming the file."""


def read(path: Path) -> ScanReport:
    """Read a bandit JSON report; raises InputError naming the file when it is not one."""
    handle = open_input(path, WHAT, HINT, DIRECTORY_HINT)
    try:
        with handle:
            findings, errors = _read(Stream(handle))
    except Malformed as exc:
        raise InputError(f"{WHAT} is not valid JSON: {path}: {exc}", HINT) from None
    except _Bad as exc:
        raise InputError(f"{WHAT} is not usable: {path}: {exc}", HINT) from None
    except OSError as exc:
        raise InputError(f"cannot read {WHAT} {path}: {exc.strerror or exc}") from None
    warnings = []
    if errors:
        shown = "; ".join(errors[:ERRORS_SHOWN]) + ("; ..." if len(errors) > ERRORS_SHOWN else "")
        warnings.append(f"{path}: bandit could not scan {len(errors)} file(s), so their "
                        f"findings are missing: {shown}")
    return ScanReport(str(path), "bandit", (TOOL,), tuple(findings), tuple(warnings))


def _read(stream: Stream) -> tuple[list[ScanFinding], list[str]]:
    if stream.kind() != "object":
        raise _Bad("a bandit report is a JSON object with `results`")
    findings: list[ScanFinding] | None = None
    errors: list[str] = []
    keys = set()
    for key in stream.members():
        keys.add(key)
        if key == "results":
            if stream.kind() != "array":
                raise _Bad("`results` must be an array")
            findings = []
            for number in stream.elements():
                findings.append(_finding(stream.value(), number))
        elif key == "errors":
            found = stream.value()
            if isinstance(found, list):
                errors = [_error(e) for e in found]
    stream.finish()
    if findings is None:
        if {"runs", "version"} <= keys:
            raise _Bad("this is a SARIF log, not bandit's JSON (hint: pass it as a SARIF report)")
        raise _Bad("no `results`: not a bandit JSON report")
    return findings, errors


def _error(raw: Any) -> str:
    if isinstance(raw, dict):
        return f"{raw.get('filename', '?')}: {' '.join(str(raw.get('reason', '')).split())}"
    return str(raw)


def _finding(raw: Any, number: int) -> ScanFinding:
    where = f"result {number + 1}"
    if not isinstance(raw, dict):
        raise _Bad(f"{where} is not an object")
    rule = raw.get("test_id")
    text = raw.get("issue_text")
    filename = raw.get("filename")
    line = raw.get("line_number")
    if not isinstance(rule, str) or not rule:
        raise _Bad(f"{where} has no test_id")
    if not isinstance(filename, str) or not filename:
        raise _Bad(f"{where} ({rule}) has no filename")
    if not isinstance(line, int) or isinstance(line, bool) or line < 0:
        raise _Bad(f"{where} ({rule}) has no line_number")
    severity = _level(raw.get("issue_severity"), f"{where} ({rule}): issue_severity")
    confidence = _level(raw.get("issue_confidence"), f"{where} ({rule}): issue_confidence")
    column = raw.get("col_offset")
    line_range = raw.get("line_range")
    end = None
    if isinstance(line_range, list) and line_range and isinstance(line_range[-1], int):
        end = line_range[-1] if line_range[-1] > line else None
    return ScanFinding(
        TOOL, rule, " ".join(str(text or rule).split()), severity, filename, line or None,
        column + 1 if isinstance(column, int) and not isinstance(column, bool) and column >= 0
        else None, end, confidence, _code_line(raw.get("code"), line),
    )


def _level(raw: Any, where: str) -> Level:
    found = Level.parse(raw) if isinstance(raw, str) else None
    if found is None:
        raise _Bad(f"{where}: expected LOW, MEDIUM or HIGH, got {raw!r}")
    return found


def _code_line(code: Any, line: int) -> str | None:
    """The flagged line from bandit's `code` excerpt (`"45 text\\n46 text\\n"`)."""
    if not isinstance(code, str):
        return None
    prefix = f"{line} "
    for row in code.splitlines():
        if row.startswith(prefix):
            return row[len(prefix):]
    return None
