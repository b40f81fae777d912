"""The generated workflows, really run: examples/service after `gate init`, under act
(../shared/tools/act/run-workflow), its GitHub a bare repository on disk and the fake REST
API of tests/fakegithub.py on loopback.

One scenario, in one test (xdist would run a shared fixture once per worker; each run
costs a minute or two):

1. a push to main: ci.yml passes, and its publish job stores the gate's report of that
   commit and the coverage badge on the releasegate-data branch of the origin;
2. a pull request adding untested code to one file: ci.yml's gate compares with the
   stored report and blocks on the changed lines; pr-comment.yml, a workflow_run,
   downloads the report as data and posts one comment with the file's before, after
   and change;
3. a second push to the pull request, testing that code: ci.yml again, then
   pr-comment.yml edits the same comment.

More assertions on these runs belong in this test, as further `check_*` steps, rather than
in new runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree  # nosec B405  # our own output
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.conftest import ROOT, Run, require_service, run_gate
from tests.fakegithub import FakeGitHub, State
from tests.integration.gitrepo import git

pytestmark = pytest.mark.integration

EXAMPLE = ROOT / "examples" / "service"
GENERATED = shutil.ignore_patterns(".nox", "__pycache__", "*.egg-info", ".coverage*", "htmlcov",
                                   "coverage.xml", "reports", ".pytest_cache", "build", "dist")
TOKEN = "ghs_" + "act0scenario0token" + "Q4w"
REPOSITORY = "octo/shortlink"
#: Set by .ci/run: the act scenario must run, never skip.
REQUIRE_ACT = os.environ.get("GATE_REQUIRE_ACT", "") not in ("", "0", "false")

#: Code the pull request adds to src/shortlink/codes.py, which no test runs at first.
CHECKSUM = '''

def checksum(code: str) -> str:
    """A one-character check digit for a short code."""
    total = sum(ALPHABET.index(char) for char in code if is_code(code))
    return ALPHABET[total % len(ALPHABET)]
'''
#: The pull request's second push: a test of it.
CHECKSUM_TEST = '''

def test_checksum() -> None:
    from shortlink.codes import checksum

    assert checksum("1") == "1"
'''


def run_workflow_tool() -> Path | None:
    """../shared/tools/act/run-workflow beside the checkout (CI's clone, or a worktree's)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        candidate = base / "shared" / "tools" / "act" / "run-workflow"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@dataclass
class Scenario:
    """The runs, their artifacts, the origin, and what the fake GitHub saw."""

    tmp: Path
    repo: Path
    origin: Path
    github: State
    runs: dict[str, Run] = field(default_factory=dict)
    shas: dict[str, str] = field(default_factory=dict)

    def artifact(self, run: str, name: str, path: str) -> Path:
        return self.tmp / "artifacts" / run / name / path

    def report(self, run: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.artifact(run, "gate-report", "gate.json")
                                          .read_text())
        return data


def act(tool: Path, scenario: Scenario, name: str, workflow: str, event: str,
        *args: str) -> Run:
    """One workflow run; its artifacts go to tmp/artifacts/NAME (the stubs' store)."""
    store = scenario.tmp / "artifacts" / name
    store.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GITHUB_", "COVERAGE_", "COV_CORE_", "PYTEST_", "NOX"))}
    command = [str(tool), str(scenario.repo), workflow, event,
               "--env", f"GATE_REQUIREMENT={scenario.tmp / 'wheel' / wheel_name(scenario)}",
               "--env", f"ACT_STUB_ARTIFACTS={store}",
               "--env", f"GITHUB_REPOSITORY={REPOSITORY}", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1500,
                          check=False)
    run = Run(done.returncode, done.stdout, done.stderr)
    (scenario.tmp / f"{name}.log").write_text(done.stdout + done.stderr)
    scenario.runs[name] = run
    return run


def wheel_name(scenario: Scenario) -> str:
    [wheel] = (scenario.tmp / "wheel").glob("releasegate-*.whl")
    return wheel.name


def workflow_run_event(scenario: Scenario, head: str, run_id: int) -> Path:
    """The event GitHub gives pr-comment.yml when a pull request's CI run completes."""
    path = scenario.tmp / f"workflow_run-{run_id}.json"
    path.write_text(json.dumps({
        "action": "completed",
        "workflow_run": {"id": run_id, "event": "pull_request", "conclusion": "failure",
                         "head_sha": head, "head_branch": "feature",
                         "head_repository": {"full_name": REPOSITORY}},
        "repository": {"full_name": REPOSITORY, "default_branch": "main"}}))
    return path


