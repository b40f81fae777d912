"""The tests family on JUnit XML that real pytest runs wrote, through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree  # nosec B405 - parses the gate's own JUnit output

import pytest

from tests.childenv import child_env
from tests.conftest import measure, write_package

pytestmark = pytest.mark.integration

#: Records each test's markers as JUnit properties, so the gate can match them.
MARKER_CONFTEST = """
    def pytest_collection_modifyitems(items):
        for item in items:
            for name in sorted({m.name for m in item.iter_markers()}):
                item.user_properties.append(("marker", name))
"""
PYTEST_INI = """
    [pytest]
    markers =
        integration: needs services
"""


def run_pytest(root: Path, *args: str, junit: str = "junit.xml",
               env: dict[str, str] | None = None) -> Path:
    """Really run pytest in `root`, isolated from this run's plugins, settings and coverage."""
    env = child_env(nested=True, **{"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **(env or {})})
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}",
         *args], cwd=root, env=env, capture_output=True, text=True, timeout=180, check=False)
    path = root / junit
    assert path.is_file(), f"pytest wrote no {junit}:\n{done.stdout}\n{done.stderr}"
    return path


def project(root: Path, files: dict[str, str]) -> None:
    write_package(root, {"pytest.ini": PYTEST_INI, "conftest.py": MARKER_CONFTEST, **files})


GREEN = {
    "tests/unit/test_calc.py": """
        def test_add():
            assert 1 + 1 == 2

        def test_sub():
            assert 2 - 1 == 1
    """,
    "tests/test_marked.py": """
        import pytest

        @pytest.mark.integration
        def test_end_to_end():
            assert True
    """,
}


def test_a_green_run_passes(tmp_path: Path, gate_cli) -> None:
    project(tmp_path, GREEN)
    run_pytest(tmp_path)
    done = gate_cli("check", "--junit-file", "junit.xml", "--require-tests", "integration",
                    "--require-tests", "unit", "--min-tests", "3", "--max-skipped", "0")
    assert done.returncode == 0, done
    assert "PASS   tests.failures  no failures or errors in 3 tests" in done.stdout
    assert "3 tests ran >= 3 required" in done.stdout
    # "integration" is a marker here (recorded by the conftest), "unit" a part of the ids.
    assert "every required pattern has a passing test: integration, unit" in done.stdout
    assert "release allowed: 6 of 6 checks passed" in done.stdout
    assert done.stderr == ""


MIXED = {
    "test_mix.py": """
        import pytest

        def test_ok():
            pass

        def test_fail():
            assert 1 == 2, "totals differ\\nsecond line"

        @pytest.fixture
        def broken():
            raise RuntimeError("fixture broke")

        def test_error(broken):
            pass

        @pytest.mark.xfail(reason="known bug")
        def test_known():
            assert False
    """,
    "test_broken_import.py": """
        import module_that_does_not_exist
    """,
}


def test_failures_and_errors_block_each_named_with_its_first_line(tmp_path, gate_cli) -> None:
    project(tmp_path, MIXED)
    # --continue-on-collection-errors: the run goes on, and the XML has both.
    run_pytest(tmp_path, "--continue-on-collection-errors")
    done = gate_cli("check", "--junit-file", "junit.xml")
    assert done.returncode == 1, done
    assert "FAIL   tests.failures  3 of 5 tests failed: 1 failure, 2 errors" in done.stdout
    assert "- test_mix::test_fail: failed: AssertionError: totals differ\n" in done.stdout
    assert ('- test_mix::test_error: error: failed on setup with "RuntimeError: fixture broke"'
            in done.stdout)
    assert "- test_broken_import: error: collection failure" in done.stdout
    assert "second line" not in done.stdout
    assert "test_known" not in done.stdout.split("tests.count")[0]  # xfail is not a failure


def test_an_empty_run_does_not_read_as_green(tmp_path: Path, gate_cli) -> None:
    write_package(tmp_path, {"pytest.ini": PYTEST_INI, "tests/test_x.py": """
        def helper():  # no test here: pytest collects nothing and exits 5
            pass
    """})
    run_pytest(tmp_path)
    done = gate_cli("check", "--junit-file", "junit.xml")
    assert done.returncode == 1, done
    assert "FAIL   tests.count     only 0 tests ran < 1 required" in done.stdout
    assert "junit.xml: contains no test cases" in done.stdout


SKIPPING = {
    "tests/unit/test_a.py": """
        def test_a():
            pass

        def test_b():
            pass
    """,
    "tests/integration/test_db.py": """
        import os
        import pytest

        needs_db = pytest.mark.skipif(not os.environ.get("DATABASE_URL"),
                                      reason="DATABASE_URL is not set")

        @needs_db
        def test_query():
            pass

        @needs_db
        def test_migrate():
            pass
    """,
}


