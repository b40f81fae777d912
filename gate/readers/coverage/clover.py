"""A streaming, defused reader for Clover XML reports (OpenClover, istanbul/nyc/c8
`--reporter=clover`, PHPUnit `--coverage-clover`, gcovr `--clover`).

What counts: each `<file>` under `<project>` (directly or in a `<package>`) is a
file named by its `path` attribute, else its `name`. Each `<line num type>` in it
is a measured line:

- `type="stmt"` and `type="method"` lines are covered when `count` > 0 (PHPUnit
  marks every function's declaration line as a method line; diff-cover counts
  them too);
- `type="cond"` lines are branch lines, and their attributes mean different
  things to their two producers. istanbul writes `count` (how often the line
  ran), `truecount` (covered branches) and `falsecount` (missed branches): the
  line has truecount + falsecount branches. OpenClover writes no `count`, and
  `truecount`/`falsecount` are how often the condition was true and false: two
  branches, one covered for each count above 0, and the line covered when either is.

A line listed twice (a stmt and a cond) is covered when either is; its branches
add up. `<testproject>` (the coverage of the test code itself) and `<metrics>`
are not used.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from gate.errors import InputError
from gate.readers import xmlsafe
from gate.readers.coverage.lines import BadValue, Budget, FileLines, count, line_number
from gate.readers.coverage.model import CoverageData, FileCoverage

HINT = ("produce it with `nyc report --reporter=clover`, `c8 --reporter=clover`,"
        " `phpunit --coverage-clover` or OpenClover")


class _Reader:
    def __init__(self) -> None:
        self.budget = Budget(self._offset)
        self.files: dict[str, FileCoverage] = {}
        self.feeder: xmlsafe.Feeder | None = None
        self.root = False
        self.depth = 0  # of elements open below the root
        self.project = False  # inside <project>, not <testproject>
        self.current: tuple[str, FileLines] | None = None
        self.parser: Any = None

    def line(self) -> int:
        return self.feeder.line() if self.feeder is not None else 0

    def _offset(self) -> int:
        return self.feeder.offset() if self.feeder is not None else 0

    def parse(self, handle: IO[bytes]) -> None:
        parser = self.parser = xmlsafe.parser()
        parser.ordered_attributes = True
        parser.SkippedEntityHandler = _undefined_entity
        parser.StartElementHandler = self._root
        parser.EndElementHandler = self._end
        self.feeder = xmlsafe.Feeder(parser)
        self.feeder.run(handle)

    def _root(self, tag: str, attrs: list[str]) -> None:
        if tag != "coverage":
            raise BadValue(f"expected a Clover <coverage> root element, found <{tag}>")
        self.root = True
        self.parser.StartElementHandler = self._start

    def _start(self, tag: str, attrs: list[str]) -> None:
        self.depth += 1
        if tag == "line":
            if self.current is not None:
                self._line(self.current[1], dict(zip(attrs[::2], attrs[1::2])))
        elif tag == "file":
            if self.project:
                named = dict(zip(attrs[::2], attrs[1::2]))
                name = named.get("path") or named.get("name")
                if not name:
                    raise BadValue("<file> without a path or a name")
                self.current = (name, FileLines(self.budget))
        elif tag == "project" and self.depth == 1:
            self.project = True

    def _end(self, tag: str) -> None:
        self.depth -= 1
        if tag == "file" and self.current is not None:
            name, lines = self.current
            file = lines.build(name, sum_branches=True)
            seen = self.files.get(name)
            self.files[name] = file if seen is None else seen.merge(file)
            self.current = None
        elif tag == "project" and self.depth == 0:
            self.project = False

    def _line(self, lines: FileLines, named: dict[str, str]) -> None:
        number = line_number(named.get("num", ""))
        kind = named.get("type")
        if kind in ("stmt", "method"):
            lines.add(number, count(named.get("count", ""), "count") > 0)
        elif kind == "cond":
            true = count(named.get("truecount", ""), "truecount")
            false = count(named.get("falsecount", ""), "falsecount")
            if "count" in named:  # istanbul: covered and missed branches
                lines.add(number, count(named["count"], "count") > 0)
                lines.add_branches(number, true, true + false)
            else:  # OpenClover: how often the condition was true, and false
                lines.add(number, true + false > 0)
                lines.add_branches(number, (true > 0) + (false > 0), 2)
        else:
            raise BadValue(f"<line> of unknown type {str(kind)[:20]!r} (stmt, cond or method)")

    def result(self) -> CoverageData:
        has_branches = any(f.branches for f in self.files.values())
        return CoverageData(self.files, (), has_branches)


def _undefined_entity(name: str, is_parameter: bool) -> Any:
    raise BadValue(f"undefined entity &{name}; (its text is unknown)")


def read(path: Path) -> tuple[CoverageData, list[str]]:
    """Read one Clover XML report; returns its data and any warnings about it.

    Raises InputError (UnsafeInputError for hostile XML) with one line naming the file.
    """
    reader = _Reader()
    try:
        xmlsafe.read(path, "coverage report", HINT, "pass the clover.xml file", reader.parse)
    except BadValue as exc:
        raise InputError(f"not a valid Clover report: {path}: line {reader.line()}: {exc}",
                         HINT) from None
    if not reader.root:
        raise InputError(f"coverage report has no root element: {path}", HINT)
    return reader.result(), []
