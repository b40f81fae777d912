"""Workflow runs under act, through ../shared/tools/act/run-workflow, for the tests that
run GitHub workflows for real (tests/integration/test_example_workflows.py,
test_adopt_real_projects.py).

The runner sits beside the checkout on the kit's own machines; elsewhere these tests skip,
unless GATE_REQUIRE_ACT=1 (.ci/run) makes a missing runner a failure. GATE_ACT_LOGS names a
folder that keeps a copy of every run's log. Inside a workflow
run under act (ACT=true) they always skip: the run outside is the one that proves them.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.childenv import child_env
from tests.network import require_package_index

ROOT = Path(__file__).resolve().parents[1]
REQUIRE_ACT = os.environ.get("GATE_REQUIRE_ACT", "") not in ("", "0", "false")
#: What a test's environment must not hand to a workflow run: the job variables of a run
#: this suite itself may be in, coverage's own, and pytest's and nox's.
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PRIVATE = ("GITHUB_", "RUNNER_", "ACT_", "COVERAGE_", "COV_CORE_", "PYTEST_", "NOX")


@dataclass(frozen=True)
class WorkflowRun:
    returncode: int
    output: str

    def job(self, name: str) -> str:
        """The per-job summary line of `name` (SUCCESS, FAILURE, NOT RUN...)."""
        for line in self.output.splitlines():
            if re.match(rf"^(SUCCESS|FAILURE|NOT RUN)\S*\s+{re.escape(name)}\s", line):
                return line
        raise AssertionError(f"no summary line for job {name}:\n{self}")

    def __str__(self) -> str:  # what pytest shows when an assertion on a run fails
        return f"exit {self.returncode}; the log's end:\n{self.output[-6000:]}"


def runner() -> Path:
    """run-workflow's path, or the test skips (fails with GATE_REQUIRE_ACT=1)."""
    if os.environ.get("ACT") == "true":
        pytest.skip("inside a workflow run under act: the run outside it runs these")
    for base in (ROOT.parent, ROOT.parent.parent):
        candidate = base / "shared" / "tools" / "act" / "run-workflow"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            require_package_index()  # the workflows' jobs install from it
            return candidate
    message = "../shared/tools/act/run-workflow is not beside this checkout"
    if REQUIRE_ACT:
        pytest.fail(f"{message} (GATE_REQUIRE_ACT is set)")
    pytest.skip(message)


def run_workflow(repo: Path, workflow: str, event: str, *args: str, log: Path,
                 timeout: int = 1500) -> WorkflowRun:
    """One run of `workflow` on a copy of `repo`; its whole output is also written to `log`."""
    env = {k: v for k, v in child_env(nested=True).items()
           if not k.startswith(PRIVATE) and k != "ACT"}
    done = subprocess.run([str(runner()), str(repo), workflow, event, *args], env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    # The jobs colour their output (FORCE_COLOR): the assertions read the plain text.
    run = WorkflowRun(done.returncode, ANSI.sub("", done.stdout + done.stderr))
    log.write_text(run.output)
    keep = os.environ.get("GATE_ACT_LOGS")  # .ci/run keeps every run's log for its summary
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{log.parent.name}-{log.name}").write_text(run.output)
    return run
