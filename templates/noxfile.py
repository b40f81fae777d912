"""The pipeline, one session per job: lint, security, unit, integration, coverage, gate.

Written by `python -m gate init` (Releasegate). The package, its Python versions and its
test dependencies come from pyproject.toml, so this file rarely needs editing: the
settings below are the knobs.

    nox                          # every session in order, ending with the gate's verdict
    nox -s unit -- -k parser     # what follows `--` goes to the session's tool (pytest here)
    nox -s unit-3.12             # one Python version (one named here is never left out)
    UNIT_SHARD=2/4 nox -s unit   # the second quarter of the unit tests (CI's shards)
    nox -s gate -- --diff-against origin/main --min-diff-coverage 80%
                                 # also gate on the lines changed since main (CI: pull requests)

Python versions come from the classifiers (else requires-python); those with no
interpreter on this machine are left out unless a version is named on the command line.

The lint and security sessions write their findings to reports/ and pass: the gate decides,
against the findings baseline `gate init` recorded (findings-baseline.json), so that only
new findings block. The tests are measured with `coverage run -m pytest` and the project's
own coverage settings (dynamic contexts included), each process writing its own data file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess  # nosec B404  # only to ask whether a Python interpreter starts
import sys
from pathlib import Path
from typing import Any

import nox

if sys.version_info >= (3, 11):
    import tomllib
else:  # nox itself depends on tomli before Python 3.11
    import tomli as tomllib

# Settings ------------------------------------------------------------------------------

#: The Python versions to test, when the classifiers do not say (a project with only an
#: open requires-python): `gate init --python 3.11 --python 3.12` writes them here, and the
#: CI matrix lists the same.
PYTHON_VERSIONS: tuple[str, ...] = ()
#: Sessions whose tests must not run in parallel, e.g. integration tests that share one
#: database: name them here, as in frozenset({"integration"}), and they run with `-n 0`.
SERIAL_SESSIONS: frozenset[str] = frozenset()
#: pytest workers for the other test sessions (`auto`: one per CPU).
WORKERS = os.environ.get("PYTEST_WORKERS", "auto")
#: The pytest marker of the integration tests; `unit` runs every test without it.
INTEGRATION_MARKER = "integration"
#: Never linted nor scanned: flake8 and bandit would otherwise walk into them.
EXCLUDE = (".git", ".venv", "venv", ".nox", ".tox", "build", "dist", "node_modules",
           ".eggs", "*.egg-info", "htmlcov", "__pycache__")
#: Extras and PEP 735 dependency groups holding the test dependencies, first found wins.
TEST_DEPENDENCIES = ("test", "tests", "testing", "dev")
#: Requirements files holding them when no extra or group does (pip-tools layouts, tox).
TEST_REQUIREMENTS = ("requirements/tests.txt", "requirements/test.txt", "requirements-test.txt",
                     "requirements-tests.txt", "test-requirements.txt", "requirements/dev.txt",
                     "requirements-dev.txt")
#: Installed with them, because the sessions call these tools (coverage 7.10 follows
#: subprocesses, xdist's workers among them).
TEST_TOOLS = ("pytest", "pytest-xdist", "coverage[toml]>=7.10")
#: Commands run in a test session's virtualenv before its tests, such as the migrations of
#: the database the tests use: (("alembic", "upgrade", "head"),).
BEFORE_TESTS: tuple[tuple[str, ...], ...] = ()
#: What the `gate` session installs: pin a version, or point at a checkout or a wheel.
GATE_REQUIREMENT = os.environ.get("GATE_REQUIREMENT", "releasegate")
#: Its extras, comma-separated: the drivers of `--connect` checks (postgres, mysql, redis,
#: amqp, or all) and `deploy` for YAML, dotenv and JSON Schema settings files.
GATE_EXTRAS = os.environ.get("GATE_EXTRAS", "")
#: Where the test sessions write their JUnit XML, one file per session, Python and shard
#: (coverage data stays next to this file, as coverage does); CI uploads both together.
REPORTS = "reports"
#: The JUnit files the `gate` session passes to the gate (`--junit-file`, which wins over
#: `files` in the gate's settings): patterns, expanded by the gate. The JUNIT_FILES
#: environment variable replaces them (space-separated); set empty, the settings decide.
JUNIT_FILES = f"{REPORTS}/junit-*.xml"
#: What the lint and security sessions write, and the gate reads ([findings] in gate.toml).
LINT_REPORT = f"{REPORTS}/flake8.txt"
SECURITY_REPORT = f"{REPORTS}/bandit.json"
#: What the `gate` session writes besides its text verdict: the JSON report (the default
#: branch's runs store it, pull requests compare with it), the markdown one (the
#: pull-request comment), the coverage badge, and the verdict as SARIF 2.1.0 for code
#: scanning. CI uploads them as the gate-report and gate-sarif artifacts.
GATE_REPORTS = {"json": f"{REPORTS}/gate.json", "markdown": f"{REPORTS}/gate.md",
                "badge": f"{REPORTS}/coverage.svg", "sarif": f"{REPORTS}/gate.sarif"}

nox.needs_version = ">=2024.3.2"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"  # the project is installed editable, so code changes show up
nox.options.error_on_external_run = True

HERE = Path(__file__).resolve().parent
PYPROJECT: dict[str, Any] = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT: dict[str, Any] = PYPROJECT.get("project", {})
KNOWN_PYTHONS = tuple(f"3.{minor}" for minor in range(8, 16))


# What the project declares ---------------------------------------------------------------


def declared_pythons(project: dict[str, Any]) -> list[str]:
    """The project's Python versions: PYTHON_VERSIONS, else its classifiers, else those
    requires-python allows."""
    from packaging.specifiers import SpecifierSet  # nox depends on packaging

    if PYTHON_VERSIONS:
        return list(PYTHON_VERSIONS)
    spec = SpecifierSet(project.get("requires-python", ""))

    def allowed(version: str) -> bool:  # some release 3.X.0 ... 3.X.99 satisfies it
        return any(f"{version}.{patch}" in spec for patch in range(100))

    found = {m.group(1) for c in project.get("classifiers", ())
             if (m := re.fullmatch(r"Programming Language :: Python :: (3\.\d+)", c))}
    if not found and project.get("requires-python"):
        found = set(KNOWN_PYTHONS)
    versions = sorted((v for v in found if allowed(v)), key=lambda v: int(v.split(".")[1]))
    return versions or [f"{sys.version_info[0]}.{sys.version_info[1]}"]


def running(versions: list[str]) -> list[str]:
    """Those of `versions` whose interpreter is on PATH and starts.

    A binary found on PATH is taken at its word; a script (a pyenv or asdf shim, which
    exists even for versions that are not installed) and Windows' py launcher are asked,
    all at once, since a shim can take a second to answer.
    """
    present, asked = [], []
    for version in versions:
        if sys.platform == "win32":
            command = ["py", f"-{version}"] if shutil.which("py") else []
        else:
            found = shutil.which(f"python{version}")
            if found and not _is_script(found):
                present.append(version)
                continue
            command = [found] if found else []
        if not command:
            continue
        try:  # a fixed argv and no shell, which only asks "do you start?"
            process = subprocess.Popen([*command, "-c", ""],  # nosec B603  # fixed argv
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:
            continue
        asked.append((version, process))
    for version, process in asked:
        try:
            if process.wait(timeout=30) == 0:
                present.append(version)
        except subprocess.TimeoutExpired:
            process.kill()
    return [v for v in versions if v in present]


def _is_script(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(2) == b"#!"
    except OSError:
        return True


def named_on_command_line(argv: list[str], environ: dict[str, str]) -> bool:
    """Whether a Python version is asked for by name (`-s unit-3.12`, `-p 3.12`, NOXPYTHON)."""
    words = [*argv[1:], *(environ.get(k, "") for k in ("NOXPYTHON", "NOXFORCEPYTHON"))]
    return any(re.search(r"(?<![\d.])3\.\d+(?![\d.])", word) for word in words)


def available_pythons(declared: list[str]) -> list[str]:
    """The declared versions this machine can run; all of them when one is named explicitly.

    With CI=true nox fails a session whose interpreter is missing, so a version nobody asked
    for is better left out here, while one named on the command line must fail loudly.
    """
    if named_on_command_line(sys.argv, dict(os.environ)):
        return declared
    return running(declared) or declared


def import_names(project: dict[str, Any]) -> list[str]:
    """The import packages to measure and scan: src/NAME or NAME, else every top package."""
    name = re.sub(r"[-_.]+", "_", project.get("name", "")).lower()
    for root in (HERE / "src", HERE):
        if name and (root / name / "__init__.py").is_file():
            return [name]
    found = []
    for root in (HERE / "src", HERE):
        if root.is_dir():
            found += sorted(p.name for p in root.iterdir()
                            if (p / "__init__.py").is_file() and p.name not in EXCLUDE
                            and p.name not in ("tests", "test", "docs", "examples"))
    if not found:
        raise SystemExit(f"noxfile: no package found for {name or 'this project'!r} in "
                         f"{HERE} or {HERE / 'src'}")
    return found


def package_dirs(names: list[str]) -> list[str]:
    """Where those packages live, relative to this file."""
    return [next(str(root.relative_to(HERE) / n) for root in (HERE / "src", HERE)
                 if (root / n).is_dir()) for n in names]


def group(name: str, seen: tuple[str, ...] = ()) -> list[str]:
    """A PEP 735 dependency group's requirements, include-group entries resolved."""
    groups = PYPROJECT.get("dependency-groups", {})
    wanted = re.sub(r"[-_.]+", "-", name).lower()
    for key, items in groups.items():
        if re.sub(r"[-_.]+", "-", key).lower() == wanted and wanted not in seen:
            requirements = []
            for item in items:
                if isinstance(item, str):
                    requirements.append(item)
                elif isinstance(item, dict) and "include-group" in item:
                    requirements += group(item["include-group"], (*seen, wanted))
            return requirements
    return []


