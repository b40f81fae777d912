"""Markdown for a pull-request comment or the GitHub job summary."""

from __future__ import annotations

from gate.model import Report
from gate.report.common import ICON, LABEL, threshold_text, value_text

MAX_FINDINGS = 50


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(report: Report) -> str:
    """The report as a markdown table, with details of what blocked the release."""
    head = "✅ Release allowed" if report.allowed else "❌ Release blocked"
    lines = [f"### Releasegate: {head}", "", f"_{report.verdict()}_", ""]
    lines += ["| | Check | Result | Measured | Threshold |", "|---|---|---|---|---|"]
    for check in report.checks:
        lines.append(
            f"| {ICON[check.status]} {LABEL[check.status]} | `{check.id}` | {_cell(check.summary)}"
            f" | {value_text(check)} | {threshold_text(check)} |"
        )
    for check in report.checks:  # passing checks' findings are facts worth a look too
        if not check.findings:
            continue
        lines += ["", f"<details><summary><code>{check.id}</code>: "
                      f"{len(check.findings)} finding(s)</summary>", ""]
        lines += [f"- {_cell(f.message)}" for f in check.findings[:MAX_FINDINGS]]
        if len(check.findings) > MAX_FINDINGS:
            lines.append(f"- ... and {len(check.findings) - MAX_FINDINGS} more")
        lines += ["", "</details>"]
    if report.warnings:
        lines += ["", "**Warnings**", ""] + [f"- {_cell(w)}" for w in report.warnings]
    return "\n".join(lines) + "\n"
