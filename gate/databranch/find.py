"""Find the report a change is compared with: the base commit's, on the data branch.

The search starts at a commit (the merge base of the pull request with its base
branch, or HEAD's parent) and walks back along first parents, the base branch's
own line of history, up to `LIMIT` commits; the first commit with a stored report
wins. Nothing is fetched: the data branch must be in the clone (actions/checkout
with `fetch-depth: 0` fetches every branch). When no report is found the answer
says why, and the caller skips the comparison: a missing base is never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gate.databranch.layout import REPORTS, commit_of, report_path
from gate.gitdiff import GIT_TIMEOUT, Git

#: How many commits back from the start the search looks.
LIMIT = 1000


@dataclass(frozen=True)
class BaseReport:
    """The stored report of `commit`, found `distance` first-parent commits before `start`
    (`origin` says what `start` is: the merge base, or HEAD's parent)."""

    branch: str
    start: str
    origin: str
    commit: str
    distance: int
    text: bytes

    @property
    def label(self) -> str:
        """Where the report was read, for messages: `origin/releasegate-data:reports/<c>.json`."""
        return f"{self.branch}:{report_path(self.commit)}"


@dataclass(frozen=True)
class NoBase:
    """No report to compare with, and why (one sentence)."""

    reason: str


def find(branch: str, root: Path, start: str | None, limit: int = LIMIT,
         timeout: float = GIT_TIMEOUT) -> BaseReport | NoBase:
    """The newest stored report among `start` and its first-parent ancestors.

    `start` is a commit; None starts at HEAD's parent (HEAD's own report, if
    stored, is never its base).
    """
    git = Git(root, timeout, purpose="--baseline-branch")
    git.run(["rev-parse", "--show-toplevel"], "find the repository",
            hint="run the gate inside the project's git checkout, or drop --baseline-branch")
    tip = git.run(["rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}"], "",
                  check=False).strip()
    if not tip:
        return NoBase(f"no base report: {branch} is not in this clone (no run on the default"
                      " branch has stored a report yet, or the branch was not fetched)")
    listing = git.run(["ls-tree", "-z", "--full-tree", "--name-only", tip, f"{REPORTS}/"],
                      f"list the reports on {branch}")
    stored = {commit for name in listing.split("\0") if (commit := commit_of(name))}
    if not stored:
        return NoBase(f"no base report: {branch} holds no report yet")
    walk = git.call(["rev-list", "--first-parent", f"--max-count={limit + 1}",
                     start or "HEAD", "--"], "", check=False)
    commits = walk.stdout.decode("ascii", "replace").split()
    if start is None:
        commits = commits[1:]  # HEAD itself
    commits = commits[:limit]
    origin = "the merge base" if start else "HEAD's parent"
    for distance, commit in enumerate(commits):
        if commit in stored:
            text = git.call(["cat-file", "blob", f"{tip}:{report_path(commit)}"],
                            f"read the report of {commit[:12]} on {branch}").stdout
            return BaseReport(branch, start or commits[0], origin, commit, distance, text)
    shallow = git.is_shallow()
    if walk.returncode != 0 or (not commits and shallow):
        hint = " (a shallow clone: check out with fetch-depth: 0)" if shallow else ""
        return NoBase(f"no base report: the history from {_at(origin, start)} back is not in this"
                      f" clone{hint}")
    if not commits:
        return NoBase("no base report: HEAD has no parent commit")
    note = " (a shallow clone)" if shallow else ""
    return NoBase(f"no base report: none of the {len(commits)} commit(s) from"
                  f" {_at(origin, start)} back has a report on {branch}{note}")


def _at(origin: str, start: str | None) -> str:
    return f"{origin} {start[:12]}" if start else origin