def install_args() -> list[str]:
    """`pip install` arguments for the project (editable) and its test dependencies."""
    extras = PROJECT.get("optional-dependencies", {})
    for name in TEST_DEPENDENCIES:
        if name in extras:
            return ["-e", f".[{name}]"]
        requirements = group(name)
        if requirements:
            return ["-e", ".", *requirements]
    for name in TEST_REQUIREMENTS:
        if (HERE / name).is_file():
            return ["-e", ".", "-r", name]
    return ["-e", "."]


PYTHONS = available_pythons(declared_pythons(PROJECT))
PYTHON = PYTHONS[-1]  # the newest: it runs the sessions that need one version only
PACKAGES = import_names(PROJECT)


# Coverage settings ----------------------------------------------------------------------

#: Where the sessions' coverage settings go: the project's own, plus what measuring in
#: parallel needs (written anew by each session that measures or reports).
COVERAGE_RC = HERE / ".nox" / "coveragerc"


def project_coverage_settings() -> tuple[str, dict[str, dict[str, str]]]:
    """The project's coverage settings by section, and where they are, as coverage finds them:
    .coveragerc, else setup.cfg or tox.ini ([coverage:run]...), else pyproject.toml."""
    import configparser

    for name, prefix in ((".coveragerc", ""), ("setup.cfg", "coverage:"), ("tox.ini", "coverage:")):
        path = HERE / name
        if not path.is_file():
            continue
        parser = configparser.RawConfigParser()
        parser.read(path, encoding="utf-8")
        sections = {s[len(prefix):]: dict(parser.items(s)) for s in parser.sections()
                    if s.startswith(prefix)}
        if sections or not prefix:
            return name, sections
    table = PYPROJECT.get("tool", {}).get("coverage", {})
    return "pyproject.toml", {section: {key: _ini(value) for key, value in values.items()}
                              for section, values in table.items() if isinstance(values, dict)}


