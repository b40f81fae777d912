"""The data branch: where the default branch's runs keep their reports and the badge.

`gate publish` stores a commit's JSON report (and the coverage badge) there; the
coverage family's `--baseline-branch` finds the report a pull request is compared
with (find.py). The layout is in layout.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Mapping, TextIO

from gate.databranch.layout import DEFAULT_BRANCH

COMMIT_HINT = "pass --commit SHA (in GitHub Actions GITHUB_SHA is used)"


def add_parser(subcommands: Any) -> argparse.ArgumentParser:
    """Register `publish` with the CLI's subcommands (importing nothing more)."""
    parser: argparse.ArgumentParser = subcommands.add_parser(
        "publish",
        help="store a commit's JSON report and coverage badge on the data branch",
        description="Commit the gate's JSON report of a commit (reports/<commit>.json) and the"
                    " coverage badge (coverage.svg) to the data branch of a git remote, and"
                    " push. Pull requests find their base's report there"
                    " (`gate check --baseline-branch`). Run it on the default branch only.",
    )
    parser.add_argument("--report", type=Path, required=True, metavar="PATH",
                        help="the JSON report of `gate check` (--report json=PATH)")
    parser.add_argument("--badge", type=Path, metavar="PATH",
                        help="the coverage badge of `gate check` (--report badge=PATH)")
    parser.add_argument("--branch", default=DEFAULT_BRANCH, metavar="NAME",
                        help=f"the data branch (default: {DEFAULT_BRANCH})")
    parser.add_argument("--remote", default="origin", metavar="NAME",
                        help="the git remote to push to, a name or a URL (default: origin)")
    parser.add_argument("--commit", metavar="SHA",
                        help="the commit the report is of (default: $GITHUB_SHA, else HEAD)")
    return parser


def run(args: argparse.Namespace, stdout: TextIO | None = None,
        environ: Mapping[str, str] | None = None) -> int:
    """Carry out `gate publish`; returns the exit code (0 stored; errors raise GateError)."""
    from gate.databranch.layout import BADGE, README, README_TEXT, report_path
    from gate.databranch.store import remote_url, store
    from gate.databranch.validate import check_badge, check_branch, check_report

    out = stdout or sys.stdout
    env = os.environ if environ is None else environ
    branch = check_branch(args.branch)
    root = Path.cwd()
    content = check_report(args.report)
    badge = check_badge(args.badge) if args.badge is not None else None
    commit = _commit(args.commit or env.get("GITHUB_SHA", ""), root)
    files = {report_path(commit): content, README: README_TEXT.encode()}
    if badge is not None:
        files[BADGE] = badge
    url = remote_url(root, args.remote)
    done = store(url, branch, files, f"releasegate: report of {commit}\n", env)
    names = " and ".join(sorted(name for name in files if name != README))
    if done.changed:
        out.write(f"stored {names} on {branch} of {done.remote} (commit {done.commit[:12]})\n")
    else:
        out.write(f"{branch} of {done.remote} already holds {names} as they are\n")
    repository = env.get("GITHUB_REPOSITORY", "")
    if args.badge is not None and repository:
        out.write(f"badge: https://raw.githubusercontent.com/{repository}/{branch}/{BADGE}\n")
    return 0


def _commit(given: str, root: Path) -> str:
    from gate.databranch.layout import COMMIT
    from gate.errors import UsageError
    from gate.gitdiff import GIT_TIMEOUT, Git

    if given:
        if not COMMIT.match(given):
            raise UsageError(f"--commit {given!r}: expected a full commit id (40 or 64 hex"
                             " digits)", COMMIT_HINT)
        return given
    head = Git(root, GIT_TIMEOUT, purpose="gate publish").run(
        ["rev-parse", "--verify", "HEAD^{commit}"], "find HEAD", hint=COMMIT_HINT).strip()
    return head