def comment_run(tool: Path, scenario: Scenario, github: FakeGitHub, name: str,
                ci_run: str) -> Run:
    head = scenario.shas[ci_run]
    github.state.heads[1] = head
    event = workflow_run_event(scenario, head, len(scenario.runs) + 100)
    # The stubbed download-artifact reads its store: CI's run's artifacts are this run's.
    store = scenario.tmp / "artifacts" / name
    shutil.copytree(scenario.tmp / "artifacts" / ci_run, store)
    return act(tool, scenario, name, ".github/workflows/pr-comment.yml", "workflow_run",
               "-e", str(event), "--env", f"GITHUB_API_URL={github.url}",
               "-s", f"GITHUB_TOKEN={TOKEN}")


@contextlib.contextmanager
def scenario_runs(tmp: Path) -> Iterator[Scenario]:
    """Every run of the scenario, in order; the fake GitHub serves until the block ends."""
    tool = run_workflow_tool()
    if tool is None:
        message = "../shared/tools/act/run-workflow is not beside this checkout"
        if REQUIRE_ACT:
            pytest.fail(f"{message} (GATE_REQUIRE_ACT is set)")
        pytest.skip(message)
    require_service("Redis", "127.0.0.1", 6379)
    subprocess.run([sys.executable, "-m", "uv", "build", "--wheel", "-q", "-o",
                    str(tmp / "wheel"), str(ROOT)], check=True, capture_output=True, timeout=300)
    origin, repo = tmp / "origin.git", tmp / "shortlink"
    shutil.copytree(EXAMPLE, repo, ignore=GENERATED)
    init = run_gate(["init"], cwd=repo)
    assert init.returncode == 0, init
    git(tmp, "init", "-q", "--bare", "-b", "main", str(origin))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the service, with the generated pipeline")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    with FakeGitHub(TOKEN, REPOSITORY) as github:
        scene = Scenario(tmp, repo, origin, github.state)
        # 1. The push to main (the event names the default branch, as GitHub's does).
        scene.shas["push"] = git(repo, "rev-parse", "HEAD").strip()
        push_event = tmp / "push.json"
        push_event.write_text(json.dumps({
            "ref": "refs/heads/main", "after": scene.shas["push"],
            "repository": {"full_name": REPOSITORY, "default_branch": "main"}}))
        act(tool, scene, "push", ".github/workflows/ci.yml", "push", "-e", str(push_event))
        # 2. A pull request: checkout's fetch-depth 0 brings every branch, the data one too.
        git(repo, "checkout", "-q", "-b", "feature")
        codes = repo / "src" / "shortlink" / "codes.py"
        codes.write_text(codes.read_text() + CHECKSUM)
        git(repo, "commit", "-q", "-am", "codes: a check digit")
        git(repo, "fetch", "-q", "origin")
        scene.shas["pr1"] = git(repo, "rev-parse", "HEAD").strip()
        act(tool, scene, "pr1", ".github/workflows/ci.yml", "pull_request")
        comment_run(tool, scene, github, "comment1", "pr1")
        # 3. The pull request's second push, then its comment again.
        tests = repo / "tests" / "unit" / "test_codes.py"
        tests.write_text(tests.read_text() + CHECKSUM_TEST)
        git(repo, "commit", "-q", "-am", "codes: test the check digit")
        scene.shas["pr2"] = git(repo, "rev-parse", "HEAD").strip()
        act(tool, scene, "pr2", ".github/workflows/ci.yml", "pull_request")
        comment_run(tool, scene, github, "comment2", "pr2")
        yield scene


def job_line(run: Run, job: str) -> str:
    """The per-job summary line of `job` in run-workflow's output."""
    for line in (run.stdout + run.stderr).splitlines():
        if re.match(rf"^(SUCCESS|FAILURE|NOT RUN)\S*\s+{re.escape(job)}\s", line):
            return line
    raise AssertionError(f"no summary line for job {job}:\n{run}")


def test_push_then_a_pull_request_then_its_next_push(tmp_path: Path) -> None:
    with scenario_runs(tmp_path) as scenario:
        check_the_push_to_main_stores_its_report_and_badge(scenario)
        check_the_pull_request_is_compared_with_the_stored_report(scenario)
        check_one_comment_shows_the_file_before_after_and_the_change(scenario)
        check_the_second_run_edits_the_same_comment(scenario)


