"""The deploy checks through the real CLI, on realistic deployments written for these tests.

tests/fixtures/deploy/ready is a release that may ship: a twelve-factor .env.production, a
Helm-style Kubernetes values.yaml, a TOML config with its JSON Schema and an INI config.
tests/fixtures/deploy/broken is the same application with the mistakes the checks exist for.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.childenv import child_env
from tests.conftest import Run, measure, run_gate, write_package

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "deploy"

#: What the platform injects at deploy time ("from the vault"): random, made for these tests.
VAULT = {
    "STRIPE_API_KEY_FROM_VAULT": "sk_live_51HxYz8Kq2LmN3pQ4rS5tU6vW7xY8zA9bC0dE1fG2",
    "DB_PASSWORD": "Xo1vX2ZkJ3eQ9rLm5nB7cD8fG0hJ4kL6pQ2sTw",
    "SMTP_PASSWORD": "csJ_FWu3A9BzqG3X5eP0WEGqPDn46Q1Rdo5XzJnwC_ar93U0",
}

#: Every secret value in the broken deployment: none may reach any output.
BROKEN_SECRETS = (
    "shop:postgres@",  # the password in DATABASE_URL
    "django-insecure-7n#k2$w!q0s^x@3v",
    "7n#k2$w!q0s^x@3v",
    "vZClBf1Pmja9hmYcL9A1RaAcxdZVFtUZ70WLCle--x4PjV_S",
    "changeme",
    VAULT["SMTP_PASSWORD"],
)


def project(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    return root


def gate(root: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    return run_gate(["check", *args], root, env)


def test_a_ready_deployment_passes(tmp_path: Path) -> None:
    done = gate(project(tmp_path, "ready"), env=VAULT)
    assert done.returncode == 0, done
    assert done.stdout.splitlines() == [
        "PASS   deploy.env       5 required variables set, 1 env file read",
        "PASS   deploy.files     3 config files read and valid",
        "PASS   deploy.secrets   7 secrets checked, all pass",
        "PASS   deploy.insecure  no insecure value in 94 keys (TLS required)",
        "release allowed: 4 of 4 checks passed",
    ]


def test_the_ready_deployment_blocks_when_the_vault_is_not_there(tmp_path: Path) -> None:
    done = gate(project(tmp_path, "ready"), env={"DB_PASSWORD": VAULT["DB_PASSWORD"]})
    assert done.returncode == 1, done
    assert ("FAIL   deploy.env       2 of 5 required variables not set: "
            "STRIPE_API_KEY_FROM_VAULT, SMTP_PASSWORD; 1 problem in env files: "
            "1 ref-unresolved\n") in done.stdout
    assert ("- .env.production:13: STRIPE_API_KEY: refers to STRIPE_API_KEY_FROM_VAULT, "
            "which is not set [ref-unresolved]") in done.stdout
    assert "- app.ini:17: mail.smtp_password: refers to SMTP_PASSWORD" in done.stdout


EXPECTED_BROKEN = """\
.env.production:11: SENTRY_DSN: refers to SENTRY_DSN_FROM_VAULT, which is not set [ref-unresolved]
environment: REDIS_URL: not set [env-missing]
values.yaml:21: database.password: refers to DB_PASSWORD, which is not set [ref-unresolved]
values.yaml:10: service.port: expected port, found a string that spells one (unquote it, or require str) [key-type]
values.yaml:12: app.url: required key is missing (want url) [key-missing]
values.yaml:13: app.debug: holds the forbidden value true [value-forbidden]
config.toml:16: redis.port: expected port, found a string that spells one (unquote it, or require str) [key-type]
config.toml:2: legacy_mode: not allowed by the schema (no such key) [schema-violation]
config.toml:6: app.url: does not match the pattern '^https://' [schema-violation]
config.toml:11: database.pool_size: less than 1 [schema-violation]
config.toml:16: redis.port: expected an integer, found a string [schema-violation]
app.ini:7: server.port: expected port, found a string [key-type]
app.ini:8: server.debug: holds the forbidden value true [value-forbidden]
.env.production:6: DATABASE_URL: password in the URL is a placeholder, not a real secret [secret-placeholder]
.env.production:6: DATABASE_URL: password in the URL is shorter than 32 characters [secret-short]
.env.production:6: DATABASE_URL: password in the URL has fewer than 8 distinct characters [secret-low-variety]
.env.production:7: SECRET_KEY: value is a placeholder, not a real secret [secret-placeholder]
.env.production:10: EMAIL_HOST_PASSWORD: value is a placeholder, not a real secret [secret-placeholder]
.env.production:10: EMAIL_HOST_PASSWORD: value is shorter than 32 characters [secret-short]
.env.production:10: EMAIL_HOST_PASSWORD: value has fewer than 8 distinct characters [secret-low-variety]
.env.production:13: API_TOKEN: value is empty [secret-empty]
.env.production:9: SESSION_SECRET: value is the same as the value of JWT_SECRET (.env.production:8) [secret-reused]
.env.production:2: APP_ENV: names a development environment [dev-mode]
.env.production:3: DEBUG: debug is on [debug-on]
.env.production:4: ALLOWED_HOSTS: allowed hosts contain '*' (any host) [hosts-wildcard]
.env.production:5: PUBLIC_URL: http:// URL to shop.example.com (use https://) [http-url]
.env.production:6: DATABASE_URL: database URL to db.internal.example.com turns TLS off (sslmode=disable) [db-sslmode-disable]
.env.production:12: CORS_ALLOWED_ORIGINS: CORS allows every origin [cors-wildcard]
values.yaml:13: app.debug: debug is on [debug-on]
values.yaml:16: app.cors.allowOrigins: CORS allows every origin [cors-wildcard]
config.toml:6: app.url: http:// URL to shop.example.com (use https://) [http-url]
app.ini:8: server.debug: debug is on [debug-on]
"""


def test_a_broken_deployment_blocks_with_every_finding_located(tmp_path: Path) -> None:
    done = gate(project(tmp_path, "broken"), "--format", "json",
                env={"SMTP_PASSWORD": VAULT["SMTP_PASSWORD"]})
    assert done.returncode == 1, done
    report = json.loads(done.stdout)
    assert [(c["id"], c["status"]) for c in report["checks"]] == [
        ("deploy.env", "fail"), ("deploy.files", "fail"), ("deploy.secrets", "fail"),
        ("deploy.insecure", "fail")]
    found = [f["message"] for c in report["checks"] for f in c["findings"]]
    assert found == EXPECTED_BROKEN.splitlines()
    located = [f for c in report["checks"] for f in c["findings"] if "line" in f]
    assert all(f["message"].startswith(f"{f['file']}:{f['line']}: ") for f in located)


def test_ignore_from_flags_and_settings(tmp_path: Path) -> None:
    root = project(tmp_path, "broken")
    done = gate(root, "--deploy-ignore", "debug-on", "--deploy-ignore", "http-url:PUBLIC_URL",
                env={"SMTP_PASSWORD": VAULT["SMTP_PASSWORD"]})
    assert "[debug-on]" not in done.stdout
    assert "PUBLIC_URL: http://" not in done.stdout and "app.url: http://" in done.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "junit"])
def test_no_secret_reaches_any_format_or_github_output(tmp_path: Path, fmt: str) -> None:
    root = project(tmp_path, "broken")
    summary, outputs, report = tmp_path / "summary.md", tmp_path / "outputs", tmp_path / "report"
    env = {"SMTP_PASSWORD": VAULT["SMTP_PASSWORD"], "GITHUB_ACTIONS": "true",
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs)}
    to_stdout = gate(root, "--format", fmt, env=env)
    to_file = gate(root, "--format", fmt, "--output", str(report), env=env)
    assert to_stdout.returncode == to_file.returncode == 1, to_stdout
    texts = {"stdout": to_stdout.stdout, "stderr": to_stdout.stderr,
             "file stdout": to_file.stdout, "file stderr": to_file.stderr,
             "report": report.read_text(), "summary": summary.read_text(),
             "outputs": outputs.read_text()}
    for where, text in texts.items():
        for secret in BROKEN_SECRETS:
            assert secret not in text, f"{secret!r} leaked into {where}"
    annotations = to_stdout.stdout if fmt == "text" else to_stdout.stderr
    assert ("::error file=.env.production,line=7,title=releasegate deploy.secrets "
            "secret-placeholder::"
            ".env.production:7: SECRET_KEY: value is a placeholder") in annotations
    assert "deploy.secrets" in texts["summary"] and "SESSION_SECRET" in texts["summary"]
    assert "failed-checks=deploy.env,deploy.files,deploy.secrets,deploy.insecure" in (
        texts["outputs"])
    assert "EMAIL_HOST_PASSWORD" in texts["report"]


def test_flags_alone_configure_the_checks(tmp_path: Path, gate_cli) -> None:
    (tmp_path / "prod.env").write_text("SECRET_KEY=short\nDEBUG=on\n")
    done = gate_cli("check", "--env-file", "prod.env", "--require-env", "SECRET_KEY",
                    "--require-env", "DATABASE_URL", "--secret", "SECRET_KEY",
                    "--min-secret-length", "5", "--require-tls", "yes")
    assert done.returncode == 1, done
    assert "1 of 2 required variables not set: DATABASE_URL" in done.stdout
    assert "SECRET_KEY: value has fewer than 8 distinct characters [secret-low-variety]" in (
        done.stdout)
    assert "secret-short" not in done.stdout
    assert "prod.env:2: DEBUG: debug is on [debug-on]" in done.stdout


def write_settings(root: Path, text: str) -> None:
    (root / "gate.toml").write_text(textwrap.dedent(text))


@pytest.mark.parametrize(("settings", "message"), [
    ("[deploy]\nrequire_env = ['A']\n",
     "gate: error: gate.toml: deploy: unknown key 'require_env' (hint: known keys: env-files, "
     "files, ignore, min-secret-length, require-env, require-tls, secrets)"),
    ("[deploy]\n[[deploy.files]]\npath = 'c.toml'\nrequire = { port = 'integer' }\n",
     "gate: error: gate.toml: deploy.files[0].require: unknown type 'integer' for 'port' (hint: "
     "choose from str, int, float, bool, list, table, url, port)"),
    ("[deploy]\n[[deploy.files]]\npath = 'c.toml'\nschema = 'missing.schema.json'\n",
     "gate: error: schema file not found: missing.schema.json"),
    ("[deploy]\n[[deploy.files]]\npath = 'c.toml'\nschema = 'bad.schema.json'\n",
     "gate: error: bad.schema.json is not a valid JSON Schema: 5 is not of type 'object', "
     "'boolean' (at properties/a) (hint: check it against its $schema's meta-schema)"),
    ("[deploy]\n[[deploy.files]]\npath = 'c.xml'\n",
     "gate: error: gate.toml: deploy.files[0]: cannot tell the format of 'c.xml' from its name "
     '(hint: add format = "toml" | "yaml" | "json" | "ini" | "dotenv")'),
    ("[deploy]\nignore = ['debug']\n",
     "gate: error: gate.toml: deploy.ignore: unknown rule 'debug' (hint: rules that can be "
     "ignored: ref-unresolved, secret-empty, secret-type, secret-short, secret-low-variety, "
     "secret-placeholder, secret-reused, debug-on, dev-mode, hosts-wildcard, cors-wildcard, "
     "http-url, db-sslmode-disable)"),
])
def test_problems_in_the_gates_own_settings_exit_2(tmp_path: Path, gate_cli, settings: str,
                                                   message: str) -> None:
    (tmp_path / "c.toml").write_text("port = 1\n")
    (tmp_path / "bad.schema.json").write_text('{"properties": {"a": 5}}')
    write_settings(tmp_path, settings)
    done = gate_cli("check")
    assert done.returncode == 2, done
    assert done.stderr == message + "\n" and done.stdout == ""


def _json_error(text: str) -> json.JSONDecodeError:
    """What this Python's json says of `text` (3.13 names the trailing comma, column 16;
    3.10-3.12 the brace after it, column 17)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc
    raise AssertionError(f"{text!r} is valid JSON")


