"""The environment of every subprocess a test starts: this one, less the CI job's own.

When the suite runs inside a GitHub Actions job, that job's variables would reach the
CLI, nox and coverage.py that the tests start: a child would append to the real job's
$GITHUB_OUTPUT or step summary, annotate it, or colour text a test compares as plain.
A test that wants GitHub's behaviour sets its own GITHUB_OUTPUT (a temporary file) etc.
through `extra`, which always wins.
"""

from __future__ import annotations

import os
from typing import Mapping

#: The job's own variables: outputs, summaries, tokens, the runner, "am I in CI?".
JOB_PREFIXES = ("GITHUB_", "RUNNER_", "ACTIONS_", "GH_")
JOB_NAMES = frozenset({"CI"})
#: Colour and terminal settings: the tests read plain text, whatever the job asks for.
TERMINAL_NAMES = frozenset({
    "FORCE_COLOR", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "PY_COLORS", "MYPY_FORCE_COLOR",
    "TERM", "COLORTERM", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES",
})
#: This run's coverage hand-off and its pytest and nox settings: a child that runs a
#: project of its own (coverage.py, pytest, nox) must not measure into ours or inherit them.
NESTED_PREFIXES = ("COVERAGE_", "COV_CORE_", "PYTEST_", "NOX")


def from_the_job(name: str) -> bool:
    """Whether `name` belongs to the CI job or the terminal running the suite."""
    return name in JOB_NAMES or name in TERMINAL_NAMES or name.startswith(JOB_PREFIXES)


def child_env(*, nested: bool = False, base: Mapping[str, str] | None = None,
              **extra: str) -> dict[str, str]:
    """`base` (this process's environment) without the job's variables, plus `extra`.

    `nested`: the child runs coverage.py, pytest or nox on a project of its own, so this
    run's COVERAGE_*, COV_CORE_*, PYTEST_* and NOX* settings stay out too. Without it they
    stay, and coverage follows a `python -m gate` child into this run's data.
    """
    source = os.environ if base is None else base
    kept = {k: v for k, v in source.items()
            if not from_the_job(k) and not (nested and k.startswith(NESTED_PREFIXES))}
    kept.update(extra)
    return kept
