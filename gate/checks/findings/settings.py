"""The findings family's settings: its options, how they convert, and what they build."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from gate.errors import UsageError
from gate.family import Option, Origin, as_path, as_paths, as_str
from gate.severity import Level

LEVEL_NAMES = ("low", "medium", "high", "critical")
STALE_POLICIES = ("warn", "fail")
DEFAULT_BASELINE = "findings-baseline.json"
#: The key of a threshold table that applies to every tool not named in it.
EVERY_TOOL = "default"


@dataclass(frozen=True)
class Thresholds:
    """A minimum level for every tool, and for tools named on their own."""

    default: Level = Level.LOW
    by_tool: Mapping[str, Level] = field(default_factory=dict)

    def of(self, tool: str) -> Level:
        """The minimum that applies to `tool`."""
        return self.by_tool.get(tool, self.default)

    given: frozenset[str] = frozenset()  # which keys were set: "default" and tool names


@dataclass(frozen=True)
class FindingsSettings:
    """Which reports the findings family reads, and what it judges them by."""

    flake8: tuple[Path, ...] = ()
    bandit: tuple[Path, ...] = ()
    sarif: tuple[Path, ...] = ()
    baseline: Path | None = None
    min_severity: Thresholds = Thresholds()
    min_confidence: Thresholds = Thresholds()
    diff_against: str | None = None
    stale: str = "warn"

    @property
    def reports(self) -> tuple[tuple[str, Path], ...]:
        """(format, path) of every report, in the order the checks report them."""
        return (*(("flake8", p) for p in self.flake8), *(("bandit", p) for p in self.bandit),
                *(("sarif", p) for p in self.sarif))


def _level(raw: Any, label: str) -> Level:
    found = Level.parse(raw) if isinstance(raw, str) else None
    if found is None:
        raise UsageError(f"{label}: expected one of {', '.join(LEVEL_NAMES)}, got {raw!r}")
    return found


def as_thresholds(raw: Any, origin: Origin) -> Thresholds:
    """`"medium"`, `{ default = "low", bandit = "medium" }`, or `low,bandit=medium` (flags)."""
    if isinstance(raw, str) and ("=" in raw or "," in raw):
        return as_thresholds([part for part in raw.split(",") if part.strip()], origin)
    if isinstance(raw, str):
        return Thresholds(_level(raw, origin.label), {}, frozenset((EVERY_TOOL,)))
    if isinstance(raw, Mapping):
        default, by_tool = Level.LOW, {}
        for key, value in raw.items():
            if key == EVERY_TOOL:
                default = _level(value, f"{origin.label}.{key}")
            else:
                by_tool[str(key).lower()] = _level(value, f"{origin.label}.{key}")
        return Thresholds(default, by_tool, frozenset(str(k).lower() for k in raw))
    if isinstance(raw, list):  # LEVEL or TOOL=LEVEL each
        table: dict[str, str] = {}
        for item in raw:
            text = as_str(item, origin)
            tool, sep, level = text.rpartition("=")
            table[tool.strip().lower() if sep else EVERY_TOOL] = level.strip()
        return as_thresholds(table, origin)
    raise UsageError(f"{origin.label}: expected a level ({', '.join(LEVEL_NAMES)}) or a table "
                     f"of them by tool, got {type(raw).__name__}")


def _policy(raw: Any, origin: Origin) -> str:
    value = as_str(raw, origin).strip().lower()
    if value not in STALE_POLICIES:
        raise UsageError(f"{origin.label}: expected one of {', '.join(STALE_POLICIES)}, "
                         f"got {raw!r}")
    return value


def _ref(raw: Any, origin: Origin) -> str:
    from gate.gitdiff import check_ref

    return check_ref(as_str(raw, origin), origin.label)


OPTIONS = (
    Option("flake8", "flake8 output file (flake8 --output-file, default format); repeatable",
           as_paths, ("--flake8-report",), multiple=True, metavar="PATH"),
    Option("bandit", "bandit JSON report (bandit -f json -o PATH); repeatable", as_paths,
           ("--bandit-report",), multiple=True, metavar="PATH"),
    Option("sarif", "SARIF 2.1.0 log from any tool (zizmor, semgrep, CodeQL, bandit); "
           "repeatable", as_paths, ("--sarif-report",), multiple=True, metavar="PATH"),
    Option("baseline", "the accepted findings (written by `gate baseline`): only findings not "
           "in it block", as_path, ("--findings-baseline",), metavar="PATH"),
    Option("min-severity", "findings below LEVEL (low, medium, high, critical) do not block; "
           "TOOL=LEVEL for one tool, several separated by commas (medium,flake8=low)",
           as_thresholds, ("--min-severity",), metavar="[TOOL=]LEVEL,..."),
    Option("min-confidence", "findings a tool is less sure of than LEVEL do not block (tools "
           "that give no confidence are not filtered); TOOL=LEVEL as for --min-severity",
           as_thresholds, ("--min-confidence",), metavar="[TOOL=]LEVEL,..."),
    Option("diff-against", "only findings on lines changed since the merge base of REF block",
           _ref, ("--diff-against",), metavar="REF", shared=True),
    Option("stale", "baseline entries no finding matches any more: warn (default) or fail",
           _policy, ("--stale-baseline",), metavar="POLICY"),
)
#: Settings that ask for the findings family to run.
ACTIVATING = ("flake8", "bandit", "sarif", "baseline")


def configure(values: Mapping[str, Any]) -> FindingsSettings | None:
    """Settings from option values; None when no report is given."""
    if not any(values.get(key) for key in ACTIVATING):
        return None
    if not any(values.get(key) for key in ("flake8", "bandit", "sarif")):
        raise UsageError("a findings baseline is set but no report to check against it",
                         "pass --flake8-report, --bandit-report or --sarif-report, or set "
                         "flake8/bandit/sarif under [tool.gate.findings]")
    return FindingsSettings(
        flake8=values.get("flake8", ()), bandit=values.get("bandit", ()),
        sarif=values.get("sarif", ()), baseline=values.get("baseline"),
        min_severity=values.get("min-severity", Thresholds()),
        min_confidence=values.get("min-confidence", Thresholds()),
        diff_against=values.get("diff-against"), stale=values.get("stale", "warn"),
    )
