"""The data branch on real git repositories: storing reports (push, race, nothing new) and
finding a change's base report (the merge base, an older ancestor, none, a shallow clone)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from gate.databranch import find as finder
from gate.databranch import store as storer
from gate.databranch.layout import README_TEXT, commit_of, report_path
from gate.errors import InputError
from tests.integration.gitrepo import git

IDENTITY_ENV: dict[str, str] = {}


def repo(tmp_path: Path) -> tuple[Path, Path]:
    """A bare 'origin' and a clone of it with a main branch of three commits."""
    origin = tmp_path / "origin.git"
    work = tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "clone", "-q", str(origin), str(work))
    for n in range(3):
        (work / "f.txt").write_text(f"{n}\n")
        git(work, "add", "f.txt")
        git(work, "commit", "-q", "-m", f"c{n}")
    git(work, "push", "-q", "origin", "HEAD:main")
    return origin, work


def head(work: Path, rev: str = "HEAD") -> str:
    return git(work, "rev-parse", rev).strip()


def report(covered: int) -> bytes:
    return json.dumps({"schema_version": 1, "checks": [{"id": "coverage.line", "data": {
        "files": [{"name": "a.py", "lines": {"covered": covered, "total": 10}}]}}]}).encode()


def tree(origin: Path, branch: str = "releasegate-data") -> dict[str, str]:
    names = git(origin, "ls-tree", "-r", "--name-only", branch).split()
    return {name: git(origin, "show", f"{branch}:{name}") for name in names}


def test_layout_names() -> None:
    sha = "a" * 40
    assert report_path(sha) == f"reports/{sha}.json"
    assert commit_of(f"reports/{sha}.json") == sha
    assert commit_of(f"reports/{'b' * 64}.json") == "b" * 64
    for other in (f"reports/{sha}.txt", f"other/{sha}.json", "reports/HEAD.json",
                  f"reports/{sha[:39]}.json", "coverage.svg"):
        assert commit_of(other) is None


def test_store_creates_then_adds_then_finds_nothing_new(tmp_path: Path) -> None:
    origin, work = repo(tmp_path)
    first = storer.store(str(origin), "releasegate-data",
                         {report_path("1" * 40): report(5), "coverage.svg": b"<svg/>",
                          "README.md": README_TEXT.encode()}, "first\n", {})
    assert first.changed and first.attempts == 1
    assert tree(origin) == {f"reports/{'1' * 40}.json": report(5).decode(),
                            "coverage.svg": "<svg/>", "README.md": README_TEXT}
    second = storer.store(str(origin), "releasegate-data",
                          {report_path("2" * 40): report(6), "coverage.svg": b"<svg>2</svg>"},
                          "second\n", {})
    assert second.changed
    files = tree(origin)
    assert set(files) == {f"reports/{'1' * 40}.json", f"reports/{'2' * 40}.json",
                          "coverage.svg", "README.md"}
    assert files["coverage.svg"] == "<svg>2</svg>"
    log = git(origin, "log", "--format=%s|%an", "releasegate-data").split("\n")
    assert log[:2] == ["second|github-actions[bot]", "first|github-actions[bot]"]
    again = storer.store(str(origin), "releasegate-data",
                         {report_path("2" * 40): report(6)}, "third\n", {})
    assert not again.changed and again.commit == second.commit
    # The code's branches and the clone the command ran beside are untouched.
    assert git(origin, "rev-parse", "main").strip() == head(work)
    assert "releasegate-data" not in git(work, "branch", "-a")


def test_store_retries_when_another_run_pushed_first(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    origin, _ = repo(tmp_path)
    storer.store(str(origin), "releasegate-data", {"README.md": b"x"}, "start\n", {})
    real = storer._fetch_tip
    calls = []

    def racing(git_: storer.Git, url: str, branch: str, shown: str) -> str | None:
        tip = real(git_, url, branch, shown)
        calls.append(tip)
        if len(calls) == 1:  # another run pushes between our fetch and our push
            monkeypatch.setattr(storer, "_fetch_tip", real)
            storer.store(url, branch, {report_path("9" * 40): report(1)}, "other run\n", {})
            monkeypatch.setattr(storer, "_fetch_tip", racing)
        return tip

    monkeypatch.setattr(storer, "_fetch_tip", racing)
    done = storer.store(str(origin), "releasegate-data", {report_path("8" * 40): report(2)},
                        "ours\n", {})
    assert done.changed and done.attempts == 2
    assert calls[0] != calls[1]
    assert {f"reports/{'8' * 40}.json", f"reports/{'9' * 40}.json"} <= set(tree(origin))


def test_store_errors_name_the_remote_without_credentials(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        storer.store(str(tmp_path / "nowhere.git"), "releasegate-data", {"a": b"a"}, "m\n", {})
    assert "cannot reach" in str(caught.value)
    assert storer.redact_url("https://user:secret@github.com/o/r.git") \
        == "https://***@github.com/o/r.git"


def test_push_refused_by_the_remote_is_an_error(tmp_path: Path) -> None:
    origin, _ = repo(tmp_path)
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'permission denied to github-actions[bot]' >&2\nexit 1\n")
    hook.chmod(0o755)
    with pytest.raises(InputError) as caught:
        storer.store(str(origin), "releasegate-data", {"a": b"a"}, "m\n", {})
    assert "cannot push to releasegate-data of" in str(caught.value)
    assert "contents: write" in str(caught.value)


def test_the_token_goes_to_github_only_as_a_header() -> None:
    env = {"GITHUB_TOKEN": "ghs_secret", "GITHUB_SERVER_URL": "https://github.com"}
    auth = storer.auth_env("https://github.com/octo/app", env)
    assert auth["GIT_CONFIG_KEY_0"] == "http.https://github.com/.extraheader"
    value = auth["GIT_CONFIG_VALUE_0"].removeprefix("AUTHORIZATION: basic ")
    assert base64.b64decode(value) == b"x-access-token:ghs_secret"
    assert storer.auth_env("/tmp/origin.git", env) == {}
    assert storer.auth_env("https://evil.example/octo/app", env) == {}
    assert storer.auth_env("https://github.com.evil.example/x", env) == {}
    assert storer.auth_env("https://github.com/octo/app", {}) == {}


# Finding the base report ------------------------------------------------------------


def stored(origin: Path, *commits: str) -> None:
    storer.store(str(origin), "releasegate-data",
                 {report_path(c): report(n) for n, c in enumerate(commits)}, "r\n", {})


def test_the_merge_base_report_is_found(tmp_path: Path) -> None:
    origin, work = repo(tmp_path)
    stored(origin, head(work, "HEAD~1"), head(work))
    git(work, "fetch", "-q", "origin")
    found = finder.find("origin/releasegate-data", work, head(work))
    assert isinstance(found, finder.BaseReport)
    assert (found.commit, found.distance, found.origin) == (head(work), 0, "the merge base")
    assert json.loads(found.text) == json.loads(report(1))
    assert found.label == f"origin/releasegate-data:reports/{head(work)}.json"


def test_an_older_ancestor_when_the_base_has_none(tmp_path: Path) -> None:
    origin, work = repo(tmp_path)
    stored(origin, head(work, "HEAD~2"))
    git(work, "fetch", "-q", "origin")
    found = finder.find("origin/releasegate-data", work, head(work))
    assert isinstance(found, finder.BaseReport)
    assert (found.commit, found.distance, found.start) == (head(work, "HEAD~2"), 2, head(work))


def test_without_a_start_head_itself_never_counts(tmp_path: Path) -> None:
    origin, work = repo(tmp_path)
    stored(origin, head(work), head(work, "HEAD~1"))
    git(work, "fetch", "-q", "origin")
    found = finder.find("origin/releasegate-data", work, None)
    assert isinstance(found, finder.BaseReport)
    assert (found.commit, found.distance, found.origin) == (head(work, "HEAD~1"), 0,
                                                            "HEAD's parent")


def test_no_base_report_says_why(tmp_path: Path) -> None:
    origin, work = repo(tmp_path)
    missing = finder.find("origin/releasegate-data", work, head(work))
    assert isinstance(missing, finder.NoBase)
    assert missing.reason.startswith("no base report: origin/releasegate-data is not in this"
                                     " clone")
    stored(origin, "f" * 40)  # a report of a commit that is no ancestor
    git(work, "fetch", "-q", "origin")
    none = finder.find("origin/releasegate-data", work, head(work))
    assert isinstance(none, finder.NoBase)
    assert none.reason == (f"no base report: none of the 3 commit(s) from the merge base"
                           f" {head(work)[:12]} back has a report on origin/releasegate-data")
    near = finder.find("origin/releasegate-data", work, head(work), limit=1)
    assert isinstance(near, finder.NoBase) and "none of the 1 commit(s)" in near.reason


def test_a_shallow_clone_is_named(tmp_path: Path) -> None:
    origin, work = repo(tmp_path)
    stored(origin, head(work, "HEAD~2"))
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth=1", "--no-single-branch", f"file://{origin}",
        str(shallow))
    found = finder.find("origin/releasegate-data", shallow, None)
    assert isinstance(found, finder.NoBase)
    assert "(a shallow clone: check out with fetch-depth: 0)" in found.reason
    deep = finder.find("origin/releasegate-data", shallow, head(shallow))
    assert isinstance(deep, finder.NoBase) and "(a shallow clone)" in deep.reason


def test_outside_a_repository_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        finder.find("origin/releasegate-data", tmp_path, None)
    assert "drop --baseline-branch" in str(caught.value)
