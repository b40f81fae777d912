"""Readers of what scanners report: SARIF 2.1.0, bandit's JSON, flake8's output.

Each `read(path)` returns a `ScanReport` of `ScanFinding`s, never a verdict.
`FORMATS` names them as the settings do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from gate.readers.findings.model import ScanReport


def reader(fmt: str) -> Callable[[Path], ScanReport]:
    """The read function of a report format: sarif, bandit or flake8."""
    if fmt == "sarif":
        from gate.readers.findings.sarif import read
    elif fmt == "bandit":
        from gate.readers.findings.bandit import read
    elif fmt == "flake8":
        from gate.readers.findings.flake8 import read
    else:
        raise ValueError(f"no reader for {fmt!r}")
    return read


FORMATS = ("sarif", "bandit", "flake8")
