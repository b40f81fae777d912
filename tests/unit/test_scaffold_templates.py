"""The templates: one source of truth, pinned actions, least privilege, bounded jobs."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

TEMPLATES = ROOT / "templates"
PACKAGED = ROOT / "gate" / "_templates"
WORKFLOWS = sorted((TEMPLATES / "github" / "workflows").glob("*.yml"))
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.MULTILINE)


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def pins_file() -> Path | None:
    """shared/action-pins.json beside the checkout (CI's clone, or a worktree's)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        candidate = base / "shared" / "action-pins.json"
        if candidate.is_file():
            return candidate
    return None


def relative_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def test_the_package_reads_templates_through_a_link_not_a_copy() -> None:
    # One source of truth: gate/_templates is a symbolic link to templates/, which
    # setuptools follows when it builds a wheel (tests/integration/test_wheel.py).
    assert PACKAGED.is_symlink() and PACKAGED.resolve() == TEMPLATES.resolve()
    assert relative_files(PACKAGED) == relative_files(TEMPLATES)


def test_every_action_is_pinned_to_a_full_sha_with_its_version() -> None:
    found = 0
    for path in [*WORKFLOWS, ROOT / "action.yml"]:
        for match in USES.finditer(path.read_text(encoding="utf-8")):
            found += 1
            ref, comment = match.group(1), match.group(2)
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), f"{path.name}: {ref}"
            assert re.fullmatch(r"\s+# v\d+(\.\d+)*", comment), f"{path.name}: {ref}{comment}"
    assert found >= 20


def test_pins_come_from_the_verified_list() -> None:
    path = pins_file()
    if path is None:
        pytest.skip("shared/action-pins.json is not beside this checkout")
    pins = json.loads(path.read_text())["actions"]
    for workflow in WORKFLOWS:
        for match in USES.finditer(workflow.read_text(encoding="utf-8")):
            action, sha = match.group(1).split("@")
            assert action in pins, f"{workflow.name}: {action} is not in {path}"
            assert sha == pins[action]["sha"], f"{workflow.name}: {action}@{sha}"
            assert match.group(2).strip() == f"# {pins[action]['version']}"


