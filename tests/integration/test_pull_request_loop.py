"""The pull-request loop on a real git repository, its 'GitHub' a bare repository and the fake
REST API: the default branch's run publishes its report and badge to the data branch; a pull
request's run finds the merge base's report, compares, and comments once, then edits.
Real coverage.py, the real CLI in subprocesses."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree  # nosec B405  # our own output
from pathlib import Path

import pytest

from tests.conftest import Run, measure, run_gate
from tests.fakegithub import FakeGitHub
from tests.integration.gitrepo import build_project, git

pytestmark = pytest.mark.integration

TOKEN = "ghs_" + "loop0test0token0" + "Zz7"
BRANCH = "origin/releasegate-data"


def gate(root: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    run = run_gate(args, root, env)
    assert TOKEN not in run.stdout + run.stderr
    return run


def test_publish_then_compare_then_comment(tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    work = build_project(tmp_path / "work")
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main", "feature")
    # The default branch's run, at the commit the feature branched from.
    git(work, "checkout", "-q", "main~1")
    base = git(work, "rev-parse", "HEAD").strip()
    measure(work)
    main_run = gate(work, "check", "--min-coverage", "60%", "--report", "json=gate.json",
                    "--report", "badge=coverage.svg")
    assert main_run.returncode == 1  # a blocked default branch still stores its report
    published = gate(work, "publish", "--report", "gate.json", "--badge", "coverage.svg",
                     env={"GITHUB_SHA": base, "GITHUB_REPOSITORY": "octo/shortlink"})
    assert published.returncode == 0, published
    assert published.stdout.startswith(f"stored coverage.svg and reports/{base}.json on"
                                       f" releasegate-data of {origin} (commit ")
    assert published.stdout.endswith("badge: https://raw.githubusercontent.com/octo/shortlink/"
                                     "releasegate-data/coverage.svg\n")
    badge = ElementTree.fromstring(git(origin, "show", "releasegate-data:coverage.svg"))
    assert badge.findtext("{http://www.w3.org/2000/svg}title") == "coverage: 54.54%"
    assert "54.54% (6/11) < 60.00%" in main_run.stdout

    # The pull request's run: the branch, with the data branch fetched as checkout does.
    git(work, "checkout", "-q", "feature")
    measure(work)
    before_fetch = gate(work, "check", "--min-coverage", "50%", "--diff-against", "main",
                        "--baseline-branch", BRANCH)
    assert before_fetch.returncode == 0, before_fetch  # no base yet: skipped, not failed
    assert (f"SKIP   coverage.ratchet  no base report: {BRANCH} is not in this clone"
            in before_fetch.stdout)
    git(work, "fetch", "-q", "origin")
    with FakeGitHub(TOKEN, "octo/shortlink") as github:
        event = tmp_path / "event.json"
        event.write_text(json.dumps({"pull_request": {"number": 3}}))
        env = {"GITHUB_API_URL": github.url, "GITHUB_TOKEN": TOKEN,
               "GITHUB_REPOSITORY": "octo/shortlink", "GITHUB_EVENT_NAME": "pull_request",
               "GITHUB_EVENT_PATH": str(event)}
        args = ["check", "--min-coverage", "50%", "--diff-against", "origin/main",
                "--baseline-branch", BRANCH, "--comment"]
        first = gate(work, *args, env=env)
        assert first.returncode == 0, first
        assert (f"PASS   coverage.ratchet  line 54.54% (6/11) -> 69.56% (16/23) against the"
                f" report of {base[:12]} (the merge base) (not gated: no max-drop set)"
                in first.stdout)
        assert "comment created: " in first.stderr
        [posted] = github.state.comments[3]
        body = posted["body"]
        assert body.startswith("<!-- releasegate:report -->\n### Releasegate: ✅ Release")
        assert "| Lines | 54.54% (6/11) | 69.56% (16/23) | +15.01 |" in body
        assert "| `pkg/calc.py` | 75.00% (3/4) | 80.00% (8/10) | +5.00 | 15 |" in body
        assert "| `pkg/shapes.py` | new | 42.85% (3/7) |  | 6-7 |" in body

        # A later push to the pull request lowers coverage; the ratchet gates when asked.
        (work / "tests" / "test_feature.py").write_text(
            "from pkg.calc import mul\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n")
        measure(work)
        second = gate(work, *args, "--max-drop", "0", env=env)
        assert second.returncode == 1, second
        assert "FAIL   coverage.ratchet" in second.stdout
        assert "comment updated: " in second.stderr
        [edited] = github.state.comments[3]
        assert edited["id"] == posted["id"]
        assert "Release blocked" in edited["body"] and "| `pkg/fmt.py` | new |" in edited["body"]
        assert [r.method for r in github.state.writes()] == ["POST", "PATCH"]


@pytest.mark.parametrize("content, message", [
    ('{"schema_version": 1, "checks": []}', "baseline JSON has no per-file coverage counts"),
    ("not json", "report is not UTF-8 text"),
])
def test_publish_refuses_what_is_not_a_report(tmp_path: Path, content: str,
                                              message: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q")
    path = work / "gate.json"
    path.write_bytes(content.encode() if content != "not json" else b"\xff\xfe")
    run = gate(work, "publish", "--report", "gate.json", "--commit", "a" * 40)
    assert run.returncode == 2
    assert message in run.stderr, run
    svg = work / "badge.svg"
    svg.write_text("<html/>")
    path.write_text(json.dumps({"schema_version": 1, "checks": [{"id": "coverage.line",
                                "data": {"files": []}}]}))
    not_svg = gate(work, "publish", "--report", "gate.json", "--badge", "badge.svg")
    assert not_svg.returncode == 2 and "badge is not an SVG image" in not_svg.stderr
    bad = gate(work, "publish", "--report", "gate.json", "--commit", "HEAD")
    assert bad.returncode == 2 and "expected a full commit id" in bad.stderr
    branch = gate(work, "publish", "--report", "gate.json", "--branch=a..b")
    assert branch.returncode == 2 and "not a plain branch name" in branch.stderr
