"""What the subcommands share: settings from the command line and configuration, the registry
clients, and writing a report.

The command line wins over the configuration file, which wins over the built-in defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from packaging.version import InvalidVersion, Version

from depcheck.audit import AuditOptions
from depcheck.discovery import Excluder
from depcheck.errors import UsageError
from depcheck.model import Severity
from depcheck.policy import Policy, Strategy
from depcheck.report import Report
from depcheck.verify import RegistryVerifier

logger = logging.getLogger(__name__)

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "": 86400}


def parse_duration(text: str) -> dt.timedelta:
    """``7d``, ``12h``, ``2w``, ``30m``, ``45s``; a bare number counts days."""
    match = _DURATION.match(text)
    if match is None:
        raise UsageError(f"--min-age: {text!r} is not a duration such as 7d, 12h or 2w")
    return dt.timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def parse_python(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion as exc:
        raise UsageError(f"--python: {text!r} is not a Python version such as 3.12") from exc


def parse_build_args(values: list[str]) -> dict[str, str]:
    build_args = {}
    for value in values:
        name, equals, text = value.partition("=")
        if not equals or not name:
            raise UsageError(f"--build-arg: expected NAME=VALUE, got {value!r}")
        build_args[name] = text
    return build_args


@dataclass
class Settings:
    """One command's settings: the audit options plus how to report and fail."""

    options: AuditOptions
    fail_on: Severity | None = Severity.ERROR
    format: str = "text"
    index_url: str | None = None
    docker_hub_url: str | None = None
    offline: bool = False
    cache_dir: Path | None = None
    no_cache: bool = False
    args: argparse.Namespace = field(default_factory=argparse.Namespace)

    def post_process(self, report: Report) -> Report:
        """Configuration, ignores, ``--changed-since`` and the baseline, applied to a report."""
        return report


def load_settings(args: argparse.Namespace) -> Settings:
    """Settings from the parsed command line (and, where present, the configuration file)."""
    paths = tuple(Path(path) for path in (getattr(args, "paths", None) or ["."]))
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    cwd = Path.cwd()
    excludes = tuple(Excluder([pattern], cwd) for pattern in getattr(args, "exclude", []) or [])
    policy = Policy(
        python=parse_python(args.python) if getattr(args, "python", None) else None,
        min_age=parse_duration(args.min_age) if getattr(args, "min_age", None) else None,
        strategy=Strategy(args.strategy) if getattr(args, "strategy", None) else Strategy.RANGE,
    )
    options = AuditOptions(
        paths=paths,
        static=bool(getattr(args, "static", False)),
        build_args=parse_build_args(getattr(args, "build_arg", []) or []),
        excludes=excludes,
        policy=policy,
    )
    fail_on_text = getattr(args, "fail_on", None) or "error"
    return Settings(
        options=options,
        fail_on=None if fail_on_text == "never" else Severity(fail_on_text),
        format=getattr(args, "format", None) or "text",
        index_url=getattr(args, "index_url", None),
        docker_hub_url=getattr(args, "docker_hub_url", None) or os.environ.get("DEPCHECK_DOCKER_HUB_URL"),
        offline=bool(getattr(args, "offline", False)),
        cache_dir=Path(args.cache_dir) if getattr(args, "cache_dir", None) else None,
        no_cache=bool(getattr(args, "no_cache", False)),
        args=args,
    )


@contextlib.asynccontextmanager
async def open_verifier(settings: Settings) -> AsyncIterator[RegistryVerifier]:
    """The registry clients for one run, closed when the run ends."""
    raise NotImplementedError
    yield  # pragma: no cover


def write_report(report: Report, settings: Settings, *, output: Path | None, stream: TextIO) -> None:
    """Render the report; with ``-o FILE`` it goes to the file and a summary to the terminal."""
    from depcheck.formats import formatter
    from depcheck.formats.text import color_wanted

    if output is None:
        stream.write(formatter(settings.format, color=color_wanted(stream, os.environ)).render(report))
        stream.flush()
        return
    text = formatter(settings.format, color=False).render(report)
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"-o {output}: cannot write the report: {exc.strerror or exc}") from exc
    summary = (
        formatter("text", color=color_wanted(sys.stderr, os.environ)).render(report).rstrip("\n").splitlines()
    )
    if summary:
        print(summary[-1], file=sys.stderr)
