"""HTTPS and TLS checks against servers with certificates made here; HTTP expectations."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.integration.connect_servers import http_server, make_cert, redis_with_password
from tests.integration.test_connect_services import checks_of, write_config

pytestmark = pytest.mark.integration


def test_a_self_signed_certificate_fails_unless_its_ca_file_is_given(tmp_path: Path,
                                                                     gate_cli) -> None:
    cert = make_cert(tmp_path, days=90)
    with http_server(cert) as port:
        write_config(tmp_path, [
            {"name": "untrusted", "url": f"https://127.0.0.1:{port}/"},
            {"name": "trusted", "url": f"https://127.0.0.1:{port}/", "ca-file": "server.pem"},
            {"name": "by-name", "url": f"https://localhost:{port}/", "ca-file": "server.pem"},
            {"name": "tls-untrusted", "url": f"tls://127.0.0.1:{port}"},
            {"name": "tls-trusted", "url": f"tls://localhost:{port}", "ca-file": "server.pem"},
        ])
        run = gate_cli("check", "--format", "json")
    assert run.returncode == 1, run
    checks = checks_of(run)
    for name in ("untrusted", "tls-untrusted"):
        check = checks[f"connect.{name}"]
        assert (check["status"], check["data"]["reason"]) == ("fail", "tls"), check
        assert "certificate verify failed: self-signed certificate" in check["summary"]
    for name in ("trusted", "by-name", "tls-trusted"):
        assert checks[f"connect.{name}"]["status"] == "pass", checks[f"connect.{name}"]
    assert checks["connect.trusted"]["data"]["days_left"] >= 89
    assert checks["connect.tls-trusted"]["summary"].startswith(f"tls://localhost:{port}: TLSv1.")


def test_rediss_verifies_the_server_certificate(tmp_path: Path, gate_cli) -> None:
    cert = make_cert(tmp_path, days=90)
    with redis_with_password("Tls-Redis-Pw", cert=cert) as port:
        url = f"rediss://:Tls-Redis-Pw@localhost:{port}/0"
        write_config(tmp_path, [{"name": "untrusted", "url": url},
                                {"name": "trusted", "url": url, "ca-file": "server.pem"}])
        run = gate_cli("check", "--format", "json")
    checks = checks_of(run)
    assert checks["connect.untrusted"]["data"]["reason"] == "tls", checks
    assert "self-signed certificate" in checks["connect.untrusted"]["summary"]
    assert checks["connect.trusted"]["status"] == "pass", checks
    assert "Tls-Redis-Pw" not in run.stdout


def test_a_certificate_for_another_name_fails(tmp_path: Path, gate_cli) -> None:
    cert = make_cert(tmp_path, days=90, names=("other.example",))
    with http_server(cert) as port:
        write_config(tmp_path, [{"name": "x", "url": f"tls://127.0.0.1:{port}",
                                 "ca-file": "server.pem"}])
        run = gate_cli("check", "--format", "json")
    (check,) = checks_of(run).values()
    assert check["data"]["reason"] == "tls"
    assert "IP address mismatch" in check["summary"] or "mismatch" in check["summary"], check


def test_a_certificate_expiring_in_3_days_fails_min_days_valid(tmp_path: Path, gate_cli) -> None:
    cert = make_cert(tmp_path, days=3)
    with http_server(cert) as port:
        write_config(tmp_path, [
            {"name": "https", "url": f"https://localhost:{port}/", "ca-file": "server.pem"},
            {"name": "tls", "url": f"tls://localhost:{port}", "ca-file": "server.pem"},
            {"name": "lenient", "url": f"tls://localhost:{port}", "ca-file": "server.pem",
             "min-days-valid": 2},
        ])
        run = gate_cli("check", "--format", "json")
    assert run.returncode == 1, run
    checks = checks_of(run)
    for name in ("https", "tls"):
        check = checks[f"connect.{name}"]
        assert (check["status"], check["data"]["reason"]) == ("fail", "cert-expiring"), check
        assert "the certificate of localhost expires in 3.0 days, on " in check["summary"]
        assert "(min-days-valid is 14)" in check["summary"]
        assert check["data"]["expires"].endswith("Z") and check["data"]["days_left"] == 3.0
    assert checks["connect.lenient"]["status"] == "pass"


def test_http_status_body_and_redirects(tmp_path: Path, gate_cli) -> None:
    with http_server() as port:
        base = f"http://127.0.0.1:{port}"
        write_config(tmp_path, [
            {"name": "ok", "url": f"{base}/", "expect-body": "ready"},
            {"name": "body", "url": f"{base}/", "expect-body": "^healthy$"},
            {"name": "status", "url": f"{base}/status/503"},
            {"name": "expected-503", "url": f"{base}/status/503", "expect-status": [503]},
            {"name": "redirects", "url": f"{base}/redirect/3", "expect-body": "ok"},
            {"name": "redirect-expected", "url": f"{base}/redirect/1", "expect-status": "3xx"},
            {"name": "loop", "url": f"{base}/loop", "max-redirects": 2},
            {"name": "head", "url": f"{base}/", "method": "HEAD"},
        ])
        run = gate_cli("check", "--format", "json")
    assert run.returncode == 1, run
    checks = {k.removeprefix("connect."): v for k, v in checks_of(run).items()}
    status = {name: (c["status"], c["data"]["reason"]) for name, c in checks.items()}
    assert status == {
        "ok": ("pass", "ok"), "body": ("fail", "body"), "status": ("fail", "status"),
        "expected-503": ("pass", "ok"), "redirects": ("pass", "ok"),
        "redirect-expected": ("pass", "ok"), "loop": ("fail", "status"), "head": ("pass", "ok"),
    }
    assert "GET returned 503 Service Unavailable, expected 2xx" in checks["status"]["summary"]
    assert "does not match /^healthy$/" in checks["body"]["summary"]
    assert "after 3 redirects" in checks["redirects"]["summary"]
    assert checks["redirects"]["data"]["redirects"] == 3
    assert "more than 2 redirects" in checks["loop"]["summary"]


def test_headers_and_url_credentials_are_sent(tmp_path: Path, gate_cli) -> None:
    basic = "Basic " + base64.b64encode(b"user:Url-Pass-123").decode()
    with http_server(expected_auth=basic) as port:
        run = gate_cli("check", "--format", "json",
                       "--connect", f"http://user:Url-Pass-123@127.0.0.1:{port}/auth")
        assert run.returncode == 0, run
        write_config(tmp_path, [{"name": "bearer", "url": f"http://127.0.0.1:{port}/auth",
                                 "headers": {"Authorization": "${API_AUTH}"}}])
        good = gate_cli("check", env={"API_AUTH": basic})
        bad = gate_cli("check", "--format", "json", env={"API_AUTH": "Bearer Wrong-T0ken-1"})
    assert good.returncode == 0, good
    assert bad.returncode == 1, bad
    (check,) = json.loads(bad.stdout)["checks"]
    assert "GET returned 401 Unauthorized" in check["summary"]
    for run in (run, good, bad):
        assert "Url-Pass-123" not in run.stdout and "Wrong-T0ken-1" not in run.stdout
