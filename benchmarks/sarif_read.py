"""How fast, and in how much memory, the gate reads a large SARIF log.

The log is made from real tools' output: bandit's SARIF formatter over this
project's tests/ (hundreds of B101 asserts, rules first) and zizmor's SARIF over
its workflow templates (results before the tool, code flows in every result),
their results repeated (each copy on other lines) until the file reaches the
size asked for. Figures and ratios against baselines measured in the same run,
on the same file, each in a fresh process (peak RSS is per process):

- a bare read of the bytes, 1 MiB at a time: the floor for getting them at all;
- json.load: the obvious way, the whole document in memory;
- gate.readers.findings.sarif.read: the streaming reader (one small record per finding).

Usage: python benchmarks/sarif_read.py [MEGABYTES] (default 50). CPU time, not wall
time, so that a busy machine distorts less; best of 3 runs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

WORKERS = {
    "bare read": """
with open(PATH, "rb") as f:
    while f.read(1 << 20):
        pass
""",
    "json.load": """
import json
with open(PATH, "rb") as f:
    log = json.load(f)
n = sum(len(run.get("results") or ()) for run in log["runs"])
""",
    "gate reader": """
from pathlib import Path
from gate.readers.findings.sarif import read
n = len(read(Path(PATH)).findings)
""",
}

MEASURE = """
import resource, time
PATH = {path!r}
start = time.process_time()
{body}
cpu = time.process_time() - start
print(__import__("json").dumps({{"cpu": cpu,
      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def tool_output(command: list[str]) -> dict[str, Any]:
    """A real tool's SARIF log (its exit status says whether it found something)."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False, timeout=600)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def real_runs() -> list[dict[str, Any]]:
    """bandit over tests/, and zizmor over the templates when zizmor is installed."""
    runs = [tool_output([sys.executable, "-m", "bandit", "-q", "-r", "tests", "-f", "sarif"])
            ["runs"][0]]
    zizmor = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or \
        shutil.which("zizmor")
    if zizmor:
        templates = sorted(str(p) for p in (ROOT / "templates").rglob("*.yml"))
        found = tool_output([zizmor, "--offline", "--format", "sarif", "--persona", "auditor",
                             *templates])["runs"][0]
        if found.get("results"):
            runs.append(found)
    return runs


def write(path: Path, megabytes: float) -> tuple[int, list[str]]:
    """Write a log of about `megabytes` MB from the real runs; returns (results, tools)."""
    runs = real_runs()
    target = int(megabytes * 1e6)
    per_copy = sum(len(json.dumps(r["results"])) for r in runs)
    copies = max(1, target // per_copy)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('{"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",'
                  ' "runs": [')
        for number, run in enumerate(runs):
            head = {k: v for k, v in run.items() if k != "results"}
            out.write(", " if number else "")
            if run is runs[-1] and len(runs) > 1:  # zizmor's order: results first
                out.write('{"results": [')
            else:
                out.write(json.dumps(head)[:-1] + ', "results": [')
            first = True
            for copy in range(copies):
                for result in run["results"]:
                    moved = json.loads(json.dumps(result))
                    for location in moved.get("locations", ()):
                        region = location.get("physicalLocation", {}).get("region", {})
                        for key in ("startLine", "endLine"):
                            if key in region:
                                region[key] += copy * 1000
                    out.write(("" if first else ",\n") + json.dumps(moved))
                    first = False
                    count += 1
            if run is runs[-1] and len(runs) > 1:
                out.write("], " + json.dumps(head)[1:])
            else:
                out.write("]}")
        out.write("]}\n")
    return count, [r["tool"]["driver"]["name"] for r in runs]


def measure(body: str, path: Path) -> dict[str, float]:
    best: dict[str, float] = {}
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", MEASURE.format(path=str(path), body=body)],
                              capture_output=True, text=True, check=True, cwd=ROOT)
        figures = json.loads(done.stdout)
        if not best or figures["cpu"] < best["cpu"]:
            best = figures
    return best


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 50.0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.sarif"
        results, tools = write(path, megabytes)
        size = path.stat().st_size / 1e6
        idle = measure("pass", path)
        print(f"{results} results from {', '.join(tools)}, {size:.1f} MB; an idle interpreter: "
              f"{idle['rss_mb']:.0f} MB")
        figures = {name: measure(body, path) for name, body in WORKERS.items()}
    loaded = figures["json.load"]
    for name, found in figures.items():
        extra = found["rss_mb"] - idle["rss_mb"]
        print(f"{name:12} {found['cpu']:7.2f} s CPU ({found['cpu'] / loaded['cpu']:4.2f}x "
              f"json.load)  {found['rss_mb']:7.0f} MB peak (+{extra:.0f} MB)")
    gate = figures["gate reader"]
    print(f"gate reader vs json.load: {gate['cpu'] / loaded['cpu']:.2f}x the time, "
          f"{(gate['rss_mb'] - idle['rss_mb']) / max(loaded['rss_mb'] - idle['rss_mb'], 1):.2f}x "
          "the added memory")
    print(f"gate reader: {(gate['rss_mb'] - idle['rss_mb']) * 1e6 / results:.0f} bytes per "
          f"result, {results / gate['cpu']:.0f} results per CPU second, "
          f"{size / gate['cpu']:.1f} MB per CPU second")


if __name__ == "__main__":
    main()
