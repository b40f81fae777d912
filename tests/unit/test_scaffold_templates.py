"""The templates: one source of truth, pinned actions, least privilege, bounded jobs."""

from __future__ import annotations

import json
import re
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


def test_the_packaged_templates_are_templates_byte_for_byte() -> None:
    canonical, packaged = relative_files(TEMPLATES), relative_files(PACKAGED)
    assert set(packaged) == set(canonical), "rm -r gate/_templates && cp -a templates gate/_templates"
    differing = [name for name in canonical if canonical[name] != packaged[name]]
    assert not differing, f"gate/_templates differs from templates/ in {differing}: copy it over"


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


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_bounded_jobs(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"{name}: no timeout-minutes"
        assert "permissions" in job, f"{name}: no permissions of its own"
        assert set(job["permissions"]) <= {"contents", "id-token"}, name
        for step in job.get("steps", ()):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
            assert "${{" not in step.get("run", ""), f"{name}: expression inside run:"


def test_ci_jobs_only_call_nox_and_one_job_is_required() -> None:
    ci = load(TEMPLATES / "github/workflows/ci.yml")
    assert ci["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    jobs = ci["jobs"]
    for name, job in jobs.items():
        for step in job.get("steps", ()):
            if "run" in step:
                assert re.fullmatch(r'uvx --from "\$NOX" nox -s \S+(\s\S+)*', step["run"]), name
    required = jobs["required"]
    assert required["if"] == "always()"
    assert set(required["needs"]) == set(jobs) - {"required"}
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
    assert jobs["publish"]["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish@")
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
