"""How fast and how small the gate reads big coverage reports of real producers, against expat.

Each report is a REAL one, made here at the start of the run, then scaled: its
<packages> are repeated (file names made unique per copy) to the sizes asked
for. The producers:

- coverage.py, branch on and off: this project's own unit tests run under
  `coverage run` (the report names the gate package's files);
- gcovr (`gcovr --cobertura`, one line, and `--cobertura-pretty`): the small C
  program in benchmarks/producers/c built with `gcc --coverage` and run;
- Java's Cobertura (Debian's `cobertura` package): the small Java program in
  benchmarks/producers/java instrumented, run and reported;
- JaCoCo through cover2cover: the same Java run, written the way cover2cover
  (the converter GitLab documents for JaCoCo) writes Cobertura, with
  ElementTree: one line, `" />"`, hits 0 or 1, one condition per branch line;
- synthetic: the generated coverage.py-shaped report the reader was first tuned on.

A producer whose tool is missing here is skipped with the reason. For each
report and size, three rounds of: the floor (pyexpat with no handlers, fed
1 MB chunks) and the gate (the whole `python -m gate check --min-coverage 0.5
--coverage-file F`, start-up included), each a subprocess. Printed: the medians
of the floor and the gate, the median of the three gate/floor ratios, the
gate's largest peak RSS, and how many <line> elements the reader took in bulk
and how many went through expat's events (counted in a separate process).
Targets: gate at most 2.5x the floor at every size; peak RSS under 64 MB at 500 MB.

    python benchmarks/coverage_parse.py                     # 100 and 500 MB, every producer
    python benchmarks/coverage_parse.py --sizes 100 --only gcovr,synthetic
    python benchmarks/coverage_parse.py --seeds DIR         # reuse the real reports in DIR

Needs the test dependency group (coverage, pytest), and for the other producers
gcc with gcovr (`pip install gcovr`), and a JDK with Debian's `cobertura`.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET  # nosec B405: parses the report this run just made
from pathlib import Path
from typing import Callable

MB = 1_000_000
TARGET_RATIO = 2.5
TARGET_RSS_MB = 64.0
ROOT = Path(__file__).resolve().parent.parent
PRODUCERS = Path(__file__).resolve().parent / "producers"

FLOOR = """
import sys
from xml.parsers import expat
parser = expat.ParserCreate()
with open(sys.argv[1], "rb") as handle:
    while chunk := handle.read(1 << 20):
        parser.Parse(chunk, False)
parser.Parse(b"", True)
"""

# In a child: read the report with the gate's reader and say how many <line>s it
# took in bulk; the rest went through expat's events.
COUNT = """
import sys
from gate.readers.coverage import cobertura
reader = cobertura._Reader()
with open(sys.argv[1], "rb") as handle:
    reader.parse(handle)
total, tail = 0, b""
with open(sys.argv[1], "rb") as handle:
    while block := handle.read(1 << 22):
        data = tail + block  # the 5 bytes kept hold no whole "<line ": none counted twice
        total += data.count(b"<line ")
        tail = data[-5:]
print(reader.bulk_lines, total, len(reader.files))
"""


class Skip(Exception):
    """A producer's tool is not installed here."""


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-2000:]}")


# Real reports ------------------------------------------------------------------------


def coverage_py(folder: Path, branch: bool, pytest_args: list[str]) -> Path:
    """This project's unit tests under coverage.py; returns the coverage.xml."""
    name = "branch" if branch else "line"
    rc = folder / f"coveragerc-{name}"
    rc.write_text(f"[run]\nbranch = {branch}\nsource_pkgs = gate\nrelative_files = true\n")
    env = {**os.environ, "COVERAGE_FILE": str(folder / f".coverage-{name}")}
    env = {k: v for k, v in env.items() if not k.startswith("GITHUB_")}
    # The tests' own result does not matter here, only the report of what ran.
    subprocess.run([sys.executable, "-m", "coverage", "run", f"--rcfile={rc}", "-m", "pytest",
                    *pytest_args], cwd=ROOT, env=env, capture_output=True, check=False)
    out = folder / f"coveragepy-{name}.xml"
    _run([sys.executable, "-m", "coverage", "xml", f"--rcfile={rc}", "-o", str(out)], ROOT, env)
    return out


