"""What the data branch holds, and where: one place for its writer and its readers.

The default branch's CI run commits, to a branch of their own (`releasegate-data`
by default, with a history unrelated to the code's):

- `reports/<commit>.json`: the gate's JSON report of that commit, the base a pull
  request is compared with;
- `coverage.svg`: the coverage badge of the newest run, for a README;
- `README.md`: what the branch is, for whoever finds it.
"""

from __future__ import annotations

import re

DEFAULT_BRANCH = "releasegate-data"
REPORTS = "reports"
BADGE = "coverage.svg"
README = "README.md"
#: A full commit id: SHA-1 (40 hex digits) or SHA-256 (64).
COMMIT = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")

README_TEXT = """\
# Releasegate data

Written by CI (`python -m gate publish`), never by hand: the gate's JSON report of each
commit of the default branch (`reports/<commit>.json`), which pull requests are compared
with, and the coverage badge of the newest one (`coverage.svg`). Deleting this branch loses
nothing but the comparison of open pull requests until the next run on the default branch.
"""


def report_path(commit: str) -> str:
    """Where the report of `commit` is kept on the data branch."""
    return f"{REPORTS}/{commit}.json"


def commit_of(path: str) -> str | None:
    """The commit a path on the data branch holds the report of, or None."""
    folder, _, name = path.partition("/")
    stem, dot, suffix = name.rpartition(".")
    if folder != REPORTS or not dot or suffix != "json" or not COMMIT.match(stem):
        return None
    return stem