def test_missing_and_unparsable_config_files_block_the_release(tmp_path: Path, gate_cli) -> None:
    (tmp_path / "app.json").write_text('{"debug": false,}')
    error = _json_error('{"debug": false,}')
    write_settings(tmp_path, """\
        [deploy]
        [[deploy.files]]
        path = "app.json"
        [[deploy.files]]
        path = "missing.yaml"
        """)
    done = gate_cli("check")
    assert done.returncode == 1, done
    # The decoder's words and column differ between Python versions; the file, the line and
    # the rule do not, and the gate repeats the decoder of the Python it runs on.
    assert (f"- app.json:1: not valid JSON: {error.msg} (column {error.colno}) [file-invalid]\n"
            in done.stdout)
    assert error.lineno == 1 and error.colno in (16, 17)
    assert "- missing.yaml: not found [file-missing]" in done.stdout


BOMB = "\n".join(
    ['lol: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, 10)]
) + "\n"  # 10**10 strings once expanded


def _limit_memory() -> None:  # runs in the child before exec
    limit = 768 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize(("name", "text", "problem"), [
    ("bomb.yaml", BOMB, "expands to more than 200000 nodes through aliases (a YAML bomb?)"),
    ("tags.yaml", "app:\n  run: !!python/object/apply:os.system ['touch pwned']\n",
     "tag tag:yaml.org,2002:python/object/apply:os.system is not allowed (safe loading only)"),
    ("new.yaml", "x: !!python/object/new:subprocess.Popen [['touch', 'pwned']]\n",
     "is not allowed (safe loading only)"),
])
def test_hostile_yaml_is_rejected_in_bounded_time_and_memory(tmp_path: Path, name: str,
                                                             text: str, problem: str) -> None:
    (tmp_path / name).write_text(text)
    write_settings(tmp_path, f'[deploy]\n[[deploy.files]]\npath = "{name}"\n')
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "gate", "check"], cwd=tmp_path, env=child_env(),
                          capture_output=True, text=True, timeout=120, check=False,
                          preexec_fn=_limit_memory)  # our own child only
    elapsed = time.monotonic() - started
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "[file-unsafe]" in done.stdout and problem in done.stdout
    assert elapsed < 60  # bounded: the full expansion would run out of the memory limit instead
    assert not (tmp_path / "pwned").exists()


