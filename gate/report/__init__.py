"""Renderers: one module per format, each a pure `render(report) -> str`."""

from __future__ import annotations

import enum
import importlib
from typing import Callable

from gate.model import Report


class Format(str, enum.Enum):
    """The report formats `--format` accepts."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    JUNIT = "junit"
    SARIF = "sarif"
    BADGE = "badge"


def renderer(fmt: Format) -> Callable[[Report], str]:
    """The render function of `fmt` (imported on demand: start-up stays fast)."""
    module = importlib.import_module(f"gate.report.{fmt.value}_report")
    render: Callable[[Report], str] = module.render
    return render
