"""Baselines: accept the findings a project already has, and fail only on new ones.

``--write-baseline FILE`` records the current findings; ``--baseline FILE`` drops the findings
it records. A finding is recognised by a fingerprint of its rule, file, ecosystem, name and
current text, never its line, so an entry survives edits that move the line. Entries carry a
count: two identical findings in one file need two recorded entries, and a third identical one
is new. The file is JSON, sorted, one entry per fingerprint, so it diffs well in review::

    {"depcheck_baseline": 1, "tool_version": "0.1.0",
     "findings": [{"rule": "ranged", "file": "requirements.txt", "name": "httpx",
                   "current": "httpx>=0.27", "fingerprint": "…", "count": 1}]}

Paths are as reports show them (relative to the directory depcheck runs from), so write and use
a baseline from the same directory, normally the repository's top. Apply the baseline after the
configuration (:func:`depcheck.filtering.apply_config`): severities are not part of a fingerprint,
so changing a rule's severity does not invalidate a baseline.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from depcheck import __version__
from depcheck.model import Finding

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_MARKER = "depcheck_baseline"
_ENTRY_KEYS = ("rule", "file", "name", "current", "fingerprint", "count")


class BaselineError(Exception):
    """A baseline file that cannot be used (missing, malformed, another schema); CLI exit 2."""


@dataclass(frozen=True)
class BaselineEntry:
    """Findings accepted by the baseline: ``count`` of them share ``fingerprint``.

    ``rule``, ``file``, ``name`` and ``current`` are there for people reading the file; matching
    uses the fingerprint alone.
    """

    rule: str
    file: str
    name: str | None
    current: str | None
    fingerprint: str
    count: int = 1


@dataclass(frozen=True)
class Baseline:
    """The accepted findings, one entry per fingerprint."""

    entries: tuple[BaselineEntry, ...] = ()
    tool_version: str = __version__

    def counts(self) -> dict[str, int]:
        """Fingerprint -> how many findings with it are accepted."""
        counts: Counter[str] = Counter()
        for entry in self.entries:
            counts[entry.fingerprint] += entry.count
        return dict(counts)


@dataclass(frozen=True)
class BaselineMatch:
    """A run's findings split by a baseline.

    ``new`` are reported and decide the exit code; ``known`` were accepted; ``fixed`` counts the
    accepted findings that no longer occur (the baseline can be rewritten smaller).
    """

    new: tuple[Finding, ...]
    known: tuple[Finding, ...]
    fixed: int


def fingerprint(finding: Finding) -> str:
    """A stable hash of the finding's rule, file, ecosystem, name and current text (not its line).

    The parts are joined with NUL, which none of them can hold, so two different findings
    cannot produce the same input by shifting text between fields.
    """
    parts = (
        finding.rule,
        finding.location.file,
        str(finding.ecosystem or ""),
        finding.name or "",
        finding.current or "",
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def build_baseline(findings: Iterable[Finding], tool_version: str = __version__) -> Baseline:
    """A baseline accepting exactly ``findings`` (identical ones counted)."""
    grouped: dict[str, BaselineEntry] = {}
    for finding in findings:
        key = fingerprint(finding)
        entry = grouped.get(key)
        if entry is None:
            grouped[key] = BaselineEntry(
                rule=finding.rule,
                file=finding.location.file,
                name=finding.name,
                current=finding.current,
                fingerprint=key,
            )
        else:
            grouped[key] = BaselineEntry(
                entry.rule, entry.file, entry.name, entry.current, entry.fingerprint, entry.count + 1
            )
    entries = sorted(
        grouped.values(),
        key=lambda entry: (entry.file, entry.rule, entry.name or "", entry.current or "", entry.fingerprint),
    )
    return Baseline(tuple(entries), tool_version)


def dumps_baseline(baseline: Baseline) -> str:
    """The baseline as the JSON text written to disk (sorted, indented, ending in a newline)."""
    document = {
        _MARKER: SCHEMA_VERSION,
        "tool_version": baseline.tool_version,
        "findings": [{key: getattr(entry, key) for key in _ENTRY_KEYS} for entry in baseline.entries],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: Path, findings: Iterable[Finding], tool_version: str = __version__) -> Baseline:
    """Record ``findings`` in ``path``, replacing it atomically; returns what was written.

    Raises :class:`BaselineError` when the file cannot be written.
    """
    baseline = build_baseline(findings, tool_version)
    text = dumps_baseline(baseline)
    folder = path.absolute().parent
    try:
        # Written beside the target and renamed over it, so a reader never sees half a file.
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from exc
    logger.info("wrote %d baseline entries to %s", len(baseline.entries), path)
    return baseline


def load_baseline(path: Path) -> Baseline:
    """Read a baseline written by :func:`write_baseline`.

    Raises :class:`BaselineError` with a one-line reason for a missing or unreadable file, text
    that is not JSON, a file that is not a depcheck baseline, another schema version, or an
    entry with a missing or wrongly typed field.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline file") from None
    except UnicodeDecodeError as exc:
        raise BaselineError(f"{path}: not a baseline file (not UTF-8 text: {exc.reason})") from None
    except OSError as exc:  # permission denied, a directory
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    return loads_baseline(text, str(path))