#: The only grants beyond `contents: read`, each on one job (workflow, job): what it may do.
WRITES = {
    ("ci.yml", "publish"): {"contents": "write"},  # the releasegate-data branch
    ("release.yml", "publish"): {"id-token": "write"},  # PyPI trusted publishing
    ("pr-comment.yml", "comment"): {"actions": "read", "pull-requests": "write"},
}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_bounded_jobs(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"{name}: no timeout-minutes"
        assert "permissions" in job, f"{name}: no permissions of its own"
        granted = job["permissions"]
        assert granted in ({}, {"contents": "read"}, WRITES.get((path.name, name))), name
        for step in job.get("steps", ()):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
            assert "${{" not in step.get("run", ""), f"{name}: expression inside run:"


def test_ci_jobs_only_call_nox_and_one_job_is_required() -> None:
    ci = load(TEMPLATES / "github/workflows/ci.yml")
    assert ci["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    jobs = ci["jobs"]
    # Beside the sessions: the pull request's number noted for pr-comment.yml, and the
    # publish job, which stores the report with releasegate and runs no code of the project.
    others = {("gate", "Note the pull request's number"),
              ("publish", "Store the report and the badge on releasegate-data")}
    for name, job in jobs.items():
        for step in job.get("steps", ()):
            if "run" in step and (name, step.get("name")) not in others:
                assert re.fullmatch(r'uvx --from "\$NOX" nox -s \S+(\s\S+)*', step["run"]), name
    required = jobs["required"]
    assert required["if"] == "always()"
    assert set(required["needs"]) == set(jobs) - {"required", "publish"}  # publish gates nothing
    assert required["steps"][0]["uses"].startswith("re-actors/alls-green@")
    assert jobs["gate"]["env"]["MIN_COVERAGE"] == "80%"


def test_ci_shards_and_coverage_data() -> None:
    jobs = load(TEMPLATES / "github/workflows/ci.yml")["jobs"]
    unit = jobs["unit"]
    assert unit["strategy"]["matrix"]["shard"] == ["1/1"]
    assert unit["strategy"]["fail-fast"] is False
    upload = unit["steps"][-1]
    assert upload["with"]["name"] == "coverage-data-unit-${{ strategy.job-index }}"
    assert upload["with"]["include-hidden-files"] is True
    assert upload["with"]["if-no-files-found"] == "error"
    combine = [s for s in jobs["coverage"]["steps"] if "nox -s coverage" in s.get("run", "")]
    assert combine[0]["env"]["COVERAGE_STRICT"] == "1"
    assert jobs["coverage"]["needs"] == ["unit", "integration"]
    services = jobs["integration"]["services"]
    assert set(services) == {"postgres", "redis"}
    for service in services.values():
        assert "--health-cmd" in service["options"]


def test_ci_caches_on_dependency_files_and_release_not_at_all() -> None:
    ci = load(TEMPLATES / "github/workflows/ci.yml")
    for name, job in ci["jobs"].items():
        for step in job.get("steps", ()):
            if step.get("uses", "").startswith("astral-sh/setup-uv@"):
                if name == "publish":  # installs releasegate only; it may write: no cache
                    assert step["with"]["enable-cache"] is False
                    continue
                assert step["with"]["enable-cache"] is True, name
                assert "**/pyproject.toml" in step["with"]["cache-dependency-glob"], name
    release = load(TEMPLATES / "github/workflows/release.yml")
    for name, job in release["jobs"].items():
        for step in job.get("steps", ()):
            uses = step.get("uses", "")
            assert not uses.startswith("actions/cache@"), name
            if uses.startswith("astral-sh/setup-uv@"):
                assert step["with"]["enable-cache"] is False, name
            if uses.startswith("actions/setup-python@"):
                assert "cache" not in step["with"], name


def test_release_publishes_only_after_the_gate() -> None:
    release = load(TEMPLATES / "github/workflows/release.yml")
    assert release["on"]["push"]["tags"] == ["v*"]
    assert "workflow_dispatch" in release["on"]
    jobs = release["jobs"]
    assert "gate" in jobs["publish"]["needs"]
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    # uv publish with trusted publishing: no third-party action, no stored token; the
    # dry-run input checks the upload without doing it.
    publish = jobs["publish"]["steps"][-1]
    assert "uses" not in publish
    assert publish["run"] == "uv publish --trusted-publishing automatic $DRY_RUN dist/*"
    assert publish["env"]["DRY_RUN"] == "${{ inputs.dry-run && '--dry-run' || '' }}"
    assert jobs["deploy"]["if"] == "${{ !inputs.dry-run }}"
    assert not any("gh-action-pypi-publish" in str(step) for job in jobs.values()
                   for step in job["steps"])
    # The gate's --connect checks get their drivers.
    assert release["env"]["GATE_EXTRAS"] == "postgres,redis"
    assert jobs["gate"]["environment"] == "${{ inputs.environment || 'production' }}"
    gate_step = jobs["gate"]["steps"][-1]
    assert gate_step["env"]["DATABASE_URL"] == "${{ secrets.DATABASE_URL }}"
    assert "--require-env DATABASE_URL" in gate_step["run"]
    assert "--connect '${DATABASE_URL}'" in gate_step["run"]
    assert set(jobs["deploy"]["needs"]) == {"gate", "publish"}
    assert "YOURS TO FILL" in (TEMPLATES / "github/workflows/release.yml").read_text()


def test_reusable_workflow_and_action_take_the_threshold_as_input() -> None:
    reusable = load(TEMPLATES / "github/workflows/quality-gate.yml")
    inputs = reusable["on"]["workflow_call"]["inputs"]
    assert {"min-coverage", "python-version", "project-dir"} <= set(inputs)
    action = load(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert {"min-coverage", "coverage-file", "config"} <= set(action["inputs"])
    for step in action["runs"]["steps"]:
        assert "${{" not in step["run"]


def test_ci_gate_checks_the_changed_lines_in_pull_requests() -> None:
    gate = load(TEMPLATES / "github/workflows/ci.yml")["jobs"]["gate"]
    assert gate["env"]["MIN_DIFF_COVERAGE"] == "80%"
    checkout = gate["steps"][0]
    # 0 (the whole history) in pull requests, 1 elsewhere; `== 'pull_request' && 0 || 1`
    # would always give 1, since 0 is falsy.
    depth = "${{ github.event_name != 'pull_request' && 1 || 0 }}"
    assert checkout["with"]["fetch-depth"] == depth
    runs = {step["if"]: step["run"] for step in gate["steps"] if "run" in step}
    assert runs == {
        "github.event_name != 'pull_request'": 'uvx --from "$NOX" nox -s gate',
        "github.event_name == 'pull_request'":
            'uvx --from "$NOX" nox -s gate -- --diff-against "origin/$GITHUB_BASE_REF"'
            " --baseline-branch origin/releasegate-data",
        "${{ !cancelled() && github.event_name == 'pull_request' }}":
            """mkdir -p reports && printf '%s\\n' "$PR_NUMBER" > reports/pr-number""",
    }
    assert gate["env"]["MAX_COVERAGE_DROP"] == ""
    # The JUnit files reach the gate in the coverage job's artifact, beside coverage.xml.
    download = next(s for s in gate["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"] == {"name": "coverage-report", "path": "${{ env.PROJECT_DIR }}"}


def script(path: Path, step_id: str, steps: list[dict[str, Any]]) -> str:
    [step] = [s for s in steps if s.get("id") == step_id]
    assert "${{" not in step["run"], f"{path.name}: expression inside run:"
    return step["run"]


def run_script(text: str, tmp_path: Path, env: dict[str, str]) -> list[str]:
    """Run a workflow step's bash script; `uvx` and the venv's python print their arguments."""
    bin_dir = tmp_path / "bin"
    venv_bin = tmp_path / "runner-temp" / "releasegate-venv" / "bin"
    for folder, name in ((bin_dir, "uvx"), (venv_bin, "python")):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
        (folder / name).chmod(0o755)
    base = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "NOX": "nox==1",
            "RUNNER_TEMP": str(tmp_path / "runner-temp")}
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", text], env={**base, **env},
                          capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.splitlines()


@pytest.mark.parametrize("env, expected", [
    ({}, []),
    ({"MIN_DIFF_COVERAGE": "90%"}, []),  # not a pull request: no REF to compare with
    ({"GITHUB_BASE_REF": "main"}, []),  # a pull request, but no diff threshold asked for
    ({"MIN_DIFF_COVERAGE": "90%", "GITHUB_BASE_REF": "release/2.x"},
     ["--", "--diff-against", "origin/release/2.x"]),
])
def test_reusable_workflow_checks_the_diff_of_a_pull_request(tmp_path, env, expected) -> None:
    path = TEMPLATES / "github/workflows/quality-gate.yml"
    workflow = load(path)
    inputs = workflow["on"]["workflow_call"]["inputs"]
    assert inputs["junit-files"]["default"] == "reports/junit-*.xml"
    assert inputs["min-diff-coverage"]["default"] == ""
    assert "diff-coverage" in workflow["on"]["workflow_call"]["outputs"]
    job = workflow["jobs"]["gate"]
    [step] = [s for s in job["steps"] if s.get("id") == "gate"]
    assert step["env"] == {"MIN_COVERAGE": "${{ inputs.min-coverage }}",
                           "MIN_DIFF_COVERAGE": "${{ inputs.min-diff-coverage }}",
                           "JUNIT_FILES": "${{ inputs.junit-files }}"}
    assert job["steps"][0]["with"]["fetch-depth"] == (
        "${{ (inputs.min-diff-coverage == '' || github.event_name != 'pull_request') "
        "&& 1 || 0 }}")
    argv = run_script(script(path, "gate", job["steps"]), tmp_path, env)
    assert argv == ["--from", "nox==1", "nox", "-s", "gate", *expected]


@pytest.mark.parametrize("inputs, expected", [
    ({}, []),
    ({"JUNIT_FILES": "reports/junit-*.xml\n\nshard 2.xml\n"},
     ["--junit-file", "reports/junit-*.xml", "--junit-file", "shard 2.xml"]),
    ({"MIN_DIFF_COVERAGE": "90%"}, ["--min-diff-coverage", "90%"]),
    ({"MIN_DIFF_COVERAGE": "90%", "GITHUB_BASE_REF": "main"},
     ["--min-diff-coverage", "90%", "--diff-against", "origin/main"]),
    ({"DIFF_AGAINST": "v1.2.0", "GITHUB_BASE_REF": "main"}, ["--diff-against", "v1.2.0"]),
    ({"GITHUB_BASE_REF": "main"}, []),
    ({"BASELINE_BRANCH": "origin/releasegate-data"},
     ["--baseline-branch", "origin/releasegate-data"]),
])
def test_action_passes_junit_files_and_the_diff_check(tmp_path, inputs, expected) -> None:
    action = load(ROOT / "action.yml")
    assert {"junit-file", "min-diff-coverage", "diff-against"} <= set(action["inputs"])
    assert all(action["inputs"][name]["default"] == ""
               for name in ("junit-file", "min-diff-coverage", "diff-against"))
    assert "diff-coverage" in action["outputs"]
    steps = action["runs"]["steps"]
    [step] = [s for s in steps if s.get("id") == "gate"]
    assert step["env"]["JUNIT_FILES"] == "${{ inputs.junit-file }}"
    assert step["env"]["MIN_DIFF_COVERAGE"] == "${{ inputs.min-diff-coverage }}"
    assert step["env"]["DIFF_AGAINST"] == "${{ inputs.diff-against }}"
    assert step["env"]["BASELINE_BRANCH"] == "${{ inputs.baseline-branch }}"
    empty = {name: "" for name in ("MIN_COVERAGE", "MIN_BRANCH_COVERAGE", "COVERAGE_FILES",
                                   "JUNIT_FILES", "MIN_DIFF_COVERAGE", "DIFF_AGAINST",
                                   "BASELINE_BRANCH", "CONFIG", "ARGS")}
    argv = run_script(script(ROOT / "action.yml", "gate", steps), tmp_path, {**empty, **inputs})
    assert argv == ["-m", "gate", "check", *expected]


def test_every_key_of_the_gate_settings_template_is_one_the_gate_knows(tmp_path) -> None:
    """Uncomment every `# key = value` and `# [table]` line: the gate must accept them all."""
    from gate.cli import build_parser, families
    from gate.runner import plan

    lines, keys = [], 0
    for line in (TEMPLATES / "gate.toml").read_text().splitlines():
        match = re.fullmatch(r"# (\[\[?[\w.]+\]\]?|[\w-]+ = .*)", line)
        keys += bool(match)
        lines.append(match.group(1) if match else line)
        assert not re.fullmatch(r"#\s*[\w-]+\s*=.*", line) or match, f"not uncommented: {line}"
    assert keys > 40
    for name in ("certs/private-ca.pem", "config/production.yaml",
                 "config/production.schema.json"):  # files the settings name must exist
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("")
    # `baseline` and `baseline-branch` are coverage's two ways to name a baseline: one at a time.
    start, end = lines.index("[coverage]"), lines.index("[deploy]")
    for alternative in ("baseline = ", "baseline-branch = "):
        kept = [line for n, line in enumerate(lines)
                if not (start < n < end and line.startswith(alternative))]
        assert len(kept) == len(lines) - 1
        (tmp_path / "gate.toml").write_text("\n".join(kept) + "\n")
        args = build_parser().parse_args(["check", "--config", str(tmp_path / "gate.toml")])
        planned = {item.family.name: item.settings for item in plan(families(), args)}
        assert set(planned) == {family.name for family in families()}
        assert planned["coverage"].min_diff is not None and planned["coverage"].path_maps
        assert planned["tests"].require == ("integration",)
        assert (planned["coverage"].baseline is None) == (alternative == "baseline = ")


def test_the_gate_settings_template_reads_the_test_results(tmp_path) -> None:
    """As shipped: coverage at 80% and the tests family on the sessions' JUnit files."""
    from fractions import Fraction

    from gate.cli import build_parser, families
    from gate.runner import plan

    (tmp_path / "gate.toml").write_bytes((TEMPLATES / "gate.toml").read_bytes())
    args = build_parser().parse_args(["check", "--config", str(tmp_path / "gate.toml")])
    planned = {item.family.name: item.settings for item in plan(families(), args)}
    assert set(planned) == {"coverage", "tests", "findings"}
    coverage, tests = planned["coverage"], planned["tests"]
    findings = planned["findings"]
    assert (findings.flake8, findings.bandit, findings.baseline) == (
        (tmp_path / "reports/flake8.txt",), (tmp_path / "reports/bandit.json",),
        tmp_path / "findings-baseline.json")
    assert (coverage.min_lines, coverage.min_diff, coverage.diff_against) == (
        Fraction(4, 5), None, None)
    assert tests.files == (tmp_path / "reports/junit-*.xml",)
    assert (tests.min_tests, tests.max_skipped.fraction, tests.require) == (1, Fraction(1, 20), ())


def test_only_the_default_branch_publishes_and_the_comment_runs_no_pr_code() -> None:
    ci = load(TEMPLATES / "github/workflows/ci.yml")
    publish = ci["jobs"]["publish"]
    assert "github.event_name == 'push'" in publish["if"]
    assert "github.event.repository.default_branch" in publish["if"]
    assert publish["needs"] == ["gate"]
    assert "releasegate publish" in publish["steps"][-1]["run"]
    upload = ci["jobs"]["gate"]["steps"][-1]
    assert upload["with"]["name"] == "gate-report" and "!cancelled()" in upload["if"]
    comment = load(TEMPLATES / "github/workflows/pr-comment.yml")
    assert comment["on"] == {"workflow_run": {"workflows": [ci["name"]],
                                              "types": ["completed"]}}
    [job] = comment["jobs"].values()
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]
    uses = [step.get("uses", "") for step in job["steps"]]
    assert not any(u.startswith("actions/checkout@") for u in uses)  # no code of the PR
    download = job["steps"][0]
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    assert download["with"]["name"] == "gate-report"
    post = job["steps"][-1]
    assert post["env"]["HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"
    assert post["run"] == ('uvx --from "$GATE_REQUIREMENT" releasegate comment'
                           ' "$REPORTS/gate.md" --pr-file "$REPORTS/pr-number"'
                           ' --head-sha "$HEAD_SHA"')
