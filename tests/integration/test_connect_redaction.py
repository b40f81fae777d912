"""No credential in any output: every format, GitHub Actions' files, and `--output`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import free_port, require_service
from tests.integration.connect_servers import http_server, make_cert, silent_listener
from tests.integration.test_connect_services import write_config

pytestmark = pytest.mark.integration

# Each secret appears in the settings only; none may appear in anything the gate writes.
ODD = "p@ss/w0rd#Odd?1"
SECRETS = {
    "pg": "Pg-S3cret-Value", "my": "My-S3cret-Value", "mq": "Mq-S3cret-Value",
    "redis": "Redis-S3cret-Value", "tls": "Tls-S3cret-Value", "query": "Query-T0ken-Value",
    "header": "Header-T0ken-Value", "env": "Env-S3cret-Value", "dsn": "Dsn-S3cret-Value",
    "echo": "Echo-S3cret-Value", "api": "Api-T0ken-Value",
}
FORBIDDEN = [*SECRETS.values(), ODD, quote(ODD, safe=""),
             # the leaky server's own credentials, met only in its redirect
             "Redirect-S3cret", "Redirect-T0ken"]


def entries(closed: int, silent: int, web: int, tls: int) -> list[dict]:
    s = SECRETS
    return [
        {"name": "pg", "url": f"postgresql://app:{s['pg']}@127.0.0.1:{closed}/app"},
        {"name": "pg-odd", "url": f"postgresql://app:{quote(ODD, safe='')}@127.0.0.1:{silent}/a"},
        {"name": "pg-query", "url": f"postgres://127.0.0.1:{closed}/app?password={s['dsn']}"},
        {"name": "my", "url": f"mysql://root:{s['my']}@127.0.0.1:3306/test"},
        {"name": "mq", "url": f"amqp://guest:{s['mq']}@127.0.0.1:5672/%2F"},
        {"name": "redis", "url": f"redis://:{s['redis']}@127.0.0.1:{silent}/0"},
        {"name": "tls", "url": f"https://user:{s['tls']}@127.0.0.1:{tls}/?token={s['query']}"},
        {"name": "header", "url": f"http://127.0.0.1:{web}/status/500",
         "headers": {"Authorization": f"Bearer {s['header']}"}},
        {"name": "leak", "url": f"http://127.0.0.1:{web}/leak"},
        {"name": "leak-unfollowed", "url": f"http://127.0.0.1:{web}/leak", "max-redirects": 0},
        # The server echoes these in its reply: driver text is redacted too.
        {"name": "echo-basic", "url": f"http://echo:{s['echo']}@127.0.0.1:{web}/echo"},
        {"name": "echo-bearer", "url": f"http://127.0.0.1:{web}/echo",
         "headers": {"Authorization": "Bearer ${API_TOKEN}"}},
        {"name": "env", "url": "amqp://guest:${MQ_PASSWORD}@127.0.0.1:" + f"{closed}/%2F"},
        {"name": "unset", "url": "redis://:${REDIS_PASSWORD}@${REDIS_HOST}:6379/0"},
    ]


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "junit"])
@pytest.mark.parametrize("to_file", [False, True])
def test_no_output_carries_a_credential(tmp_path: Path, gate_cli, fmt: str,
                                        to_file: bool) -> None:
    require_service("MariaDB", "127.0.0.1", 3306)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    summary, outputs, report = (tmp_path / "summary.md", tmp_path / "outputs.txt",
                                tmp_path / "report.out")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
           "GITHUB_OUTPUT": str(outputs), "MQ_PASSWORD": SECRETS["env"],
           "API_TOKEN": SECRETS["api"]}
    cert = make_cert(tmp_path, days=90)
    with silent_listener() as silent, http_server() as web, http_server(cert) as tls:
        write_config(tmp_path, entries(free_port(), silent, web, tls))
        args = ["check", "--format", fmt, "--connect-timeout", "1"]
        run = gate_cli(*args, *(["--output", str(report)] if to_file else []), env=env)
    assert run.returncode == 1, run
    written = {"stdout": run.stdout, "stderr": run.stderr,
               "summary": summary.read_text(), "outputs": outputs.read_text()}
    if to_file:
        written["report"] = report.read_text()
    # The run really failed in the ways meant: auth, timeout, refused, TLS, status, redirect.
    everything = "\n".join(written.values())
    for word in ("connect.pg", "connect.my", "connect.mq", "connect.redis", "connect.tls",
                 "connect.leak", "connect.env", "connect.unset", "REDIS_PASSWORD",
                 "Rejected echo:***", "Rejected ***", "302 to http://leaky:***@"):
        assert word in everything, word
    assert "::error title=releasegate connect.my::" in everything
    assert "***" in everything
    for where, text in written.items():
        for secret in FORBIDDEN:
            assert secret not in text, f"{secret!r} in {where}:\n{text}"
