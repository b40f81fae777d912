"""How fast and how small the gate reads LCOV, coverage.py JSON, JaCoCo and Clover reports
scaled from real ones, against a floor measured in the same run.

The real reports: coverage.py's LCOV and JSON of this project's own code, made at the
start by really running coverage.py (with branch coverage) over a part of this
project's unit tests; and the producers' reports in tests/fixtures/coverage/ (c8,
nyc and gcovr made them; jacoco.xml follows JaCoCo's writer, which does not run
here). Each is scaled to the sizes asked for by repeating its files under new names,
exactly as the producer wrote them, in a temporary folder deleted afterwards.

Each measurement is a subprocess, the median of --repeat runs, with its peak RSS:

- floors: for a line format, a bare `for line in file` over the file opened in
  binary (what looking at every line costs at all), and beside it two C-level
  tokenisations of 1 MB blocks: `split` at line breaks, and `re`, re.finditer of
  every record's key and value (what any reader that visits each record in C
  costs; the ratio is printed against both); for XML, pyexpat with no handlers fed 1 MB
  chunks (as benchmarks/coverage_parse.py); for coverage.py JSON, a bare read of
  the file in 1 MB blocks (its lines are the whole document, and the json module
  would load it all: neither is a floor), so its ratio is to I/O alone;
- the gate: the whole `python -m gate check --coverage-file F --min-coverage 0`;
- counted in another child: the files the report names, and how many records (LCOV)
  or <line>s (JaCoCo, Clover) the reader took in bulk, of all.

Memory follows the files: at the end, for each case measured at two sizes, the peak
RSS each more file costs and the number of files at which it reaches 64 MB.

Targets (issue 15): LCOV at most 3x its floor at 100 MB, JaCoCo at most 2.5x the
expat floor; peak RSS under 64 MB at 500 MB for every format.

    python benchmarks/coverage_formats.py                      # 100 and 500 MB
    python benchmarks/coverage_formats.py --sizes 10 --repeat 1  # a quick look
    python benchmarks/coverage_formats.py --sizes 100 --instructions 3  # and callgrind's counts
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "coverage"
MB = 1_000_000
TARGET_RSS_MB = 64.0
#: Speed targets by format, as ratios to the floor.
TARGETS = {"lcov": 3.0, "jacoco": 2.5}

LINE_FLOOR = """
import sys
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        pass
"""
SPLIT_FLOOR = """
import sys
with open(sys.argv[1], "rb") as handle:
    rest = b""
    while block := handle.read(1 << 20):
        lines = (rest + block).split(b"\\n")
        rest = lines.pop()
"""
RE_FLOOR = """
import re
import sys
RECORD = re.compile(rb"^([A-Za-z_]+)(?::([^\\n]*))?\\n", re.M)
with open(sys.argv[1], "rb") as handle:
    rest = b""
    while block := handle.read(1 << 20):
        data = rest + block
        cut = data.rfind(b"\\n") + 1
        rest = data[cut:]
        for record in RECORD.finditer(data, 0, cut):
            pass
"""
READ_FLOOR = """
import sys
with open(sys.argv[1], "rb", buffering=0) as handle:
    while handle.read(1 << 20):
        pass
"""
EXPAT_FLOOR = """
import sys
from xml.parsers import expat
parser = expat.ParserCreate()
with open(sys.argv[1], "rb") as handle:
    while chunk := handle.read(1 << 20):
        parser.Parse(chunk, False)
parser.Parse(b"", True)
"""
#: In a child: how many files the report names, and how many of its records (LCOV) or
#: <line>s (XML) the reader took in bulk, of all ("-" where the format has no bulk path).
COUNT = """
import sys
from pathlib import Path
from gate.readers import xmlsafe
from gate.readers.coverage import read
kind, path = sys.argv[1], Path(sys.argv[2])
data, _ = read(path)
bulk = "-"
if kind == "lcov":
    from gate.readers.coverage import lcov
    reader = lcov._Reader(path)
    with open(path, "rb") as handle:
        reader.parse(handle)
    bulk = f"{reader.bulk_lines}/{reader.line}"