def loads_baseline(text: str, source: str = "baseline") -> Baseline:
    """Parse baseline JSON ``text``; ``source`` names it in error messages."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(document, dict) or _MARKER not in document:
        raise BaselineError(f'{source}: not a depcheck baseline (no "{_MARKER}" key)')
    version = document[_MARKER]
    if isinstance(version, bool) or not isinstance(version, int) or version != SCHEMA_VERSION:
        raise BaselineError(
            f"{source}: baseline schema version {json.dumps(version)} is not supported; "
            f"this depcheck reads version {SCHEMA_VERSION} (rewrite it with --write-baseline)"
        )
    tool_version = document.get("tool_version", "")
    if not isinstance(tool_version, str):
        raise BaselineError(f'{source}: "tool_version" must be a string')
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f'{source}: "findings" must be an array')
    entries = tuple(_entry(item, f"{source}: findings[{index}]") for index, item in enumerate(findings))
    return Baseline(entries, tool_version)


def _entry(item: Any, where: str) -> BaselineEntry:
    if not isinstance(item, dict):
        raise BaselineError(f"{where}: expected an object")
    values: Mapping[str, Any] = item
    for key in ("rule", "file", "fingerprint"):
        if not isinstance(values.get(key), str) or not values[key]:
            raise BaselineError(f'{where}: "{key}" must be a non-empty string')
    for key in ("name", "current"):
        if values.get(key) is not None and not isinstance(values[key], str):
            raise BaselineError(f'{where}: "{key}" must be a string or null')
    count = values.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise BaselineError(f'{where}: "count" must be a positive integer')
    return BaselineEntry(
        rule=values["rule"],
        file=values["file"],
        name=values.get("name"),
        current=values.get("current"),
        fingerprint=values["fingerprint"],
        count=count,
    )


def apply_baseline(findings: Iterable[Finding], baseline: Baseline) -> BaselineMatch:
    """Split ``findings`` into new ones and ones the baseline accepts, keeping their order.

    Each entry accepts up to ``count`` findings with its fingerprint, taken in input order.
    """
    remaining = baseline.counts()
    new: list[Finding] = []
    known: list[Finding] = []
    for finding in findings:
        key = fingerprint(finding)
        if remaining.get(key, 0) > 0:
            remaining[key] -= 1
            known.append(finding)
        else:
            new.append(finding)
    fixed = sum(remaining.values())
    if fixed:
        logger.info("%d baseline entries no longer occur; --write-baseline would drop them", fixed)
    return BaselineMatch(tuple(new), tuple(known), fixed)
