"""Run a snippet in a fresh interpreter: for what only a new process shows (which modules a path
imports, what it searches for)."""

from __future__ import annotations

import subprocess
import sys


def run_fresh(script: str) -> str:
    """What ``script`` prints, run by this test run's Python in a new process (a failure raises)."""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return result.stdout
