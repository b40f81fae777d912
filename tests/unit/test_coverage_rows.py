"""The per-file rows of the coverage checks are made when the report is written
(`LazyRows`), and the JSON report is byte for byte what it was when they were lists."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gate import __version__
from gate.cli import main
from gate.model import LazyRows, rows

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "coverage"
#: JSON reports written before the rows were lazy (by the commit before LazyRows); @FOLDER@
#: stands for the folder the run was in.
GOLDEN = FIXTURES / "gate-json"
RUNS = {
    "c8.info": ["--coverage-file", "c8.info", "--min-coverage", "0",
                "--min-branch-coverage", "0"],
    "jacoco.xml": ["--coverage-file", "jacoco.xml", "--min-coverage", "0",
                   "--min-branch-coverage", "0"],
    "c8-clover.xml": ["--coverage-file", "c8-clover.xml", "--min-coverage", "0",
                      "--min-branch-coverage", "0"],
    "gcovr-cobertura.xml": ["--coverage-file", "gcovr-cobertura.xml", "--min-coverage", "0",
                            "--min-branch-coverage", "0"],
    "ratchet": ["--coverage-file", "c8.info", "--baseline", "nyc.info", "--min-coverage", "0"],
}


@pytest.mark.parametrize("case", sorted(RUNS))
def test_json_report_is_unchanged(case: str, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("c8.info", "nyc.info", "jacoco.xml", "c8-clover.xml", "gcovr-cobertura.xml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"):
        monkeypatch.delenv(name, raising=False)
    main(["check", *RUNS[case], "--format", "json", "--output", "out.json"])
    golden = (GOLDEN / f"{case}.json").read_text().replace(
        '"version": "0.1.0"', f'"version": "{__version__}"').replace("@FOLDER@", str(tmp_path))
    assert '"files": [' in golden
    assert (tmp_path / "out.json").read_text() == golden


def test_lazy_rows_make_each_row_when_read() -> None:
    made: list[int] = []

    def row(n: int) -> dict[str, int]:
        made.append(n)
        return {"n": n}

    lazy = LazyRows([1, 2, 3], row)
    assert len(lazy) == 3 and made == []
    assert lazy[0] == {"n": 1} and lazy[-1] == {"n": 3} and lazy[1:] == [{"n": 2}, {"n": 3}]
    with pytest.raises(IndexError):
        lazy[3]
    assert lazy == [{"n": 1}, {"n": 2}, {"n": 3}] and lazy != [{"n": 1}]
    assert rows({"files": lazy, "x": 1}) == {"files": [{"n": 1}, {"n": 2}, {"n": 3}], "x": 1}
    assert isinstance(rows({"files": lazy})["files"], list)
    assert LazyRows([], row) == [] and not LazyRows([], row)