def check_the_push_to_main_stores_its_report_and_badge(scenario: Scenario) -> None:
    push = scenario.runs["push"]
    assert push.returncode == 0, push
    assert job_line(push, "publish").startswith("SUCCESS"), push
    sha = scenario.shas["push"]
    stored = git(scenario.origin, "ls-tree", "-r", "--name-only", "releasegate-data").split()
    assert stored == ["README.md", "coverage.svg", f"reports/{sha}.json"]
    report = json.loads(git(scenario.origin, "show", f"releasegate-data:reports/{sha}.json"))
    # The gate job's report, as it wrote it (act's download stub rewrites the job folder's
    # path in what a job downloads: only the coverage is compared, which names none).
    [line] = [c for c in report["checks"] if c["id"] == "coverage.line"]
    assert line == next(c for c in scenario.report("push")["checks"] if c["id"] == line["id"])
    # The badge: valid SVG, the gate's exact figure rounded down, as the summary shows it.
    badge = ElementTree.fromstring(git(scenario.origin, "show", "releasegate-data:coverage.svg"))
    covered, total = line["measured"]["covered"], line["measured"]["total"]
    figure = f"{covered * 10000 // total // 100}.{covered * 10000 // total % 100:02d}%"
    assert badge.findtext("{http://www.w3.org/2000/svg}title") == f"coverage: {figure}"
    summary = scenario.artifact("push", "gate-report", "gate.md").read_text()
    assert f"| {figure} ({covered}/{total}) |" in summary
    assert f"badge: https://raw.githubusercontent.com/{REPOSITORY}/releasegate-data/" \
        "coverage.svg" in push.stdout + push.stderr


def check_the_pull_request_is_compared_with_the_stored_report(scenario: Scenario) -> None:
    pr1 = scenario.runs["pr1"]
    assert pr1.returncode == 1, pr1  # the untested lines block it
    assert job_line(pr1, "gate").startswith("FAILURE"), pr1
    assert "::error file=src/shortlink/codes.py" in pr1.stdout + pr1.stderr, pr1
    assert job_line(pr1, "publish").startswith("NOT RUN"), pr1  # only the default branch
    report = scenario.report("pr1")
    ratchet = next(c for c in report["checks"] if c["id"] == "coverage.ratchet")
    assert ratchet["data"]["base"]["commit"] == scenario.shas["push"]
    assert ratchet["data"]["base"]["distance"] == 0
    assert scenario.artifact("pr1", "gate-report", "pr-number").read_text() == "1\n"


def file_row(body: str, path: str) -> list[str]:
    [row] = [line for line in body.splitlines() if line.startswith(f"| `{path}` |")]
    return [cell.strip() for cell in row.strip("|").split("|")]


def counts(report: dict[str, Any], name: str) -> str:
    line = next(c for c in report["checks"] if c["id"] == "coverage.line")
    [row] = [f for f in line["data"]["files"] if f["name"].endswith(name)]
    return f"({row['lines']['covered']}/{row['lines']['total']})"


def check_one_comment_shows_the_file_before_after_and_the_change(scenario: Scenario) -> None:
    first = scenario.runs["comment1"]
    assert first.returncode == 0, first
    assert "comment created: " in first.stdout + first.stderr, first
    github = scenario.github
    [post] = [r for r in github.writes() if r.method == "POST"]
    assert post.path == f"/repos/{REPOSITORY}/issues/1/comments"
    body = post.body["body"]
    assert body.startswith("<!-- releasegate:report -->\n### Releasegate: ❌ Release blocked")
    before, after, delta, uncovered = file_row(body, "src/shortlink/codes.py")[1:]
    assert before.endswith(counts(scenario.report("push"), "shortlink/codes.py"))
    assert after.endswith(counts(scenario.report("pr1"), "shortlink/codes.py"))
    assert re.fullmatch(r"\*\*-\d+\.\d\d\*\*", delta), delta  # a drop, in bold
    assert uncovered != "—"
    assert f"Compared with the report of `{scenario.shas['push'][:12]}`, the merge base" in body


def check_the_second_run_edits_the_same_comment(scenario: Scenario) -> None:
    second = scenario.runs["comment2"]
    assert second.returncode == 0, second
    assert "comment updated: " in second.stdout + second.stderr, second
    github = scenario.github
    assert [r.method for r in github.writes()] == ["POST", "PATCH"]
    [comment] = github.comments[1]
    assert github.writes()[1].path == f"/repos/{REPOSITORY}/issues/comments/{comment['id']}"
    assert comment["body"] == github.writes()[1].body["body"]
    assert file_row(comment["body"], "src/shortlink/codes.py")[2].endswith(
        counts(scenario.report("pr2"), "shortlink/codes.py"))
    # Tested now: the gate allows it, and the comment says so.
    assert scenario.runs["pr2"].returncode == 0, scenario.runs["pr2"]
    assert comment["body"].startswith("<!-- releasegate:report -->\n### Releasegate: ✅ Release"
                                      " allowed")
    # The workflow's token, given as act's secret, is in no log of any run.
    for name, run in scenario.runs.items():
        assert TOKEN not in run.stdout + run.stderr, name
