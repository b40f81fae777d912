"""Markdown for a pull-request comment or the GitHub job summary."""

from __future__ import annotations

from gate.model import Ratio, Report
from gate.report.common import ICON, LABEL, threshold_text, value_text
from gate.report.comparison import Comparison, comparison, percent, points

MAX_FINDINGS = 50
#: A table of touched files longer than this folds (<details>), so the comment stays short.
FOLD_FILES = 10


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(report: Report) -> str:
    """The report as a markdown table, with details of what blocked the release."""
    head = "✅ Release allowed" if report.allowed else "❌ Release blocked"
    lines = [f"### Releasegate: {head}", "", f"_{report.verdict()}_", ""]
    lines += ["| | Check | Result | Measured | Threshold |", "|---|---|---|---|---|"]
    for check in report.checks:
        lines.append(
            # A no-break space keeps the icon and its word on one line in a narrow column.
            f"| {ICON[check.status]}&nbsp;{LABEL[check.status]} | `{check.id}` |"
            f" {_cell(check.summary)}"
            f" | {value_text(check)} | {threshold_text(check)} |"
        )
    compared = comparison(report)
    if compared is not None:
        lines += _comparison(compared)
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


def _comparison(compared: Comparison) -> list[str]:
    """Totals before and after, and the table of touched files (folded when long)."""
    lines = ["", "#### Coverage against the base", "",
             f"Compared with {_cell(compared.against)}.", "",
             "| | Before | After | Δ points |", "|---|--:|--:|--:|"]
    rows = [("Lines", compared.lines)]
    if compared.branches is not None:
        rows.append(("Branches", compared.branches))
    for name, (old, new) in rows:
        lines.append(f"| {name} | {percent(old)} | {percent(new)} | {_delta(old, new)} |")
    if compared.files is None:
        return lines
    if not compared.files:
        return lines + ["", "_The change touches no file the coverage report measures._"]
    table = ["| File | Before | After | Δ points | Uncovered changed lines |",
             "|---|--:|--:|--:|---|"]
    for row in compared.files:
        before = percent(row.before) if row.before is not None else "new"
        delta = _delta(row.before, row.after) if row.before is not None else ""
        table.append(f"| `{_code(row.path)}` | {before} | {percent(row.after)} | {delta}"
                     f" | {_cell(row.uncovered) or '—'} |")
    count = len(compared.files)
    title = f"{count} file{'s' if count != 1 else ''} touched by the change"
    if count > FOLD_FILES:
        return lines + ["", f"<details><summary>{title}: {_tally(compared)}</summary>", "",
                        *table, "", "</details>"]
    return lines + ["", f"**{title}**", "", *table]


def _tally(compared: Comparison) -> str:
    """`1 lost coverage, 9 gained, 3 unchanged, 1 new`: what the folded table holds."""
    counts = {"lost coverage": 0, "gained": 0, "unchanged": 0, "new": 0}
    for row in compared.files or ():
        if row.before is None:
            counts["new"] += 1
        elif row.after.value < row.before.value:
            counts["lost coverage"] += 1
        elif row.after.value > row.before.value:
            counts["gained"] += 1
        else:
            counts["unchanged"] += 1
    return ", ".join(f"{n} {what}" for what, n in counts.items() if n)


def _delta(before: Ratio, after: Ratio) -> str:
    text = points(before, after)
    return f"**{text}**" if text.startswith("-") else text


def _code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")
