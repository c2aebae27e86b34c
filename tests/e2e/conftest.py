"""Fixtures for the end-to-end tests: the fake registry served on loopback from a thread, and the
real CLI (``python -m depcheck``) run in a subprocess against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from depcheck.testing import FakeRegistry


@dataclass
class Run:
    """One finished CLI run: exit code, stdout, stderr."""

    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


LOOP_PROBE = (
    "import sys\n"
    "from depcheck.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('event loop:', 'asyncio' in sys.modules, file=sys.stderr)\n"
    "raise SystemExit(code)\n"
)
"""The command line run in-process, then whether asyncio was ever imported (last line of stderr):
a run answered from the cache alone must not start an event loop."""


@dataclass
class Cli:
    """Runs ``python -m depcheck`` in ``cwd`` pointed at the fake registry."""

    registry: FakeRegistry
    cwd: Path

    @property
    def host(self) -> str:
        """How errors name the fake registry: ``127.0.0.1:<port>``."""
        return self.registry.url.removeprefix("http://")

    def registry_options(self, *, cache: Path | None = None) -> list[str]:
        options = ["--index-url", self.registry.index_url, "--docker-hub-url", self.registry.url]
        return [*options, "--cache-dir", str(cache)] if cache is not None else [*options, "--no-cache"]

    def __call__(
        self, *args: str, cache: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
    ) -> Run:
        environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
        # Nothing from the developer's machine may steer the run: no pip index, no Docker credentials.
        environment.pop("PIP_INDEX_URL", None)
        environment.pop("DEPCHECK_DOCKER_HUB_URL", None)
        environment["DOCKER_CONFIG"] = str(self.cwd / ".no-docker-config")
        command, *rest = args
        result = subprocess.run(
            [sys.executable, "-m", "depcheck", command, *rest, *self.registry_options(cache=cache)],
            cwd=self.cwd,
            capture_output=True,
            text=True,
            env=environment,
            timeout=timeout,
            check=False,
        )
        # Whatever happens, depcheck explains it in words: never a traceback.
        assert "Traceback" not in result.stderr, result.stderr
        return Run(result.returncode, result.stdout, result.stderr)


@pytest.fixture
def registry() -> Iterator[FakeRegistry]:
    """A fresh fake registry (cassettes, no faults, no latency) for one test."""
    fake = FakeRegistry()
    _url, stop = fake.run_in_thread()
    try:
        yield fake
    finally:
        stop()


@pytest.fixture
def cli(registry: FakeRegistry, tmp_path: Path) -> Cli:
    project = tmp_path / "project"
    project.mkdir()
    return Cli(registry, project)
