"""The result model every check returns and every renderer reads.

Frozen dataclasses only: the core builds them, nothing mutates them, and the
renderers turn them into text without deciding anything.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import islice
from typing import Any, Callable, Collection, Iterator, Mapping, Sequence, TypeVar, overload

from gate.exitcodes import ExitCode


_Item = TypeVar("_Item")


class LazyRows(Sequence[dict[str, Any]]):
    """Rows of a check's `data` made only when they are read, from the items they describe.

    A report of 200,000 files would otherwise hold a dict of dicts per file (about
    600 bytes each) for the whole run, though only the JSON report writes them; the
    renderers read them through `rows()`, which makes each row as it is written.
    """

    __slots__ = ("_items", "_row")

    def __init__(self, items: Collection[_Item], row: Callable[[_Item], dict[str, Any]]) -> None:
        self._items: Collection[Any] = items
        self._row: Callable[[Any], dict[str, Any]] = row

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self._row, self._items)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return list(self)[index]
        size = len(self)
        if not -size <= index < size:
            raise IndexError(index)
        return next(islice(self, index % size, None))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (LazyRows, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyRows({list(self)!r})"


def rows(value: Any) -> Any:
    """`value` with any LazyRows in it (directly, or in a dict or list) made into a list."""
    if isinstance(value, LazyRows):
        return list(value)
    if isinstance(value, dict):
        return {key: rows(item) for key, item in value.items()}
    return value


class Status(str, enum.Enum):
    """A check's outcome. FAIL and ERROR block the release."""

    # A status name, not a password (bandit B105 judges by the word).
    PASS = "pass"  # nosec B105
    FAIL = "fail"
    ERROR = "error"
    SKIP = "skip"

    @property
    def blocks(self) -> bool:
        """Whether this outcome stops the release."""
        return self in (Status.FAIL, Status.ERROR)


@dataclass(frozen=True)
class Ratio:
    """A covered/total count pair; the value is exact, never a rounded float."""

    covered: int
    total: int

    @property
    def value(self) -> Fraction:
        """covered / total as an exact fraction (0 when nothing was measured)."""
        return Fraction(self.covered, self.total) if self.total else Fraction(0)

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.covered + other.covered, self.total + other.total)


@dataclass(frozen=True)
class Finding:
    """One detail behind a check's result, optionally tied to a place in a file.

    `rule`, `tool` and `severity` make a finding matchable by a machine (a rule
    id field, as SARIF and code scanning expect, never only text inside the
    message). `blocks` says whether this finding is one its check fails on:
    None means "as its check" (every finding of a failing check blocks); False
    marks a finding shown for information beside blocking ones.
    """

    message: str
    file: str | None = None
    line: int | None = None
    end_line: int | None = None
    rule: str | None = None
    tool: str | None = None
    severity: str | None = None
    column: int | None = None
    blocks: bool | None = None


@dataclass(frozen=True)
class CheckResult:
    """What one check found.

    `id` is stable (`coverage.line`, `deploy.env`, `connect.db`) so that
    pipelines and baselines can refer to it. `measured` and `threshold` are set
    for numeric checks; `data` holds JSON-ready extra facts for the reports.
    """

    id: str
    family: str
    status: Status
    summary: str
    measured: Ratio | None = None
    threshold: Fraction | None = None
    findings: tuple[Finding, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    duration: float | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """Everything one `gate check` run found, in the order the checks ran."""

    checks: tuple[CheckResult, ...]

    @property
    def warnings(self) -> tuple[str, ...]:
        """Warnings the checks raised: worth reading, not blocking."""
        return tuple(w for c in self.checks for w in c.warnings)

    @property
    def blocking(self) -> tuple[CheckResult, ...]:
        """The checks that stop the release."""
        return tuple(c for c in self.checks if c.status.blocks)

    @property
    def allowed(self) -> bool:
        """Whether the release may go ahead."""
        return not self.blocking

    @property
    def exit_code(self) -> ExitCode:
        """The exit code this report ends the process with."""
        return ExitCode.ALLOWED if self.allowed else ExitCode.BLOCKED

    @property
    def families(self) -> tuple[str, ...]:
        """The check families that ran, in order, each once."""
        return tuple(dict.fromkeys(c.family for c in self.checks))

    def count(self, status: Status) -> int:
        """How many checks ended with `status`."""
        return sum(1 for c in self.checks if c.status is status)

    def verdict(self) -> str:
        """The one-line verdict: "release allowed" or "release blocked: ..."."""
        total = len(self.checks)
        if self.allowed:
            skipped = self.count(Status.SKIP)
            note = f", {skipped} skipped" if skipped else ""
            return f"release allowed: {total - skipped} of {total} checks passed{note}"
        failed = len(self.blocking)
        return f"release blocked: {failed} of {total} checks failed"
