"""The real CLI, as a subprocess, on a report coverage.py really wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import measure, write_package

pytestmark = pytest.mark.integration


def test_check_passes_and_fails_on_a_real_report(tmp_path: Path, gate_cli) -> None:
    write_package(tmp_path, {
        "pkg/__init__.py": """
            def f(x):
                if x > 0:
                    return 1
                return 2
        """,
        "test_pkg.py": """
            from pkg import f
            def test_f():
                assert f(1) == 1
        """,
    })
    measure(tmp_path, test_args=("-q", "-p", "no:cacheprovider", "test_pkg.py"))
    ok = gate_cli("check", "--min-coverage", "0.75")
    assert ok.returncode == 0, ok
    assert "line coverage 75.00% (3/4) >= 75.00%" in ok.stdout
    blocked = gate_cli("check", "--min-coverage", "80%")
    assert blocked.returncode == 1, blocked
    assert "release blocked: 1 of 1 checks failed" in blocked.stdout
