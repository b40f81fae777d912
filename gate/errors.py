"""One error family for "the gate cannot evaluate": every one exits 2.

A failing check is a result, never an exception. These are for inputs the gate
itself needs: flags, settings, reports. Each message names the input; a hint
says what to do about it.
"""

from __future__ import annotations


class GateError(Exception):
    """The gate cannot evaluate. `str()` is the one line shown to the user."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


class UsageError(GateError):
    """A flag or settings value is wrong."""


class InputError(GateError):
    """An input file is missing, unreadable or malformed."""


class UnsafeInputError(InputError):
    """An input file tries something dangerous (entities, external references)."""
