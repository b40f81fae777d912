"""GitHub Actions: workflow-command annotations and step outputs, as text.

The CLI writes these where Actions reads them; building them stays pure.
"""

# No `from __future__ import annotations`: it would clash with annotations() below.
from typing import Mapping, TextIO

from gate.errors import UsageError
from gate.model import Report, Status
from gate.thresholds import show

MAX_ANNOTATIONS = 50  # Actions shows at most 10 per step and 50 per job


def escape_data(text: str) -> str:
    """`text` as the message of a workflow command (`%`, CR and LF escaped)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


_data = escape_data


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(report: Report) -> str:
    """`::error`/`::warning` lines: a failing check's file findings (warnings for those marked
    as not blocking), else the check itself; findings marked as not blocking anywhere."""
    lines = []
    for check in report.checks:
        located = [f for f in check.findings if f.file]
        if not check.status.blocks:
            # Findings marked as not blocking (new ones outside a change) are still worth a
            # look in the pull request; a passing check's other facts are not annotated.
            located = [f for f in located if f.blocks is False]
        for finding in located:
            where = f"file={_prop(finding.file or '')}"
            if finding.line:
                where += f",line={finding.line}"
                if finding.end_line:
                    where += f",endLine={finding.end_line}"
            rule = f" {finding.rule}" if finding.rule else ""
            title = _prop(f"releasegate {check.id}{rule}")
            command = "warning" if finding.blocks is False else "error"
            lines.append(f"::{command} {where},title={title}::{_data(finding.message)}")
        if check.status.blocks and not located:
            title = _prop(f"releasegate {check.id}")
            lines.append(f"::error title={title}::{_data(check.summary)}")
    for warning in report.warnings:
        lines.append(f"::warning title=releasegate::{_data(warning)}")
    return "".join(line + "\n" for line in lines[:MAX_ANNOTATIONS])


def outputs(report: Report) -> str:
    """`name=value` lines for $GITHUB_OUTPUT: passed, line-, branch- and diff-coverage."""
    values = {"passed": "true" if report.allowed else "false",
              "verdict": "allowed" if report.allowed else "blocked"}
    keys = {"coverage.line": "line-coverage", "coverage.branch": "branch-coverage",
            "coverage.diff": "diff-coverage"}
    for check in report.checks:
        if check.id in keys and check.measured is not None:
            values[keys[check.id]] = show(check.measured.value, check.threshold).rstrip("%")
    failed = [c.id for c in report.checks if c.status is Status.FAIL or c.status is Status.ERROR]
    values["failed-checks"] = ",".join(failed)
    return "".join(f"{k}={v}\n" for k, v in values.items())


def publish(report: Report, environ: Mapping[str, str], stream: TextIO) -> None:
    """Annotate to `stream`; append the summary and outputs to the files Actions names.

    Annotations go to stderr when stdout carries a JSON or JUnit report: the
    runner reads workflow commands from both, and the report stays parseable.
    """
    from gate.report.markdown_report import render

    stream.write(annotations(report))
    for variable, text in (("GITHUB_STEP_SUMMARY", render(report)),
                           ("GITHUB_OUTPUT", outputs(report))):
        target = environ.get(variable)
        if target:
            try:
                with open(target, "a", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError as exc:
                raise UsageError(f"cannot append to ${variable} ({target}): "
                                 f"{exc.strerror or exc}") from None