def test_skipped_integration_tests_do_not_pass_unnoticed(tmp_path: Path, gate_cli) -> None:
    project(tmp_path, SKIPPING)
    run_pytest(tmp_path)
    required = gate_cli("check", "--junit-file", "junit.xml", "--require-tests", "integration")
    assert required.returncode == 1, required
    assert ("'integration': 2 tests matched but none passed (2 skipped); "
            "tests.integration.test_db::test_query: DATABASE_URL is not set") in required.stdout
    assert "- 2 tests skipped: DATABASE_URL is not set (first: " in required.stdout
    counted = gate_cli("check", "--junit-file", "junit.xml", "--max-skipped", "1")
    assert counted.returncode == 1, counted
    assert "FAIL   tests.skipped   2 of 4 tests skipped (50.00%) > 1 test allowed" in counted.stdout
    assert gate_cli("check", "--junit-file", "junit.xml", "--max-skipped", "50%").returncode == 0
    assert gate_cli("check", "--junit-file", "junit.xml", "--max-skipped", "0.49").returncode == 1
    # With the service there, the same suite passes the same gate.
    (tmp_path / "junit.xml").unlink()
    run_pytest(tmp_path, env={"DATABASE_URL": "postgresql://127.0.0.1/test"})
    ok = gate_cli("check", "--junit-file", "junit.xml", "--require-tests", "integration",
                  "--max-skipped", "0")
    assert ok.returncode == 0, ok


SLOW = {
    "test_speed.py": """
        import time

        def test_fast():
            pass

        def test_slow():
            time.sleep(0.6)
    """,
}


def test_slow_tests_and_suites_over_budget_are_named(tmp_path: Path, gate_cli) -> None:
    project(tmp_path, SLOW)
    run_pytest(tmp_path)
    shown = gate_cli("check", "--junit-file", "junit.xml", "--slowest", "1")
    assert shown.returncode == 0, shown
    assert "slowest: test_speed::test_slow 0.6" in shown.stdout
    assert "- test_speed::test_slow: 0.6" in shown.stdout and "(slowest #1)" in shown.stdout
    assert "test_fast" not in shown.stdout
    per_test = gate_cli("check", "--junit-file", "junit.xml", "--max-test-seconds", "0.3")
    assert per_test.returncode == 1, per_test
    assert "FAIL   tests.duration  1 test over 0.300s" in per_test.stdout
    assert "- test_speed::test_slow: 0.6" in per_test.stdout and "> 0.300s" in per_test.stdout
    suite = gate_cli("check", "--junit-file", "junit.xml", "--max-suite-seconds", "0.3")
    assert suite.returncode == 1, suite
    assert "1 suite over 0.300s" in suite.stdout
    assert "- suite 'pytest' in " in suite.stdout and "its slowest: test_speed::test_slow 0.6" \
        in suite.stdout
    generous = gate_cli("check", "--junit-file", "junit.xml", "--max-test-seconds", "120",
                        "--max-suite-seconds", "600")
    assert generous.returncode == 0, generous
    assert "each test <= 120.000s and each suite <= 600.000s" in generous.stdout


FLAKY = {
    "test_flaky.py": """
        from pathlib import Path

        COUNTER = Path(__file__).with_name("attempts.txt")

        def test_steady():
            pass

        def test_flaky_by_design():
            attempt = int(COUNTER.read_text()) + 1 if COUNTER.exists() else 1
            COUNTER.write_text(str(attempt))
            assert attempt >= 2, f"attempt {attempt} fails on purpose"
    """,
}


def test_a_test_that_passes_on_a_rerun_is_flaky(tmp_path: Path, gate_cli) -> None:
    project(tmp_path, FLAKY)
    run_pytest(tmp_path, "-p", "pytest_rerunfailures", "--reruns", "2")
    assert (tmp_path / "attempts.txt").read_text() == "2"
    warned = gate_cli("check", "--junit-file", "junit.xml")
    assert warned.returncode == 0, warned
    assert "PASS   tests.failures  no failures or errors in 2 tests (1 flaky test passed" \
        in warned.stdout
    assert ("warning: flaky test: test_flaky::test_flaky_by_design: failed 1 of 2 attempts, "
            "then passed") in warned.stdout
    blocked = gate_cli("check", "--junit-file", "junit.xml", "--flaky", "block")
    assert blocked.returncode == 1, blocked
    assert "FAIL   tests.flaky     1 flaky test (failed, then passed on a rerun); flaky = block" \
        in blocked.stdout
    allowed = gate_cli("check", "--junit-file", "junit.xml", "--flaky", "allow")
    assert allowed.returncode == 0 and "warning" not in allowed.stdout, allowed


