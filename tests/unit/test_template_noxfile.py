"""The generic noxfile's reading of a project: Pythons, test dependencies, coverage data."""

from __future__ import annotations

import fnmatch
import importlib.util
import os
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import nox  # a test dependency (dependency group test)
import pytest
import yaml

from gate.cli import build_parser
from gate.config import read_toml
from gate.scaffold.project import declared_pythons
from tests.conftest import ROOT, write_package


@pytest.fixture(autouse=True)
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each load registers the sessions anew, as a nox run would."""
    monkeypatch.setattr(nox.registry, "_REGISTRY", {})


def load_noxfile(folder: Path, pyproject: str, argv: list[str] | None = None,
                 monkeypatch: pytest.MonkeyPatch | None = None,
                 real_path: bool = False) -> ModuleType:
    """The template noxfile as a module, next to `pyproject` in `folder`.

    Unless `real_path`, PATH holds no interpreter, so no version is probed (a pyenv shim
    takes a second to answer) and every declared version is kept.
    """
    (folder / "pyproject.toml").write_text(textwrap.dedent(pyproject))
    (folder / "noxfile.py").write_bytes((ROOT / "templates" / "noxfile.py").read_bytes())
    if monkeypatch is not None:
        monkeypatch.setattr(sys, "argv", argv or ["nox"])
        if not real_path:
            monkeypatch.setenv("PATH", str(folder / "no-interpreters-here"))
    spec = importlib.util.spec_from_file_location(f"noxfile_{folder.name}", folder / "noxfile.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    nox.registry._REGISTRY.clear()  # the fixture's own dict: a second load starts afresh
    spec.loader.exec_module(module)
    return module


SRC_LAYOUT = {"src/my_pkg/__init__.py": "", "tests/test_x.py": ""}


@pytest.mark.parametrize("table", [
    {"requires-python": ">=3.10"},
    {"requires-python": ">=3.10,<3.13"},
    {"requires-python": "~=3.11"},
    {"requires-python": ">=3.9", "classifiers": ["Programming Language :: Python :: 3.9",
                                                 "Programming Language :: Python :: 3.13"]},
    {"classifiers": ["Programming Language :: Python :: 3.12"]},
    {"requires-python": ">=3.10,!=3.11.*"},
    {"requires-python": "==3.11.4"},
    {"requires-python": ">3.11.4,<=3.12.1"},
])
def test_the_noxfile_and_init_agree_on_python_versions(tmp_path, monkeypatch, table) -> None:
    """init writes the CI matrix, the noxfile names the sessions: they must match."""
    write_package(tmp_path, SRC_LAYOUT)
    noxfile = load_noxfile(tmp_path, '[project]\nname = "my-pkg"\n', monkeypatch=monkeypatch)
    assert tuple(noxfile.declared_pythons(table)) == declared_pythons(table, "pyproject.toml")


def test_reads_the_project(tmp_path, monkeypatch) -> None:
    write_package(tmp_path, {**SRC_LAYOUT, ".venv/lib/junk/__init__.py": ""})
    # The running Python answers as pythonX.Y, as in a nox session (its venv's bin first),
    # also when pytest runs from a venv nobody activated.
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent),
                                                os.environ.get("PATH", "")]))
    noxfile = load_noxfile(tmp_path, """
        [project]
        name = "My.Pkg"
        requires-python = ">=3.10"
        [dependency-groups]
        lint = ["flake8-bugbear"]
        base = ["pytest>=8"]
        tests = [{include-group = "base"}, "hypothesis"]
    """, monkeypatch=monkeypatch, real_path=True)
    assert noxfile.PACKAGES == ["my_pkg"]
    assert noxfile.package_dirs(["my_pkg"]) == ["src/my_pkg"]
    assert noxfile.group("tests") == ["pytest>=8", "hypothesis"]
    assert noxfile.group("LINT") == ["flake8-bugbear"]
    assert noxfile.group("none") == []
    assert noxfile.install_args() == ["-e", ".", "pytest>=8", "hypothesis"]
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    # Declared and running here (when no declared version runs, all are kept).
    assert running in noxfile.PYTHONS


def test_an_extra_wins_over_a_group_of_a_later_name(tmp_path, monkeypatch) -> None:
    write_package(tmp_path, {"pkg/__init__.py": "", "tools/__init__.py": ""})
    noxfile = load_noxfile(tmp_path, """
        [project]
        name = "other-name"
        requires-python = ">=3.10"
        [project.optional-dependencies]
        dev = ["pytest"]
        [dependency-groups]
        testing = ["pytest"]
    """, monkeypatch=monkeypatch)
    assert noxfile.install_args() == ["-e", ".", "pytest"]  # `testing` comes before `dev`
    # No package named after the project: every top-level package is measured.
    assert noxfile.PACKAGES == ["pkg", "tools"]


def test_extra_named_test(tmp_path, monkeypatch) -> None:
    write_package(tmp_path, {"pkg/__init__.py": ""})
    noxfile = load_noxfile(tmp_path, """
        [project]
        name = "pkg"
        requires-python = ">=3.10"
        [project.optional-dependencies]
        test = ["pytest"]
    """, monkeypatch=monkeypatch)
    assert noxfile.install_args() == ["-e", ".[test]"]
    assert noxfile.package_dirs(["pkg"]) == ["pkg"]


def test_missing_interpreters_are_left_out_unless_named(tmp_path, monkeypatch) -> None:
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / f"python{running}").symlink_to(sys.executable)
    shim = bin_dir / "python3.8"  # like pyenv's: on PATH, but the version is not installed
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.8: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    write_package(tmp_path, SRC_LAYOUT)
    pyproject = f"""
        [project]
        name = "my-pkg"
        classifiers = ["Programming Language :: Python :: 3.8",
                       "Programming Language :: Python :: {running}"]
    """

    def pythons(*argv: str) -> list[str]:
        monkeypatch.setenv("PATH", str(bin_dir))
        noxfile = load_noxfile(tmp_path, pyproject, ["nox", *argv], monkeypatch, real_path=True)
        return noxfile.PYTHONS

    assert pythons() == [running]
    assert pythons("-s", "unit") == [running]
    assert pythons("-s", "unit-3.8") == ["3.8", running]
    assert pythons("--python=3.8") == ["3.8", running]
    monkeypatch.setenv("NOXPYTHON", "3.8")
    assert pythons() == ["3.8", running]


def test_what_counts_as_naming_a_version(tmp_path, monkeypatch) -> None:
    write_package(tmp_path, SRC_LAYOUT)
    noxfile = load_noxfile(tmp_path, '[project]\nname = "my-pkg"\nrequires-python = ">=3.10"\n',
                           monkeypatch=monkeypatch)
    named = noxfile.named_on_command_line
    assert named(["nox", "-s", "unit-3.12"], {})
    assert named(["nox", "-p", "3.12"], {})
    assert named(["nox"], {"NOXFORCEPYTHON": "3.13"})
    assert not named(["nox", "-s", "unit", "--", "-k", "v13.2.1"], {})
    assert not named(["nox", "-s", "lint"], {})
    # With no interpreter on PATH at all, every declared version stays (nox reports them).
    assert noxfile.PYTHONS == ["3.10", "3.11", "3.12", "3.13", "3.14", "3.15"]


def test_missing_coverage_data(tmp_path, monkeypatch) -> None:
    write_package(tmp_path, SRC_LAYOUT)
    noxfile = load_noxfile(tmp_path, """
        [project]
        name = "my-pkg"
        classifiers = ["Programming Language :: Python :: 3.11",
                       "Programming Language :: Python :: 3.12"]
    """, monkeypatch=monkeypatch)
    missing = noxfile.missing_data
    complete = [".coverage.unit-py3.11-1of2", ".coverage.unit-py3.11-2of2.host.12.34",
                ".coverage.unit-py3.12", ".coverage.integration-py3.12"]
    assert missing(complete, strict=True) == []
    assert missing(complete[1:], strict=False) == ["unit tests on Python 3.11, shard 1 of 2"]
    assert missing([".coverage.unit-py3.12"], strict=False) == []
    assert missing([".coverage.unit-py3.12"], strict=True) == [
        "unit tests on Python 3.11", "integration tests"]
    assert missing([".coverage.unit-py3.12-3of3", ".coverage.unit-py3.11"], strict=False) == [
        "unit tests on Python 3.12, shard 1 of 3", "unit tests on Python 3.12, shard 2 of 3"]


def test_the_gate_session_passes_the_thresholds_and_the_junit_files(tmp_path, monkeypatch) -> None:
    write_package(tmp_path, SRC_LAYOUT)
    noxfile = load_noxfile(tmp_path, '[project]\nname = "my-pkg"\nrequires-python = ">=3.10"\n',
                           monkeypatch=monkeypatch)
    flags = noxfile.gate_flags
    assert flags({}) == ["--junit-file", "reports/junit-*.xml"]
    assert flags({"MIN_COVERAGE": " 85% ", "MIN_DIFF_COVERAGE": "0.9",
                  "MAX_COVERAGE_DROP": "0.5%"}) == [
        "--min-coverage", "85%", "--min-diff-coverage", "0.9", "--max-drop", "0.5%",
        "--junit-file", "reports/junit-*.xml"]
    assert flags({"JUNIT_FILES": " a.xml  shards/*.xml "}) == [
        "--junit-file", "a.xml", "--junit-file", "shards/*.xml"]
    # Empty settings pass nothing: the gate's settings file decides.
    assert flags({"MIN_COVERAGE": "", "MIN_DIFF_COVERAGE": " ", "JUNIT_FILES": ""}) == []
    # Flags the gate knows, and what they set; CI's pull-request step appends --diff-against.
    written = [f"--report={kind}={path}" for kind, path in noxfile.GATE_REPORTS.items()]
    args = build_parser().parse_args(["check", *flags({"MIN_DIFF_COVERAGE": "80%"}), *written,
                                      "--diff-against", "origin/main",
                                      "--baseline-branch", "origin/releasegate-data"])
    assert [kind for kind, _ in args.reports] == ["json", "markdown", "badge", "sarif"]
    assert args.coverage__baseline_branch == "origin/releasegate-data"
    assert args.tests__files == ["reports/junit-*.xml"]
    assert (args.coverage__min_diff, args.shared__diff_against) == ("80%", "origin/main")


def test_a_test_run_replaces_its_own_outputs(tmp_path, monkeypatch) -> None:
    write_package(tmp_path, SRC_LAYOUT)
    noxfile = load_noxfile(tmp_path, '[project]\nname = "my-pkg"\nrequires-python = ">=3.10"\n',
                           monkeypatch=monkeypatch)
    names = [".coverage.unit-py3.12-1of2", ".coverage.unit-py3.12-1of2.host.1.2",
             "reports/junit-unit-py3.12-1of2.xml",
             ".coverage.unit-py3.12-2of2", "reports/junit-unit-py3.12-2of2.xml",
             "reports/junit-integration-py3.12.xml"]
    write_package(tmp_path, {name: "" for name in names})
    data, junit = noxfile.fresh_outputs("unit-py3.12-1of2")
    assert (data, junit) == (tmp_path / ".coverage.unit-py3.12-1of2",
                             tmp_path / "reports/junit-unit-py3.12-1of2.xml")
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()
                  and ("coverage" in p.name or "junit" in p.name))
    assert left == [".coverage.unit-py3.12-2of2", "reports/junit-integration-py3.12.xml",
                    "reports/junit-unit-py3.12-2of2.xml"]
    # A first run: nothing to remove.
    first = noxfile.fresh_outputs("integration-py3.11")
    assert first == (tmp_path / ".coverage.integration-py3.11",
                     tmp_path / "reports/junit-integration-py3.11.xml")


def test_another_shardings_outputs_are_stale(tmp_path, monkeypatch) -> None:
    write_package(tmp_path, SRC_LAYOUT)
    noxfile = load_noxfile(tmp_path, '[project]\nname = "my-pkg"\nrequires-python = ">=3.10"\n',
                           monkeypatch=monkeypatch)
    unsharded = [".coverage.unit-py3.12", ".coverage.unit-py3.12.host.7.8",
                 "reports/junit-unit-py3.12.xml"]
    halves = [".coverage.unit-py3.12-1of2", "reports/junit-unit-py3.12-1of2.xml",
              "reports/junit-unit-py3.12-2of2.xml"]
    thirds = [".coverage.unit-py3.12-3of3.host.1.2", "reports/junit-unit-py3.12-2of3.xml"]
    others = [".coverage.unit-py3.11", "reports/junit-unit-py3.11-1of2.xml",
              "reports/junit-unit-py3.120.xml", "reports/junit-integration-py3.12.xml",
              "reports/notes.txt"]
    write_package(tmp_path, {name: "" for name in [*unsharded, *halves, *thirds, *others]})

    def stale(total: int) -> list[str]:
        return sorted(p.relative_to(tmp_path).as_posix()
                      for p in noxfile.stale_shardings("unit-py3.12", total))

    assert stale(2) == sorted([*unsharded, *thirds])
    assert stale(0) == sorted([*halves, *thirds])
    assert stale(3) == sorted([*unsharded, *halves])


def test_junit_files_go_where_ci_and_the_gate_look(tmp_path, monkeypatch) -> None:
    """The sessions' JUnit files, CI's artifacts and the gate's patterns name the same files."""
    write_package(tmp_path, SRC_LAYOUT)
    noxfile = load_noxfile(tmp_path, '[project]\nname = "my-pkg"\nrequires-python = ">=3.10"\n',
                           monkeypatch=monkeypatch)
    written = {tag: [p.relative_to(tmp_path).as_posix() for p in noxfile.fresh_outputs(tag)]
               for tag in ("unit-py3.10", "unit-py3.13-2of4", "integration-py3.13")}
    ci = yaml.safe_load((ROOT / "templates/github/workflows/ci.yml").read_text())["jobs"]
    settings = read_toml(ROOT / "templates/gate.toml")
    gate_patterns = [noxfile.JUNIT_FILES, *settings["tests"]["files"]]
    for tag, (data, junit) in written.items():
        job = ci["unit" if tag.startswith("unit") else "integration"]
        uploaded = next(s for s in job["steps"] if "upload-artifact" in s.get("uses", ""))
        globs = [line.removeprefix("${{ env.PROJECT_DIR }}/")
                 for line in uploaded["with"]["path"].splitlines()]
        for name in (data, junit):  # one artifact carries both
            assert any(fnmatch.fnmatchcase(name, glob) for glob in globs), (name, globs)
        assert all(fnmatch.fnmatchcase(junit, glob) for glob in gate_patterns), junit
    coverage_upload = next(s for s in ci["coverage"]["steps"]
                           if "upload-artifact" in s.get("uses", ""))
    assert "${{ env.PROJECT_DIR }}/reports/" in coverage_upload["with"]["path"].splitlines()


