"""The findings checks: one result per tool, and one for the baseline.

- `findings.<tool>` (`findings.flake8`, `findings.bandit`, `findings.zizmor`, one per tool
  whose report was read) fails when a finding of that tool blocks: it is not accepted
  in the baseline, it reaches the tool's minimum severity and confidence, and (with
  --diff-against) it is on a line the change added or modified. New findings elsewhere
  are listed, marked as not blocking.
- `findings.baseline` (when a baseline is set) lists the entries no finding matches
  any more: a warning by default, a failure with `stale = "fail"`.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from gate.checks.findings import baseline as baselines
from gate.checks.findings.scan import Item, Scan, scan
from gate.checks.findings.settings import EVERY_TOOL, FindingsSettings
from gate.errors import UsageError
from gate.model import CheckResult, Finding, Status
from gate.severity import Level

FAMILY_NAME = "findings"
RULES_SHOWN = 5

ACCEPTED, BELOW, OUTSIDE, BLOCKING = "accepted", "below threshold", "outside the change", \
    "blocking"


@dataclass(frozen=True)
class Judged:
    """A finding with what the gate decided about it."""

    item: Item
    fate: str
    why: str = ""


def evaluate(settings: FindingsSettings, cwd: Path | None = None) -> list[CheckResult]:
    """Read the reports (and baseline), judge every finding, one result per tool."""
    cwd = cwd or Path.cwd()
    found = scan(settings, cwd)
    check_tools(settings, found.tools)
    entries = baselines.read(settings.baseline) if settings.baseline is not None else None
    matched, stale = baselines.match([i.print for i in found.items], entries or [])
    changed = _changed(settings.diff_against, cwd)
    judged = [judge(item, matched[n] is not None, settings, changed)
              for n, item in enumerate(found.items)]
    prefix = repository_prefix(cwd)
    results = [tool_result(tool, [j for j in judged if j.item.finding.tool == tool],
                           _reports_of(found, tool), settings, prefix) for tool in found.tools]
    if entries is not None and settings.baseline is not None:
        results.append(baseline_result(str(settings.baseline), settings.stale, entries, stale,
                                       found.tools))
    if found.warnings and results:
        first = results[0]
        results[0] = CheckResult(first.id, first.family, first.status, first.summary,
                                 findings=first.findings, data=first.data,
                                 warnings=found.warnings + first.warnings)
    return results


def repository_prefix(cwd: Path) -> str:
    """The folder the gate runs in, from the root of the git work tree it is in (`backend/`),
    or "" at the root or outside one: findings are shown (and annotated, and written to
    SARIF) by repository path, as GitHub places them, and as the diff check names files."""
    here = cwd.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            relative = here.relative_to(folder).as_posix()
            return "" if relative == "." else relative + "/"
    return ""


def check_tools(settings: FindingsSettings, tools: Sequence[str]) -> None:
    """A threshold for a tool no report comes from is a typo until proven otherwise."""
    for name, thresholds in (("min-severity", settings.min_severity),
                             ("min-confidence", settings.min_confidence)):
        for tool in thresholds.by_tool:
            if tool not in tools:
                raise UsageError(f"{name} names the tool {tool!r}, and no report read comes "
                                 f"from it (tools read: {', '.join(tools) or 'none'})",
                                 f"spell it as the reports do, or use `{EVERY_TOOL}` for all")


@dataclass(frozen=True)
class Changed:
    """The change --diff-against names: its lines by path from the folder the gate runs in."""

    ref: str
    base: str
    lines: dict[str, frozenset[int]]
    warnings: tuple[str, ...]


def _changed(ref: str | None, cwd: Path) -> Changed | None:
    if ref is None:
        return None
    from gate.gitdiff import changed_lines

    change = changed_lines(ref, cwd)
    here = os.path.relpath(cwd.resolve(), change.root.resolve()).replace(os.sep, "/")
    prefix = "" if here == "." else here + "/"
    lines = {path[len(prefix):]: frozenset(numbers) for path, numbers in change.files.items()
             if path.startswith(prefix)}
    return Changed(ref, change.base, lines, change.warnings)


def judge(item: Item, accepted: bool, settings: FindingsSettings,
          changed: Changed | None) -> Judged:
    """Accepted, below a threshold, outside the change, or blocking."""
    finding = item.finding
    if accepted:
        return Judged(item, ACCEPTED)
    severity = settings.min_severity.of(finding.tool)
    if finding.severity < severity:
        return Judged(item, BELOW, f"severity {finding.severity.label} < {severity.label}")
    confidence = settings.min_confidence.of(finding.tool)
    if finding.confidence is not None and finding.confidence < confidence:
        return Judged(item, BELOW, f"confidence {finding.confidence.label} < {confidence.label}")
    if changed is not None and not _in_change(item, changed):
        return Judged(item, OUTSIDE)
    return Judged(item, BLOCKING)


def _in_change(item: Item, changed: Changed) -> bool:
    lines = changed.lines.get(item.file)
    if lines is None:
        return False
    first = item.finding.line
    if first is None:
        return bool(lines)
    last = item.finding.end_line or first
    return any(n in lines for n in range(first, last + 1))


def _reports_of(found: Scan, tool: str) -> list[str]:
    return [r.path for r in found.reports if tool in r.tools]


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("entry") else f"{count} {word}s"


def _rules(judged: Sequence[Judged]) -> str:
    counts = Counter(j.item.finding.rule for j in judged).most_common()
    shown = ", ".join(f"{rule} x{n}" if n > 1 else rule for rule, n in counts[:RULES_SHOWN])
    return shown + (", ..." if len(counts) > RULES_SHOWN else "")


def finding_of(judged: Judged, prefix: str = "") -> Finding:
    """A judged finding as the reports show it: `file:line: RULE message [severity]`, the file
    by its repository path (`prefix` is the project folder's)."""
    scan_finding, name = judged.item.finding, judged.item.file
    if name and prefix and not name.startswith(("/", "../")):
        name = prefix + name
    where = f"{name}:{scan_finding.line}" if scan_finding.line else (name or "(no file)")
    note = " (outside the change: not blocking)" if judged.fate == OUTSIDE else ""
    return Finding(
        f"{where}: {scan_finding.rule} {scan_finding.message} [{scan_finding.severity.label}]"
        f"{note}",
        file=name or None, line=scan_finding.line, end_line=scan_finding.end_line,
        rule=scan_finding.rule, tool=scan_finding.tool, severity=scan_finding.severity.label,
        column=scan_finding.column, blocks=judged.fate == BLOCKING,
    )


def tool_result(tool: str, judged: Sequence[Judged], reports: Sequence[str],
                settings: FindingsSettings, prefix: str = "") -> CheckResult:
    """findings.<tool>: fails when one of the tool's findings blocks."""
    by_fate = {fate: [j for j in judged if j.fate == fate]
               for fate in (BLOCKING, OUTSIDE, ACCEPTED, BELOW)}
    blocking, outside = by_fate[BLOCKING], by_fate[OUTSIDE]
    parts = []
    if by_fate[ACCEPTED]:
        parts.append(f"{len(by_fate[ACCEPTED])} accepted in the baseline")
    if by_fate[BELOW]:
        parts.append(f"{len(by_fate[BELOW])} below {_threshold_text(tool, settings)}")
    if outside:
        parts.append(f"{len(outside)} new outside the change ({_rules(outside)}), not blocking")
    rest = "; ".join(parts)
    total = len(judged)
    data: dict[str, Any] = {
        "tool": tool, "reports": list(reports), "findings": total,
        **{fate.replace(" ", "_"): len(items) for fate, items in by_fate.items()},
        "min_severity": settings.min_severity.of(tool).label,
        "min_confidence": settings.min_confidence.of(tool).label,
        "new_rules": dict(Counter(j.item.finding.rule for j in blocking)),
    }
    if settings.diff_against:
        data["diff_against"] = settings.diff_against
    findings = tuple(finding_of(j, prefix) for j in [*blocking, *outside])
    if blocking:
        scope = " on changed lines" if settings.diff_against else ""
        summary = (f"{_plural(len(blocking), 'new finding')}{scope} ({_rules(blocking)}) of "
                   f"{total}" + (f"; {rest}" if rest else ""))
        return CheckResult(f"{FAMILY_NAME}.{tool}", FAMILY_NAME, Status.FAIL, summary,
                           findings=findings, data=data)
    if not total:
        summary = f"no findings in {_plural(len(reports), 'report')}"
    elif not (outside or by_fate[BELOW]) and by_fate[ACCEPTED]:
        summary = f"{_plural(total, 'finding')}, all accepted in the baseline"
    else:
        summary = f"no new finding blocks: {_plural(total, 'finding')}, {rest}"
    return CheckResult(f"{FAMILY_NAME}.{tool}", FAMILY_NAME, Status.PASS, summary,
                       findings=findings, data=data)


def _threshold_text(tool: str, settings: FindingsSettings) -> str:
    severity, confidence = settings.min_severity.of(tool), settings.min_confidence.of(tool)
    parts = [f"min-severity {severity.label}"] if severity > Level.LOW else []
    if confidence > Level.LOW:
        parts.append(f"min-confidence {confidence.label}")
    return " / ".join(parts) or "the thresholds"


def baseline_result(name: str, policy: str, entries: Sequence[baselines.Entry],
                    stale: Sequence[int], tools: Sequence[str]) -> CheckResult:
    """findings.baseline: entries no finding matches any more (stale), and unread tools."""
    unread = Counter(entries[i].tool for i in stale if entries[i].tool not in tools)
    gone = [entries[i] for i in stale if entries[i].tool in tools]
    warnings = [f"{name}: {_plural(n, 'entry')} for {tool}, whose report was not read here: "
                "not checked" for tool, n in sorted(unread.items())]
    findings = tuple(
        Finding(f"{e.file}:{e.line or '?'}: {e.rule} {e.message} (stale: no longer found)",
                file=e.file or None, line=e.line, rule=e.rule, tool=e.tool, severity=e.severity,
                blocks=policy == "fail")
        for e in gone)
    data = {"baseline": name, "entries": len(entries), "matched": len(entries) - len(stale),
            "stale": [e.to_dict() for e in gone], "not_checked": dict(unread),
            "policy": policy}
    if not gone:
        summary = (f"{_plural(len(entries), 'baseline entry')}, none stale"
                   if entries else "the baseline is empty")
        return CheckResult(f"{FAMILY_NAME}.baseline", FAMILY_NAME, Status.PASS, summary,
                           data=data, warnings=tuple(warnings))
    summary = (f"{_plural(len(gone), 'stale baseline entry')} of {len(entries)}, no longer "
               f"found ({', '.join(sorted({e.rule for e in gone}))}): drop them with "
               "`python -m gate baseline`")
    if policy == "fail":
        return CheckResult(f"{FAMILY_NAME}.baseline", FAMILY_NAME, Status.FAIL, summary,
                           findings=findings, data=data, warnings=tuple(warnings))
    warnings.insert(0, f"findings.baseline: {summary}")
    return CheckResult(f"{FAMILY_NAME}.baseline", FAMILY_NAME, Status.PASS, summary,
                       findings=findings, data=data, warnings=tuple(warnings))