def test_a_rerun_of_the_failed_ids_in_another_file_makes_a_flake(tmp_path: Path,
                                                                 gate_cli) -> None:
    project(tmp_path, FLAKY)
    run_pytest(tmp_path, junit="first.xml")
    run_pytest(tmp_path, "test_flaky.py::test_flaky_by_design", junit="rerun.xml")
    alone = gate_cli("check", "--junit-file", "first.xml")
    assert alone.returncode == 1, alone
    assert "test_flaky::test_flaky_by_design: failed: AssertionError: attempt 1 fails on purpose" \
        in alone.stdout
    both = gate_cli("check", "--junit-file", "*.xml", "--flaky", "block")
    assert both.returncode == 1, both
    assert "PASS   tests.failures" in both.stdout
    assert ("- test_flaky::test_flaky_by_design: failed 1 of 2 attempts, then passed: "
            "AssertionError: attempt 1 fails on purpose") in both.stdout


def test_named_suites_keep_a_matrix_failure_a_failure(tmp_path: Path, gate_cli) -> None:
    project(tmp_path, FLAKY)
    run_pytest(tmp_path, "-o", "junit_suite_name=py-old", junit="old.xml")
    run_pytest(tmp_path, "-o", "junit_suite_name=py-new", junit="new.xml")
    done = gate_cli("check", "--junit-file", "old.xml", "--junit-file", "new.xml",
                    "--flaky", "allow")
    assert done.returncode == 1, done
    assert "1 of 4 tests failed" in done.stdout
    assert "- test_flaky::test_flaky_by_design [py-old]: failed: AssertionError" in done.stdout
    assert "no flaky tests" in done.stdout


def test_settings_file_and_globbed_shards(tmp_path: Path, gate_cli) -> None:
    project(tmp_path, {**GREEN, **SKIPPING})
    (tmp_path / "reports").mkdir()
    run_pytest(tmp_path, "tests/unit", junit="reports/junit-unit.xml")
    run_pytest(tmp_path, "tests/integration", "tests/test_marked.py",
               junit="reports/junit-integration.xml")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.gate.tests]\nfiles = ["reports/junit-*.xml"]\nmax-skipped = "25%"\n'
        'require-tests = ["integration"]\nslowest = 2\n')
    done = gate_cli("check")
    assert done.returncode == 1, done
    assert "2 of 7 tests skipped (28.58%) > 25.00% allowed" in done.stdout
    assert "PASS   tests.required  every required pattern has a passing test" in done.stdout
    assert gate_cli("check", "--max-skipped", "2").returncode == 0  # a flag wins
    typo = tmp_path / "gate.toml"
    typo.write_text('[tests]\nfiles = ["reports/junit-unit.xml"]\nmax-skiped = 1\n')
    bad = gate_cli("check", "--config", "gate.toml")
    assert bad.returncode == 2 and "unknown key 'max-skiped'" in bad.stderr, bad


def test_coverage_and_tests_from_one_real_run(tmp_path: Path, gate_cli) -> None:
    write_package(tmp_path, {
        "pkg/__init__.py": """
            def double(x):
                return 2 * x
        """,
        "test_pkg.py": """
            from pkg import double

            def test_double():
                assert double(2) == 4
        """,
    })
    measure(tmp_path, test_args=("-q", "-p", "no:cacheprovider", "--junitxml=junit.xml",
                                 "test_pkg.py"))
    done = gate_cli("check", "--min-coverage", "90%", "--junit-file", "junit.xml",
                    "--format", "json")
    assert done.returncode == 0, done
    report = json.loads(done.stdout)
    assert report["families"] == ["coverage", "tests"]
    assert {c["id"] for c in report["checks"]} >= {"coverage.line", "tests.failures"}


