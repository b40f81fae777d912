"""Coverage reports, read into one line model (`model.CoverageData`)."""

from __future__ import annotations

from pathlib import Path

from gate.readers.coverage.model import CoverageData


def read(path: Path) -> tuple[CoverageData, list[str]]:
    """Read one coverage report; returns its data and any warnings about it."""
    from gate.readers.coverage.cobertura import read as read_cobertura

    return read_cobertura(path)
