"""A streaming, defused reader for JUnit XML (pytest --junitxml, Surefire, Gradle, Jest, go).

The common schema: <testsuites> or <testsuite> at the root, <testcase
classname name time [file line]> inside, with an optional <failure>, <error>
or <skipped> child. Attempts a rerun plugin reports inside a testcase
(<flakyFailure>, <flakyError>, <rerunFailure>, <rerunError>) count as failed
attempts; <property name="marker" value="..."/> gives a test its markers.

Like the Cobertura reader it drives expat directly (gate.xmlsafe: defusedxml's
handlers, 1 MB chunks) and keeps one small case per test, never the stack
traces or captured output, so memory follows the number of tests, not the
size of the file.
"""

from __future__ import annotations

import heapq
import re
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from gate import xmlsafe
from gate.errors import InputError
from gate.junit.model import ZERO, Case, Outcome, Record, Suite, case, first_line, then

WHAT = "JUnit report"
HINT = "produce it with pytest --junitxml=PATH (or your runner's JUnit XML reporter)"
DIRECTORY_HINT = "pass the XML file the test run wrote"
ROOTS = ("testsuites", "testsuite")
PYTEST_ROOT = "pytest tests"
#: A failing or skipped result: how bad it is, so that the worst child of a testcase wins.
RESULTS = {"error": (4, Outcome.ERROR), "failure": (3, Outcome.FAILED),
           "skipped": (2, Outcome.SKIPPED)}
RETRIES = frozenset(("flakyFailure", "flakyError", "rerunFailure", "rerunError"))
MARKER_PROPERTIES = frozenset(("marker", "markers", "tag", "tags"))
TEXT_LIMIT = 4096
SUITE_SLOWEST = 3
THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")


class _Bad(Exception):
    """A malformed value inside the report; turned into an InputError with the line."""


@dataclass(frozen=True)
class JUnitFile:
    """One file's tests (attempts combined) and outermost suites."""

    path: str
    cases: dict[tuple[str, str], Case]
    suites: tuple[Suite, ...]
    records: int


class _Open:
    """The testcase being read: its attributes and the worst result child so far."""

    __slots__ = ("attrs", "suite", "rank", "outcome", "message", "retried", "retry_message",
                 "markers", "depth")

    def __init__(self, attrs: dict[str, str], suite: str, depth: int) -> None:
        self.attrs = attrs
        self.suite = suite
        self.depth = depth
        self.rank = 0
        self.outcome = Outcome.PASSED
        self.message = ""
        self.retried = 0
        self.retry_message = ""
        self.markers: set[str] = set()


