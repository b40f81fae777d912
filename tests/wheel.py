"""A wheel of this checkout, built once per test process, offline.

`uv build` with build isolation would download setuptools for every build; the test
environment has setuptools (dependency group test), so the build uses it and needs no
network, as `nox -R` promises.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.childenv import child_env

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def checkout_wheel() -> Path:
    """releasegate-*.whl of the working tree, in a folder that lives as long as the process."""
    out = Path(tempfile.mkdtemp(prefix="releasegate-wheel-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    env = child_env(nested=True)
    built = subprocess.run(
        [sys.executable, "-m", "uv", "build", "--wheel", "--no-build-isolation",
         "--python", sys.executable, "-q", "-o", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300, env=env, check=False)
    if built.returncode != 0:
        raise RuntimeError(f"uv build failed:\n{built.stderr}")
    (wheel,) = out.glob("releasegate-*.whl")
    return wheel