elif kind in ("jacoco", "clover"):
    total, tail = 0, b""
    with open(path, "rb") as handle:
        while block := handle.read(1 << 22):
            chunk = tail + block
            total += chunk.count(b"<line ")
            tail = chunk[-5:]
    done = 0
    if kind == "jacoco":
        from gate.readers.coverage import jacoco
        reader = jacoco._Reader(path)
        xmlsafe.read(path, "coverage report", "", "", reader.parse)
        done = reader.bulk_lines
    bulk = f"{done}/{total}"
print(len(data.files), bulk)
"""
#: The unit tests whose run gives the real coverage.py reports (this project measuring itself).
MEASURED_TESTS = ["tests/unit/test_coverage_formats.py", "tests/unit/test_cobertura.py",
                  "tests/unit/test_coverage_check.py", "tests/unit/test_reports.py"]


def real_coverage_py(folder: Path) -> dict[str, Path]:
    """Run coverage.py (branch on) over some of this project's tests; its LCOV and JSON."""
    rcfile = folder / "empty.rc"
    rcfile.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    env["COVERAGE_FILE"] = str(folder / ".coverage")
    base = [sys.executable, "-m", "coverage"]
    subprocess.run([*base, "run", f"--rcfile={rcfile}", "--branch", "--source=gate", "-m",
                    "pytest", "-q", "-p", "no:cacheprovider", *MEASURED_TESTS],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    made = {"lcov": folder / "self.info", "coverage-json": folder / "self.json"}
    subprocess.run([*base, "lcov", f"--rcfile={rcfile}", "-q", "-o", str(made["lcov"])],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    subprocess.run([*base, "json", f"--rcfile={rcfile}", "-q", "-o", str(made["coverage-json"])],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    return made


# Scaling: the files of a real report, repeated under new names.


def _repeat(head: bytes, parts: list[bytes], tail: bytes, size: int, path: Path,
            rename: Callable[[bytes, int], bytes], sep: bytes = b"") -> None:
    with path.open("wb") as out:
        out.write(head)
        written, copy, first = len(head), 0, True
        while written < size:
            for part in parts:
                piece = rename(part, copy)
                out.write(piece if first else sep + piece)
                first = False
                written += len(piece) + len(sep)
            copy += 1
        out.write(tail)


def _shift(text: bytes, pattern: re.Pattern[bytes], offset: int) -> bytes:
    """`text` with the line numbers `pattern` finds (its group 2) moved down by `offset`."""
    if not offset:
        return text
    return pattern.sub(lambda m: m[1] + b"%d" % (int(m[2]) + offset), text)


_LCOV_LINE = re.compile(rb"^((?:DA|BRDA|FN):)(\d+)", re.M)
_LCOV_TOTAL = re.compile(rb"^(LF|LH|BRF|BRH|FNF|FNH):(\d+)$", re.M)


def _longer_lcov(section: bytes, times: int) -> bytes:
    """A section whose records are repeated `times` times at line offsets, each kind of
    record kept in one run, in the producer's order."""
    lines = section.splitlines(keepends=True)
    runs: list[list[bytes]] = []
    for line in lines[1:-1]:
        key = line.split(b":", 1)[0]
        if runs and runs[-1][0].split(b":", 1)[0] == key:
            runs[-1].append(line)
        else:
            runs.append([line])
    span = max((int(n) for _, n in _LCOV_LINE.findall(section)), default=0) + 1
    out = [lines[0]]
    for run in runs:
        if _LCOV_TOTAL.match(run[0]):
            out += [_LCOV_TOTAL.sub(lambda m: m[1] + b":%d" % (int(m[2]) * times), line)
                    for line in run]
        elif run[0].startswith((b"TN:", b"VER:")):
            out += run
        else:
            out += [_shift(b"".join(run), _LCOV_LINE, copy * span) for copy in range(times)]
    out.append(lines[-1])
    return b"".join(out)


def scale_lcov(source: Path, size: int, path: Path, times: int) -> None:
    """Sections (SF ... end_of_record) lengthened `times` times, then repeated under copyN/."""
    text = source.read_bytes()
    sections = [_longer_lcov(s, times)
                for s in re.findall(rb"SF:[\s\S]*?end_of_record\n", text)]
    _repeat(b"", sections, b"", size, path,
            lambda part, n: part.replace(b"SF:", b"SF:copy%d/" % n, 1))


def _longer_entry(entry: dict[str, Any], times: int) -> dict[str, Any]:
    span = max([0, *entry.get("executed_lines", []), *entry.get("missing_lines", [])]) + 1

    def ints(values: list[int]) -> list[int]:
        return [v + copy * span for copy in range(times) for v in values]

    def arcs(values: list[list[int]]) -> list[list[int]]:
        return [[a + copy * span if a >= 0 else a - copy * span,
                 b + copy * span if b >= 0 else b - copy * span]
                for copy in range(times) for a, b in values]

    longer = dict(entry)
    for key in ("executed_lines", "missing_lines", "excluded_lines"):
        if key in entry:
            longer[key] = ints(entry[key])
    for key in ("executed_branches", "missing_branches"):
        if key in entry:
            longer[key] = arcs(entry[key])
    return longer


def scale_coverage_json(source: Path, size: int, path: Path, times: int) -> None:
    """The `files` entries lengthened, then repeated under copyN/ names, as coverage.py
    writes them (functions and classes kept as they are)."""
    document = json.loads(source.read_text())
    entries = [json.dumps(name).encode() + b": "
               + json.dumps(_longer_entry(entry, times)).encode()
               for name, entry in document["files"].items()]
    head = b'{"meta": ' + json.dumps(document["meta"]).encode() + b', "files": {'
    tail = b'}, "totals": ' + json.dumps(document["totals"]).encode() + b"}"
    _repeat(head, entries, tail, size, path, lambda part, n: b'"copy%d/' % n + part[1:],
            sep=b", ")


def _xml_parts(text: bytes, element: bytes) -> tuple[bytes, list[bytes], bytes]:
    parts = re.findall(rb"<%s[ >][\s\S]*?</%s>" % (element, element), text)
    head = text[:text.index(parts[0])]
    tail = text[text.rindex(parts[-1]) + len(parts[-1]):]
    return head, parts, tail


_JACOCO_LINES = re.compile(rb"(?:<line [^>]*/>)+")
_JACOCO_NR = re.compile(rb'(<line nr=")(\d+)')
_JACOCO_COUNTER = re.compile(rb'(<counter type="\w+" )missed="(\d+)" covered="(\d+)"')
_CLOVER_LINES = re.compile(rb"(?:[ \t\r\n]*<line [^>]*/>)+")
_CLOVER_NUM = re.compile(rb'(<line num=")(\d+)')


def _longer_runs(part: bytes, runs: re.Pattern[bytes], number: re.Pattern[bytes],
                 times: int) -> bytes:
    """Each run of <line>s repeated `times` times, each copy after the last line."""
    def longer(run: re.Match[bytes]) -> bytes:
        span = max(int(n) for _, n in number.findall(run[0])) + 1
        return b"".join(_shift(run[0], number, copy * span) for copy in range(times))

    return runs.sub(longer, part)


def scale_jacoco(source: Path, size: int, path: Path, times: int) -> None:
    """<package> elements, each sourcefile's lines lengthened, repeated under new names."""
    head, parts, tail = _xml_parts(source.read_bytes(), b"package")
    parts = [_JACOCO_COUNTER.sub(lambda m: b'%smissed="%d" covered="%d"' % (
        m[1], int(m[2]) * times, int(m[3]) * times), part) for part in parts]
    parts = [_longer_runs(part, _JACOCO_LINES, _JACOCO_NR, times) for part in parts]
    _repeat(head, parts, tail, size, path,
            lambda part, n: re.sub(rb'(<package name="|<class name=")', rb"\1copy%d/" % n, part))


def scale_clover(source: Path, size: int, path: Path, times: int) -> None:
    """<file> elements, their lines lengthened, repeated under new paths."""
    head, parts, tail = _xml_parts(source.read_bytes(), b"file")
    parts = [_longer_runs(part, _CLOVER_LINES, _CLOVER_NUM, times) for part in parts]
    _repeat(head, parts, tail, size, path,
            lambda part, n: part.replace(b'path="', b'path="/copy%d' % n, 1))


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, float, int, str]:
    """Run `cmd` in `cwd`; returns its CPU seconds (user + system), wall seconds, peak RSS
    in MB, exit status and last line of output."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read() if proc.stdout is not None else b""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    last = output.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return (usage.ru_utime + usage.ru_stime, elapsed, usage.ru_maxrss / 1024,
            os.waitstatus_to_exitcode(status), last[0])


def median_of(cmd: list[str], repeat: int, cwd: Path) -> tuple[float, float, float, int, str]:
    """The median CPU and wall times of `repeat` runs, the largest peak RSS, the last status
    and line."""
    runs = [timed(cmd, cwd) for _ in range(repeat)]
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
            max(r[2] for r in runs), runs[-1][3], runs[-1][4])


#: Under callgrind, each count is less that of a run that only imports what it imports
#: (the interpreter's start, and the modules of the floor or of the reader).
READER_BASE = ("import sys\nfrom pathlib import Path\n"
               "from gate.readers.coverage import read, formats, cobertura, clover, coveragejson,"
               " jacoco, lcov\n")
READER = READER_BASE + "read(Path(sys.argv[1]))\n"


def _imports(code: str) -> str:
    return "\n".join(line for line in code.splitlines() if line.startswith(("import ", "from ")))


def instructions(code: str, path: Path, cwd: Path) -> int:
    """The instructions `python -c code path` executes, counted by callgrind."""
    out = cwd / "callgrind.out"
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                    sys.executable, "-c", code, str(path)], cwd=cwd, check=True,
                   capture_output=True, timeout=3600)
    totals = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.M)
    out.unlink()
    if totals is None:
        raise RuntimeError("callgrind wrote no totals")
    return int(totals[1])


def print_instructions(path: Path, floor_kind: str, name: str, cwd: Path) -> None:
    """The reader's instructions on `path`, and its floor's (each less its imports): a line
    floor's, or expat's; the bare read of coverage.py JSON is I/O, no floor to count."""
    reader = instructions(READER, path, cwd) - instructions(READER_BASE, path, cwd)
    shown = f"  instructions on {path.stat().st_size / MB:.1f} MB of {name}: reader" \
            f" {reader / 1e6:,.0f} M"
    if floor_kind != "read":
        code = {"expat": EXPAT_FLOOR}.get(floor_kind, LINE_FLOOR)
        floor = instructions(code, path, cwd) - instructions(_imports(code), path, cwd)
        shown += f", {floor_kind} floor {floor / 1e6:,.0f} M: {reader / floor:.2f}x"
    print(shown, flush=True)


def cases(real: dict[str, Path]) -> Iterator[tuple[str, str, Path, Callable[..., None], str]]:
    """(format, producer, source report, scaler, floor)."""
    yield "lcov", "coverage.py", real["lcov"], scale_lcov, "line"
    yield "lcov", "c8", FIXTURES / "c8.info", scale_lcov, "line"
    yield "lcov", "gcovr", FIXTURES / "gcovr.info", scale_lcov, "line"
    yield "coverage-json", "coverage.py", real["coverage-json"], scale_coverage_json, "read"
    yield "jacoco", "JaCoCo's format", FIXTURES / "jacoco.xml", scale_jacoco, "expat"
    yield "clover", "istanbul (c8)", FIXTURES / "c8-clover.xml", scale_clover, "expat"


def print_memory(memory: dict[str, list[tuple[int, float]]]) -> None:
    """Per case measured at two sizes or more: the peak RSS each more file costs (the slope
    between the smallest and the largest size), and the files at which it reaches 64 MB."""
    print(f"{'memory by files':<32} {'bytes/file':>10} {'files at 64 MB':>15}")
    for case, points in memory.items():
        (few, low), (many, high) = min(points), max(points)
        if many <= few:
            continue
        slope = (high - low) * (1 << 20) / (many - few)
        at = few + (TARGET_RSS_MB - low) * (1 << 20) / slope if slope > 0 else float("inf")
        print(f"{case:<32} {slope:10.0f} {at:15,.0f}")


def main() -> int:
    """Make the real reports, scale, measure and print; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500", help="sizes in MB (default 100,500)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, median kept")
    parser.add_argument("--formats", default="", help="only these formats (comma-separated)")
    parser.add_argument("--tmp", type=Path, default=None, help="folder for the generated files")
    parser.add_argument("--longer", default="1,10",
                        help="each file's records repeated this many times at line offsets"
                             " before the files are repeated (default: 1,10: as they are, and"
                             " ten times longer)")
    parser.add_argument("--instructions", type=float, default=0, metavar="MB",
                        help="also count, under valgrind's callgrind, the instructions of the"
                             " reader and of its floor on a report of this many MB scaled the"
                             " same way (the same count whatever the load)")
    args = parser.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind on PATH")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    only = {f for f in args.formats.split(",") if f}
    longer = [int(n) for n in args.longer.split(",") if n.strip()]
    missed = []
    print(f"python {sys.version.split()[0]}; median of {args.repeat}; seconds are the child's"
          " CPU time (user + system; wall in brackets); RSS is its peak. Floors: line = `for"
          " line in file`; split = 1 MB blocks split at line breaks; re = re.finditer of"
          " every record (key and value) over 1 MB blocks; expat = pyexpat with no handlers;"
          " read = the bytes read. Ratios: the gate's CPU time over each floor's.")
    print(f"{'format':<14} {'producer':<17} {'size':>5} {'floor':>6} {'floor s':>13}"
          f" {'split s':>7} {'re s':>6} {'gate s':>13} {'MB/s':>6} {'ratio':>6} {'re ratio':>8}"
          f" {'RSS':>7} {'files':>9} {'bulk/all':>19}  result")
    with tempfile.TemporaryDirectory(dir=args.tmp, prefix="gate-formats-") as tmp:
        folder = Path(tmp)
        real = real_coverage_py(folder)
        memory: dict[str, list[tuple[int, float]]] = {}
        for (kind, producer, source, scale, floor_kind), size, times in (
                (case, size, times) for case in cases(real) for times in longer
                for size in sizes):
            if only and kind not in only:
                continue
            path = folder / f"{kind}-{size}.report"
            scale(source, size * MB, path, times)
            mb = path.stat().st_size / MB
            script = {"expat": EXPAT_FLOOR, "read": READ_FLOOR}.get(floor_kind, LINE_FLOOR)
            floor = median_of([sys.executable, "-c", script, str(path)], args.repeat, folder)
            split = tokens = None
            if floor_kind == "line":
                split = median_of([sys.executable, "-c", SPLIT_FLOOR, str(path)], args.repeat,
                                  folder)
                tokens = median_of([sys.executable, "-c", RE_FLOOR, str(path)], args.repeat,
                                   folder)
            gate = median_of([sys.executable, "-m", "gate", "check", "--coverage-file",
                              str(path), "--min-coverage", "0"], args.repeat, folder)
            counted = subprocess.run([sys.executable, "-c", COUNT, kind, str(path)], cwd=ROOT,
                                     check=True, capture_output=True, text=True).stdout.split()
            files, bulk = int(counted[0]), counted[1]
            ratio = gate[0] / floor[0]
            name = producer + ("" if times == 1 else f" x{times}")
            memory.setdefault(f"{kind:<14} {name:<17}", []).append((files, gate[2]))
            shown_split = f"{split[0]:7.2f}" if split else f"{'':>7}"
            shown_re = f"{tokens[0]:6.2f}" if tokens else f"{'':>6}"
            re_ratio = f"{gate[0] / tokens[0]:7.2f}x" if tokens else f"{'':>8}"
            print(f"{kind:<14} {name:<17} {mb:4.0f}M {floor_kind:>6}"
                  f" {floor[0]:6.2f} ({floor[1]:4.1f}) {shown_split} {shown_re}"
                  f" {gate[0]:6.2f} ({gate[1]:4.1f}) {mb / gate[0]:6.1f} {ratio:5.2f}x"
                  f" {re_ratio} {gate[2]:5.1f}MB {files:>9,} {bulk:>19}"
                  f"  {gate[4][:40]} (exit {gate[3]})", flush=True)
            target = TARGETS.get(kind)
            if gate[3] != 0:
                missed.append(f"{kind} {name} {size} MB: the gate exited {gate[3]}")
            if target is not None and size == 100 and ratio > target:
                missed.append(f"{kind} {name} {size} MB: {ratio:.2f}x the {floor_kind} floor"
                              f" (target {target}x)")
            if size >= 500 and gate[2] >= TARGET_RSS_MB:
                missed.append(f"{kind} {name} {size} MB: peak RSS {gate[2]:.1f} MB"
                              f" (target < {TARGET_RSS_MB} MB)")
            path.unlink()
            if args.instructions and size == sizes[0]:
                scale(source, int(args.instructions * MB), path, times)
                print_instructions(path, floor_kind, name, folder)
                path.unlink()
    print_memory(memory)
    for line in missed:
        print("target missed:", line)
    print("targets met" if not missed else f"{len(missed)} target(s) missed")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
