"""Commit files to the data branch of a remote, and push: git plumbing, no checkout.

Everything happens in a throwaway bare repository: the branch's tip is fetched
there (one commit deep), the new files are added to its tree through a private
index, a commit is made on top and pushed without force. When another run pushed
first, the push is refused and the whole step is redone on the new tip (a few
times): each run adds its own `reports/<commit>.json`, so nothing is lost. The
user's checkout is only read (the remote's URL); nothing in it changes.

A GitHub token (GITHUB_TOKEN) reaches git as an HTTP header through git's
environment-variable configuration (GIT_CONFIG_COUNT...), never on a command
line, and only for the GitHub server's own URLs.
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from gate.errors import InputError
from gate.gitdiff import GIT_TIMEOUT, Git

ATTEMPTS = 3
#: The identity GitHub documents for commits made with the workflow's GITHUB_TOKEN.
IDENTITY = {
    "GIT_AUTHOR_NAME": "github-actions[bot]",
    "GIT_AUTHOR_EMAIL": "41898282+github-actions[bot]@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "github-actions[bot]",
    "GIT_COMMITTER_EMAIL": "41898282+github-actions[bot]@users.noreply.github.com",
}
USERINFO = re.compile(r"(?<=://)[^/@]*@")
REFUSED = ("[rejected]", "non-fast-forward", "fetch first", "failed to update ref",
           "cannot lock ref", "stale info")


@dataclass(frozen=True)
class Stored:
    """What `store` did: the data commit now at the branch's tip, or nothing new."""

    branch: str
    remote: str
    commit: str
    changed: bool
    attempts: int


def redact_url(url: str) -> str:
    """A remote URL without any user or password in it."""
    return USERINFO.sub("***@", url)


def auth_env(url: str, environ: Mapping[str, str]) -> dict[str, str]:
    """git configuration, as environment variables, that sends GITHUB_TOKEN to GitHub.

    Only an https URL on the GitHub server (GITHUB_SERVER_URL, default github.com)
    gets the header; a local path or another host gets nothing.
    """
    token = environ.get("GITHUB_TOKEN", "")
    server = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    if not token or not server.startswith("https://") or not url.startswith(server + "/"):
        return {}
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode("ascii")
    return {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"http.{server}/.extraheader",
            "GIT_CONFIG_VALUE_0": f"AUTHORIZATION: basic {basic}"}


def remote_url(root: Path, remote: str, timeout: float = GIT_TIMEOUT) -> str:
    """The URL of `remote` in the checkout at `root` (a URL or path is returned as it is)."""
    if "/" in remote or ":" in remote:
        return remote
    git = Git(root, timeout, purpose="gate publish")
    done = git.call(["remote", "get-url", remote], "", check=False)
    url = done.stdout.decode("utf-8", "surrogateescape").strip()
    if done.returncode != 0 or not url:
        raise InputError(f"no git remote {remote!r} in {root}",
                         "run it in the repository's checkout, or pass --remote URL")
    return url


def store(url: str, branch: str, files: Mapping[str, bytes], message: str,
          environ: Mapping[str, str], attempts: int = ATTEMPTS,
          timeout: float = GIT_TIMEOUT) -> Stored:
    """Commit `files` (path on the branch -> content) on top of `branch` at `url`; push."""
    shown = redact_url(url)
    with tempfile.TemporaryDirectory(prefix="releasegate-data-") as scratch:
        env = {**IDENTITY, **auth_env(url, environ), "GIT_DIR": scratch,
               "GIT_INDEX_FILE": os.path.join(scratch, "releasegate-index")}
        git = Git(Path(scratch), timeout, purpose="gate publish", env=env)
        git.run(["init", "-q", "--bare", scratch], "make a scratch repository")
        for attempt in range(1, attempts + 1):
            tip = _fetch_tip(git, url, branch, shown)
            git.run(["read-tree", tip] if tip else ["read-tree", "--empty"], "read the tree")
            for path, content in sorted(files.items()):
                blob = git.call(["hash-object", "-w", "--stdin"], "store a file",
                                stdin=content).stdout.decode("ascii").strip()
                git.run(["update-index", "--add", "--cacheinfo", f"100644,{blob},{path}"],
                        f"add {path}")
            tree = git.run(["write-tree"], "write the tree").strip()
            if tip and git.run(["rev-parse", f"{tip}^{{tree}}"], "read the tree").strip() == tree:
                return Stored(branch, shown, tip, False, attempt)
            parents = ["-p", tip] if tip else []
            commit = git.call(["commit-tree", tree, *parents, "-F", "-"], "commit",
                              stdin=message.encode()).stdout.decode("ascii").strip()
            pushed = git.call(["push", "--porcelain", url, f"{commit}:refs/heads/{branch}"],
                              "", check=False)
            if pushed.returncode == 0:
                return Stored(branch, shown, commit, True, attempt)
            said = "\n".join(pushed.errors) + pushed.stdout.decode("utf-8", "replace")
            if not any(word in said for word in REFUSED):
                reason = pushed.errors[-1] if pushed.errors else f"exit {pushed.returncode}"
                raise InputError(f"cannot push to {branch} of {shown}: {redact_url(reason)}",
                                 "the job needs `permissions: contents: write` and"
                                 " GITHUB_TOKEN in its environment")
    raise InputError(f"cannot push to {branch} of {shown}: other runs kept moving it"
                     f" ({attempts} attempts)", "run the job again")


def _fetch_tip(git: Git, url: str, branch: str, shown: str) -> str | None:
    """The branch's tip commit, fetched into the scratch repository; None if it is absent."""
    ref = f"refs/heads/{branch}"
    listed = git.call(["ls-remote", "--heads", url, ref], "", check=False)
    if listed.returncode != 0:
        reason = redact_url(listed.errors[-1]) if listed.errors else "git ls-remote failed"
        raise InputError(f"cannot reach {shown}: {reason}",
                         "check the remote, and GITHUB_TOKEN for a private repository")
    names = [line.partition("\t")[2] for line in listed.stdout.decode("ascii", "replace")
             .splitlines()]
    if ref not in names:
        return None
    fetched = git.call(["fetch", "-q", "--no-tags", "--depth=1", url, f"+{ref}:{ref}"], "",
                       check=False)
    if fetched.returncode != 0:
        reason = redact_url(fetched.errors[-1]) if fetched.errors else "git fetch failed"
        raise InputError(f"cannot fetch {branch} from {shown}: {reason}")
    return git.run(["rev-parse", "--verify", ref], f"read {branch}").strip()