def test_test_requirements_files_when_no_extra_or_group(tmp_path, monkeypatch) -> None:
    write_package(tmp_path, {**SRC_LAYOUT, "requirements/tests.txt": "pytest\nfreezegun\n"})
    noxfile = load_noxfile(tmp_path, """
        [project]
        name = "my-pkg"
        requires-python = ">=3.10"
    """, monkeypatch=monkeypatch)
    assert noxfile.install_args() == ["-e", ".", "-r", "requirements/tests.txt"]


def read_rc(path: Path) -> dict[str, dict[str, str]]:
    import configparser

    parser = configparser.RawConfigParser()
    parser.read(path)
    return {s: dict(parser.items(s)) for s in parser.sections()}


def test_coverage_settings_are_the_projects_plus_parallel_measuring(tmp_path, monkeypatch) -> None:
    write_package(tmp_path, {**SRC_LAYOUT})
    noxfile = load_noxfile(tmp_path, """
        [project]
        name = "my-pkg"
        requires-python = ">=3.10"
        [tool.coverage.run]
        source = ["app"]
        dynamic_context = "test_function"
        branch = false
        [tool.coverage.report]
        show_missing = true
        exclude_also = ["if TYPE_CHECKING:"]
        [tool.coverage.paths]
        source = ["src", "*/site-packages"]
    """, monkeypatch=monkeypatch)
    rc = read_rc(noxfile.coverage_rc())
    run = rc["run"]
    assert (run["source"].split(), run["dynamic_context"], run["branch"]) == (
        ["app"], "test_function", "false")  # the project's own, kept as they are
    assert (run["parallel"], run["patch"].split()) == ("true", ["subprocess"])
    assert run["relative_files"] == "true"  # data combines across jobs and runners
    assert "source_pkgs" not in run  # it names its source: nothing is added
    assert rc["report"] == {"show_missing": "true", "exclude_also": "\nif TYPE_CHECKING:"}
    assert rc["paths"]["source"].split() == ["src", "*/site-packages"]


