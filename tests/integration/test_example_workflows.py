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
   pr-comment.yml edits the same comment;
4. a release by hand (workflow_dispatch, dry run) of main: release.yml builds and checks
   the distributions, runs the pipeline and gates against this machine's PostgreSQL and
   Redis and an HTTP health endpoint on loopback, with the drivers its GATE_EXTRAS name,
   then checks the upload with `uv publish --dry-run` and deploys nothing.

More assertions on these runs belong in this test, as further `check_*` steps, rather than
in new runs.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import secrets
import shutil
import threading
import xml.etree.ElementTree as ElementTree  # nosec B405  # our own output
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.actrun import WorkflowRun, run_workflow, runner
from tests.conftest import ROOT, free_port, require_service, run_gate
from tests.fakegithub import FakeGitHub, State
from tests.integration.gitrepo import git
from tests.wheel import checkout_wheel

pytestmark = [pytest.mark.integration, pytest.mark.once]

EXAMPLE = ROOT / "examples" / "service"
GENERATED = shutil.ignore_patterns(".nox", "__pycache__", "*.egg-info", ".coverage*", "htmlcov",
                                   "coverage.xml", "reports", ".pytest_cache", "build", "dist")
TOKEN = "ghs_" + "act0scenario0token" + "Q4w"
REPOSITORY = "octo/shortlink"

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


@dataclass
class Scenario:
    """The runs, their artifacts, the origin, and what the fake GitHub saw."""

    tmp: Path
    repo: Path
    origin: Path
    github: State
    runs: dict[str, WorkflowRun] = field(default_factory=dict)
    shas: dict[str, str] = field(default_factory=dict)

    def artifact(self, run: str, name: str, path: str) -> Path:
        return self.tmp / "artifacts" / run / name / path

    def report(self, run: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.artifact(run, "gate-report", "gate.json")
                                          .read_text())
        return data


def act(scenario: Scenario, name: str, workflow: str, event: str, *args: str) -> WorkflowRun:
    """One workflow run; its artifacts go to tmp/artifacts/NAME (the stubs' store)."""
    store = scenario.tmp / "artifacts" / name
    store.mkdir(parents=True, exist_ok=True)
    run = run_workflow(scenario.repo, workflow, event,
                       "--env", f"GATE_REQUIREMENT={checkout_wheel()}",
                       "--env", f"ACT_STUB_ARTIFACTS={store}",
                       "--env", f"GITHUB_REPOSITORY={REPOSITORY}", *args,
                       log=scenario.tmp / f"{name}.log")
    scenario.runs[name] = run
    return run


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


def comment_run(scenario: Scenario, github: FakeGitHub, name: str, ci_run: str) -> WorkflowRun:
    head = scenario.shas[ci_run]
    github.state.heads[1] = head
    event = workflow_run_event(scenario, head, len(scenario.runs) + 100)
    # The stubbed download-artifact reads its store: CI's run's artifacts are this run's.
    store = scenario.tmp / "artifacts" / name
    shutil.copytree(scenario.tmp / "artifacts" / ci_run, store)
    return act(scenario, name, ".github/workflows/pr-comment.yml", "workflow_run",
               "-e", str(event), "--env", f"GITHUB_API_URL={github.url}",
               "-s", f"GITHUB_TOKEN={TOKEN}")


