"""The tests family's checks: pure functions of combined JUnit results, and the run."""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Sequence

from gate.checks.tests.settings import SkipLimit, TestsSettings
from gate.errors import InputError
from gate.model import CheckResult, Finding, Status
from gate.readers.junit.model import ZERO, Case, Outcome, Results, select
from gate.thresholds import floor_percent, percent_places

FAMILY_NAME = "tests"
SKIP_REASONS_SHOWN = 20


def expand(paths: Sequence[Path]) -> list[Path]:
    """The files to read: each path as given, or a glob's matches in sorted order."""
    import glob

    files: list[Path] = []
    for path in paths:
        text = str(path)
        if not path.exists() and any(c in text for c in "*?["):
            found = sorted(glob.glob(text, recursive=True))
            if not found:
                raise InputError(f"no JUnit report matches {text}",
                                 "produce them with pytest --junitxml=PATH")
            files.extend(Path(f) for f in found)
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def evaluate(settings: TestsSettings) -> list[CheckResult]:
    """Read the JUnit files and run every check."""
    from gate.readers.junit.model import combine
    from gate.readers.junit.reader import read

    if not settings.files:
        raise InputError("tests checks are configured but no JUnit report is given",
                         "pass --junit-file PATH (pytest --junitxml=PATH writes one), set "
                         "files under [tool.gate.tests], or --skip tests")
    warnings = []
    read_files = []
    for path in expand(settings.files):
        found = read(path)
        if not found.records:
            warnings.append(f"{path}: contains no test cases")
        read_files.append((found.path, found.suites, found.cases))
    results = combine(read_files)
    checks = [
        check_failures(results),
        check_count(results, settings.min_tests),
        check_skipped(results, settings.max_skipped),
    ]
    if settings.require:
        checks.append(check_required(results, settings.require))
    checks.append(check_flaky(results, settings.flaky))
    checks.append(check_duration(results, settings.slowest, settings.max_test_seconds,
                                 settings.max_suite_seconds))
    if warnings:  # they concern the files, so they travel with the first check
        checks[0] = replace(checks[0], warnings=tuple(warnings) + checks[0].warnings)
    return checks


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _finding(results: Results, item: Case, text: str) -> Finding:
    return Finding(f"{results.label(item)}: {text}", file=item.file, line=item.line)


def _row(results: Results, item: Case) -> dict[str, Any]:
    row: dict[str, Any] = {"id": results.label(item), "outcome": item.outcome.value,
                           "seconds": float(item.time)}
    if item.message:
        row["message"] = item.message
    if item.file:
        row["file"] = item.file
    if item.line:
        row["line"] = item.line
    if item.attempts > 1:
        row["attempts"] = item.attempts
    return row


def check_failures(results: Results) -> CheckResult:
    """tests.failures: no test failed or errored in the end."""
    counts = results.counts()
    failing = results.failing
    data = {"counts": counts, "files": list(results.files),
            "failing": [_row(results, c) for c in failing]}
    if not failing:
        flaky = f" ({_plural(counts['flaky'], 'flaky test')} passed on a rerun)" \
            if counts["flaky"] else ""
        return CheckResult("tests.failures", FAMILY_NAME, Status.PASS,
                           f"no failures or errors in {_plural(counts['tests'], 'test')}{flaky}",
                           data=data)
    parts = [_plural(counts["failed"], "failure")] if counts["failed"] else []
    if counts["error"]:
        parts.append(_plural(counts["error"], "error"))
    findings = tuple(
        _finding(results, c, f"{c.outcome.value}" + (f": {c.message}" if c.message else ""))
        for c in failing
    )
    summary = f"{len(failing)} of {_plural(counts['tests'], 'test')} failed: {', '.join(parts)}"
    return CheckResult("tests.failures", FAMILY_NAME, Status.FAIL, summary, findings=findings,
                       data=data)


def check_count(results: Results, minimum: int) -> CheckResult:
    """tests.count: at least `minimum` tests ran (skipped tests do not count)."""
    ran, total = results.ran, len(results.cases)
    skipped = total - ran
    note = f" ({skipped} skipped)" if skipped else ""
    data = {"ran": ran, "tests": total, "min": minimum}
    if ran >= minimum:
        return CheckResult("tests.count", FAMILY_NAME, Status.PASS,
                           f"{_plural(ran, 'test')} ran{note} >= {minimum} required", data=data)
    why = (" (hint: a collection error or a wrong path empties a run)" if not ran else "")
    return CheckResult("tests.count", FAMILY_NAME, Status.FAIL,
                       f"only {_plural(ran, 'test')} ran{note} < {minimum} required{why}",
                       data=data)


