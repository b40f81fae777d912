"""The pull-request comment, against a fake GitHub API on loopback (tests/fakegithub.py).

The real CLI runs as a subprocess (`gate comment`, `gate check --comment`); the fake
server records what it was asked. One comment per pull request: the first run creates
it, later runs edit it (found across pages); a fork's run, a refusal (401, 403, 404,
422, a rate limit), an API that is down or too slow: a warning, nothing else changes.
The token never appears in any output.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from pathlib import Path
from typing import Iterator

import pytest

from tests.cobertura_xml import cobertura
from tests.conftest import Run, free_port, run_gate
from tests.fakegithub import FakeGitHub, Refusal

pytestmark = pytest.mark.integration

TOKEN = "ghs_" + "FAKE0token0for0tests0only0" + "x9Q"
REPO = "octo/shortlink"
MARKER = "<!-- releasegate:report -->"
HEAD = "5" * 40


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(TOKEN, REPO) as server:
        yield server


def env_for(server: FakeGitHub | None, tmp_path: Path, event: str = "pull_request",
            fork: bool = False, number: int = 7, **extra: str) -> dict[str, str]:
    """The variables GitHub Actions would give a step of a pull request's run."""
    head_repo = "someone/shortlink" if fork else REPO
    payload = {"number": number, "pull_request": {
        "number": number, "head": {"sha": HEAD, "repo": {"full_name": head_repo}},
        "base": {"repo": {"full_name": REPO}}}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    env = {"GITHUB_REPOSITORY": REPO, "GITHUB_EVENT_NAME": event,
           "GITHUB_EVENT_PATH": str(path), "GITHUB_TOKEN": TOKEN}
    if server is not None:
        env["GITHUB_API_URL"] = server.url
    env.update(extra)
    return env


def report_md(tmp_path: Path, text: str = "### Releasegate: ✅ Release allowed\n") -> Path:
    path = tmp_path / "gate.md"
    path.write_text(text, encoding="utf-8")
    return path


def coverage_xml(tmp_path: Path) -> Path:
    path = tmp_path / "coverage.xml"
    path.write_text(cobertura({"pkg/a.py": [(1, 1), (2, 1), (3, 0), (4, 1)]}))
    return path


def clean(run: Run) -> Run:
    """The run, after checking that the token is nowhere in what it printed."""
    assert TOKEN not in run.stdout + run.stderr, run
    assert TOKEN[4:20] not in run.stdout + run.stderr, run
    return run


def comment(tmp_path: Path, env: dict[str, str], *args: str) -> Run:
    return clean(run_gate(["comment", str(report_md(tmp_path)), *args], tmp_path, env))


def test_first_run_creates_second_edits(github: FakeGitHub, tmp_path: Path) -> None:
    env = env_for(github, tmp_path)
    first = comment(tmp_path, env)
    assert first.returncode == 0, first
    assert first.stdout.startswith("comment created: https://github.test/octo/shortlink/pull/7")
    [post] = github.state.writes()
    assert (post.method, post.path) == ("POST", "/repos/octo/shortlink/issues/7/comments")
    assert post.body["body"] == MARKER + "\n### Releasegate: ✅ Release allowed\n"
    assert post.headers["authorization"] == f"Bearer {TOKEN}"
    assert post.headers["x-github-api-version"] == "2022-11-28"

    report_md(tmp_path, "### Releasegate: ❌ Release blocked\n")
    second = clean(run_gate(["comment", str(tmp_path / "gate.md")], tmp_path, env))
    assert second.stdout.startswith("comment updated: "), second
    [comment_now] = github.state.comments[7]
    assert comment_now["body"] == MARKER + "\n### Releasegate: ❌ Release blocked\n"
    assert [(r.method, r.path) for r in github.state.writes()] == [
        ("POST", "/repos/octo/shortlink/issues/7/comments"),
        ("PATCH", f"/repos/octo/shortlink/issues/comments/{comment_now['id']}")]


def test_the_comment_is_found_on_a_later_page(github: FakeGitHub, tmp_path: Path) -> None:
    github.state.page_size = 2
    for n in range(5):
        github.state.add_comment(7, f"review {n}")
    github.state.add_comment(7, f"> {MARKER}\n> quoted by a person, not ours")
    ours = github.state.add_comment(7, MARKER + "\nold report", "github-actions[bot]", "Bot")
    github.state.add_comment(7, "a later remark")
    run = comment(tmp_path, env_for(github, tmp_path))
    assert run.stdout.startswith("comment updated: "), run
    pages = [r.query.get("page", ["1"])[0] for r in github.state.requests if r.method == "GET"]
    assert pages == ["1", "2", "3", "4"]  # followed rel="next" to the comment (page 4)
    [patch] = github.state.writes()
    assert patch.path.endswith(f"/issues/comments/{ours['id']}")
    assert len(github.state.comments[7]) == 8  # nothing created


def test_a_fork_run_posts_nothing_and_warns(github: FakeGitHub, tmp_path: Path) -> None:
    env = env_for(github, tmp_path, fork=True)
    coverage_xml(tmp_path)
    run = clean(run_gate(["check", "--min-coverage", "50%", "--comment"], tmp_path, env))
    assert run.returncode == 0, run  # the verdict, untouched
    assert "release allowed" in run.stdout
    assert "gate: warning: this pull request comes from a fork" in run.stderr
    assert "workflow_run" in run.stderr
    assert github.state.requests == []  # not even a read
    in_actions = clean(run_gate(["comment", str(report_md(tmp_path))], tmp_path,
                                {**env, "GITHUB_ACTIONS": "true"}))
    assert in_actions.returncode == 0
    assert in_actions.stderr.startswith("::warning title=releasegate comment::this pull request"
                                        " comes from a fork")
    assert github.state.requests == []


@pytest.mark.parametrize("status, message, expected", [
    (403, "Resource not accessible by integration",
     "HTTP 403 Forbidden: Resource not accessible by integration"),
    (404, "Not Found", "HTTP 404 Not Found: Not Found"),
    # The reason phrase is the server's: Python 3.13's http.server says "Unprocessable
    # Content" (RFC 9110) where 3.10-3.12 say "Unprocessable Entity".
    (422, "Validation Failed", f"HTTP 422 {HTTPStatus(422).phrase}: Validation Failed"),
    (500, "Server Error", "HTTP 500 Internal Server Error: Server Error"),
])
def test_a_refused_comment_is_a_warning(github: FakeGitHub, tmp_path: Path, status: int,
                                        message: str, expected: str) -> None:
    github.state.refusals.append(Refusal("POST", "/comments$", status, message))
    run = comment(tmp_path, env_for(github, tmp_path))
    assert run.returncode == 0, run
    assert run.stdout == ""
    assert run.stderr == ("gate: warning: could not comment on pull request #7 of"
                          f" octo/shortlink: {expected}\n")


def test_the_verdict_never_depends_on_the_comment(github: FakeGitHub, tmp_path: Path) -> None:
    github.state.refusals.append(Refusal("GET", "/comments$", 403))
    coverage_xml(tmp_path)
    env = env_for(github, tmp_path)
    blocked = clean(run_gate(["check", "--min-coverage", "90%", "--comment"], tmp_path, env))
    allowed = clean(run_gate(["check", "--min-coverage", "50%", "--comment", "--format",
                              "json"], tmp_path, env))
    assert (blocked.returncode, allowed.returncode) == (1, 0)
    assert "could not comment on pull request #7" in blocked.stderr
    assert json.loads(allowed.stdout)["verdict"] == "allowed"  # stdout stays the report
    assert github.state.writes() == []


def test_check_comment_posts_its_own_markdown(github: FakeGitHub, tmp_path: Path) -> None:
    coverage_xml(tmp_path)
    env = env_for(github, tmp_path)
    run = clean(run_gate(["check", "--min-coverage", "50%", "--comment", "--report",
                          f"markdown={tmp_path / 'gate.md'}"], tmp_path, env))
    assert run.returncode == 0, run
    assert "comment created: " in run.stderr
    [post] = github.state.writes()
    assert post.body["body"] == MARKER + "\n" + (tmp_path / "gate.md").read_text()


def test_rate_limit_and_a_token_the_server_echoes(github: FakeGitHub, tmp_path: Path) -> None:
    github.state.refusals.append(Refusal("GET", "/comments$", 403, "API rate limit exceeded",
                                         rate_limited=True))
    run = comment(tmp_path, env_for(github, tmp_path))
    assert "rate limited by the GitHub API (HTTP 403)" in run.stderr, run
    github.state.refusals[:] = [Refusal("GET", "/comments$", 401, f"bad token {TOKEN}")]
    echoed = comment(tmp_path, env_for(github, tmp_path))  # clean() proves it is blanked
    assert "HTTP 401 Unauthorized: bad token ***" in echoed.stderr, echoed


def test_wrong_token_down_and_slow(github: FakeGitHub, tmp_path: Path) -> None:
    wrong = comment(tmp_path, env_for(github, tmp_path, GITHUB_TOKEN="ghs_wrong"))
    assert "HTTP 401 Unauthorized: Bad credentials" in wrong.stderr, wrong
    down = comment(tmp_path, env_for(None, tmp_path,
                                     GITHUB_API_URL=f"http://127.0.0.1:{free_port()}"))
    assert down.returncode == 0
    assert "could not comment on pull request #7 of octo/shortlink: cannot reach 127.0.0.1:" \
        in down.stderr, down
    github.state.refusals.append(Refusal("GET", "/comments$", stall=3))
    slow = comment(tmp_path, env_for(github, tmp_path), "--timeout", "1")
    assert slow.returncode == 0
    assert "did not answer within 1s" in slow.stderr, slow
    assert github.state.writes() == []


def test_no_token_no_pull_request_plain_http_elsewhere(github: FakeGitHub,
                                                       tmp_path: Path) -> None:
    env = env_for(github, tmp_path)
    del env["GITHUB_TOKEN"]
    assert "GITHUB_TOKEN is not set" in comment(tmp_path, env).stderr
    push = comment(tmp_path, env_for(github, tmp_path, event="push"))
    assert "this run's event (push) is not a pull request: pass --pr N" in push.stderr
    elsewhere = comment(tmp_path, env_for(None, tmp_path,
                                          GITHUB_API_URL="http://api.example.test"))
    assert "neither https nor a loopback http address" in elsewhere.stderr, elsewhere
    assert github.state.requests == []


def test_workflow_run_side_checks_the_head(github: FakeGitHub, tmp_path: Path) -> None:
    """`--pr-file` from an artifact is data: posted only if that pull request's head is
    the commit the workflow_run event names."""
    github.state.heads[9] = HEAD
    (tmp_path / "pr-number").write_text("9\n")
    env = env_for(github, tmp_path, event="workflow_run")
    stale = comment(tmp_path, env, "--pr-file", str(tmp_path / "pr-number"),
                    "--head-sha", "6" * 40)
    assert stale.returncode == 0
    assert (f"pull request #9 of octo/shortlink is at {HEAD[:12]}, not {'6' * 12}"
            in stale.stderr), stale
    assert github.state.writes() == []
    good = comment(tmp_path, env, "--pr-file", str(tmp_path / "pr-number"), "--head-sha", HEAD)
    assert good.stdout.startswith("comment created: "), good
    (tmp_path / "pr-number").write_text("9; rm -rf /")
    bad = comment(tmp_path, env, "--pr-file", str(tmp_path / "pr-number"))
    assert bad.returncode == 2
    assert "is not a pull request number" in bad.stderr


def test_what_is_not_a_report_is_an_error(github: FakeGitHub, tmp_path: Path) -> None:
    env = env_for(github, tmp_path)
    folder = clean(run_gate(["comment", str(tmp_path)], tmp_path, env))
    assert folder.returncode == 2
    assert folder.stderr.startswith("gate: error: report is a directory: ")
    (tmp_path / "binary.md").write_bytes(b"\x00\x01")
    binary = clean(run_gate(["comment", "binary.md"], tmp_path, env))
    assert binary.returncode == 2 and "is empty or not text" in binary.stderr
    assert github.state.requests == []