def _gcovr() -> list[str]:
    if shutil.which("gcc") is None:
        raise Skip("no gcc")
    found = subprocess.run([sys.executable, "-m", "gcovr", "--version"], capture_output=True,
                           check=False)
    if found.returncode == 0:
        return [sys.executable, "-m", "gcovr"]
    if shutil.which("gcovr"):
        return ["gcovr"]
    raise Skip("no gcovr (pip install gcovr)")


def gcovr(folder: Path, pretty: bool) -> Path:
    """The C program built with gcc --coverage, run, and reported by gcovr."""
    tool = _gcovr()
    build = folder / "c"
    if not (build / "calc").exists():
        shutil.copytree(PRODUCERS / "c", build, dirs_exist_ok=True)
        sources = sorted(p.name for p in build.glob("*.c"))
        _run(["gcc", "--coverage", "-O0", "-o", "calc", *sources], build)
        _run(["./calc"], build)
    out = folder / ("gcovr-pretty.xml" if pretty else "gcovr.xml")
    _run([*tool, "--cobertura", str(out), *(["--cobertura-pretty"] if pretty else []), "-r", ".",
          "."], build)
    return out


def java_cobertura(folder: Path) -> Path:
    """The Java program instrumented by Cobertura (Debian's package), run, and reported."""
    for tool in ("javac", "java", "cobertura-instrument", "cobertura-report"):
        if shutil.which(tool) is None:
            raise Skip(f"no {tool} (apt-get install default-jdk-headless cobertura)")
    work = folder / "java"
    src = work / "src"
    shutil.copytree(PRODUCERS / "java", src, dirs_exist_ok=True)
    sources = [str(p.relative_to(work)) for p in sorted(src.rglob("*.java"))]
    # Cobertura 2.1 instruments class files up to Java 8's.
    _run(["javac", "--release", "8", "-g", "-d", "classes", *sources], work)
    _run(["cobertura-instrument", "--datafile", "cobertura.ser", "--destination", "instrumented",
          "classes"], work)
    jars = ":".join(f"/usr/share/java/{jar}" for jar in ("cobertura.jar", "slf4j-api.jar"))
    _run(["java", "-cp", f"instrumented:{jars}",
          "-Dnet.sourceforge.cobertura.datafile=cobertura.ser", "com.example.Main"], work)
    _run(["cobertura-report", "--datafile", "cobertura.ser", "--format", "xml", "--destination",
          "report", "src"], work)
    out = folder / "java-cobertura.xml"
    shutil.copy(work / "report" / "coverage.xml", out)
    return out


def cover2cover(folder: Path, java_report: Path) -> Path:
    """The Java run's data as cover2cover writes a JaCoCo report in Cobertura: ElementTree's form.

    cover2cover builds an ElementTree and prints `ET.tostring` after a bare XML
    declaration: no indentation, `" />"` on empty elements, hits 1 or 0 (JaCoCo
    counts instructions, not runs), and one `<condition number="0" type="jump">`
    per branch line.
    """
    root = ET.parse(java_report).getroot()  # nosec B314: this run's own report
    for element in root.iter():
        element.text = None if element.tag != "source" else element.text
        element.tail = None
        if element.tag == "line":
            element.set("hits", "1" if int(element.get("hits", "0")) else "0")
            conditions = element.find("conditions")
            if conditions is not None:
                for extra in list(conditions)[1:]:
                    conditions.remove(extra)
                first = conditions[0]
                percent = element.get("condition-coverage", "0%").split("%")[0]
                first.attrib.clear()
                first.attrib.update(number="0", type="jump", coverage=f"{percent}%")
    out = folder / "jacoco-cover2cover.xml"
    out.write_text('<?xml version="1.0" ?>\n' + ET.tostring(root, encoding="unicode") + "\n",
                   encoding="utf-8")
    return out


