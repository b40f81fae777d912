"""A reader for flake8's default output, written to a file (`flake8 --output-file PATH`).

One finding a line, in flake8's default format `path:row:col: CODE text`. The
path is the shortest prefix followed by `:row:col: ` and a code flake8 accepts
(one to three capitals and up to three digits, flake8's own rule for codes),
so a colon inside a path or a message is read right; a path that itself holds
`:<digits>:<digits>: <CODE> ` would be cut there (see docs/findings.md).

flake8 has no severities: the codes that mean the code cannot run as written
(E9: syntax and I/O errors; F63, F7, F82: invalid comparisons, misplaced
statements, undefined names; the set many projects gate on) are high, every
other code medium. The file is read line by line: memory follows the findings.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import cast

from gate.errors import InputError
from gate.inputs import open_input
from gate.numeric import TooLong, whole
from gate.readers.findings.model import Level, ScanFinding, ScanReport

WHAT = "flake8 report"
HINT = "write one with flake8 --output-file reports/flake8.txt (the default format)"
DIRECTORY_HINT = "pass the file flake8 --output-file wrote"
TOOL = "flake8"
LINE = re.compile(r"(?P<path>.+?):(?P<row>\d+):(?P<col>\d+): (?P<code>[A-Z]{1,3}[0-9]{0,3}) "
                  r"(?P<text>.*)")
HIGH = ("E9", "F63", "F7", "F82")
COLOUR = re.compile(r"\x1b\[[0-9;]*m")
MAX_LINE = 1 << 20


def severity(code: str) -> Level:
    """How bad a flake8 code is: high for code that cannot run as written, else medium."""
    return Level.HIGH if code.startswith(HIGH) else Level.MEDIUM


def read(path: Path) -> ScanReport:
    """Read a flake8 output file; raises InputError naming the file and line when it is not one.

    An empty file is a clean run (flake8 writes nothing when it finds nothing).
    """
    findings = []
    handle = open_input(path, WHAT, HINT, DIRECTORY_HINT, allow_empty=True)
    try:
        with io.BufferedReader(cast(io.RawIOBase, handle), 1 << 16) as buffered:
            number = 0
            while raw := buffered.readline(MAX_LINE + 1):
                number += 1
                if len(raw) > MAX_LINE:
                    raise InputError(f"{WHAT} is not usable: {path}: line {number} is longer "
                                     f"than {MAX_LINE >> 20} MiB", HINT)
                # flake8 writes colours into the file too when FORCE_COLOR is set.
                text = COLOUR.sub("", raw.decode("utf-8", "surrogateescape").rstrip("\r\n"))
                if not text.strip():
                    continue
                match = LINE.fullmatch(text)
                if match is None:
                    raise InputError(
                        f"{WHAT} is not flake8's default format: {path}: line {number}: "
                        f"{text[:60]!r}",
                        "write it with flake8's default --format, without --show-source, "
                        "--count or --statistics",
                    )
                code = match["code"]
                try:
                    row, col = whole(match["row"], "a row"), whole(match["col"], "a column")
                except TooLong as exc:
                    raise InputError(f"{WHAT} is not usable: {path}: line {number}: {exc}",
                                     HINT) from None
                findings.append(ScanFinding(
                    TOOL, code, " ".join(match["text"].split()) or code, severity(code),
                    match["path"], row or None, col or None,
                ))
    except OSError as exc:
        raise InputError(f"cannot read {WHAT} {path}: {exc.strerror or exc}") from None
    return ScanReport(str(path), "flake8", (TOOL,), tuple(findings))