def test_every_output_format_shows_the_tests_family(tmp_path: Path, gate_cli) -> None:
    project(tmp_path, {**MIXED, **SLOW})
    run_pytest(tmp_path, "-o", "junit_family=xunit1", "--continue-on-collection-errors")
    args = ("check", "--junit-file", "junit.xml", "--slowest", "2")
    ids = ["tests.failures", "tests.count", "tests.skipped", "tests.flaky", "tests.duration"]

    text = gate_cli(*args)
    assert text.returncode == 1 and all(i in text.stdout for i in ids), text
    assert "- test_speed::test_slow: 0.6" in text.stdout

    as_json = json.loads(gate_cli(*args, "--format", "json").stdout)
    checks = {c["id"]: c for c in as_json["checks"]}
    assert as_json["families"] == ["tests"] and list(checks) == ids
    assert checks["tests.failures"]["data"]["counts"]["failed"] == 1
    slowest = checks["tests.duration"]["data"]["slowest"]
    assert slowest[0]["id"] == "test_speed::test_slow" and slowest[0]["seconds"] >= 0.6
    (failing,) = [f for f in checks["tests.failures"]["findings"] if "::test_fail:" in f["message"]]
    assert failing["file"] == "test_mix.py"
    source = (tmp_path / "test_mix.py").read_text().splitlines()
    assert source[failing["line"] - 1].startswith("def test_fail")  # 1-based, at the def

    markdown = gate_cli(*args, "--format", "markdown").stdout
    assert all(f"`{i}`" in markdown for i in ids)
    assert "<code>tests.duration</code>: 2 finding(s)" in markdown  # a passing check's slowest

    junit = ElementTree.fromstring(gate_cli(*args, "--format", "junit").stdout)  # nosec B314
    suite = junit.find("testsuite")
    assert suite.get("name") == "releasegate.tests"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert list(cases) == ids
    assert "test_mix::test_fail" in cases["tests.failures"].find("failure").text
    assert "test_speed::test_slow" in cases["tests.duration"].findtext("system-out")

    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    github = gate_cli(*args, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
                                  "GITHUB_OUTPUT": str(outputs)})
    assert github.returncode == 1, github
    line = failing["line"]
    assert (f"::error file=test_mix.py,line={line},title=releasegate tests.failures::"
            "test_mix::test_fail: failed: AssertionError: totals differ") in github.stdout
    assert "`tests.duration`" in summary.read_text()
    assert "failed-checks=tests.failures\n" in outputs.read_text()


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """name -> (path to pass, what the one error line must say)."""
    files = {
        "billion laughs": (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                           b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;'
                           b'&b;&b;&b;&b;&b;&b;">]><testsuites>&c;</testsuites>',
                           "unsafe XML rejected: {p}: entity declaration 'a' is forbidden"),
        "external entity": (b'<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                            b'<testsuite name="&x;"/>',
                            "unsafe XML rejected: {p}: entity declaration 'x' is forbidden"),
        "empty": (b"", "JUnit report is empty: {p}"),
        "truncated": (b'<testsuites><testsuite name="pytest"><testcase classname="a" na',
                      "JUnit report is not well-formed XML: {p}: line 1: unclosed token"),
        "binary": (bytes(range(256)), "JUnit report is not well-formed XML: {p}: line 1:"),
        "html": (b"<html><head><title>502 Bad Gateway</title></head></html>",
                 "not a valid JUnit report: {p}: line 1: expected a <testsuites> or <testsuite> "
                 "root element, found <html>"),
        "cobertura": (b'<coverage line-rate="0.5"><packages/></coverage>',
                      "not a valid JUnit report: {p}: line 1: expected a <testsuites> or "
                      "<testsuite> root element, found <coverage>"),
    }
    cases = {}
    for name, (data, message) in files.items():
        path = tmp_path / (name.replace(" ", "-") + ".xml")
        path.write_bytes(data)
        cases[name] = (path.name, message.format(p=path))  # flags resolve against the cwd
    (tmp_path / "dir.xml").mkdir()
    cases["directory"] = ("dir.xml", f"JUnit report is a directory: {tmp_path / 'dir.xml'}")
    cases["missing"] = ("missing.xml", f"JUnit report not found: {tmp_path / 'missing.xml'}")
    os.mkfifo(tmp_path / "fifo.xml")
    cases["fifo"] = ("fifo.xml", f"JUnit report is not a regular file (a FIFO): {tmp_path / 'fifo.xml'}")
    cases["glob"] = ("shard-*.xml", f"no JUnit report matches {tmp_path / 'shard-*.xml'}")
    return cases


def test_hostile_and_malformed_files_exit_2_with_one_line(tmp_path: Path, gate_cli,
                                                          bad_inputs) -> None:
    for name, (path, message) in bad_inputs.items():
        done = gate_cli("check", "--junit-file", path, timeout=30)
        assert done.returncode == 2, (name, done)
        assert done.stdout == "", (name, done)
        assert done.stderr.startswith(f"gate: error: {message}"), (name, done)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, (name, done)


def test_configured_without_a_file_is_an_error_that_skip_avoids(tmp_path: Path,
                                                                gate_cli) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.gate.tests]\nmin-tests = 10\n")
    done = gate_cli("check")
    assert done.returncode == 2, done
    assert done.stderr.startswith("gate: error: tests checks are configured but no JUnit report "
                                  "is given (hint: pass --junit-file PATH")
    skipped = gate_cli("check", "--skip", "tests")
    assert skipped.returncode == 2 and "nothing to check" in skipped.stderr, skipped