def _ini(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "\n" + "\n".join(str(item) for item in value)
    return str(value)


def _listed(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,\n]", text) if item.strip()]


def coverage_rc() -> Path:
    """Write COVERAGE_RC: the project's settings, with parallel data files, subprocesses
    followed, and where it says nothing else branches measured, paths stored relative to the
    project, and the packages as the source.

    Every setting the project has is kept as it is (dynamic_context = "test_function"
    works here: each process records its own contexts); none is guessed.
    """
    _, sections = project_coverage_settings()
    run = sections.setdefault("run", {})
    run["parallel"] = "true"
    patch = _listed(run.get("patch", ""))
    run["patch"] = "\n" + "\n".join(dict.fromkeys([*patch, "subprocess"]))
    run.setdefault("branch", "true")
    # Paths relative to the project: data measured in one CI job (or container, or runner)
    # combines in another, whatever folder each checked out into.
    run.setdefault("relative_files", "true")
    if not any(key in run for key in ("source", "source_pkgs", "include")):
        run["source_pkgs"] = "\n" + "\n".join(PACKAGES)
    warnings = _listed(run.get("disable_warnings", ""))
    # xdist's controller imports none of the project: its empty data file is expected.
    run["disable_warnings"] = "\n" + "\n".join(
        dict.fromkeys([*warnings, "no-data-collected", "module-not-measured"]))
    lines = ["# Written by noxfile.py from the project's coverage settings: edit those."]
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {value}".replace("\n", "\n    ") for key, value in values.items()]
    COVERAGE_RC.parent.mkdir(exist_ok=True)
    COVERAGE_RC.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return COVERAGE_RC


# Helpers ----------------------------------------------------------------------------------


def shard(session: nox.Session, selection: list[str]) -> tuple[int, int, list[str]]:
    """This shard's number, the number of shards and its test files, from UNIT_SHARD=i/n.

    (0, 0, []) when not sharded. Files are spread by their number of tests, greatest
    first, each to the lightest shard so far: a shard is a stable slice of whole files.
    """
    raw = os.environ.get("UNIT_SHARD", "").strip()
    if not raw:
        return 0, 0, []
    match = re.fullmatch(r"(\d+)\s*/\s*(\d+)", raw)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        session.error(f"UNIT_SHARD={raw!r}: expected i/n with 1 <= i <= n, like 1/2")
    index, total = int(match.group(1)), int(match.group(2))
    listing = session.run("pytest", "--collect-only", "-qq", "-p", "no:cacheprovider",
                          *selection, silent=True) or ""
    counts = [(int(m.group(2)), m.group(1)) for m in
              re.finditer(r"^(\S.*\.py): (\d+)$", str(listing), re.MULTILINE)]
    if len(counts) < total:
        session.error(f"UNIT_SHARD={raw}: only {len(counts)} test files to split {total} ways")
    loads: list[tuple[int, int, list[str]]] = [(0, i, []) for i in range(total)]
    for count, path in sorted(counts, key=lambda item: (-item[0], item[1])):
        weight, i, files = min(loads)
        loads[i] = (weight + count, i, [*files, path])
    return index, total, loads[index - 1][2]


def marker_known(session: nox.Session) -> bool:
    """Whether pytest knows INTEGRATION_MARKER; under --strict-markers `-m` may name no other.

    When it does not, every test is a unit test (and a warning says how to register it).
    """
    if "marker" not in _ASKED:
        listing = session.run("pytest", "--markers", "-p", "no:cacheprovider", silent=True)
        _ASKED["marker"] = f"@pytest.mark.{INTEGRATION_MARKER}:" in str(listing or "")
        if not _ASKED["marker"]:
            session.warn(f"pytest has no {INTEGRATION_MARKER!r} marker: every test runs as a "
                         "unit test; register it (markers in [tool.pytest.ini_options]) to "
                         "run integration tests on their own")
    return _ASKED["marker"]


_ASKED: dict[str, bool] = {}


def fresh_outputs(tag: str) -> tuple[Path, Path]:
    """A test run's coverage data file and JUnit file, an earlier run's removed first.

    A JUnit file left from an earlier run would be read by the gate as a run of today's.
    """
    data, junit = HERE / f".coverage.{tag}", HERE / REPORTS / f"junit-{tag}.xml"
    for old in (data, *HERE.glob(f"{data.name}.*"), junit):  # .* with coverage's parallel
        old.unlink(missing_ok=True)
    return data, junit


def stale_shardings(base: str, total: int) -> list[Path]:
    """Unit outputs of Python `base` from a run split another way (or not at all).

    Another sharding's data would not add up with this run's, and its JUnit files would
    count the same tests twice; this sharding's other shards stay, to be combined.
    """
    found = [*HERE.glob(f".coverage.{base}*"), *(HERE / REPORTS).glob(f"junit-{base}*.xml")]
    name = re.compile(rf"(?:\.coverage\.|junit-){re.escape(base)}(?:-\d+of(\d+))?(?:\..*)?")
    stale = []
    for path in found:
        other = name.fullmatch(path.name)
        if other and int(other.group(1) or 0) != total:
            stale.append(path)
    return sorted(stale)


def run_pytest(session: nox.Session, kind: str, tag: str, *args: str,
               allow_empty: bool = False) -> None:
    """Run pytest under coverage: data into .coverage.TAG.*, results into reports/junit-TAG.xml.

    Every process (pytest, each xdist worker, any Python the tests start) writes its own
    data file; the coverage session combines them. The JUnit suite is named TAG, which
    tells the gate that the same test run on two Pythons (or shards, or sessions) is two
    tests, not a rerun of one.
    """
    workers = "0" if kind in SERIAL_SESSIONS else WORKERS
    data, junit = fresh_outputs(tag)
    junit.parent.mkdir(exist_ok=True)
    rc = coverage_rc()
    for command in BEFORE_TESTS:
        session.run(*command)
    session.run(
        "coverage", "run", f"--rcfile={rc}", "-m", "pytest", "-n", workers,
        f"--junitxml={junit.relative_to(HERE).as_posix()}",
        "-o", f"junit_suite_name={tag}", *args, *session.posargs,
        env={"COVERAGE_FILE": str(data), "COVERAGE_RCFILE": str(rc)},
        success_codes=[0, 5] if allow_empty else [0],
    )


# Sessions ---------------------------------------------------------------------------------


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """flake8 over the project (config in .flake8) into reports/flake8.txt, shown here too.

    It passes whatever flake8 finds: the gate judges the findings against the baseline.
    """
    session.install("flake8", *group("lint"))
    report = fresh_report(LINT_REPORT)  # flake8 appends to an --output-file that exists
    # No colours: with FORCE_COLOR set (CI), flake8 would write them into the file too.
    session.run("flake8", "--extend-exclude", ",".join(EXCLUDE), "--output-file", report,
                "--tee", "--color", "never", "--exit-zero", *(session.posargs or ["."]))


@nox.session(python=PYTHON)
def security(session: nox.Session) -> None:
    """bandit over the package's code into reports/bandit.json, for the gate to judge."""
    session.install("bandit[toml]")
    config = ["-c", "pyproject.toml"] if "bandit" in PYPROJECT.get("tool", {}) else []
    report = fresh_report(SECURITY_REPORT)
    session.run("bandit", "-q", *config, "-r", *package_dirs(PACKAGES), "-f", "json", "-o",
                report, "--exit-zero", *session.posargs)
    session.log(f"bandit's findings are in {report}: the gate session judges them")


def installing_only(session: nox.Session) -> bool:
    """Whether nox runs with --install-only: then `session.run` runs nothing, returns None."""
    return session.run("python", "-c", "", silent=True) is None


def fresh_report(name: str) -> str:
    """A report's path, its folder made and an earlier run's file removed."""
    path = HERE / name
    path.parent.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    return name


@nox.session(python=PYTHONS)
def unit(session: nox.Session) -> None:
    """The tests not marked integration, in parallel, with coverage per Python (and shard)."""
    session.install(*install_args(), *TEST_TOOLS)
    selection = ["-m", f"not {INTEGRATION_MARKER}"] if marker_known(session) else []
    index, total, files = shard(session, selection)
    base = f"unit-py{session.python}"
    for stale in stale_shardings(base, total):
        stale.unlink()
    tag = f"{base}-{index}of{total}" if total else base
    run_pytest(session, "unit", tag, *selection, *files)


@nox.session(python=PYTHON)
def integration(session: nox.Session) -> None:
    """The tests marked integration, against real services (CI starts them as containers)."""
    session.install(*install_args(), *TEST_TOOLS)
    tag = f"integration-py{session.python}"
    data, _ = fresh_outputs(tag)
    if marker_known(session):
        run_pytest(session, "integration", tag, "-m", INTEGRATION_MARKER, allow_empty=True)
    if not data.exists() and not any(HERE.glob(f"{data.name}.*")):
        # No test ran: say so, and leave empty data, so that the coverage session (strict
        # in CI) can tell this run happened.
        session.warn(f"no test is marked {INTEGRATION_MARKER!r}: the integration suite is empty")
        session.run("python", "-c", "import coverage, sys; coverage.CoverageData(sys.argv[1])"
                    ".add_arcs({})", str(data), silent=True)


def missing_data(names: list[str], strict: bool) -> list[str]:
    """What coverage data is missing: an incomplete set of shards, or (strict) a whole run."""
    shards: dict[tuple[str, int], set[int]] = {}
    runs_seen = set()
    for name in names:
        match = re.match(r"\.coverage\.(unit|integration)-py(\d+\.\d+)(?:-(\d+)of(\d+))?", name)
        if match:
            kind, version = match.group(1), match.group(2)
            runs_seen.add((kind, version))
            if match.group(3):
                shards.setdefault((version, int(match.group(4))), set()).add(int(match.group(3)))
    problems = [f"unit tests on Python {version}, shard {i} of {total}"
                for (version, total), seen in sorted(shards.items())
                for i in range(1, total + 1) if i not in seen]
    if strict:
        problems += [f"unit tests on Python {v}" for v in declared_pythons(PROJECT)
                     if ("unit", v) not in runs_seen]
        if not any(kind == "integration" for kind, _ in runs_seen):
            problems.append("integration tests")
    return problems


@nox.session(python=PYTHON)
def coverage(session: nox.Session) -> None:
    """Combine every test run's data; print the report; write coverage.xml and htmlcov/.

    It fails when a shard's data is missing; with COVERAGE_STRICT=1 (CI) also when a
    declared Python's unit data or the integration data is.
    """
    session.install("coverage[toml]>=7.10")
    if installing_only(session):
        return
    files = sorted(p.name for p in HERE.glob(".coverage.*") if p.is_file())
    strict = os.environ.get("COVERAGE_STRICT", "") not in ("", "0", "false")
    if not files:
        session.error("no coverage data (.coverage.*): run the unit and integration sessions first")
    missing = missing_data(files, strict)
    if missing:
        session.error("coverage data missing for: " + "; ".join(missing))
    # Not .coverage: the reporting commands of coverage 7.x combine every `<data file>.*`
    # they find (and delete them), which would empty the folder of the runs' data.
    env = {"COVERAGE_FILE": str(HERE / ".coverage-combined"),
           "COVERAGE_RCFILE": str(coverage_rc())}
    session.run("coverage", "combine", "--keep", "--quiet", *files, env=env)
    session.run("coverage", "report", "--show-missing", "--skip-covered", *session.posargs, env=env)
    session.run("coverage", "xml", "--quiet", "-o", "coverage.xml", env=env)
    session.run("coverage", "html", "--quiet", "-d", "htmlcov", env=env)


def gate_flags(environ: dict[str, str]) -> list[str]:
    """The `gate check` flags the environment asks for: thresholds CI sets, the JUnit files."""
    flags = []
    for variable, flag in (("MIN_COVERAGE", "--min-coverage"),
                           ("MIN_DIFF_COVERAGE", "--min-diff-coverage"),
                           ("MAX_COVERAGE_DROP", "--max-drop")):
        value = environ.get(variable, "").strip()
        if value:
            flags += [flag, value]
    patterns = environ.get("JUNIT_FILES", JUNIT_FILES).split()
    return [*flags, *(word for pattern in patterns for word in ("--junit-file", pattern))]


def with_extras(requirement: str, extras: str) -> str:
    """`releasegate[redis]==1.2`, or `releasegate[redis] @ file:///...whl` for a local
    wheel or checkout: the requirement with the extras added, whatever its form."""
    wanted = [e.strip() for e in extras.split(",") if e.strip()]
    if not wanted:
        return requirement
    listed = ",".join(wanted)
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?(\s*(?:[@<>=!~;].*)?)$",
                     requirement)
    if match is None:  # a wheel, an sdist, a checkout or a URL
        where = requirement.strip()
        if "://" not in where:
            where = Path(where).expanduser().resolve().as_uri()
        return f"releasegate[{listed}] @ {where}"
    name, present, rest = match.groups()
    merged = ",".join(dict.fromkeys([*_listed(present or ""), *wanted]))
    return f"{name}[{merged}]{rest}"


@nox.session(python=PYTHON)
def gate(session: nox.Session) -> None:
    """The release decision: `gate check` on coverage.xml, the JUnit files and the lint and
    security findings (1 blocks).

    Settings: [tool.gate] in pyproject.toml, else gate.toml. MIN_COVERAGE,
    MIN_DIFF_COVERAGE and MAX_COVERAGE_DROP override the coverage thresholds (CI sets
    them); JUNIT_FILES the test results read. Arguments after `--` go to `gate check`: in a
    pull request, CI adds `--diff-against origin/BASE` for the coverage of the changed lines
    and `--baseline-branch origin/releasegate-data` for the comparison with the base commit.
    The JSON, markdown and SARIF reports and the coverage badge go to reports/ (GATE_REPORTS).
    GATE_REQUIREMENT and GATE_EXTRAS say what is installed (release.yml asks for the drivers).
    """
    session.install(with_extras(GATE_REQUIREMENT, GATE_EXTRAS))
    (HERE / REPORTS).mkdir(exist_ok=True)
    written = [f"--report={kind}={path}" for kind, path in GATE_REPORTS.items()]
    session.run("python", "-m", "gate", "check", *gate_flags(dict(os.environ)), *written,
                *session.posargs)
