"""Deploy checks: start-up cost, hostile YAML rejection, a realistic run. Prints figures.

    python benchmarks/deploy.py

1. `python -m gate --help` against `python -c pass`, measured in the same run
   (target: within 3x; the deploy family must not import its libraries at start-up).
2. Rejecting a billion-laughs YAML file: wall time and the peak memory of a child
   process that does only that, against the same child loading a plain file.
3. `gate check` on tests/fixtures/deploy/ready (all four deploy checks).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 15

BOMB = "\n".join(
    ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, 10)]
) + "\n"
PLAIN = "app:\n  debug: false\n"
WITHOUT_DEPLOY = """\
import io, contextlib, gate.cli
from gate.checks import coverage
gate.cli.families = lambda: (coverage.FAMILY,)
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    gate.cli.main(["--help"])
"""
LOADER = """\
import resource, sys, time
from pathlib import Path
from gate.checks.deploy.files import load
started = time.perf_counter()
result = load(Path(sys.argv[1]), "yaml", "x.yaml")
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{elapsed:.4f} {peak:.1f} {getattr(result, 'rule', 'loaded')}")
"""


def best(cmd: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> float:
    """The median wall time of RUNS runs of `cmd`, in seconds."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    """Print each figure and its ratio to the baseline measured alongside it."""
    baseline = best([sys.executable, "-c", "pass"])
    helptime = best([sys.executable, "-m", "gate", "--help"])
    without = best([sys.executable, "-c", WITHOUT_DEPLOY])
    print(f"start-up: gate --help {helptime * 1000:.1f} ms, python -c pass "
          f"{baseline * 1000:.1f} ms, ratio {helptime / baseline:.2f}x (target <= 3x); "
          f"the same without the deploy family {without * 1000:.1f} ms "
          f"(deploy adds {(helptime - without) * 1000:+.1f} ms)")

    with tempfile.TemporaryDirectory() as tmp:
        figures = {}
        for name, text in (("plain", PLAIN), ("bomb", BOMB)):
            path = Path(tmp) / f"{name}.yaml"
            path.write_text(text)
            out = subprocess.run([sys.executable, "-c", LOADER, str(path)], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.split()
            figures[name] = (float(out[0]), float(out[1]), out[2])
        (pt, pm, _), (bt, bm, rule) = figures["plain"], figures["bomb"]
        print(f"yaml bomb (10**10 strings expanded): {rule} in {bt * 1000:.1f} ms "
              f"(plain file {pt * 1000:.1f} ms); peak memory {bm:.1f} MiB "
              f"(plain file {pm:.1f} MiB, +{bm - pm:.1f} MiB)")

    env = {**os.environ, "DB_PASSWORD": "Xo1vX2ZkJ3eQ9rLm5nB7cD8fG0hJ4kL6pQ2sTw",
           "SMTP_PASSWORD": "csJ_FWu3A9BzqG3X5eP0WEGqPDn46Q1Rdo5XzJnwC_ar93U0",
           "STRIPE_API_KEY_FROM_VAULT": "sk_live_51HxYz8Kq2LmN3pQ4rS5tU6vW7xY8zA9bC0dE1fG2"}
    fixture = ROOT / "tests" / "fixtures" / "deploy" / "ready"
    check = best([sys.executable, "-m", "gate", "check", "--only", "deploy"], fixture, env)
    print(f"gate check on the ready fixture (4 deploy checks, 4 files): {check * 1000:.1f} ms, "
          f"{check / baseline:.1f}x python -c pass")


if __name__ == "__main__":
    main()
