"""[tool.gate.deploy] settings: every problem in them is a UsageError (exit 2)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from gate.checks.deploy import FAMILY
from gate.checks.deploy.settings import configure, guess_format
from gate.checks.deploy.spec import DeploySettings, Ignore
from gate.errors import UsageError
from tests.childenv import child_env


def values(table: Any, *argv: str) -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    FAMILY.add_arguments(parser)
    return FAMILY.values(parser.parse_args(list(argv)), table, "gate.toml: deploy", Path("/base"))


def test_nothing_set_means_the_family_does_not_run() -> None:
    assert configure(values(None)) is None
    assert configure(values({})) is None


def test_settings_from_the_table_and_flags_win() -> None:
    table = {"require-env": ["A"], "env-files": [".env"], "secrets": ["db.password"],
             "min-secret-length": 40, "require-tls": True, "ignore": ["debug-on", "http-url:API"]}
    settings = configure(values(table, "--require-env", "B", "--require-env", "C",
                                "--require-tls", "false"))
    assert settings == DeploySettings(
        require_env=("B", "C"), env_files=(Path("/base/.env"),), secrets=("db.password",),
        min_secret_length=40, require_tls=False,
        ignore=(Ignore("debug-on"), Ignore("http-url", "API")))


def test_flags_alone_configure_the_family(tmp_path: Path) -> None:
    settings = configure(values(None, "--env-file", "prod.env", "--secret", "TOKEN",
                                "--deploy-ignore", "secret-short", "--min-secret-length", "16"))
    assert settings is not None
    assert settings.env_files == (Path.cwd() / "prod.env",)
    assert settings.secrets == ("TOKEN",) and settings.min_secret_length == 16
    assert settings.ignored("secret-short", "ANY")


def test_files_entries() -> None:
    table = {"files": [
        {"path": "values.yaml", "require": {"service.port": "port", "app": {"url": "url"}},
         "forbid": {"app.debug": True, "hosts": ["*", "0.0.0.0"]}},
        {"path": "settings.conf", "format": "ini", "schema": "s.json"},
    ]}
    first, second = configure(values(table)).files  # type: ignore[union-attr]
    assert first.path == Path("/base/values.yaml") and first.format == "yaml"
    assert first.require == ((("service", "port"), "port"), (("app", "url"), "url"))
    assert first.forbid == ((("app", "debug"), (True,)), (("hosts",), ("*", "0.0.0.0")))
    assert second.format == "ini" and second.schema == Path("/base/s.json")


@pytest.mark.parametrize(("name", "fmt"), [
    ("a.toml", "toml"), ("a.YAML", "yaml"), ("a.yml", "yaml"), ("a.json", "json"),
    ("setup.cfg", "ini"), ("a.ini", "ini"), (".env", "dotenv"), (".env.production", "dotenv"),
    ("prod.env", "dotenv"), ("Dockerfile", None), ("a.conf", None),
])
def test_guess_format(name: str, fmt: str | None) -> None:
    assert guess_format(Path(name)) == fmt


@pytest.mark.parametrize(("table", "message"), [
    ({"requires-env": ["A"]}, "unknown key 'requires-env'"),
    ({"require-env": "A"}, "expected a list"),
    ({"require-env": ["A=B"]}, "is not an environment variable name"),
    ({"min-secret-length": 0}, "must be at least 1"),
    ({"require-tls": "maybe"}, "expected true or false"),
    ({"ignore": ["no-such-rule"]}, "unknown rule 'no-such-rule'"),
    ({"ignore": ["key-missing"]}, "rule 'key-missing' cannot be ignored"),
    ({"secrets": ["a..b"]}, "empty or invalid segment"),
    ({"files": {"path": "x.toml"}}, "expected a list"),
    ({"files": ["x.toml"]}, "expected a table with a `path`"),
    ({"files": [{"format": "toml"}]}, "missing `path`"),
    ({"files": [{"path": "x.toml", "requires": {}}]}, "files[0]: unknown key 'requires'"),
    ({"files": [{"path": "x.conf"}]}, "cannot tell the format"),
    ({"files": [{"path": "x.conf", "format": "xml"}]}, "unknown format 'xml'"),
    ({"files": [{"path": "x.toml", "require": {"a": "integer"}}]}, "unknown type 'integer'"),
    ({"files": [{"path": "x.toml", "require": ["a"]}]}, "expected a table of key paths"),
    ({"files": [{"path": "x.toml", "require": {"a..b": "str"}}]}, "empty or invalid segment"),
    ({"files": [{"path": "x.toml", "forbid": {"a": [{"b": 1}]}}]}, "must be a string, number"),
])
def test_bad_settings_are_usage_errors(table: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        configure(values(table))
    assert message in str(caught.value)


def test_the_cli_starts_without_loading_the_deploy_checks_or_their_libraries() -> None:
    import subprocess
    import sys

    code = ("import sys, gate.cli; gate.cli.build_parser(); "
            "print(sorted(m for m in sys.modules if m.startswith(('gate.checks.deploy.', "
            "'yaml', 'dotenv', 'jsonschema'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=child_env(), check=True, timeout=60)
    assert done.stdout.strip() == "['gate.checks.deploy.settings']"
