"""Deployment configuration checks: environment, config files, secrets, insecure values.

Configured under `[tool.gate.deploy]` (see docs/deploy.md). This module is
imported when the CLI starts, so it holds only the family's declaration; the
checks and their libraries (PyYAML, python-dotenv, jsonschema) load in `run`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gate.checks.deploy.settings import OPTIONS, configure
from gate.family import Family

if TYPE_CHECKING:
    from gate.checks.deploy.spec import DeploySettings
    from gate.model import CheckResult


def run(settings: DeploySettings) -> list[CheckResult]:
    """Check the deployment as the process environment describes it."""
    import os

    from gate.checks.deploy.check import evaluate

    return evaluate(settings, dict(os.environ))


FAMILY = Family("deploy", "Deployment configuration", OPTIONS, configure, run)
