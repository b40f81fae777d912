"""Start-up cost: `python -m gate --help` against `python -c pass`, measured in one run.

The gate runs as a step in every pipeline, so its start-up is paid every time.
Runs both commands alternately N times and prints each median and the ratio.
Target: the gate within 3x of a bare interpreter.

    python benchmarks/startup.py            # 30 runs each
    python benchmarks/startup.py --runs 50
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

TARGET = 3.0


def once(cmd: list[str]) -> float:
    """Wall seconds of one run of `cmd`, which must succeed."""
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    """Measure, print, and exit 1 when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each command (default 30)")
    args = parser.parse_args()
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -m gate --help": [sys.executable, "-m", "gate", "--help"],
        "python -m gate check --help": [sys.executable, "-m", "gate", "check", "--help"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for cmd in commands.values():  # warm the page cache and the bytecode cache
        once(cmd)
    for _ in range(args.runs):
        for name, cmd in commands.items():
            times[name].append(once(cmd))
    base = statistics.median(times["python -c pass"])
    print(f"python {sys.version.split()[0]}, {args.runs} runs each, median wall time")
    missed = False
    for name, samples in times.items():
        median = statistics.median(samples)
        ratio = median / base
        print(f"  {name:28s} {median * 1000:7.1f} ms  {ratio:4.2f}x")
        missed |= name != "python -c pass" and ratio > TARGET
    print(f"target: within {TARGET:.0f}x of python -c pass: {'missed' if missed else 'met'}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