def ceil_percent(value: Fraction, places: int) -> str:
    """`value` as a percentage rounded *up*: a value over a maximum never shows as within it."""
    scale = 10**places
    units = math.ceil(value * 100 * scale)
    whole, frac = divmod(units, scale)
    return f"{whole}.{frac:0{places}d}%" if places else f"{whole}%"


def check_skipped(results: Results, limit: SkipLimit | None) -> CheckResult:
    """tests.skipped: how many tests were skipped, within `max-skipped` when one is set."""
    skipped = results.with_outcome(Outcome.SKIPPED)
    total = len(results.cases)
    share = Fraction(len(skipped), total) if total else Fraction(0)
    if limit is not None and limit.fraction is not None:
        # Rounded up at the limit's precision: a share over the limit never shows as within it.
        shown = ceil_percent(share, percent_places(limit.fraction))
    else:
        shown = floor_percent(share)
    head = f"{len(skipped)} of {_plural(total, 'test')} skipped ({shown})"
    findings = _skip_reasons(results, skipped)
    data: dict[str, Any] = {"skipped": len(skipped), "tests": total,
                            "reasons": [f.message for f in findings]}
    if limit is None:
        return CheckResult("tests.skipped", FAMILY_NAME, Status.PASS, f"{head}, no limit set",
                           findings=findings, data=data)
    data["max"] = limit.count if limit.count is not None else float(limit.fraction or 0)
    if limit.allows(len(skipped), total):
        return CheckResult("tests.skipped", FAMILY_NAME, Status.PASS,
                           f"{head} <= {limit.describe()} allowed", findings=findings, data=data)
    return CheckResult("tests.skipped", FAMILY_NAME, Status.FAIL,
                       f"{head} > {limit.describe()} allowed", findings=findings, data=data)


def _skip_reasons(results: Results, skipped: Sequence[Case]) -> tuple[Finding, ...]:
    """Skipped tests grouped by reason, the commonest reason first."""
    groups: dict[str, list[Case]] = {}
    for item in skipped:
        groups.setdefault(item.message or "no reason given", []).append(item)
    ranked = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    findings = []
    for reason, items in ranked[:SKIP_REASONS_SHOWN]:
        first = results.label(items[0])
        if len(items) == 1:
            findings.append(Finding(f"{first}: skipped: {reason}", file=items[0].file,
                                    line=items[0].line))
        else:
            findings.append(Finding(f"{len(items)} tests skipped: {reason} (first: {first})"))
    if len(ranked) > SKIP_REASONS_SHOWN:
        rest = sum(len(items) for _, items in ranked[SKIP_REASONS_SHOWN:])
        findings.append(Finding(f"... and {_plural(rest, 'test')} skipped for "
                                f"{len(ranked) - SKIP_REASONS_SHOWN} other reasons"))
    return tuple(findings)


def check_required(results: Results, patterns: Sequence[str]) -> CheckResult:
    """tests.required: each pattern names at least one test that ran and passed."""
    findings, rows, missing = [], [], []
    for pattern in patterns:
        chosen = select(results.cases, pattern)
        passed = [c for c in chosen if c.outcome is Outcome.PASSED]
        by_outcome: dict[str, int] = {}
        for item in chosen:
            by_outcome[item.outcome.value] = by_outcome.get(item.outcome.value, 0) + 1
        rows.append({"pattern": pattern, "matched": len(chosen), **by_outcome})
        if passed:
            findings.append(Finding(f"{pattern!r}: {_plural(len(passed), 'test')} passed"))
            continue
        missing.append(pattern)
        if chosen:
            spread = ", ".join(f"{n} {o}" for o, n in by_outcome.items())
            reason = f"{_plural(len(chosen), 'test')} matched but none passed ({spread})"
            example = next((c for c in chosen if c.message), chosen[0])
            if example.message:
                reason += f"; {results.label(example)}: {example.message}"
        else:
            reason = "no test matches"
        findings.append(Finding(f"{pattern!r}: {reason}"))
    findings.sort(key=lambda f: not any(f.message.startswith(repr(p) + ":") for p in missing))
    data = {"patterns": rows}
    if missing:
        summary = (f"{len(missing)} of {_plural(len(patterns), 'required pattern')} with no "
                   f"passing test: {', '.join(missing)}")
        return CheckResult("tests.required", FAMILY_NAME, Status.FAIL, summary,
                           findings=tuple(findings), data=data)
    return CheckResult("tests.required", FAMILY_NAME, Status.PASS,
                       f"every required pattern has a passing test: {', '.join(patterns)}",
                       findings=tuple(findings), data=data)