def test_coverage_settings_from_a_coveragerc_or_none(tmp_path, monkeypatch) -> None:
    write_package(tmp_path, {**SRC_LAYOUT, ".coveragerc": "[run]\nomit =\n    */gen/*\n"
                                                          "patch = execv\n"
                                                          "relative_files = false\n"})
    noxfile = load_noxfile(tmp_path, '[project]\nname = "my-pkg"\nrequires-python = ">=3.10"\n',
                           monkeypatch=monkeypatch)
    run = read_rc(noxfile.coverage_rc())["run"]
    assert run["omit"].split() == ["*/gen/*"]
    assert run["patch"].split() == ["execv", "subprocess"]
    assert run["relative_files"] == "false"  # the project's choice stands
    assert (run["branch"], run["source_pkgs"].split()) == ("true", ["my_pkg"])
    (tmp_path / ".coveragerc").unlink()
    assert read_rc(noxfile.coverage_rc())["run"]["source_pkgs"].split() == ["my_pkg"]


@pytest.mark.parametrize(("requirement", "extras", "expected"), [
    ("releasegate", "", "releasegate"),
    ("releasegate", "postgres, redis", "releasegate[postgres,redis]"),
    ("releasegate==1.2.0", "redis", "releasegate[redis]==1.2.0"),
    ("releasegate[deploy]>=1", "redis,deploy", "releasegate[deploy,redis]>=1"),
    ("releasegate @ file:///w/r.whl", "all", "releasegate[all]@ file:///w/r.whl"),
    ("/w/releasegate-1.0-py3-none-any.whl", "all",
     "releasegate[all] @ file:///w/releasegate-1.0-py3-none-any.whl"),
    ("git+https://example.org/r.git@v1", "amqp",
     "releasegate[amqp] @ git+https://example.org/r.git@v1"),
])
def test_the_gate_is_installed_with_the_extras_asked_for(
        tmp_path, monkeypatch, requirement, extras, expected) -> None:
    write_package(tmp_path, SRC_LAYOUT)
    noxfile = load_noxfile(tmp_path, '[project]\nname = "my-pkg"\n', monkeypatch=monkeypatch)
    assert noxfile.with_extras(requirement, extras) == expected
