"""A streaming, defused reader for JUnit XML (pytest --junitxml, Surefire, Gradle, Jest, go).

The common schema: <testsuites> or <testsuite> at the root, <testcase
classname name time [file line]> inside, with an optional <failure>, <error>
or <skipped> child. Attempts a rerun plugin reports inside a testcase
(<flakyFailure>, <flakyError>, <rerunFailure>, <rerunError>) count as failed
attempts; <property name="marker" value="..."/> gives a test its markers.

Like the Cobertura reader it drives expat directly (gate.readers.xmlsafe: defusedxml's
handlers, streamed in pieces) and keeps one small case per test, never the stack
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
from typing import IO, Any, Iterator

from gate.errors import InputError
from gate.numeric import MAX_SECONDS, TooLong, bounded, whole
from gate.readers import xmlsafe
from gate.readers.junit.model import EMPTY, ZERO, Case, Outcome, Suite, first_line, then

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
SEPARATORS = re.compile(r"[\s,]+")
PASSED = Outcome.PASSED
TEXT_LIMIT = 4096
SUITE_SLOWEST = 3
THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")


class _Bad(Exception):
    """A malformed value inside the report; turned into an InputError with the line."""


@dataclass(frozen=True)
class JUnitFile:
    """One file's tests (attempts combined), by suite name then test id, and outermost suites."""

    path: str
    cases: dict[str, dict[str, Case]]
    suites: tuple[Suite, ...]
    records: int

    def each(self) -> Iterator[Case]:
        """Every test of the file, suite by suite."""
        for found in self.cases.values():
            yield from found.values()