def test_a_missing_library_is_one_line_naming_the_extra(tmp_path: Path, gate_cli) -> None:
    shim = tmp_path / "shim" / "yaml"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("raise ImportError('PyYAML is not installed here')\n")
    (tmp_path / "values.yaml").write_text("a: 1\n")
    write_settings(tmp_path, '[deploy]\n[[deploy.files]]\npath = "values.yaml"\n')
    done = gate_cli("check", env={"PYTHONPATH": str(tmp_path / "shim")})
    assert done.returncode == 2, done
    assert done.stderr == ("gate: error: reading values.yaml needs PyYAML, which is not "
                           "installed (hint: pip install 'releasegate[deploy]')\n")


def test_deploy_and_coverage_run_together_alone_or_skipped(tmp_path: Path, gate_cli) -> None:
    write_package(tmp_path, {
        "pkg/__init__.py": """
            def f(x):
                return 1 if x else 2
        """,
        "test_pkg.py": """
            from pkg import f
            def test_f():
                assert f(1) == 1
        """,
        ".env.production": "DEBUG=false\nSECRET_KEY=Zr8vQ2mN5kL1pX7wT4yB9cF3hJ6dS0gA\n",
        "pyproject.toml": """
            [tool.gate.coverage]
            min = 0.5
            [tool.gate.deploy]
            env-files = [".env.production"]
            require-env = ["SECRET_KEY"]
        """,
    })
    measure(tmp_path, test_args=("-q", "-p", "no:cacheprovider", "test_pkg.py"))

    def ids(*args: str) -> list[str]:
        done = gate_cli("check", "--format", "json", *args)
        assert done.returncode == 0, done
        return [c["id"] for c in json.loads(done.stdout)["checks"]]

    both = ["coverage.line", "deploy.env", "deploy.secrets", "deploy.insecure"]
    assert ids() == both
    assert ids("--only", "deploy") == both[1:]
    assert ids("--skip", "coverage") == both[1:]
    assert ids("--only", "coverage") == both[:1]
    assert ids("--skip", "deploy") == both[:1]
    assert ids("--only", "deploy", "--only", "coverage") == both
