"""One comment per pull request, edited in place: found by a hidden marker, or created.

The comment's body is the report's markdown after a marker line (an HTML comment,
invisible once rendered). Each run lists the pull request's comments (every page),
edits the first whose body starts with the marker, and creates one only when there
is none. Every refusal of the API becomes an `Outcome` with a warning: posting a
comment never decides anything, so it never raises.
"""

from __future__ import annotations

from dataclasses import dataclass

from gate.comment.api import Api, ApiError

#: GitHub refuses comment bodies longer than this many characters.
MAX_BODY = 65536
DEFAULT_KEY = "report"
TRUNCATED = ("\n\n_The report is longer than a comment may be: the rest is in the run's job"
             " summary and its JSON report._\n")


@dataclass(frozen=True)
class Outcome:
    """What happened: "created", "updated" or "skipped", the comment's URL, a warning."""

    action: str
    url: str = ""
    warning: str = ""

    @property
    def posted(self) -> bool:
        """Whether a comment now shows this report."""
        return self.action in ("created", "updated")


def marker(key: str = DEFAULT_KEY) -> str:
    """The hidden first line that identifies the gate's comment (one per key)."""
    return f"<!-- releasegate:{key} -->"


def compose(markdown: str, key: str = DEFAULT_KEY) -> str:
    """The comment's body: the marker, then the report, cut to GitHub's limit at a line end."""
    head = marker(key) + "\n"
    if len(head) + len(markdown) <= MAX_BODY:
        return head + markdown
    room = MAX_BODY - len(head) - len(TRUNCATED)
    cut = markdown.rfind("\n", 0, room)
    return head + markdown[:cut if cut > 0 else room] + TRUNCATED


def upsert(api: Api, repository: str, number: int, body: str, key: str = DEFAULT_KEY,
           head_sha: str | None = None) -> Outcome:
    """Edit the pull request's comment that starts with the marker, or create one."""
    where = f"pull request #{number} of {repository}"
    try:
        if head_sha is not None:
            pull = api.request("GET", f"/repos/{repository}/pulls/{number}").data
            head = pull.get("head") if isinstance(pull, dict) else None
            actual = head.get("sha") if isinstance(head, dict) else None
            if actual != head_sha:
                shown = actual[:12] if isinstance(actual, str) else "unknown"
                return Outcome("skipped", warning=(
                    f"{where} is at {shown}, not {head_sha[:12]}: the report is of another"
                    " commit (a newer push, or a number that is not this run's); not posted"))
        tag = marker(key)
        existing = None
        for comment in api.paginate(f"/repos/{repository}/issues/{number}/comments"
                                    "?per_page=100"):
            text = comment.get("body") if isinstance(comment, dict) else None
            if isinstance(text, str) and text.startswith(tag):
                existing = comment
                break
        if existing is not None:
            answer = api.request("PATCH", f"/repos/{repository}/issues/comments/"
                                          f"{_id(existing)}", {"body": body})
            return Outcome("updated", _url(answer.data))
        answer = api.request("POST", f"/repos/{repository}/issues/{number}/comments",
                             {"body": body})
        return Outcome("created", _url(answer.data))
    except ApiError as exc:
        return Outcome("skipped", warning=f"could not comment on {where}: {exc}")


def _id(comment: dict[str, object]) -> int:
    value = comment.get("id")
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ApiError("the API listed a comment without a numeric id")
    return value


def _url(data: object) -> str:
    url = data.get("html_url") if isinstance(data, dict) else None
    return url if isinstance(url, str) else ""
