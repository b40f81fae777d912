"""How fast, and in how much memory, the gate reads a large JUnit XML file.

Prints figures and ratios against baselines measured in the same run, on the
same file, each in a fresh process (peak RSS is per process):

- expat, no handlers: the floor for parsing the bytes at all;
- defusedxml.ElementTree.parse: the obvious way, a whole tree in memory;
- gate.readers.junit.reader.read: the streaming reader (one small case per test).

Usage: python benchmarks/junit_read.py [TESTS [OUTPUT_BYTES]]: TESTS test
cases (default 200000), each passing test with OUTPUT_BYTES of captured
<system-out> (default 0; pytest -o junit_logging=all writes such files). CPU
time, not wall time, so that a busy machine distorts less; best of 3 runs.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

TRACE = "".join(f'  File "pkg/mod{i}.py", line {i}, in f{i}\n    call_{i}()\n' for i in range(40))
OUTPUT = "log line with some captured output\n" * 60

WORKERS = {
    "expat, no handlers": """
from xml.parsers import expat
p = expat.ParserCreate()
with open(PATH, "rb") as f:
    while chunk := f.read(1 << 20):
        p.Parse(chunk, False)
p.Parse(b"", True)
""",
    "defusedxml ElementTree": """
from defusedxml import ElementTree
tree = ElementTree.parse(PATH)
n = sum(1 for _ in tree.iter("testcase"))
""",
    "gate reader": """
from pathlib import Path
from gate.readers.junit.reader import read
from gate.readers.junit.model import combine
found = read(Path(PATH))
results = combine([(found.path, found.suites, found.cases)])
results.slowest(10)
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


def write(path: Path, tests: int, output: int = 0) -> None:
    """A pytest-like file: 2% failures with tracebacks, 3% skips, some reruns and output."""
    captured = f"<system-out>{'x' * (output - 1)}\n</system-out>" if output else ""
    rng = random.Random(1)  # nosec B311 - test data, not security
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">'
                  '<testsuite name="pytest" tests="%d" time="1234.5">\n' % tests)
        for i in range(tests):
            cls = f"tests.pkg{i % 300}.test_mod{i % 7000}.TestThing{i % 13}"
            attrs = (f'classname="{cls}" name="test_case_{i}[param-{i % 17}]" '
                     f'time="{rng.random():.3f}"')
            roll = rng.random()
            if roll < 0.02:
                out.write(f'<testcase {attrs}><failure message="AssertionError: {i} != {i + 1}">'
                          f"{TRACE}</failure><system-out>{OUTPUT}</system-out></testcase>\n")
            elif roll < 0.05:
                out.write(f'<testcase {attrs}><skipped type="pytest.skip" message="no service">'
                          "tests/x.py:1: no service</skipped></testcase>\n")
            elif roll < 0.06:
                out.write(f"<testcase {attrs}/>\n<testcase {attrs}>{captured}</testcase>\n")
            else:
                out.write(f"<testcase {attrs}>{captured}</testcase>\n")
        out.write("</testsuite></testsuites>\n")


def measure(body: str, path: Path) -> dict[str, float]:
    best: dict[str, float] = {}
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", MEASURE.format(path=str(path), body=body)],
                              capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout)
        if not best or figures["cpu"] < best["cpu"]:
            best = figures
    return best


def main() -> None:
    tests = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    output = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "junit.xml"
        write(path, tests, output)
        size = path.stat().st_size / 1e6
        idle = measure("pass", path)
        print(f"{tests} test cases, {size:.1f} MB; an idle interpreter: {idle['rss_mb']:.0f} MB")
        results = {name: measure(body, path) for name, body in WORKERS.items()}
    floor = results["expat, no handlers"]["cpu"]
    tree = results["defusedxml ElementTree"]
    for name, figures in results.items():
        extra = figures["rss_mb"] - idle["rss_mb"]
        print(f"{name:24} {figures['cpu']:7.2f} s CPU ({figures['cpu'] / floor:4.1f}x expat)"
              f"  {figures['rss_mb']:7.0f} MB peak (+{extra:.0f} MB)")
    gate = results["gate reader"]
    print(f"gate reader vs ElementTree: {gate['cpu'] / tree['cpu']:.2f}x the time, "
          f"{(gate['rss_mb'] - idle['rss_mb']) / max(tree['rss_mb'] - idle['rss_mb'], 1):.2f}x "
          "the added memory")
    print(f"gate reader: {(gate['rss_mb'] - idle['rss_mb']) * 1e6 / tests:.0f} bytes per test, "
          f"{tests / gate['cpu']:.0f} tests per CPU second")


if __name__ == "__main__":
    main()