def scale(seed: Path, path: Path, size: int, same_files: bool = False) -> None:
    """Repeat the seed's <packages> content until the file is about `size` bytes.

    Each copy's file names get a prefix of their own, so a scaled report has as
    many files as a project that large would (this project's files are small:
    500 MB of its report names 210,000 files). With `same_files` the copies keep
    the seed's names, so the gate merges them into the seed's files: memory then
    follows the lines alone.
    """
    data = seed.read_bytes()
    head_end = data.index(b"<packages>") + len(b"<packages>")
    tail_start = data.rindex(b"</packages>")
    head, body, tail = data[:head_end], data[head_end:tail_start], data[tail_start:]
    written = len(head) + len(tail)
    copy = 0
    with path.open("wb") as out:
        out.write(head)
        while written < size:
            block = body if same_files else body.replace(b'filename="', b'filename="c%d/' % copy)
            out.write(block)
            written += len(block)
            copy += 1
        out.write(tail)


# The synthetic report ------------------------------------------------------------------

HEAD = """<?xml version="1.0" ?>
<coverage version="7.4.4" timestamp="1714000000000" lines-valid="{valid}" \
lines-covered="{covered}" line-rate="{rate}" branches-valid="{bvalid}" \
branches-covered="{bcovered}" branch-rate="{brate}" complexity="0">
\t<!-- Generated by coverage.py: https://coverage.readthedocs.io/en/7.4.4 -->
\t<!-- Based on {dtd} -->
\t<sources>
\t\t<source>/home/runner/work/project/project/src</source>
\t</sources>
\t<packages>
"""

DTD = "https://raw.githubusercontent.com/cobertura/web/master/htdocs/xml/coverage-04.dtd"


def _rate(hit: int, total: int) -> str:
    return f"{hit / total:.4g}" if total else "1"


def generate(path: Path, size: int, seed: int = 2024) -> tuple[int, int]:
    """Write a coverage.py-shaped report of about `size` bytes; returns (covered, valid) lines."""
    rng = random.Random(seed)  # nosec B311: test data, not secrets
    body_path = path.with_suffix(".body")
    covered_total = valid_total = bcov_total = bvalid_total = 0
    written = 0
    package = 0
    with body_path.open("w", encoding="utf-8") as out:
        while written < size:
            package += 1
            pname = f"project.module{package:05d}"
            classes = []
            for number in range(rng.randint(3, 12)):
                fname = f"project/module{package:05d}/file_{number:03d}.py"
                lines, covered, bvalid, bcov = [], 0, 0, 0
                line = 0
                for _ in range(rng.randint(40, 900)):
                    line += rng.choice((1, 1, 1, 2, 3))
                    hits = 0 if rng.random() < 0.15 else 1
                    covered += hits
                    if rng.random() < 0.12:
                        taken = rng.choice((0, 1, 2, 2, 2)) if hits else 0
                        bvalid += 2
                        bcov += taken
                        missing = (f' missing-branches="{line + 2}"' if taken < 2 else "")
                        lines.append(
                            f'\t\t\t\t\t\t<line number="{line}" hits="{hits}" branch="true" '
                            f'condition-coverage="{taken * 50}% ({taken}/2)"{missing}/>\n')
                    else:
                        lines.append(f'\t\t\t\t\t\t<line number="{line}" hits="{hits}"/>\n')
                n = len(lines)
                classes.append(
                    f'\t\t\t\t<class name="file_{number:03d}.py" filename="{fname}" complexity="0" '
                    f'line-rate="{_rate(covered, n)}" branch-rate="{_rate(bcov, bvalid)}">\n'
                    "\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n" + "".join(lines)
                    + "\t\t\t\t\t</lines>\n\t\t\t\t</class>\n")
                covered_total += covered
                valid_total += n
                bcov_total += bcov
                bvalid_total += bvalid
            text = (f'\t\t<package name="{pname}" line-rate="0.8" branch-rate="0.7" '
                    'complexity="0">\n\t\t\t<classes>\n' + "".join(classes)
                    + "\t\t\t</classes>\n\t\t</package>\n")
            out.write(text)
            written += len(text)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD.format(dtd=DTD, valid=valid_total, covered=covered_total,
                              rate=_rate(covered_total, valid_total), bvalid=bvalid_total,
                              bcovered=bcov_total, brate=_rate(bcov_total, bvalid_total)))
        with body_path.open(encoding="utf-8") as body:
            while block := body.read(1 << 22):
                out.write(block)
        out.write("\t</packages>\n</coverage>\n")
    body_path.unlink()
    return covered_total, valid_total


