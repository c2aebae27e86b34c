"""Opt-in checks against the real registries: ``pytest -m live``.

They ask the index pip is configured with (no host name is written here) and Docker Hub, so they
need the network and their answers change over time: they assert shapes and known history
(a release that exists, one that was yanked), never "the newest version is X".
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.live


def depcheck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "depcheck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
        check=False,
    )


def test_latest_names_an_exact_published_version(tmp_path: Path) -> None:
    result = depcheck("latest", "--no-cache", "httpx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"httpx==\d+(\.\d+)+\n", result.stdout)


def test_audit_catches_a_yanked_and_an_invented_pin(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(
        "django==5.0.5\nthis-project-does-not-exist-depcheck-4c1f==1.0\nrequests==2.32.3\n"
    )
    result = depcheck("audit", "--no-cache", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    rules = {(f["name"], f["rule"]) for f in json.loads(result.stdout)["findings"]}
    assert ("django", "yanked") in rules
    assert ("this-project-does-not-exist-depcheck-4c1f", "unknown-package") in rules
    assert not any(name == "requests" and rule != "outdated" for name, rule in rules)


def test_docker_hub_resolves_a_floating_python_tag(tmp_path: Path) -> None:
    result = depcheck("latest", "--no-cache", "--docker", "python:3.12-slim", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"python:3\.12\.\d+-slim\n", result.stdout)
