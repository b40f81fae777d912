"""Connect settings: entries, keys, schemes, names, variables — and one-line errors."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from gate.checks import connect
from gate.checks.connect.settings import (
    ANY_2XX, Entry, build, normalize, parse_entry, parse_status)
from gate.cli import main
from gate.errors import InputError, UsageError
from gate.family import Origin

HERE = Path("/tmp")


def values(table: object, *urls: str, where: str = "gate.toml: connect") -> dict:
    """The family's values as the gate builds them, from a settings value and flags."""
    parser = argparse.ArgumentParser()
    connect.FAMILY.add_arguments(parser)
    args = parser.parse_args([arg for url in urls for arg in ("--connect", url)])
    return connect.FAMILY.values(args, table, where, HERE)


def test_a_list_of_entries_becomes_checks_with_defaults() -> None:
    settings = connect.configure(values([
        {"name": "db", "url": "postgresql://app:pw@127.0.0.1/app", "timeout": 2},
        "redis://127.0.0.1:6379/0",
    ]), environ={})
    db, cache = settings.checks
    assert (db.id, db.scheme.name, db.host, db.port, db.timeout) == (
        "connect.db", "postgresql", "127.0.0.1", 5432, 2.0)
    assert db.shown == "postgresql://app:***@127.0.0.1/app"
    assert (cache.name, cache.port, cache.timeout) == ("redis-127.0.0.1-6379", 6379, 5.0)
    assert settings.wait is None


def test_connect_flags_add_to_the_configured_checks() -> None:
    settings = connect.configure(values([{"url": "tcp://127.0.0.1:1"}], "dns://localhost"),
                                 environ={})
    assert [c.scheme.name for c in settings.checks] == ["tcp", "dns"]


def test_a_table_form_carries_wait_and_timeout() -> None:
    table = {"wait": 30, "timeout": 1.5, "checks": [{"url": "tcp://127.0.0.1:1"}]}
    settings = connect.configure(values(table), environ={})
    assert settings.wait == 30.0
    assert settings.checks[0].timeout == 1.5


def test_no_entries_means_the_family_does_not_run() -> None:
    assert connect.configure(values(None), environ={}) is None


def test_an_unknown_entry_key_is_named() -> None:
    with pytest.raises(UsageError) as caught:
        values([{"url": "tcp://h:1"}, {"url": "tcp://h:1", "expect_status": 200}])
    assert str(caught.value).startswith("gate.toml: connect[2]: unknown key 'expect_status'")
    assert "expect-status" in str(caught.value)


def test_a_key_that_does_not_apply_to_the_scheme_is_an_error() -> None:
    with pytest.raises(UsageError, match=r"connect\[1\]\.expect-status: does not apply to "
                                         r"postgresql:// checks"):
        connect.configure(values([{"url": "postgresql://db/x", "expect-status": 200}]),
                          environ={})
    with pytest.raises(UsageError, match="ca-file: does not apply to http://"):
        connect.configure(values([{"url": "http://h/", "ca-file": __file__}]), environ={})


def test_an_unknown_scheme_is_a_usage_error_without_the_password() -> None:
    with pytest.raises(UsageError) as caught:
        connect.configure(values(None, "mongodb://u:hunter22@h/x"), environ={})
    message = str(caught.value)
    assert message.startswith("--connect mongodb://u:***@h/x: unknown scheme 'mongodb'")
    assert "hunter22" not in message


def test_a_variable_that_is_not_a_url_is_not_echoed() -> None:
    with pytest.raises(UsageError) as caught:
        connect.configure(values(None, "${DATABASE_URL}"), environ={"DATABASE_URL": "hunter22"})
    assert "'${DATABASE_URL}' does not resolve to a URL" in str(caught.value)
    assert "hunter22" not in str(caught.value)


def test_an_unset_variable_makes_a_check_that_names_it() -> None:
    settings = connect.configure(values(None, "${DATABASE_URL}", "redis://$HOST:1/0"),
                                 environ={})
    first, second = settings.checks
    assert (first.name, first.unresolved) == ("database_url", ("DATABASE_URL",))
    assert (second.scheme.name, second.unresolved) == ("redis", ("HOST",))