# Measuring ------------------------------------------------------------------------------


def expat_version() -> str:
    """The expat the interpreter links, which sets the floor."""
    from xml.parsers import expat

    return ".".join(map(str, expat.version_info))


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """Run `cmd`; returns wall seconds, peak RSS in MB, exit status and the last output line."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read() if proc.stdout is not None else b""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = output.decode(errors="replace").strip().splitlines()
    verdict = next((line for line in lines if line.startswith(("PASS", "FAIL", "gate:"))), "")
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, verdict


def measure(path: Path, rounds: int) -> dict[str, float | int | str]:
    """Floor and gate alternately, `rounds` times; medians, the median ratio, the peak RSS."""
    floors, gates, ratios, rss = [], [], [], []
    status, verdict = 0, ""
    for _ in range(rounds):
        floor = timed([sys.executable, "-c", FLOOR, str(path)], path.parent)
        gate = timed([sys.executable, "-m", "gate", "check", "--min-coverage", "0.5",
                      "--coverage-file", str(path)], path.parent)
        floors.append(floor[0])
        gates.append(gate[0])
        ratios.append(gate[0] / floor[0])
        rss.append(gate[1])
        status, verdict = status or gate[2], gate[3]
    return {"floor": statistics.median(floors), "gate": statistics.median(gates),
            "ratio": statistics.median(ratios), "ratios": ratios, "rss": max(rss),
            "status": status, "verdict": verdict}


def count(path: Path) -> tuple[int, int, int]:
    """Lines the reader took in bulk, all <line> elements in the file, and its files."""
    done = subprocess.run([sys.executable, "-c", COUNT, str(path)], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    bulk, total, files = (int(n) for n in done.stdout.split())
    return bulk, total, files


def seeds(folder: Path, only: set[str] | None,
          pytest_args: list[str]) -> dict[str, Path | str]:
    """The real reports by producer, or why a producer was skipped."""
    makers: dict[str, Callable[[], Path]] = {
        "coverage.py-branch": lambda: coverage_py(folder, True, pytest_args),
        "coverage.py-line": lambda: coverage_py(folder, False, pytest_args),
        "gcovr": lambda: gcovr(folder, False),
        "gcovr-pretty": lambda: gcovr(folder, True),
        "java-cobertura": lambda: java_cobertura(folder),
        "jacoco-cover2cover": lambda: cover2cover(folder, folder / "java-cobertura.xml"),
    }
    found: dict[str, Path | str] = {}
    for name, make in makers.items():
        if only is not None and name not in only:
            continue
        ready = folder / f"{name}.xml"
        if ready.exists():
            found[name] = ready
            continue
        if name == "jacoco-cover2cover" and not (folder / "java-cobertura.xml").exists():
            try:
                java_cobertura(folder)
            except Skip as exc:
                found[name] = f"skipped: {exc}"
                continue
        try:
            made = make()
        except Skip as exc:
            found[name] = f"skipped: {exc}"
            continue
        if made != ready:
            shutil.copy(made, ready)
        found[name] = ready
    return found


def print_memory(memory: dict[str, list[tuple[int, float]]]) -> None:
    """Per producer measured at two sizes or more: the peak RSS each more file costs (the
    slope between the smallest and the largest size), and the files at which it reaches
    64 MB (with --same-files the files do not grow: nothing to print)."""
    print(f"{'memory by files':<19} {'bytes/file':>10} {'files at 64 MB':>15}")
    for name, points in memory.items():
        (few, low), (many, high) = min(points), max(points)
        if many <= few:
            continue
        slope = (high - low) * (1 << 20) / (many - few)
        at = few + (TARGET_RSS_MB - low) * (1 << 20) / slope if slope > 0 else float("inf")
        print(f"{name:<19} {slope:10.0f} {at:15,.0f}")


def main() -> int:
    """Make the real reports, scale them, measure, print; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500", help="report sizes in MB (default 100,500)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each (default 3)")
    parser.add_argument("--only", default=None,
                        help="comma-separated producers: coverage.py-branch, coverage.py-line,"
                             " gcovr, gcovr-pretty, java-cobertura, jacoco-cover2cover, synthetic")
    parser.add_argument("--seeds", type=Path, default=None,
                        help="folder for the real reports: reused when there, kept afterwards")
    parser.add_argument("--pytest-args", default="tests/unit -q -p no:cacheprovider -n 0",
                        help="what coverage.py runs for this project's own report")
    parser.add_argument("--tmp", type=Path, default=None, help="folder for the scaled files")
    parser.add_argument("--same-files", action="store_true",
                        help="scale real reports by repeating them under their own file names")
    parser.add_argument("--generate", nargs=2, metavar=("PATH", "MB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        print(*generate(Path(args.generate[0]), int(args.generate[1]) * MB))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    only = set(args.only.split(",")) if args.only else None
    missed: list[str] = []
    print(f"python {sys.version.split()[0]}, expat {expat_version()}, {args.rounds} rounds"
          " (medians; RSS is the gate's largest peak, ru_maxrss); real reports scaled with"
          + (" their own file names" if args.same_files else " new file names per copy"))
    with tempfile.TemporaryDirectory(dir=args.tmp, prefix="gate-bench-") as tmp:
        folder = Path(tmp)
        seed_dir = args.seeds or folder / "seeds"
        seed_dir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        reports = seeds(seed_dir, only, args.pytest_args.split())
        print(f"real reports made in {time.perf_counter() - started:.0f} s in {seed_dir}")
        if only is None or "synthetic" in only:
            reports["synthetic"] = "synthetic"
        print(f"{'producer':<19} {'size':>5} {'floor s':>8} {'gate s':>7} {'ratio':>6}"
              f" {'ratios':>17} {'gate RSS':>9} {'files':>9} {'bulk lines':>11} {'event lines':>11}"
              "  verdict")
        memory: dict[str, list[tuple[int, float]]] = {}
        for name, seed in reports.items():
            if isinstance(seed, str) and seed != "synthetic":
                print(f"{name:<19} {seed}")
                continue
            for size in sizes:
                path = folder / f"{name}-{size}mb.xml"
                if seed == "synthetic":
                    # Generate in a child: a child's peak RSS starts from its parent's
                    # size at fork, so this process must stay small.
                    subprocess.run([sys.executable, __file__, "--generate", str(path), str(size)],
                                   check=True, capture_output=True)
                else:
                    scale(Path(seed), path, size * MB, args.same_files)
                mb = path.stat().st_size / MB
                bulk, total, files = count(path)
                got = measure(path, args.rounds)
                memory.setdefault(name, []).append((files, float(got["rss"])))
                ratios = "/".join(f"{r:.2f}" for r in got["ratios"])  # type: ignore[attr-defined]
                print(f"{name:<19} {mb:4.0f}M {got['floor']:8.2f} {got['gate']:7.2f}"
                      f" {got['ratio']:5.2f}x {ratios:>17} {got['rss']:7.1f}MB {files:>9,}"
                      f" {bulk:>11,} {total - bulk:>11,}  {got['verdict'][:40]}"
                      f" (exit {got['status']})",
                      flush=True)
                if got["status"] != 0:
                    missed.append(f"{name} {size} MB: the gate exited {got['status']}")
                if float(got["ratio"]) > TARGET_RATIO:
                    missed.append(f"{name} {size} MB: {got['ratio']:.2f}x the floor"
                                  f" (target {TARGET_RATIO}x)")
                if size >= 500 and float(got["rss"]) >= TARGET_RSS_MB:
                    missed.append(f"{name} {size} MB: peak RSS {got['rss']:.1f} MB"
                                  f" (target < {TARGET_RSS_MB} MB)")
                path.unlink()
    print_memory(memory)
    for line in missed:
        print("target missed:", line)
    print("targets met" if not missed else f"{len(missed)} target(s) missed")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
