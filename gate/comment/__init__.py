"""The pull-request comment: the gate's markdown report, one comment, edited in place.

`gate comment REPORT.md` posts a report written earlier (the `workflow_run` side of
the fork-safe setup: the report comes in an artifact, as data); `gate check
--comment` posts the report of the run itself (same-repository pull requests).
Either way a refusal (no token, a fork's read-only token, 403, 404, 422, a rate
limit, an API that is down or slow) is a warning and exit 0: a comment never
decides anything. The token is read from GITHUB_TOKEN and never printed.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, TextIO

if TYPE_CHECKING:
    from gate.comment.post import Outcome

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
MAX_REPORT = 1024 * 1024
FORK = ("this pull request comes from a fork: its run has a read-only token and may not"
        " comment. The workflow_run workflow posts the report instead (see"
        " docs/pull-requests.md); nothing posted here")


def add_parser(subcommands: Any) -> argparse.ArgumentParser:
    """Register `comment` with the CLI's subcommands (importing nothing more)."""
    parser: argparse.ArgumentParser = subcommands.add_parser(
        "comment",
        help="post a markdown report as the pull request's comment, or edit the one posted",
        description="Post the gate's markdown report (gate check --report markdown=PATH) as a"
                    " comment on a pull request, or edit the comment an earlier run posted;"
                    " never a second one. Reads GITHUB_TOKEN, GITHUB_REPOSITORY and"
                    " GITHUB_API_URL. A refused comment is a warning: the exit code is 0.",
    )
    parser.add_argument("report", type=Path, metavar="REPORT.md",
                        help="the markdown report to post")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--pr", metavar="N",
                       help="the pull request number (default: this run's pull_request event)")
    which.add_argument("--pr-file", type=Path, metavar="PATH",
                       help="a file holding the pull request number (from an artifact)")
    parser.add_argument("--head-sha", metavar="SHA",
                        help="post only if the pull request's head is this commit (in a"
                             " workflow_run workflow: github.event.workflow_run.head_sha)")
    parser.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS",
                        help="how long to wait for each answer of the API (default: 15)")
    parser.add_argument("--key", default="report", metavar="NAME",
                        help="which of the gate's comments to post, for several per pull"
                             " request (default: report)")
    return parser


def run(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None,
        environ: Mapping[str, str] | None = None) -> int:
    """Carry out `gate comment`; returns 0 whether or not the comment could be posted."""
    from gate.comment.context import pr_number, read_pr_file
    from gate.errors import UsageError

    env = os.environ if environ is None else environ
    key = _key(args.key)
    if args.head_sha is not None and not SHA.match(args.head_sha):
        raise UsageError(f"--head-sha {args.head_sha!r}: expected a full commit id")
    number = None
    if args.pr is not None:
        number = pr_number(args.pr, "--pr")
    elif args.pr_file is not None:
        number = read_pr_file(args.pr_file)
    if not 0 < args.timeout <= 600:
        raise UsageError(f"--timeout {args.timeout:g}: give 0 < SECONDS <= 600")
    markdown = read_report(args.report)
    outcome = deliver(markdown, env, number, args.head_sha, key, args.timeout)
    tell(outcome, stdout or sys.stdout, stderr or sys.stderr, env)
    return 0


def _key(text: str) -> str:
    from gate.errors import UsageError

    if not KEY.match(text):
        raise UsageError(f"--key {text!r}: lower-case letters, digits and '-' only")
    return text


def read_report(path: Path) -> str:
    """The markdown report: UTF-8 text, no NUL, at most 1 MiB."""
    from gate.errors import InputError
    from gate.inputs import open_input

    hint = "write it with `gate check --report markdown=PATH`"
    handle = open_input(path, "report", hint)
    try:
        with handle:
            raw = handle.read(MAX_REPORT + 1)
    except OSError as exc:
        raise InputError(f"cannot read the report {path}: {exc.strerror or exc}", hint) from None
    if len(raw) > MAX_REPORT:
        raise InputError(f"the report {path} is larger than 1 MiB: not a gate report")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"the report {path} is not UTF-8 text") from None
    if "\0" in text or not text.strip():
        raise InputError(f"the report {path} is empty or not text")
    return text


def deliver(markdown: str, environ: Mapping[str, str], number: int | None = None,
            head_sha: str | None = None, key: str = "report", timeout: float = 15.0) -> Outcome:
    """Post `markdown` as the pull request's comment (or edit it); never raises for the API."""
    from gate.comment.api import DEFAULT_URL, Api, ApiError
    from gate.comment.context import Target, from_event, repository
    from gate.comment.post import Outcome, compose, upsert

    target = Target(repository(environ), number) if number is not None else from_event(environ)
    if target.number is None:
        return Outcome("skipped", warning=f"no pull request to comment on: {target.reason}")
    if target.fork:
        return Outcome("skipped", warning=FORK)
    token = environ.get("GITHUB_TOKEN", "")
    if not token:
        return Outcome("skipped", warning="GITHUB_TOKEN is not set: no comment posted (give"
                                          " the step `GITHUB_TOKEN: ${{ github.token }}`)")
    try:
        api = Api(environ.get("GITHUB_API_URL") or DEFAULT_URL, token, timeout)
    except ApiError as exc:
        return Outcome("skipped", warning=f"no comment posted: {exc}")
    return upsert(api, target.repository, target.number, compose(markdown, key), key, head_sha)


def tell(outcome: Outcome, stdout: TextIO, stderr: TextIO, environ: Mapping[str, str]) -> None:
    """Say what happened: the comment's URL, or the warning (an annotation in Actions)."""
    if outcome.posted:
        stdout.write(f"comment {outcome.action}: {outcome.url or '(no URL given)'}\n")
        return
    if environ.get("GITHUB_ACTIONS") == "true":
        from gate.report.github import escape_data

        stderr.write(f"::warning title=releasegate comment::{escape_data(outcome.warning)}\n")
    else:
        stderr.write(f"gate: warning: {outcome.warning}\n")