class _Reader:
    """Folds expat events into cases by suite and id, and outermost suites."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.cases: dict[str, dict[str, Case]] = {}
        self.suites: list[Suite] = []
        self.records = 0
        self.times: dict[str, Decimal] = {}

    def parse(self, handle: IO[bytes]) -> None:
        parser = xmlsafe.parser()
        self._install(parser)
        self.parser = parser
        xmlsafe.feed(parser, handle)

    def _install(self, parser: Any) -> None:
        cases, suites, time_of = self.cases, self.suites, self._time
        # Open <testsuite> elements: [depth, name, declared time, summed time, records,
        # a heap of its slowest records]; inner suites hand theirs to the outer one.
        open_suites: list[list[Any]] = []
        by_id: dict[str, Case] = cases.setdefault("", {})
        depth = 0
        line_base = 0
        summing = False  # whether an open suite has no time attribute, so its tests' add up
        # The testcase being read (case_depth 0: none): its attributes, its worst result
        # child so far, the failed attempts it reports, its markers.
        case_depth = 0
        attrs_of: dict[str, str] = {}
        rank = retried = 0
        outcome = PASSED
        message = retry_message = ""
        markers: set[str] | None = None
        # The text of a result element that has no message attribute.
        text: list[str] = []
        text_depth = text_size = 0

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
            nonlocal depth, case_depth, attrs_of, rank, retried, outcome, message
            nonlocal retry_message, markers, by_id, summing
            depth += 1
            if case_depth:
                if depth == case_depth + 1:
                    result = RESULTS.get(tag)
                    if result is not None:
                        if result[0] > rank:
                            rank, outcome = result
                            if tag == "skipped" and attrs.get("type") == "pytest.xfail":
                                outcome = Outcome.XFAILED
                            message = first_line(attrs.get("message"))
                            if not message:
                                start_text()
                        return
                    if tag in RETRIES:
                        retried += 1
                        if not retry_message:
                            retry_message = first_line(attrs.get("message"))
                        return
                if tag == "property" and attrs.get("name") in MARKER_PROPERTIES:
                    if markers is None:
                        markers = set()
                    markers.update(m for m in SEPARATORS.split(attrs.get("value", "")) if m)
                return
            if tag == "testcase":
                case_depth, attrs_of = depth, attrs
                rank = retried = 0
                outcome, message, retry_message, markers = PASSED, "", "", None
            elif tag == "testsuite":
                name = sys.intern(attrs.get("name", ""))
                raw_time = attrs.get("time")
                declared = time_of(raw_time) if raw_time else None  # checked on its own line
                open_suites.append([depth, name, declared, ZERO, 0, []])
                by_id = cases.setdefault(name, {})
                summing = summing or declared is None

        def start_text() -> None:
            nonlocal text_depth, text_size
            text.clear()
            text_depth, text_size = depth, 0
            parser.CharacterDataHandler = collect

        def collect(data: str) -> None:
            # Keeps the first TEXT_LIMIT characters. (Unsetting the handler here would make
            # expat flush its buffer into this very handler again.)
            nonlocal text_size
            if text_size < TEXT_LIMIT:
                text.append(data)
                text_size += len(data)

        def on_end(tag: str) -> None:
            nonlocal depth, case_depth, text_depth, message, by_id, summing
            if case_depth:
                if depth == case_depth:
                    finish()
                    case_depth = 0
                elif depth == text_depth:
                    parser.CharacterDataHandler = None
                    text_depth = 0
                    if rank and not message:
                        message = first_line("".join(text)[:TEXT_LIMIT])
            elif open_suites and depth == open_suites[-1][0]:
                _, name, declared, summed, records, slow = open_suites.pop()
                if open_suites:
                    outer = open_suites[-1]
                    outer[3] += summed
                    outer[4] += records
                    for entry in slow:
                        _keep(outer[5], entry)
                    by_id = cases[outer[1]]
                    summing = any(suite[2] is None for suite in open_suites)
                else:
                    time = declared if declared is not None else summed
                    ranked = tuple((i, t) for t, _, i in sorted(slow, key=_slowest_first))
                    suites.append(Suite(name, self.path, time, records, ranked))
                    by_id = cases[""]
                    summing = False
            depth -= 1

        def finish() -> None:
            name = attrs_of.get("name", "")
            classname = attrs_of.get("classname")
            file = attrs_of.get("file") or None
            if classname:
                test_id = f"{classname}::{name}"
            elif file:
                test_id = f"{file}::{name}"
            elif name:
                test_id = name
            else:
                raise _Bad("<testcase> without a name")
            raw_time = attrs_of.get("time")
            time = time_of(raw_time) if raw_time else ZERO
            raw_line = attrs_of.get("line")
            line = (whole(raw_line, "line") + line_base if raw_line and raw_line.isdigit()
                    else None)
            failed = retried + (rank > 2)
            suite = open_suites[-1][1] if open_suites else ""
            found = Case(test_id, suite, outcome, time, message if rank else retry_message, file,
                         line, frozenset(markers) if markers else EMPTY, 1 + retried, failed)
            seen = by_id.get(test_id)
            by_id[test_id] = found if seen is None else then(seen, found)
            self.records += 1
            if open_suites:
                inner = open_suites[-1]
                if summing:
                    inner[3] += time
                inner[4] += 1
                heap = inner[5]
                if len(heap) < SUITE_SLOWEST or time > heap[0][0]:
                    _keep(heap, (time, -self.records, test_id))

        parser.StartElementHandler = on_root

    def _time(self, raw: str) -> Decimal:
        """A time attribute as an exact Decimal; equal values share one object."""
        value = self.times.get(raw)
        if value is None:
            text = bounded(raw, "time").strip()
            if THOUSANDS.fullmatch(text):
                text = text.replace(",", "")
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise _Bad(f"bad time {raw[:40]!r}") from None
            if not value.is_finite() or value < 0:
                raise _Bad(f"bad time {raw[:40]!r}")
            if value > MAX_SECONDS:
                raise _Bad(f"bad time {raw[:40]!r} (more than {MAX_SECONDS:,} seconds)")
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


def read(path: Path) -> JUnitFile:
    """Read one JUnit XML file.

    Raises InputError (UnsafeInputError for hostile XML) with one line naming
    the file and the problem.
    """
    reader = _Reader(str(path))
    try:
        xmlsafe.read(path, WHAT, HINT, DIRECTORY_HINT, reader.parse)
    except (_Bad, TooLong) as exc:
        line = reader.parser.CurrentLineNumber if hasattr(reader, "parser") else 0
        raise InputError(f"not a valid JUnit report: {path}: line {line}: {exc}") from None
    cases = {suite: found for suite, found in reader.cases.items() if found}
    return JUnitFile(str(path), cases, tuple(reader.suites), reader.records)
