"""JUnit XML: each check a testcase, so CI systems show the gate beside the tests."""

from __future__ import annotations

# Escaping for output only: nothing here parses XML (bandit B406 flags the module).
from xml.sax.saxutils import escape, quoteattr  # nosec B406

from gate.model import Report, Status

TAGS = {Status.FAIL: "failure", Status.ERROR: "error", Status.SKIP: "skipped"}


def render(report: Report) -> str:
    """The report as a JUnit XML document with one testsuite per family."""
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    failures = sum(1 for c in report.checks if c.status is Status.FAIL)
    errors = report.count(Status.ERROR)
    skipped = report.count(Status.SKIP)
    out.append(f'<testsuites name="releasegate" tests="{len(report.checks)}" '
               f'failures="{failures}" errors="{errors}" skipped="{skipped}">')
    for family in report.families:
        checks = [c for c in report.checks if c.family == family]
        time = sum(c.duration or 0.0 for c in checks)
        out.append(
            f'  <testsuite name={quoteattr("releasegate." + family)} tests="{len(checks)}" '
            f'failures="{sum(c.status is Status.FAIL for c in checks)}" '
            f'errors="{sum(c.status is Status.ERROR for c in checks)}" '
            f'skipped="{sum(c.status is Status.SKIP for c in checks)}" time="{time:.3f}">'
        )
        for check in checks:
            attrs = (f'classname={quoteattr("releasegate." + family)} name={quoteattr(check.id)} '
                     f'time="{check.duration or 0.0:.3f}"')
            if check.status is Status.PASS:
                out.append(f"    <testcase {attrs}/>")
                continue
            tag = TAGS[check.status]
            body = escape("\n".join(f.message for f in check.findings))
            out.append(f"    <testcase {attrs}>")
            out.append(f"      <{tag} message={quoteattr(check.summary)}>{body}</{tag}>")
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"