def test_variables_resolve_and_their_secrets_are_known() -> None:
    env = {"DATABASE_URL": "postgresql://app:Sup3rSecret@db:5432/app", "API_TOKEN": "t0k3n-value"}
    settings = connect.configure(values([
        "${DATABASE_URL}",
        {"url": "https://api/health", "headers": {"X-Api-Key": "${API_TOKEN}"}},
    ]), environ=env)
    db, api = settings.checks
    assert db.url == env["DATABASE_URL"] and db.shown == "postgresql://app:***@db:5432/app"
    assert api.headers == (("X-Api-Key", "t0k3n-value"),)
    assert "Sup3rSecret" not in repr(settings) and "t0k3n-value" not in repr(settings)
    assert settings.redactor("Sup3rSecret and t0k3n-value") == "*** and ***"


def test_names_are_unique() -> None:
    settings = connect.configure(values(None, "tcp://h:1", "tcp://h:1"), environ={})
    assert [c.name for c in settings.checks] == ["tcp-h-1", "tcp-h-1-2"]
    with pytest.raises(UsageError, match="'db' is used by another check"):
        connect.configure(values([{"name": "db", "url": "tcp://h:1"},
                                  {"name": "db", "url": "tcp://h:2"}]), environ={})


@pytest.mark.parametrize("url, message", [
    ("tcp://h", "names no port"),
    ("tcp://:1", "names no host"),
    ("http://h:port/", "is not a valid URL"),
    ("just-text", "'just-text' is not a URL"),
])
def test_malformed_urls(url: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        connect.configure(values(None, url), environ={})


@pytest.mark.parametrize("raw, text, inside, outside", [
    (200, "200", [200], [201]),
    ("2xx", "2xx", [200, 299], [300]),
    ("200-204", "200-204", [204], [205]),
    ([200, "3xx"], "200, 3xx", [200, 301], [201]),
])
def test_expect_status(raw: object, text: str, inside: list, outside: list) -> None:
    status = parse_status(raw, "x")
    assert status.text == text
    assert all(s in status for s in inside) and not any(s in status for s in outside)
    assert 204 in ANY_2XX and 304 not in ANY_2XX


@pytest.mark.parametrize("raw", [True, "2yy", 600, "299-200", [], 20.5])
def test_bad_expect_status(raw: object) -> None:
    with pytest.raises(UsageError, match="x"):
        parse_status(raw, "x")


def test_entry_values_are_checked() -> None:
    with pytest.raises(UsageError, match=r"e\.expect-body: not a valid regular expression"):
        parse_entry({"url": "http://h/", "expect-body": "("}, "e", HERE)
    with pytest.raises(UsageError, match=r"e\.headers: 'Bad Name' is not a header name"):
        parse_entry({"url": "http://h/", "headers": {"Bad Name": "x"}}, "e", HERE)
    with pytest.raises(UsageError, match="cannot hold a line break"):
        parse_entry({"url": "http://h/", "headers": {"X": "a\r\nInjected: 1"}}, "e", HERE)
    with pytest.raises(UsageError, match=r"e\.timeout: must be a positive number"):
        parse_entry({"url": "tcp://h:1", "timeout": 0}, "e", HERE)
    with pytest.raises(UsageError, match="e: missing key 'url'"):
        parse_entry({"name": "x"}, "e", HERE)
    with pytest.raises(UsageError, match="e: expected a table or a URL string, got int"):
        parse_entry(3, "e", HERE)
    with pytest.raises(InputError, match=r"e\.ca-file not found: "):
        parse_entry({"url": "https://h/", "ca-file": "missing.pem"}, "e", HERE)


def test_ca_file_is_relative_to_the_settings_file(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("x")
    entry = parse_entry({"url": "tls://h:443", "ca-file": "ca.pem"}, "e", tmp_path)
    assert entry.options["ca-file"] == tmp_path / "ca.pem"


def test_normalize_labels_entries_by_position() -> None:
    table = normalize([{"url": "a"}], "pyproject.toml: tool.gate.connect")
    assert table["checks"][0].label == "pyproject.toml: tool.gate.connect[1]"
    assert normalize("nonsense", "w") == "nonsense"


def test_build_takes_the_global_timeout() -> None:
    settings = build([Entry("e", "tcp://h:1"), Entry("f", "tcp://h:2", timeout=0.5)], 2.0,
                     None, {})
    assert [c.timeout for c in settings.checks] == [2.0, 0.5]


def test_cli_usage_errors_are_one_line_and_exit_2(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gate.toml").write_text('[[connect]]\nurl = "tcp://h:1"\nbogus = 1\n')
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert err == ("gate: error: gate.toml: connect[1]: unknown key 'bogus' (hint: known keys: "
                   "ca-file, expect-body, expect-status, headers, max-redirects, method, "
                   "min-days-valid, name, timeout, url)\n")
    assert main(["check", "--config", "/dev/null", "--connect", "ftp://u:pw1234@h/"]) == 2
    err = capsys.readouterr().err
    assert "unknown scheme 'ftp'" in err and "pw1234" not in err


def test_origin_labels_flags() -> None:
    from gate.checks.connect.settings import as_urls

    assert as_urls(["tcp://h:1"], Origin("--connect", HERE))[0].label == "--connect"


def test_the_connect_flags_render_in_help() -> None:
    parser = argparse.ArgumentParser(prog="gate check")
    connect.FAMILY.add_arguments(parser)
    text = parser.format_help()
    assert "--connect URL" in text and "--wait SECONDS" in text
    assert "--connect-timeout SECONDS" in text


def test_a_list_of_plain_urls_under_tool_gate(tmp_path: Path, monkeypatch) -> None:
    from gate import config

    (tmp_path / "pyproject.toml").write_text(
        '[tool.gate]\nconnect = ["redis://cache:6379/0", "dns://db.internal"]\n')
    settings = config.load(None, cwd=tmp_path)
    table = settings.tables["connect"]
    built = connect.configure(values(table, where=settings.where("connect")), environ={})
    assert [c.id for c in built.checks] == ["connect.redis-cache-6379", "connect.dns-db.internal"]


@pytest.mark.parametrize("url", ["redis://:pa/ss@cache:6380/0", "mysql://u:p?x#y@db/x",
                                 "https://u:a/b@h/"])
def test_a_password_with_an_unencoded_slash_is_refused_unseen(url: str) -> None:
    with pytest.raises(UsageError) as caught:
        connect.configure(values(None, url), environ={})
    message = str(caught.value)
    assert "is not a valid URL" in message and "percent-encode" in message
    assert "pa/ss" not in message and "p?x#y" not in message and "a/b" not in message


def test_an_unencoded_at_sign_in_a_password_is_read_as_drivers_read_it() -> None:
    settings = connect.configure(values(None, "redis://:p@ss-word@cache:6380/0"), environ={})
    (check,) = settings.checks
    assert (check.host, check.port, check.shown) == ("cache", 6380, "redis://:***@cache:6380/0")
    assert settings.redactor("AUTH p@ss-word failed") == "AUTH *** failed"


def test_several_postgres_hosts_are_left_to_libpq() -> None:
    (check,) = connect.configure(values(None, "postgresql://h1:5432,h2:5433/db"),
                                 environ={}).checks
    assert (check.host, check.port) == (None, None)


def test_a_default_name_never_takes_part_of_a_password() -> None:
    # The variable is unset, so the URL is not refused: the check fails, naming DB.
    (check,) = connect.configure(values(None, "mysql://root:wr/ong@${DB}:3306/x"),
                                 environ={}).checks
    assert (check.name, check.unresolved) == ("mysql-DB-3306", ("DB",))
    assert "wr/ong" not in check.shown
