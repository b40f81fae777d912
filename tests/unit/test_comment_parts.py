"""The pure parts of the pull-request comment: Link headers, URLs, the body, the event."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate.comment.api import ApiError, check_url, next_link
from gate.comment.context import from_event, is_fork, pr_number
from gate.comment.post import MAX_BODY, TRUNCATED, compose, marker
from gate.errors import InputError, UsageError


def test_next_link_as_github_writes_it() -> None:
    header = ('<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2>;'
              ' rel="next", <https://api.github.com/repositories/1/issues/7/comments'
              '?per_page=100&page=5>; rel="last"')
    assert next_link(header) == ("https://api.github.com/repositories/1/issues/7/comments"
                                 "?per_page=100&page=2")
    assert next_link('<https://x/a?page=1>; rel="prev", <https://x/a?page=3>; rel=next') \
        == "https://x/a?page=3"
    assert next_link('<https://x/a?page=1>; rel="first"') is None
    assert next_link("") is None


@pytest.mark.parametrize("url", ["http://api.github.com", "ftp://x", "file:///etc/passwd",
                                 "https://", "http://10.0.0.1:8080", "http://[::1", "https://x:99999"])
def test_only_https_or_loopback_http(url: str) -> None:
    with pytest.raises(ApiError):
        check_url(url)


def test_accepted_urls() -> None:
    assert check_url("https://ghe.example/api/v3/") == "https://ghe.example/api/v3"
    assert check_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert check_url("http://localhost:1") == "http://localhost:1"


def test_the_body_fits_githubs_limit_cut_at_a_line() -> None:
    assert compose("x\n") == "<!-- releasegate:report -->\nx\n"
    assert compose("x\n", "api").startswith(marker("api"))
    long = "".join(f"| row {n} |\n" for n in range(20_000))
    body = compose(long)
    assert len(body) <= MAX_BODY and body.endswith(TRUNCATED)
    assert body.removesuffix(TRUNCATED).endswith("|")  # whole lines only


@pytest.mark.parametrize("text", ["0", "-1", "1e3", "٣", "99999999999", "7; rm", ""])
def test_pr_numbers_are_plain_digits(text: str) -> None:
    with pytest.raises(InputError):
        pr_number(text, "--pr")


def test_forks_are_recognised() -> None:
    base = "octo/app"
    assert not is_fork({"head": {"repo": {"full_name": "Octo/App"}}}, base)
    assert is_fork({"head": {"repo": {"full_name": "someone/app"}}}, base)
    assert is_fork({"head": {"repo": None}}, base)  # a deleted fork
    assert not is_fork({"head": {"sha": "abc"}}, base)  # an event without repositories


def test_the_event_gives_the_pull_request(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 12, "head": {
        "repo": {"full_name": "someone/app"}}}}))
    env = {"GITHUB_REPOSITORY": "octo/app", "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": str(event)}
    target = from_event(env)
    assert (target.repository, target.number, target.fork) == ("octo/app", 12, True)
    trusted = from_event({**env, "GITHUB_EVENT_NAME": "pull_request_target"})
    assert not trusted.fork  # its token may write
    with pytest.raises(UsageError):
        from_event({**env, "GITHUB_REPOSITORY": "../../x"})
    event.write_text("[]")
    with pytest.raises(InputError):
        from_event(env)