def check_flaky(results: Results, policy: str) -> CheckResult:
    """tests.flaky: tests that failed, then passed; `policy` decides whether they block."""
    flaky = results.flaky
    data = {"flaky": [_row(results, c) for c in flaky], "policy": policy}
    if not flaky:
        return CheckResult("tests.flaky", FAMILY_NAME, Status.PASS, "no flaky tests", data=data)
    findings = tuple(
        _finding(results, c, f"failed {c.failed_attempts} of {c.attempts} attempts, then passed"
                 + (f": {c.message}" if c.message else ""))
        for c in flaky
    )
    head = f"{_plural(len(flaky), 'flaky test')} (failed, then passed on a rerun)"
    if policy == "block":
        return CheckResult("tests.flaky", FAMILY_NAME, Status.FAIL, f"{head}; flaky = block",
                           findings=findings, data=data)
    warnings: tuple[str, ...] = ()
    if policy == "warn":
        warnings = tuple(f"flaky test: {f.message}" for f in findings)
    return CheckResult("tests.flaky", FAMILY_NAME, Status.PASS,
                       f"{head}; flaky = {policy}: not blocking", findings=findings, data=data,
                       warnings=warnings)


def seconds(value: Decimal) -> str:
    """`2.310s`: three decimals, or every written decimal when there are more."""
    rounded = value.quantize(Decimal("0.001"))
    return f"{rounded}s" if rounded == value else f"{value.normalize():f}s"


def check_duration(results: Results, slowest: int, max_test: Decimal | None,
                   max_suite: Decimal | None) -> CheckResult:
    """tests.duration: the slowest tests, and the per-test and per-suite budgets."""
    over_tests = [] if max_test is None else sorted(
        (c for c in results.cases if c.time > max_test), key=lambda c: -c.time)
    over_suites = [] if max_suite is None else [s for s in results.suites if s.time > max_suite]
    top = results.slowest(slowest) if slowest else []
    findings = [
        Finding(f"suite {s.name or 'unnamed'!r} in {s.file} took {seconds(s.time)} > "
                f"{seconds(max_suite or ZERO)}; its slowest: "
                + ", ".join(f"{test_id} {seconds(t)}" for test_id, t in s.slowest))
        for s in over_suites
    ]
    limit = seconds(max_test or ZERO)
    findings += [_finding(results, c, f"{seconds(c.time)} > {limit}") for c in over_tests]
    findings += [_finding(results, c, f"{seconds(c.time)} (slowest #{n})")
                 for n, c in enumerate(top, 1) if c not in over_tests]
    total = sum((s.time for s in results.suites), ZERO)
    data = {
        "slowest": [_row(results, c) for c in top],
        "suites": [{"name": s.name, "file": s.file, "seconds": float(s.time),
                    "records": s.records} for s in results.suites],
        "max_test_seconds": float(max_test) if max_test is not None else None,
        "max_suite_seconds": float(max_suite) if max_suite is not None else None,
    }
    where = f"{_plural(len(results.suites), 'suite')} took {seconds(total)}"
    if top:
        where += f"; slowest: {results.label(top[0])} {seconds(top[0].time)}"
    if over_tests or over_suites:
        parts = []
        if over_tests:
            parts.append(f"{_plural(len(over_tests), 'test')} over {seconds(max_test or ZERO)}")
        if over_suites:
            parts.append(f"{_plural(len(over_suites), 'suite')} over "
                         f"{seconds(max_suite or ZERO)}")
        return CheckResult("tests.duration", FAMILY_NAME, Status.FAIL,
                           f"{' and '.join(parts)} ({where})", findings=tuple(findings),
                           data=data)
    budgets = [f"each test <= {seconds(max_test)}" if max_test is not None else "",
               f"each suite <= {seconds(max_suite)}" if max_suite is not None else ""]
    within = "; " + " and ".join(b for b in budgets if b) if any(budgets) else ""
    return CheckResult("tests.duration", FAMILY_NAME, Status.PASS, f"{where}{within}",
                       findings=tuple(findings), data=data)
