"""Real git repositories for the diff-coverage and ratchet tests.

`build_project` makes a repository with a `main` branch and a `feature` branch
whose change modifies a file, renames another (with an edit), deletes a third
and adds a new one; `main` moves on after the branch point, so only a diff
against the merge base gives the figures the tests expect.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.childenv import child_env
from tests.conftest import write_package

IDENTITY = {
    "GIT_AUTHOR_NAME": "Gate Test", "GIT_AUTHOR_EMAIL": "gate@example.invalid",
    "GIT_COMMITTER_NAME": "Gate Test", "GIT_COMMITTER_EMAIL": "gate@example.invalid",
}

BASE = {
    "pkg/__init__.py": "",
    "pkg/calc.py": """\
        def add(a, b):
            return a + b


        def sub(a, b):
            return a - b
        """,
    "pkg/legacy.py": """\
        def area(w, h):
            return w * h


        def perimeter(w, h):
            total = 2 * (w + h)
            return total
        """,
    "pkg/gone.py": """\
        def unused():
            return 1
        """,
    "tests/test_base.py": """\
        from pkg.calc import add
        from pkg.legacy import area


        def test_add():
            assert add(1, 2) == 3


        def test_area():
            assert area(2, 3) == 6
        """,
}

#: pkg/calc.py on the feature branch: lines 7-16 are new, 15 never runs.
CALC = """\
    def add(a, b):
        return a + b


    def sub(a, b):
        return a - b


    def mul(a, b):
        return a * b


    def div(a, b):
        if b == 0:
            raise ZeroDivisionError("b is zero")
        return a / b
    """

#: pkg/shapes.py, renamed from pkg/legacy.py: lines 6-7 are new and never run.
SHAPES = """\
    def area(w, h):
        return w * h


    def perimeter(w, h):
        if w < 0 or h < 0:
            raise ValueError("negative side")
        total = 2 * (w + h)
        return total
    """

#: pkg/fmt.py, a new file: all 8 lines are new, line 8 never runs.
FMT = """\
    def money(cents):
        sign = "-" if cents < 0 else ""
        cents = abs(cents)
        return f"{sign}{cents // 100}.{cents % 100:02d}"


    def unused_fmt():
        return "never"
    """

FEATURE_TESTS = """\
    from pkg.calc import div, mul
    from pkg.fmt import money


    def test_mul():
        assert mul(2, 3) == 6


    def test_div():
        assert div(6, 3) == 2


    def test_money():
        assert money(1234) == "12.34"
    """

#: What the gate must find for the feature branch against main (measured by hand above).
EXPECTED = {
    "pkg/calc.py": {"changed": 10, "measured": 6, "covered": 5, "missing": "15"},
    "pkg/fmt.py": {"changed": 8, "measured": 6, "covered": 5, "missing": "8"},
    "pkg/shapes.py": {"changed": 2, "measured": 2, "covered": 0, "missing": "6-7"},
}


def git(root: Path, *args: str) -> str:
    """Run git in `root` with a fixed identity; returns its standard output."""
    env = child_env(**IDENTITY, GIT_CONFIG_NOSYSTEM="1")
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    return done.stdout


def commit_all(root: Path, message: str) -> None:
    """Stage everything (but coverage files) and commit."""
    git(root, "add", "-A", "--", ".", ":!coverage.xml", ":!.coverage*", ":!*.json")
    git(root, "commit", "-q", "-m", message)


def build_project(root: Path, main_moves_on: bool = True) -> Path:
    """A repository on branch `feature` (checked out) branched from `main`."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text("__pycache__/\n.coverage*\ncoverage.xml\n*.json\n")
    write_package(root, BASE)
    commit_all(root, "base")
    git(root, "checkout", "-q", "-b", "feature")
    write_package(root, {"pkg/calc.py": CALC, "tests/test_feature.py": FEATURE_TESTS})
    commit_all(root, "calc: mul and div")
    git(root, "mv", "pkg/legacy.py", "pkg/shapes.py")
    git(root, "rm", "-q", "pkg/gone.py")
    text = (root / "tests/test_base.py").read_text().replace("pkg.legacy", "pkg.shapes")
    (root / "tests/test_base.py").write_text(text)
    write_package(root, {"pkg/shapes.py": SHAPES, "pkg/fmt.py": FMT})
    commit_all(root, "rename legacy to shapes, drop gone, add fmt")
    if main_moves_on:  # a change on main after the branch point must not count
        git(root, "checkout", "-q", "main")
        calc = (root / "pkg/calc.py").read_text().replace("return a - b", "return -(b - a)")
        (root / "pkg/calc.py").write_text(calc)
        write_package(root, {"pkg/later.py": "def later():\n    return 0\n"})
        commit_all(root, "main moves on")
        git(root, "checkout", "-q", "feature")
    return root
