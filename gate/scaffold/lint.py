"""The project's own lint settings, so the .flake8 `gate init` writes agrees with them.

Read where they exist: `[tool.ruff]` (`line-length`, default 88 when the table is there;
`exclude` and `extend-exclude`, globs flake8 takes as they are), else `[tool.black]`
(`line-length`, default 88; its excludes are regular expressions flake8 cannot take, so
they are named, not translated). A `[flake8]` section in setup.cfg, tox.ini or .flake8
is flake8's own: `gate init` writes no .flake8 then (see plan.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The line length ruff and black use when the project sets none.
FORMATTER_DEFAULT = 88


@dataclass(frozen=True)
class LintSettings:
    """What the project already says about line length and excluded paths, and where."""

    line_length: int | None = None
    excludes: tuple[str, ...] = ()
    source: str = ""
    notes: tuple[str, ...] = ()


def read(pyproject: dict[str, Any]) -> LintSettings:
    """The lint settings a parsed pyproject.toml declares."""
    tool = pyproject.get("tool")
    tool = tool if isinstance(tool, dict) else {}
    ruff, black = tool.get("ruff"), tool.get("black")
    if isinstance(ruff, dict):
        length = ruff.get("line-length", FORMATTER_DEFAULT)
        excludes = [item for key in ("exclude", "extend-exclude")
                    for item in (ruff.get(key) or ()) if isinstance(item, str)]
        return LintSettings(length if _length(length) else None, tuple(excludes),
                            "[tool.ruff]")
    if isinstance(black, dict):
        length = black.get("line-length", FORMATTER_DEFAULT)
        notes = tuple(f"[tool.black] {key} is a regular expression flake8 cannot take: add "
                      "its folders to extend-exclude in .flake8 by hand"
                      for key in ("exclude", "extend-exclude") if black.get(key))
        return LintSettings(length if _length(length) else None, (), "[tool.black]", notes)
    return LintSettings()


def _length(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 40 <= value <= 1000


def adapt_flake8(text: str, settings: LintSettings) -> str:
    """The .flake8 template with the project's line length and excludes."""
    if settings.line_length is not None:
        old = "max-line-length = 100"
        if text.count(old) != 1:
            raise RuntimeError(f"template .flake8: expected {old!r} exactly once")
        # flake8 reads no comment after a value: the note goes on the line above.
        text = text.replace(old, f"# The line length of {settings.source}.\n"
                                 f"max-line-length = {settings.line_length}")
    if settings.excludes:
        anchor = "    htmlcov\n"
        if text.count(anchor) != 1:
            raise RuntimeError(f"template .flake8: expected {anchor!r} exactly once")
        extra = "".join(f",\n    {item}" for item in settings.excludes if "," not in item)
        text = text.replace(anchor, f"    htmlcov{extra}\n")
    return text
