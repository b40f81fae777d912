"""Where a comment goes: the repository, the pull request, and whether this run may post.

Read from what GitHub Actions provides (GITHUB_REPOSITORY, GITHUB_EVENT_NAME, the
event file at GITHUB_EVENT_PATH) or given explicitly; every value is checked
before it is put in a URL. A `pull_request` run from a fork has a read-only token:
it is recognised here, so that the gate posts nothing and says where the comment
comes from instead (the `workflow_run` workflow, see docs/pull-requests.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from gate.errors import InputError, UsageError

REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
PR_EVENTS = ("pull_request", "pull_request_target")
MAX_NUMBER = 2**31 - 1


@dataclass(frozen=True)
class Target:
    """A pull request to comment on, or the reason there is none."""

    repository: str
    number: int | None
    fork: bool = False
    reason: str = ""


def repository(environ: Mapping[str, str]) -> str:
    """OWNER/NAME from GITHUB_REPOSITORY, checked."""
    name = environ.get("GITHUB_REPOSITORY", "")
    if not REPOSITORY.match(name) or name.endswith((".", "/..")):
        raise UsageError(f"GITHUB_REPOSITORY {name!r} is not OWNER/NAME",
                         "run it in GitHub Actions, or set GITHUB_REPOSITORY")
    return name


def pr_number(text: str, where: str) -> int:
    """A pull request number: digits only, 1 or more, within GitHub's range."""
    text = text.strip()
    if not text.isdecimal() or not text.isascii() or len(text) > 10 \
            or not 0 < int(text) <= MAX_NUMBER:
        raise InputError(f"{where}: {text[:40]!r} is not a pull request number",
                         "it holds the number alone, e.g. 42")
    return int(text)


def read_pr_file(path: Path) -> int:
    """The pull request number in a file a pull request's run wrote (an artifact)."""
    from gate.inputs import open_input

    handle = open_input(path, "--pr-file")
    try:
        with handle:
            raw = handle.read(64)
    except OSError as exc:
        raise InputError(f"cannot read --pr-file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise InputError(f"--pr-file {path}: not a pull request number") from None
    return pr_number(text, f"--pr-file {path}")


def from_event(environ: Mapping[str, str]) -> Target:
    """The pull request of this run's event; none outside pull-request events."""
    repo = repository(environ)
    name = environ.get("GITHUB_EVENT_NAME", "")
    if name not in PR_EVENTS:
        shown = name or "none"
        return Target(repo, None, reason=f"this run's event ({shown}) is not a pull request:"
                                         " pass --pr N")
    event = _event(environ.get("GITHUB_EVENT_PATH", ""))
    pull = event.get("pull_request")
    if not isinstance(pull, dict):
        raise InputError("the event file has no pull_request object",
                         "is GITHUB_EVENT_PATH this run's event?")
    number = pr_number(str(pull.get("number", "")), "the event's pull_request.number")
    return Target(repo, number, fork=name == "pull_request" and is_fork(pull, repo))


def is_fork(pull: Mapping[str, Any], repo: str) -> bool:
    """Whether the pull request's head lives in another repository (or in a deleted one)."""
    head = pull.get("head")
    if not isinstance(head, dict) or "repo" not in head:
        return False  # an event without repositories (act's): nothing says it is a fork
    head_repo = head["repo"]
    if not isinstance(head_repo, dict):
        return True  # the fork was deleted
    return str(head_repo.get("full_name", "")).lower() != repo.lower()


def _event(path: str) -> dict[str, Any]:
    if not path:
        raise InputError("GITHUB_EVENT_PATH is not set: no event to read the pull request from",
                         "pass --pr N")
    from gate.inputs import open_input

    handle = open_input(Path(path), "the event file")
    try:
        with handle:
            document = json.loads(handle.read().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"cannot read the event file {path}: {exc}") from None
    if not isinstance(document, dict):
        raise InputError(f"the event file {path} holds no JSON object")
    return document
