"""Env files beneath the real environment, and required variables."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate.checks.deploy.env import load, required
from gate.checks.deploy.issue import ENVIRONMENT, Issue


def env_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_later_files_win_and_the_real_environment_wins_over_all(tmp_path: Path) -> None:
    base = env_file(tmp_path, "base.env", """\
        A=base
        B=base
        C=base
        """)
    prod = env_file(tmp_path, "prod.env", """\
        B=prod
        C=prod
        """)
    env = load([base, prod], {"C": "real", "OTHER": "x"})
    assert dict(env.values) == {"A": "base", "B": "prod", "C": "real", "OTHER": "x"}
    assert env.defined == ("A", "B", "C")
    assert env.place("A").line == 1 and env.place("A").file.endswith("base.env")
    assert env.place("B").line == 1 and env.place("B").file.endswith("prod.env")
    assert env.place("C") is ENVIRONMENT
    assert env.place("OTHER") is ENVIRONMENT
    assert env.issues == ()


def test_references_resolve_from_the_real_environment_and_earlier_lines(tmp_path: Path) -> None:
    path = env_file(tmp_path, ".env", """\
        HOST=db.internal
        URL=postgres://app@${HOST}:${PORT}/app
        LITERAL=pa$word
        LATER=${DEFINED_BELOW}
        DEFINED_BELOW=x
        ALIAS=${TOKEN_FROM_VAULT}
        """)
    env = load([path], {"PORT": "5432", "TOKEN_FROM_VAULT": "t"})
    assert env.values["URL"] == "postgres://app@db.internal:5432/app"
    assert env.values["LITERAL"] == "pa$word"
    assert env.aliases == {"ALIAS": "TOKEN_FROM_VAULT"}
    assert env.unresolved == frozenset({"LATER"})
    assert [(i.rule, i.key, i.problem, i.place.line) for i in env.issues] == [
        ("ref-unresolved", "LATER", "refers to DEFINED_BELOW, which is not set", 4)]


def test_a_reference_in_a_value_the_real_environment_replaces_does_not_matter(
        tmp_path: Path) -> None:
    path = env_file(tmp_path, ".env", "URL=${NOT_SET}\n")
    env = load([path], {"URL": "https://real"})
    assert env.issues == () and env.values["URL"] == "https://real"


def test_missing_and_invalid_env_files_are_issues(tmp_path: Path) -> None:
    bad = env_file(tmp_path, "bad.env", 'A="unclosed\n')
    env = load([tmp_path / "missing.env", bad], {})
    assert [i.rule for i in env.issues] == ["file-missing", "file-invalid"]


def test_required_lists_every_missing_or_blank_name(tmp_path: Path) -> None:
    path = env_file(tmp_path, ".env", "BLANK=\nSET=1\n")
    env = load([path], {"SPACES": "  "})
    issues = required(["SET", "BLANK", "SPACES", "ABSENT"], env)
    assert issues == [
        Issue("env-missing", "BLANK", "set but empty", env.place("BLANK")),
        Issue("env-missing", "SPACES", "set but empty", ENVIRONMENT),
        Issue("env-missing", "ABSENT", "not set", ENVIRONMENT),
    ]
    assert required(["SET"], env) == []
