"""An audit of the files a client sent: the CLI's pipeline over memory instead of the disk.

The files arrive as ``{name: content}``; each is parsed as if named on the command line (so a
``requirements-prod.lock`` is still read as requirements), through a
:class:`~depcheck.sources.interface.MemoryFileReader`, so a ``-r base.txt`` include is looked up
among the files sent and never on the server's disk, and one that climbs out (``-r ../x``) is
reported as the CLI reports an include escaping the project. ``${VAR}`` references expand from
an empty environment: the server's own variables never reach a report. The service's
``--config`` settings and the files' inline ``# depcheck: ignore`` comments are applied as
``depcheck audit`` applies them.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from depcheck.audit import AuditOptions, Verifier, run_audit
from depcheck.config import Config
from depcheck.discovery import Discovered
from depcheck.filtering import apply_config
from depcheck.report import Report
from depcheck.rules import STATIC_RULES
from depcheck.sources import source_for_explicit
from depcheck.sources.interface import MemoryFileReader

logger = logging.getLogger(__name__)


def discovered_files(names: list[str]) -> list[Discovered]:
    """Every sent file, in name order, with the source that reads it.

    ``Discovered.path`` is a :class:`~pathlib.Path` for the CLI; here it is only ever handed to
    the memory reader, which reads it as a POSIX name and never touches the disk.
    """
    return [
        Discovered(path=Path(name), source=source_for_explicit(PurePosixPath(name)), explicit=True)
        for name in sorted(names)
    ]


def _encoded(content: str) -> bytes:
    # A JSON string may hold a lone surrogate (\ud800); keep it so that the parser reports the
    # file as not being UTF-8, as it would for such bytes on disk, rather than failing here.
    return content.encode("utf-8", "surrogatepass")


async def audit_files(
    files: Mapping[str, str],
    options: AuditOptions,
    verifier: Verifier | None,
    project: Config,
) -> Report:
    """Audit ``files`` (already checked: plain relative names, within the limits)."""
    reader = MemoryFileReader({name: _encoded(content) for name, content in files.items()})
    report = await run_audit(
        dataclasses.replace(options, environ={}),
        None if options.static else verifier,
        reader,
        discovered_files(list(files)),
    )
    findings = apply_config(
        report.findings,
        project,
        dependencies=[checked.dependency for checked in report.dependencies],
        checked_rules=STATIC_RULES if report.static else None,
        cwd=project.path.parent if project.path is not None else Path.cwd(),
    )
    return dataclasses.replace(report, findings=tuple(findings))
