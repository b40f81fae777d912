"""`gate baseline`: record today's findings as accepted, so that only new ones block.

It reads the same reports `gate check` does (the `[tool.gate.findings]` settings, or
the flags) and writes every finding in them to the baseline file, replacing what it
held, and says what changed: entries kept, added, and dropped as stale. A file that
is not a findings baseline is never overwritten.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from gate.checks.findings.settings import DEFAULT_BASELINE, OPTIONS
from gate.family import Family

#: The options `gate baseline` takes as flags: the reports, and the baseline file.
RECORD_KEYS = ("flake8", "bandit", "sarif", "baseline")


def _family() -> Family:
    from gate.checks.findings import FAMILY

    return FAMILY


def add_parser(subcommands: Any) -> argparse.ArgumentParser:
    """Register `baseline` with the CLI's subcommands."""
    parser: argparse.ArgumentParser = subcommands.add_parser(
        "baseline",
        help="record the findings the reports hold today as accepted (only new ones block)",
        description="Read the lint and security reports the findings checks read, and write "
                    "every finding in them to the baseline file ([tool.gate.findings] baseline, "
                    f"default {DEFAULT_BASELINE}), replacing its entries.",
    )
    parser.add_argument("--config", type=Path, metavar="PATH",
                        help="settings file (default: [tool.gate] in ./pyproject.toml, "
                             "else ./gate.toml)")
    subset = Family("findings", "Reports", tuple(o for o in OPTIONS if o.key in RECORD_KEYS),
                    dict, lambda settings: [])
    subset.add_arguments(parser)
    return parser


def run(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    """Carry out `gate baseline`; returns the exit code."""
    from gate import config
    from gate.checks.findings import baseline as baselines
    from gate.checks.findings.scan import scan
    from gate.checks.findings.settings import configure
    from gate.errors import UsageError

    out = stdout or sys.stdout
    family = _family()
    settings = config.load(args.config)
    table = settings.tables.get(family.name)
    values = family.values(args, table, settings.where(family.name), settings.base)
    target = values.get("baseline")
    configured = target is not None
    target = target or settings.base / DEFAULT_BASELINE
    chosen = configure({**values, "baseline": target})
    if chosen is None:
        raise UsageError("no report to record findings from",
                         "pass --flake8-report, --bandit-report or --sarif-report, or set "
                         "them under [tool.gate.findings]")
    old = baselines.read(target) if target.exists() or target.is_symlink() else None
    found = scan(chosen, Path.cwd())
    entries = [baselines.entry_of(i.print, i.finding.line, i.finding.severity.label,
                                  i.finding.message) for i in found.items]
    baselines.write(target, baselines.render(entries))
    out.write(summary(target, found.tools, entries, old, found.warnings))
    if not configured:
        out.write(f"set it for `gate check`: baseline = \"{target.name}\" under "
                  "[tool.gate.findings] (or [findings] in gate.toml)\n")
    return 0


def summary(target: Path, tools: tuple[str, ...], entries: list[Any], old: list[Any] | None,
            warnings: tuple[str, ...]) -> str:
    """What `gate baseline` recorded, per tool and rule, and what changed."""
    from gate.checks.findings.baseline import match
    from gate.checks.findings.fingerprint import Print

    lines = []
    count = len(entries)
    head = f"recorded {count} finding{'' if count == 1 else 's'} in {target}"
    if old is not None:
        prints = [Print(e.tool, e.rule, e.file, e.line_hash,
                        int(e.fingerprint.rpartition(':')[2]), e.context) for e in entries]
        matched, stale = match(prints, old)
        kept = sum(1 for m in matched if m is not None)
        head += (f" (was {len(old)}: {kept} kept, {count - kept} added, {len(stale)} dropped "
                 "as no longer found)")
    lines.append(head)
    width = max((len(t) for t in tools), default=0)
    for tool in tools:
        rules = Counter(e.rule for e in entries if e.tool == tool)
        shown = ", ".join(f"{rule} x{n}" if n > 1 else rule
                          for rule, n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"  {tool:<{width}}  {sum(rules.values()):>5}  {shown}")
    lines += [f"warning: {w}" for w in warnings]
    lines.append("only findings not in it block `gate check` from now on: commit it")
    return "\n".join(lines) + "\n"