@contextlib.contextmanager
def scenario_runs(tmp: Path) -> Iterator[Scenario]:
    """Every run of the scenario, in order; the fake GitHub serves until the block ends."""
    runner()  # or the test skips, saying why
    require_service("Redis", "127.0.0.1", 6379)
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
        act(scene, "push", ".github/workflows/ci.yml", "push", "-e", str(push_event))
        # 2. A pull request: checkout's fetch-depth 0 brings every branch, the data one too.
        git(repo, "checkout", "-q", "-b", "feature")
        codes = repo / "src" / "shortlink" / "codes.py"
        codes.write_text(codes.read_text() + CHECKSUM)
        git(repo, "commit", "-q", "-am", "codes: a check digit")
        git(repo, "fetch", "-q", "origin")
        scene.shas["pr1"] = git(repo, "rev-parse", "HEAD").strip()
        act(scene, "pr1", ".github/workflows/ci.yml", "pull_request")
        comment_run(scene, github, "comment1", "pr1")
        # 3. The pull request's second push, then its comment again.
        tests = repo / "tests" / "unit" / "test_codes.py"
        tests.write_text(tests.read_text() + CHECKSUM_TEST)
        git(repo, "commit", "-q", "-am", "codes: test the check digit")
        scene.shas["pr2"] = git(repo, "rev-parse", "HEAD").strip()
        act(scene, "pr2", ".github/workflows/ci.yml", "pull_request")
        comment_run(scene, github, "comment2", "pr2")
        # 4. A release of main by hand, as a dry run, against this machine's services.
        git(repo, "checkout", "-q", "main")
        # act reads a workflow_dispatch's inputs from its event, as GitHub gives them there:
        # strings. Should the dry run not be one, the upload goes to a closed port on
        # loopback, never to PyPI.
        dispatch = tmp / "workflow_dispatch.json"
        dispatch.write_text(json.dumps({"inputs": {"environment": "production", "dry-run": "true"},
                                        "ref": "refs/heads/main"}))
        with health_endpoint() as app_url:
            act(scene, "release", ".github/workflows/release.yml", "workflow_dispatch",
                "-e", str(dispatch), "--env", f"UV_PUBLISH_URL=http://127.0.0.1:{free_port()}/",
                "-s", "DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test",
                "-s", "REDIS_URL=redis://127.0.0.1:6379/0",
                "-s", f"SECRET_KEY={secrets.token_urlsafe(48)}", "-s", f"APP_URL={app_url}")
        yield scene


@contextlib.contextmanager
def health_endpoint() -> Iterator[str]:
    """http://127.0.0.1:PORT, whose /healthz answers 200: the release's APP_URL."""
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/healthz" else 404)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_push_then_a_pull_request_then_its_next_push(tmp_path: Path) -> None:
    with scenario_runs(tmp_path) as scenario:
        check_the_push_to_main_stores_its_report_and_badge(scenario)
        check_the_pull_request_is_compared_with_the_stored_report(scenario)
        check_one_comment_shows_the_file_before_after_and_the_change(scenario)
        check_the_second_run_edits_the_same_comment(scenario)
        check_the_release_gates_against_the_services_and_uploads_nothing(scenario)


def check_the_push_to_main_stores_its_report_and_badge(scenario: Scenario) -> None:
    push = scenario.runs["push"]
    assert push.returncode == 0, push
    assert push.job("publish").startswith("SUCCESS"), push
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
        "coverage.svg" in push.output


def check_the_pull_request_is_compared_with_the_stored_report(scenario: Scenario) -> None:
    pr1 = scenario.runs["pr1"]
    assert pr1.returncode == 1, pr1  # the untested lines block it
    assert pr1.job("gate").startswith("FAILURE"), pr1
    assert "::error file=src/shortlink/codes.py" in pr1.output, pr1
    assert pr1.job("publish").startswith("NOT RUN"), pr1  # only the default branch
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
    assert "comment created: " in first.output, first
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
    assert "comment updated: " in second.output, second
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
        assert TOKEN not in run.output, name


def check_the_release_gates_against_the_services_and_uploads_nothing(scenario: Scenario) -> None:
    release = scenario.runs["release"]
    assert release.returncode == 0, release
    for job in ("build", "gate", "publish"):
        assert release.job(job).startswith("SUCCESS"), release
    assert not release.job("deploy").startswith("SUCCESS"), release  # a dry run deploys nothing
    # The verdict is in the gate job's log (secrets are masked there; the check ids are not).
    log = release.output
    for check in ("connect.database_url", "connect.redis_url", "connect.http", "deploy.secrets"):
        assert re.search(rf"PASS\s+{re.escape(check)}", log), log
    assert re.search(r"release allowed: \d+ of \d+ checks passed", log), log
    # uv publish --dry-run: the files are checked, none is uploaded.
    assert "Publish (dry run, nothing uploaded)" in log, log
    assert "Checking shortlink-1.0.0-py3-none-any.whl" in log, log
    assert "Uploading" not in log, log
