"""`gate check --connect` against real servers: the machine's own, and ones the tests start."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run, free_port, require_service
from tests.integration.connect_servers import (
    http_server, postgres_with_password, redis_with_password, silent_listener)

pytestmark = pytest.mark.integration

SERVICES = {"PostgreSQL": 5432, "MariaDB": 3306, "Redis": 6379, "RabbitMQ": 5672}
URLS = {
    "postgresql": "postgresql://127.0.0.1:5432/test",
    "mysql": "mysql://root@127.0.0.1:3306/test",
    "redis": "redis://127.0.0.1:6379/0",
    "amqp": "amqp://guest:guest@127.0.0.1:5672/%2F",
}


def checks_of(run) -> dict[str, dict]:
    """The JSON report's checks by id."""
    return {c["id"]: c for c in json.loads(run.stdout)["checks"]}


def toml(value: object) -> str:
    """A TOML value: JSON spells strings, numbers and arrays the same way; tables differ."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def write_config(folder: Path, entries: list[dict]) -> None:
    """A gate.toml with one [[connect]] table per entry."""
    lines = []
    for entry in entries:
        lines.append("[[connect]]")
        lines += [f"{key} = {toml(value)}" for key, value in entry.items()]
    (folder / "gate.toml").write_text("\n".join(lines) + "\n")


def require_all() -> None:
    for name, port in SERVICES.items():
        require_service(name, "127.0.0.1", port)


def test_every_protocol_passes_against_real_services_in_one_run(tmp_path: Path, gate_cli) -> None:
    require_all()
    with http_server() as web:
        write_config(tmp_path, [{"name": name, "url": url} for name, url in URLS.items()] + [
            {"name": "tcp", "url": "tcp://127.0.0.1:5432"},
            {"name": "dns", "url": "dns://localhost"},
            {"name": "web", "url": f"http://127.0.0.1:{web}/", "expect-body": "^ok: ready$"},
        ])
        run = gate_cli("check", "--format", "json")
    assert run.returncode == 0, run
    checks = checks_of(run)
    assert sorted(checks) == sorted(f"connect.{n}" for n in [*URLS, "tcp", "dns", "web"])
    for check in checks.values():
        assert check["status"] == "pass", check
        assert check["data"]["reason"] == "ok" and check["data"]["latency_ms"] >= 0
    assert checks["connect.postgresql"]["summary"].startswith(
        "postgresql://127.0.0.1:5432/test: logged in, SELECT 1 returned 1 (")
    assert checks["connect.mysql"]["data"]["server_version"]
    assert checks["connect.redis"]["summary"].startswith("redis://127.0.0.1:6379/0: PING answered")
    assert "opened a channel" in checks["connect.amqp"]["summary"]
    assert "127.0.0.1" in checks["connect.dns"]["data"]["addresses"]
    assert checks["connect.web"]["data"]["status"] == 200


def test_wrong_password_against_postgres_with_scram(tmp_path: Path, gate_cli) -> None:
    with postgres_with_password("Right-Pg-Passw0rd") as port:
        good = f"postgresql://postgres:Right-Pg-Passw0rd@127.0.0.1:{port}/postgres"
        bad = f"postgresql://postgres:Wrong-Pg-Passw0rd@127.0.0.1:{port}/postgres"
        none = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        write_config(tmp_path, [{"name": "good", "url": good}, {"name": "bad", "url": bad},
                                {"name": "none", "url": none}])
        run = gate_cli("check", "--format", "json", env={"PGPASSFILE": "/nonexistent"})
    assert run.returncode == 1, run
    checks = checks_of(run)
    assert checks["connect.good"]["status"] == "pass"
    for name in ("bad", "none"):
        assert checks[f"connect.{name}"]["status"] == "fail"
        assert checks[f"connect.{name}"]["data"]["reason"] == "auth", checks[f"connect.{name}"]
    assert 'password authentication failed for user "postgres"' in checks["connect.bad"]["summary"]
    assert "Pg-Passw0rd" not in run.stdout + run.stderr


def test_wrong_password_against_redis_with_requirepass(tmp_path: Path, gate_cli) -> None:
    with redis_with_password("Right-Redis-Pw") as port:
        run = gate_cli("check", "--format", "json",
                       "--connect", f"redis://:Right-Redis-Pw@127.0.0.1:{port}/0",
                       "--connect", f"redis://:Wrong-Redis-Pw@127.0.0.1:{port}/0",
                       "--connect", f"redis://127.0.0.1:{port}/0")
    assert run.returncode == 1, run
    good, bad, none = checks_of(run).values()
    assert good["status"] == "pass"
    assert (bad["status"], bad["data"]["reason"]) == ("fail", "auth")
    assert (none["status"], none["data"]["reason"]) == ("fail", "auth")
    assert "Redis-Pw" not in run.stdout + run.stderr


def test_wrong_password_and_wrong_target_on_mariadb_and_rabbitmq(gate_cli) -> None:
    require_service("MariaDB", "127.0.0.1", 3306)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    run = gate_cli("check", "--format", "json",
                   "--connect", "mysql://root:Wrong-My-Pw@127.0.0.1:3306/test",
                   "--connect", "mysql://root@127.0.0.1:3306/no_such_database",
                   "--connect", "amqp://guest:Wrong-Mq-Pw@127.0.0.1:5672/%2F",
                   "--connect", "amqp://guest:guest@127.0.0.1:5672/no-such-vhost")
    assert run.returncode == 1, run
    my_pw, my_db, mq_pw, mq_vhost = checks_of(run).values()
    assert my_pw["data"]["reason"] == "auth" and "Access denied" in my_pw["summary"]
    assert my_db["data"]["reason"] == "protocol" and "no_such_database" in my_db["summary"]
    assert mq_pw["data"]["reason"] == "auth" and "ACCESS_REFUSED" in mq_pw["summary"]
    assert mq_vhost["data"]["reason"] == "auth" and "vhost" in mq_vhost["summary"]
    assert "Wrong-My-Pw" not in run.stdout and "Wrong-Mq-Pw" not in run.stdout


SCHEMES = ["tcp", "http", "https", "tls", "postgresql", "mysql", "redis", "amqp"]


def test_a_closed_port_is_refused_for_every_scheme(gate_cli) -> None:
    port = free_port()
    run = gate_cli("check", "--format", "json", "--connect-timeout", "3",
                   *[a for s in SCHEMES for a in ("--connect", f"{s}://u:Pw-123456@127.0.0.1:{port}")])
    assert run.returncode == 1, run
    checks = checks_of(run)
    assert len(checks) == len(SCHEMES)
    for check in checks.values():
        assert (check["status"], check["data"]["reason"]) == ("fail", "refused"), check
    assert "Pw-123456" not in run.stdout


def test_a_listener_that_never_answers_fails_on_time_for_every_scheme(gate_cli) -> None:
    timeout, margin = 1.0, 0.5
    with silent_listener() as port:
        started = time.monotonic()
        run = gate_cli("check", "--format", "json", "--connect-timeout", str(timeout),
                       *[a for s in SCHEMES[1:] for a in ("--connect", f"{s}://127.0.0.1:{port}")])
        wall = time.monotonic() - started
    assert run.returncode == 1, run
    checks = checks_of(run)
    assert len(checks) == len(SCHEMES) - 1
    for check in checks.values():
        assert (check["status"], check["data"]["reason"]) == ("fail", "timeout"), check
        assert "no answer within 1 s while" in check["summary"]
        assert timeout - 0.05 <= check["duration_seconds"] <= timeout + margin, check
    # Durations count from one common start, so the bound above shows they ran at once;
    # this only guards against a hang (start-up on a busy machine can take seconds).
    assert wall < 30, wall


def test_tcp_to_a_silent_listener_passes(gate_cli) -> None:
    with silent_listener() as port:
        run = gate_cli("check", "--connect", f"tcp://127.0.0.1:{port}")
    assert run.returncode == 0, run


def test_an_unset_variable_fails_naming_it_and_a_set_one_resolves(gate_cli) -> None:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    run = gate_cli("check", "--format", "json", "--connect", "${DATABASE_URL}")
    assert run.returncode == 1, run
    (check,) = checks_of(run).values()
    assert check["id"] == "connect.database_url"
    assert check["summary"] == "${DATABASE_URL}: unresolved variable: DATABASE_URL is not set"
    run = gate_cli("check", "--connect", "${DATABASE_URL}",
                   env={"DATABASE_URL": "postgresql://127.0.0.1:5432/test"})
    assert run.returncode == 0, run
    assert "PASS   connect.database_url  postgresql://127.0.0.1:5432/test: logged in" in run.stdout


def test_a_missing_driver_is_an_error_naming_the_extra(tmp_path: Path) -> None:
    # `python -S` leaves site-packages out, so the drivers are really absent.
    paths = [str(ROOT)]
    if sys.version_info < (3, 11):  # but not tomli, a dependency where tomllib is missing
        import tomli

        shutil.copytree(Path(tomli.__file__).parent, tmp_path / "deps" / "tomli")
        paths.append(str(tmp_path / "deps"))
    done = subprocess.run(
        [sys.executable, "-S", "-m", "gate", "check", "--config", os.devnull, "--format", "json",
         *[a for u in URLS.values() for a in ("--connect", u)]],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.pathsep.join(paths)},
        capture_output=True, text=True, timeout=60, check=False)
    run = Run(done.returncode, done.stdout, done.stderr)
    assert run.returncode == 1, run
    checks = checks_of(run)
    extras = {"postgresql": "postgres", "mysql": "mysql", "redis": "redis", "amqp": "amqp"}
    for scheme, extra in extras.items():
        (check,) = [c for c in checks.values() if c["data"]["scheme"] == scheme]
        assert check["status"] == "error"
        assert check["data"]["reason"] == "missing-driver"
        assert f"pip install 'releasegate[{extra}]'" in check["summary"]


def test_an_unknown_scheme_exits_2_without_secrets(gate_cli) -> None:
    run = gate_cli("check", "--connect", "mongodb://admin:Mongo-S3cret@127.0.0.1/x")
    assert run.returncode == 2, run
    assert run.stderr.startswith("gate: error: --connect mongodb://admin:***@127.0.0.1/x: "
                                 "unknown scheme 'mongodb' (hint: use one of tcp, http")
    assert "Mongo-S3cret" not in run.stderr + run.stdout
