"""The deploy family end to end in-process: which results, their status, summary and data."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from gate.checks.deploy.check import evaluate
from gate.checks.deploy.spec import DeploySettings, FileSpec, Ignore
from gate.model import CheckResult, Status

STRONG = "Zr8vQ2mN5kL1pX7wT4yB9cF3hJ6dS0gA"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def by_id(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {r.id: r for r in results}


def messages(result: CheckResult) -> list[str]:
    return [f.message for f in result.findings]


def test_only_what_is_configured_runs_and_secrets_skip_when_none_found() -> None:
    results = evaluate(DeploySettings(require_tls=True), {"PATH": "/bin"})
    assert [(r.id, r.status) for r in results] == [
        ("deploy.secrets", Status.SKIP), ("deploy.insecure", Status.PASS)]
    assert results[1].summary == "no insecure value in 0 keys (TLS required)"


def test_watched_variables_of_the_real_environment_are_checked() -> None:
    results = by_id(evaluate(DeploySettings(), {"DEBUG": "1", "RUNNER_DEBUG": "1"}))
    assert messages(results["deploy.insecure"]) == ["environment: DEBUG: debug is on [debug-on]"]


def test_env_check_passes_and_fails(tmp_path: Path) -> None:
    dotenv = write(tmp_path, ".env", "SECRET_KEY=" + STRONG + "\n")
    settings = DeploySettings(require_env=("SECRET_KEY", "DATABASE_URL", "A", "B"),
                              env_files=(dotenv,))
    env = by_id(evaluate(settings, {"DATABASE_URL": "postgres://db/app"}))["deploy.env"]
    assert env.status is Status.FAIL
    assert env.summary == "2 of 4 required variables not set: A, B"
    assert env.data["missing"] == ["A", "B"]
    env = by_id(evaluate(settings, {"DATABASE_URL": "x", "A": "1", "B": "2"}))["deploy.env"]
    assert env.status is Status.PASS
    assert env.summary == "4 required variables set, 1 env file read"


def test_files_check_with_problems_per_file(tmp_path: Path) -> None:
    good = write(tmp_path, "good.toml", "[redis]\nport = 6379\n")
    bad = write(tmp_path, "bad.json", '{"redis": {"port": "x"}}')
    spec = (("redis", "port"), "port")
    settings = DeploySettings(files=(FileSpec(good, "toml", require=(spec,)),
                                     FileSpec(bad, "json", require=(spec,)),
                                     FileSpec(tmp_path / "gone.yaml", "yaml")))
    files = by_id(evaluate(settings, {}))["deploy.files"]
    assert files.status is Status.FAIL
    assert files.summary == "2 of 3 config files with problems: 1 key-type, 1 file-missing"
    assert [row["status"] for row in files.data["files"]] == ["pass", "fail", "fail"]
    settings = DeploySettings(files=settings.files[:1])
    files = by_id(evaluate(settings, {}))["deploy.files"]
    assert (files.status, files.summary) == (Status.PASS, "1 config file read and valid")


def test_ignore_turns_rules_off_everywhere_or_for_one_key(tmp_path: Path) -> None:
    environ = {"DEBUG": "true", "FLASK_DEBUG": "1", "ALLOWED_HOSTS": "*"}
    insecure = by_id(evaluate(DeploySettings(ignore=(Ignore("debug-on", "DEBUG"),)),
                              environ))["deploy.insecure"]
    assert [m.split(": ")[1] for m in messages(insecure)] == ["FLASK_DEBUG", "ALLOWED_HOSTS"]
    assert insecure.data["ignored"] == 1
    insecure = by_id(evaluate(DeploySettings(ignore=(Ignore("debug-on"), Ignore("hosts-wildcard"))),
                              environ))["deploy.insecure"]
    assert insecure.status is Status.PASS and insecure.data["ignored"] == 3


def test_secrets_listed_in_an_unreadable_file_are_not_reported_twice(tmp_path: Path) -> None:
    settings = DeploySettings(files=(FileSpec(tmp_path / "gone.yaml", "yaml"),),
                              secrets=("db.password", "API_TOKEN"))
    secrets = by_id(evaluate(settings, {}))["deploy.secrets"]
    assert messages(secrets) == [
        "environment: API_TOKEN: listed in `secrets` but not set anywhere [secret-empty]"]


def test_references_in_files_resolve_through_env_files(tmp_path: Path) -> None:
    dotenv = write(tmp_path, ".env.production", f"""\
        DB_PASSWORD={STRONG}
        PUBLIC_URL=https://shop.example.com
        """)
    config = write(tmp_path, "values.yaml", """\
        app:
          url: ${PUBLIC_URL}
        database:
          password: ${DB_PASSWORD}
          replica_password: ${DB_PASSWORD}
        """)
    settings = DeploySettings(env_files=(dotenv,), files=(FileSpec(
        config, "yaml", require=((("app", "url"), "url"),)),))
    results = by_id(evaluate(settings, {}))
    assert results["deploy.files"].status is Status.PASS
    secrets = results["deploy.secrets"]
    assert (secrets.status, secrets.summary) == (Status.PASS, "1 secret checked, all pass")
    assert secrets.data["checked"] == ["DB_PASSWORD"]


HOSTILE = ["changeme", "hunter2hunter2", STRONG, "p@ss-in-url", "dev-secret-value"]


@pytest.mark.parametrize("fmt", ["dotenv", "yaml", "toml", "json", "ini"])
def test_no_secret_value_reaches_any_result_field(tmp_path: Path, fmt: str) -> None:
    values = {"api_token": HOSTILE[0], "db_password": HOSTILE[1], "jwt_secret": HOSTILE[2],
              "session_secret": HOSTILE[2], "database_url": f"postgres://u:{HOSTILE[3]}@db/x",
              "secret_key": HOSTILE[4]}
    text = {
        "dotenv": "".join(f"{k}={v}\n" for k, v in values.items()),
        "yaml": "app:\n" + "".join(f"  {k}: '{v}'\n" for k, v in values.items()),
        "toml": "[app]\n" + "".join(f'{k} = "{v}"\n' for k, v in values.items()),
        "json": json.dumps({"app": values}),
        "ini": "[app]\n" + "".join(f"{k} = {v}\n" for k, v in values.items()),
    }[fmt]
    path = write(tmp_path, f"config.{fmt}", text)
    section = () if fmt == "dotenv" else ("app",)
    settings = DeploySettings(
        files=(FileSpec(path, fmt, forbid=((section + ("secret_key",), (HOSTILE[4],)),)),),
        secrets=(".".join(section + ("api_token",)),))
    results = by_id(evaluate(settings, {}))
    assert messages(results["deploy.files"])[0].endswith(
        "secret_key: holds a forbidden value [value-forbidden]")
    secrets = results["deploy.secrets"]
    assert secrets.status is Status.FAIL
    assert set(secrets.data["rules"]) == {"secret-placeholder", "secret-short",
                                          "secret-low-variety", "secret-reused"}
    blob = json.dumps([_plain(r) for r in results.values()])
    for value in HOSTILE:
        assert value not in blob


def _plain(result: CheckResult) -> Any:
    return {"summary": result.summary, "findings": [vars(f) for f in result.findings],
            "data": result.data, "warnings": result.warnings}


# A secret whose value is not a string: null, a number, a boolean, an empty list.

SECRET_VALUES = {  # what the file holds, how each format spells it, the kind the message says
    "null": ({"yaml": "null", "json": "null", "toml": None}, "null"),
    "integer": ({"yaml": "12345", "json": "12345", "toml": "12345"}, "an integer"),
    "float": ({"yaml": "3.5", "json": "3.5", "toml": "3.5"}, "a number"),
    "boolean": ({"yaml": "true", "json": "true", "toml": "true"}, "a boolean"),
    "empty list": ({"yaml": "[]", "json": "[]", "toml": "[]"}, "an empty list"),
    "list of numbers": ({"yaml": "[12345]", "json": "[12345]", "toml": "[12345]"},
                        "an integer"),
}
FORMATS = {"yaml": ("app.yaml", "name: shop\n{key}: {value}\n"),
           "json": ("app.json", '{{"name": "shop",\n "{key}": {value}}}\n'),
           "toml": ("app.toml", 'name = "shop"\n{key} = {value}\n')}
SECRET_CASES = [(kind, fmt, key) for kind, (spelled, _) in SECRET_VALUES.items()
                for fmt in FORMATS if spelled[fmt] is not None
                for key in ("SECRET_KEY", "api_token", "listed")]


@pytest.mark.parametrize(("kind", "fmt", "key"), SECRET_CASES,
                         ids=["-".join(case) for case in SECRET_CASES])
def test_a_secret_that_is_not_a_string_fails(tmp_path: Path, kind: str, fmt: str, key: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # files are named relative to the working folder
    spelled, said = SECRET_VALUES[kind]
    name, template = FORMATS[fmt]
    path = write(tmp_path, name, template.format(key=key, value=spelled[fmt]))
    settings = DeploySettings(files=(FileSpec(path, fmt),),
                              secrets=("listed",) if key == "listed" else ())
    secrets = by_id(evaluate(settings, {}))["deploy.secrets"]
    assert secrets.status is Status.FAIL, secrets
    (message,) = messages(secrets)
    shown = f"{key}.0" if kind == "list of numbers" else key  # an item of the list
    assert message.startswith(f"{name}:2: {shown}: value is {said}, not a string"), message
    assert message.endswith("[secret-type]"), message
    value = spelled[fmt].strip("[]")
    if kind != "null" and value:  # null is its own kind; any other value never shows
        assert value not in message.replace(name, ""), message


def test_the_ini_and_dotenv_formats_hold_strings_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where every value is a string, an empty one is what a missing secret looks like."""
    monkeypatch.chdir(tmp_path)
    ini = write(tmp_path, "app.ini", "[app]\nsecret_key =\n")
    dotenv = write(tmp_path, "app.env", "API_TOKEN=\n")
    settings = DeploySettings(files=(FileSpec(ini, "ini"), FileSpec(dotenv, "dotenv")))
    secrets = by_id(evaluate(settings, {}))["deploy.secrets"]
    assert messages(secrets) == ["app.ini:2: app.secret_key: value is empty [secret-empty]",
                                 "app.env:1: API_TOKEN: value is empty [secret-empty]"]


def test_a_table_under_a_secret_name_is_structure_unless_listed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, "app.yaml", f"secrets:\n  db_password: {STRONG}\n")
    found = by_id(evaluate(DeploySettings(files=(FileSpec(path, "yaml"),)), {}))
    assert found["deploy.secrets"].status is Status.PASS
    listed = DeploySettings(files=(FileSpec(path, "yaml"),), secrets=("secrets",))
    assert messages(by_id(evaluate(listed, {}))["deploy.secrets"]) == [
        "app.yaml:1: secrets: value is a table, not a string [secret-type]"]
