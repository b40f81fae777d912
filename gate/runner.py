"""Choose the families to run from flags and settings, run them, collect a Report."""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, replace
from typing import Any, Sequence

from gate import config
from gate.errors import UsageError
from gate.family import Family, given_shared
from gate.model import Report


@dataclass(frozen=True)
class Planned:
    """A family and the settings it will run with."""

    family: Family
    settings: Any


def plan(families: Sequence[Family], args: argparse.Namespace) -> list[Planned]:
    """The families to run, each with its settings (flags over the settings file)."""
    settings = config.load(args.config)
    names = [f.name for f in families]
    unknown = sorted(set(settings.tables) - set(names))
    if unknown:
        raise UsageError(f"{settings.where(unknown[0])}: unknown key",
                         "known tables: " + ", ".join(names))
    for flag in ("only", "skip"):
        for name in getattr(args, flag) or ():
            if name not in names:
                raise UsageError(f"--{flag} {name}: no such family of checks",
                                 "choose from " + ", ".join(names))
    only, skip = set(args.only or ()), set(args.skip or ())
    selected = []
    by_shared_flag = set()  # families that run only because of a flag every family reads
    for family in families:
        table, where = settings.tables.get(family.name), settings.where(family.name)
        values = family.values(args, table, where, settings.base)
        family_settings = family.configure(values)
        if (only and family.name not in only) or family.name in skip:
            continue
        if family_settings is None:
            if family.name in only:
                raise UsageError(f"--only {family.name}: no {family.name} checks are configured")
            continue
        if given_shared(family, args) and family.name not in only and family.configure(
                family.values(args, table, where, settings.base, shared=False)) is None:
            by_shared_flag.add(family.name)
        selected.append(Planned(family, family_settings))
    if by_shared_flag and any(p.family.name not in by_shared_flag for p in selected):
        # `--diff-against` with the findings family configured: it applies to the families
        # that run, and starts no other one (a coverage check with no report, say).
        selected = [p for p in selected if p.family.name not in by_shared_flag]
    if not selected:
        raise UsageError("nothing to check",
                         "pass --min-coverage 0.8 (for example) or configure [tool.gate]")
    return selected


def run(planned: Sequence[Planned]) -> Report:
    """Run every planned family in order; a family's results are timed if it did not."""
    checks = []
    for item in planned:
        started = time.perf_counter()
        results = list(item.family.run(item.settings))
        elapsed = time.perf_counter() - started
        if len(results) == 1 and results[0].duration is None:
            results[0] = replace(results[0], duration=elapsed)
        checks.extend(results)
    return Report(tuple(checks))
