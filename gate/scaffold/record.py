"""`gate init`'s last step: run the new lint and security sessions once, record their findings.

So the adopter's first pipeline is green on the code as it is: what the scanners find
today goes into the findings baseline (`gate baseline`), and only new findings block from
then on. It runs in the project folder with this Python: `python -m nox -s lint security`,
then `python -m gate baseline`, on the Python that runs it (any Python can scan). Without
nox here it says how to do it by hand.
"""

from __future__ import annotations

import importlib.util
import os
# Runs this Python's nox and gate with fixed arguments, never a shell (bandit B404).
import subprocess  # nosec B404
import sys
from pathlib import Path
from typing import TextIO

SESSIONS = ("lint", "security")
BY_HAND = "nox -s lint security && python -m gate baseline"
TIMEOUT = 1800.0
TAIL = 15


def record(directory: Path, out: TextIO) -> bool:
    """Run the scanners' sessions and `gate baseline` in `directory`; True when recorded."""
    if importlib.util.find_spec("nox") is None:
        out.write(f"\nFindings baseline: not recorded (nox is not installed here): run "
                  f"`{BY_HAND}` in {directory}, then commit findings-baseline.json\n")
        return False
    out.write(f"\nRecording today's lint and security findings: python -m nox -s "
              f"{' '.join(SESSIONS)} (in {directory})\n")
    out.flush()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOX", "GITHUB_"))}
    # The scanners run on this Python (found beside it on PATH): the sessions' own version
    # may not be installed here, and nox would skip them and still exit 0.
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    scanned = _run([sys.executable, "-m", "nox", "-s", *SESSIONS, "--force-python", here,
                    "--error-on-missing-interpreters"], directory, env)
    if scanned.returncode != 0:
        out.write(_tail(scanned) + f"\nFindings baseline: not recorded: the sessions failed "
                  f"(exit {scanned.returncode}); fix that, then run `{BY_HAND}`\n")
        return False
    recorded = _run([sys.executable, "-m", "gate", "baseline"], directory, env)
    out.write(recorded.stdout)
    if recorded.returncode != 0:
        out.write(recorded.stderr + f"Findings baseline: not recorded; then run `{BY_HAND}`\n")
        return False
    return True


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        # This interpreter, fixed arguments, no shell.
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True,  # nosec B603
                              text=True, timeout=TIMEOUT, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, 124, "", f"timed out after {TIMEOUT:g}s")
    except OSError as exc:
        return subprocess.CompletedProcess(command, 126, "", str(exc))


def _tail(done: subprocess.CompletedProcess[str]) -> str:
    lines = (done.stdout + done.stderr).strip().splitlines()
    return "\n".join("  " + line for line in lines[-TAIL:])
