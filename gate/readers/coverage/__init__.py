"""Coverage reports, read into one line model (`model.CoverageData`).

The format is found from each file's content (`formats.detect`), never from its name:
Cobertura XML, JaCoCo XML, Clover XML, LCOV and coverage.py JSON.
"""

from __future__ import annotations

from pathlib import Path

from gate.readers.coverage.model import CoverageData


def read(path: Path) -> tuple[CoverageData, list[str]]:
    """Read one coverage report of any known format; returns its data and any warnings."""
    from gate.readers.coverage.formats import GATE_JSON, HINT, detect

    kind = detect(path)
    if kind == "cobertura":
        from gate.readers.coverage.cobertura import read as read_cobertura

        return read_cobertura(path)
    if kind == "lcov":
        from gate.readers.coverage.lcov import read as read_lcov

        return read_lcov(path)
    if kind == "coverage-json":
        from gate.readers.coverage.coveragejson import read as read_json

        return read_json(path)
    if kind == "jacoco":
        from gate.readers.coverage.jacoco import read as read_jacoco

        return read_jacoco(path)
    if kind == "clover":
        from gate.readers.coverage.clover import read as read_clover

        return read_clover(path)
    from gate.errors import InputError

    what = "the gate's own JSON report" if kind == GATE_JSON else f"a {kind} file"
    raise InputError(f"coverage report is {what}, not a coverage report: {path}",
                     "pass it as --baseline to compare with it; " + HINT)
