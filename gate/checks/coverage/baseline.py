"""Read a coverage baseline: a previous coverage report of any format the gate reads
(Cobertura, JaCoCo, Clover, LCOV, coverage.py JSON), or the gate's own JSON report.

Each becomes a `Snapshot`: covered and measured counts per file. A JSON report
carries them in the `data.files` of its `coverage.line` check (or, when the run
set no line threshold, of its `coverage.ratchet` check), so the report of one
`gate check --format json --output gate.json` is the baseline of the next.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from gate import inputs, numeric
from gate.errors import InputError
from gate.model import LazyRows, Ratio
from gate.readers.coverage.model import CoverageData

#: The checks whose `data.files` hold per-file counts, in the order they are looked for.
CARRIERS = ("coverage.line", "coverage.ratchet")
#: The newest JSON report schema this reader understands.
SCHEMA_VERSION = 1
HINT = ("save one on the base branch with `gate check --min-coverage 0 --format json"
        " --output gate.json`, or pass that branch's coverage report")


@dataclass(frozen=True)
class FileCounts:
    """One file's covered/measured lines and branches."""

    lines: Ratio
    branches: Ratio


@dataclass(frozen=True)
class Snapshot:
    """Per-file counts of one coverage measurement."""

    files: Mapping[str, FileCounts]
    has_branches: bool

    @property
    def lines(self) -> Ratio:
        """Total covered over measured lines."""
        return sum((f.lines for f in self.files.values()), Ratio(0, 0))

    @property
    def branches(self) -> Ratio:
        """Total covered over measured branches."""
        return sum((f.branches for f in self.files.values()), Ratio(0, 0))

    def select(self, include: Sequence[str], exclude: Sequence[str]) -> Snapshot:
        """Only the files matching an include glob (if any) and no exclude glob."""
        def matches(name: str, patterns: Sequence[str]) -> bool:
            return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)

        kept = {
            name: counts for name, counts in self.files.items()
            if (not include or matches(name, include)) and not matches(name, exclude)
        }
        return Snapshot(kept, self.has_branches)


def snapshot(data: CoverageData) -> Snapshot:
    """The counts of coverage data read from a report."""
    files = {name: FileCounts(f.lines, f.branch_ratio) for name, f in data.files.items()}
    return Snapshot(files, data.has_branches)


def file_rows(snap: Snapshot) -> LazyRows:
    """Per-file counts as the JSON report writes them (and `read_baseline` reads them),
    made when the report is written."""
    return LazyRows(snap.files.items(), _file_row)


def _file_row(item: tuple[str, FileCounts]) -> dict[str, Any]:
    name, f = item
    return {"name": name,
            "lines": {"covered": f.lines.covered, "total": f.lines.total},
            "branches": {"covered": f.branches.covered, "total": f.branches.total}}


def read_baseline(path: Path) -> tuple[Snapshot, list[str]]:
    """Read a baseline file of any kind; returns its counts and warnings about it.

    coverage.py's JSON report and the gate's both start with `{`: the first key
    tells them apart (`meta` is coverage.py's; see gate.readers.coverage.formats).
    """
    from gate.readers.coverage.formats import GATE_JSON, UnknownFormat, detect

    first = _first_byte(path)
    try:
        kind = detect(path, "baseline")
    except UnknownFormat as exc:
        if first == b"{":  # say what is wrong with it as a gate report
            return _from_json(path), []
        raise InputError(f"baseline is neither a coverage report (Cobertura, JaCoCo, Clover,"
                         f" LCOV, coverage.py JSON) nor a releasegate JSON report: {path}:"
                         f" {exc.problem}", HINT) from None
    if kind == GATE_JSON:
        return _from_json(path), []
    from gate.readers.coverage import read

    data, warnings = read(path)
    return snapshot(data), warnings


def _first_byte(path: Path) -> bytes:
    """The first non-blank byte of the file (after a UTF-8 BOM), with friendly errors."""
    handle = inputs.open_input(path, "baseline", HINT, HINT)  # a regular, non-empty file
    try:
        with handle:
            head = handle.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head:
        raise InputError(f"baseline is empty: {path}", HINT)
    return head[:1]


def _from_json(path: Path) -> Snapshot:
    raw = inputs.read_bytes(path, "baseline", hint=HINT)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"baseline is not UTF-8 text: {path}") from None
    return parse_json_report(text, str(path))


def parse_json_report(text: str, label: str) -> Snapshot:
    """The per-file counts in the text of a releasegate JSON report; `label` names it."""
    try:
        document = json.loads(text, parse_int=numeric.json_int)
    except json.JSONDecodeError as exc:
        raise InputError(f"baseline is not valid JSON: {label}: line {exc.lineno}: {exc.msg}")\
            from None
    except numeric.TooLong as exc:
        raise InputError(f"baseline JSON is malformed: {label}: line "
                         f"{numeric.line_of(text, exc.text)}: {exc}") from None
    except RecursionError as exc:
        raise InputError(f"cannot read baseline {label}: {exc}") from None
    if not isinstance(document, dict) or "schema_version" not in document:
        raise InputError(f"baseline JSON is not a releasegate report: {label}", HINT)
    version = document["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InputError(f"baseline JSON has a bad schema_version {version!r}: {label}")
    if version > SCHEMA_VERSION:
        raise InputError(f"baseline JSON uses schema_version {version}, newer than this"
                         f" releasegate reads ({SCHEMA_VERSION}): {label}", "upgrade releasegate")
    checks = document.get("checks")
    if not isinstance(checks, list):
        raise InputError(f"baseline JSON has no list of checks: {label}", HINT)
    by_id = {c.get("id"): c for c in checks if isinstance(c, dict)}
    for check_id in CARRIERS:
        data = (by_id.get(check_id) or {}).get("data")
        if isinstance(data, dict) and isinstance(data.get("files"), list):
            return _rows(data, label, check_id)
    raise InputError(f"baseline JSON has no per-file coverage counts: {label}",
                     "the run that wrote it needs a coverage.line check (e.g. --min-coverage 0)"
                     " or --baseline")


def _rows(data: Mapping[str, Any], label: str, check_id: str) -> Snapshot:
    files: dict[str, FileCounts] = {}
    for index, row in enumerate(data["files"]):
        where = f"{label}: {check_id} data.files[{index}]"
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            raise InputError(f"baseline JSON is malformed: {where} has no file name")
        if row["name"] in files:
            raise InputError(f"baseline JSON is malformed: {where} repeats {row['name']!r}")
        files[row["name"]] = FileCounts(_ratio(row.get("lines"), where + ".lines"),
                                        _ratio(row.get("branches", {}), where + ".branches"))
    has_branches = data.get("has_branches")
    if not isinstance(has_branches, bool):  # reports before the flag: infer it
        has_branches = any(f.branches.total for f in files.values())
    return Snapshot(files, has_branches)


def _ratio(raw: Any, where: str) -> Ratio:
    if raw == {}:
        return Ratio(0, 0)
    if not isinstance(raw, dict):
        raise InputError(f"baseline JSON is malformed: {where} is not an object")
    covered, total = _count(raw.get("covered"), where), _count(raw.get("total"), where)
    if covered > total:
        raise InputError(f"baseline JSON is malformed: {where} covers {covered} of {total}")
    return Ratio(covered, total)


def _count(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(f"baseline JSON is malformed: {where} needs whole-number"
                         " covered and total counts")
    return value