class _Reader:
    """Folds expat events into cases by (suite, id), and suites."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.cases: dict[tuple[str, str], Case] = {}
        self.suites: list[Suite] = []
        self.records = 0
        self.times: dict[str, Decimal] = {}

    def parse(self, handle: IO[bytes]) -> None:
        parser = xmlsafe.parser()
        self._install(parser)
        self.parser = parser
        xmlsafe.feed(parser, handle)

    def _install(self, parser: Any) -> None:
        cases, suites = self.cases, self.suites
        # Open <testsuite> elements: [depth, name, declared time, summed time, records,
        # a heap of its slowest records]; inner suites hand theirs to the outer one.
        open_suites: list[list[Any]] = []
        depth = 0
        current: _Open | None = None
        text: list[str] = []
        text_depth = text_size = -1
        line_base = 0

        def on_root(tag: str, attrs: dict[str, str]) -> None:
            nonlocal line_base
            if tag not in ROOTS:
                raise _Bad(f"expected a <testsuites> or <testsuite> root element, found <{tag}>")
            # pytest writes its items' 0-based line numbers; annotations want 1-based ones.
            line_base = 1 if attrs.get("name") == PYTEST_ROOT else 0
            parser.StartElementHandler = on_start
            parser.EndElementHandler = on_end
            on_start(tag, attrs)

        def on_start(tag: str, attrs: dict[str, str]) -> None:
            nonlocal depth, current
            depth += 1
            if current is not None:
                if depth == current.depth + 1:
                    result = RESULTS.get(tag)
                    if result is not None:
                        if result[0] > current.rank:
                            current.rank, current.outcome = result
                            if tag == "skipped" and attrs.get("type") == "pytest.xfail":
                                current.outcome = Outcome.XFAILED
                            current.message = first_line(attrs.get("message"))
                            if not current.message:
                                start_text(depth)
                        return
                    if tag in RETRIES:
                        current.retried += 1
                        if not current.retry_message:
                            current.retry_message = first_line(attrs.get("message"))
                        return
                if tag == "property" and attrs.get("name") in MARKER_PROPERTIES:
                    value = attrs.get("value", "")
                    current.markers.update(m for m in re.split(r"[\s,]+", value) if m)
                return
            if tag == "testcase":
                current = _Open(attrs, open_suites[-1][1] if open_suites else "", depth)
            elif tag == "testsuite":
                open_suites.append([depth, attrs.get("name", ""), attrs.get("time"), ZERO, 0, []])

        def start_text(at: int) -> None:
            nonlocal text_depth, text_size
            text.clear()
            text_depth, text_size = at, 0
            parser.CharacterDataHandler = collect

        def collect(data: str) -> None:
            # Keeps the first TEXT_LIMIT characters. (Unsetting the handler here would make
            # expat flush its buffer into this very handler again.)
            nonlocal text_size
            if text_size < TEXT_LIMIT:
                text.append(data)
                text_size += len(data)

        def on_end(tag: str) -> None:
            nonlocal depth, current, text_depth
            if current is not None:
                if depth == text_depth:
                    parser.CharacterDataHandler = None
                    text_depth = -1
                    if current.rank and not current.message:
                        current.message = first_line("".join(text)[:TEXT_LIMIT])
                elif depth == current.depth:
                    finish(current)
                    current = None
            elif open_suites and depth == open_suites[-1][0]:
                _, name, declared, summed, records, slow = open_suites.pop()
                if open_suites:
                    outer = open_suites[-1]
                    outer[3] += summed
                    outer[4] += records
                    for entry in slow:
                        _keep(outer[5], entry)
                else:
                    time = self._time(declared) if declared else summed
                    ranked = tuple((i, t) for t, _, i in sorted(slow, key=_slowest_first))
                    suites.append(Suite(name, self.path, time, records, ranked))
            depth -= 1

        def finish(item: _Open) -> None:
            attrs = item.attrs
            name = attrs.get("name", "")
            classname = attrs.get("classname", "")
            file = attrs.get("file") or None
            if classname:
                test_id = f"{classname}::{name}"
            elif file:
                test_id = f"{file}::{name}"
            else:
                test_id = name
            if not test_id:
                raise _Bad("<testcase> without a name")
            raw_time = attrs.get("time")
            time = self._time(raw_time) if raw_time else ZERO
            message = item.message if item.rank else item.retry_message
            record = Record(test_id, sys.intern(item.suite), item.outcome, time, message, file,
                            _line(attrs.get("line"), line_base), frozenset(item.markers),
                            item.retried)
            key = (record.suite, test_id)
            seen = cases.get(key)
            cases[key] = case(record) if seen is None else then(seen, record)
            self.records += 1
            if open_suites:
                inner = open_suites[-1]
                inner[3] += time
                inner[4] += 1
                _keep(inner[5], (time, -self.records, test_id))

        parser.StartElementHandler = on_root

    def _time(self, raw: str) -> Decimal:
        """A time attribute as an exact Decimal; equal values share one object."""
        value = self.times.get(raw)
        if value is None:
            text = raw.strip()
            if THOUSANDS.fullmatch(text):
                text = text.replace(",", "")
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise _Bad(f"bad time {raw[:40]!r}") from None
            if not value.is_finite() or value < 0:
                raise _Bad(f"bad time {raw[:40]!r}")
            if len(self.times) < 100_000:
                self.times[raw] = value
        return value


Slow = tuple[Decimal, int, str]  # (time, minus the record's position, test id)


def _keep(heap: list[Slow], entry: Slow) -> None:
    """Keep the SUITE_SLOWEST slowest tests in a min-heap, each test once (its slowest attempt).

    Ties go to the first seen. The heap is tiny, so a scan finds a test's earlier attempt.
    """
    for index, kept in enumerate(heap):
        if kept[2] == entry[2]:
            if entry[0] > kept[0]:
                heap[index] = (entry[0], kept[1], entry[2])
                heapq.heapify(heap)
            return
    if len(heap) < SUITE_SLOWEST:
        heapq.heappush(heap, entry)
    elif entry > heap[0]:
        heapq.heapreplace(heap, entry)


def _slowest_first(entry: Slow) -> tuple[Decimal, int]:
    return -entry[0], -entry[1]


def _line(raw: str | None, base: int) -> int | None:
    return int(raw) + base if raw and raw.isdigit() else None


def read(path: Path) -> JUnitFile:
    """Read one JUnit XML file.

    Raises InputError (UnsafeInputError for hostile XML) with one line naming
    the file and the problem.
    """
    reader = _Reader(str(path))
    try:
        xmlsafe.read(path, WHAT, HINT, DIRECTORY_HINT, reader.parse)
    except _Bad as exc:
        line = reader.parser.CurrentLineNumber if hasattr(reader, "parser") else 0
        raise InputError(f"not a valid JUnit report: {path}: line {line}: {exc}") from None
    return JUnitFile(str(path), reader.cases, tuple(reader.suites), reader.records)
