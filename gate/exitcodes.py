"""The gate's exit codes: the one contract every pipeline relies on."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What the process exit status means."""

    #: Every check passed (or was skipped): the release may go ahead.
    ALLOWED = 0
    #: At least one check failed or errored: the release is blocked.
    BLOCKED = 1
    #: The gate could not evaluate: bad usage, or its own inputs (settings,
    #: reports) missing, unreadable, malformed or unsafe.
    ERROR = 2


def describe() -> str:
    """The exit codes as lines for `--help` and the README."""
    return "\n".join(
        f"  {code.value}  {text}"
        for code, text in (
            (ExitCode.ALLOWED, "release allowed: every check passed"),
            (ExitCode.BLOCKED, "release blocked: a check failed"),
            (ExitCode.ERROR, "the gate could not evaluate (bad usage, or its inputs "
                             "missing, unreadable, malformed or unsafe)"),
        )
    )
