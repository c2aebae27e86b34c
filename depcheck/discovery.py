"""Finding the dependency files in a tree.

``depcheck audit DIR`` walks the tree and keeps the files some :class:`~depcheck.sources.interface.Source`
claims by name. It skips ``.git``, virtual environments, ``node_modules`` and caches, whatever a
``.gitignore`` on the way ignores (git's own matching rules, through ``pathspec``), and the
``--exclude`` globs. A file named on the command line is always read, whatever its name.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from depcheck.sources import claimant, source_for_explicit
from depcheck.sources.interface import Source

if TYPE_CHECKING:
    # pathspec costs ~20 ms to import; it is loaded when a .gitignore is found, not before.
    import pathspec

logger = logging.getLogger(__name__)

SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".venv",
        "venv",
        ".eggs",
        "site-packages",
    }
)


class DiscoveryError(Exception):
    """A path named on the command line does not exist or cannot be listed."""


@dataclass(frozen=True)
class Discovered:
    """A file to parse and the source that reads it."""

    path: Path
    source: Source
    explicit: bool = False


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def _gitignore(directory: Path) -> pathspec.GitIgnoreSpec | None:
    path = directory / ".gitignore"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return None
    except OSError as exc:
        logger.warning("cannot read %s: %s; its patterns are not applied", path, exc)
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


Excluded = Callable[[Path, bool], bool]
"""Whether a path (a folder when the flag is true) is excluded by ``--exclude`` or configuration."""


def _walk(root: Path, excluded: Excluded | None) -> Iterator[Path]:
    """Every file below ``root`` that no ignore rule removes, in a stable (sorted) order."""
    stack: list[tuple[Path, list[tuple[Path, pathspec.GitIgnoreSpec]]]] = [(root, [])]
    while stack:
        directory, ignores = stack.pop()
        spec = _gitignore(directory)
        if spec is not None:
            ignores = [*ignores, (directory, spec)]
        try:
            entries = list(os.scandir(directory))
        except OSError as exc:
            logger.warning("cannot list %s: %s", directory, exc)
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if _ignored(path, is_dir, ignores) or (excluded is not None and excluded(path, is_dir)):
                continue
            if is_dir:
                if entry.name in SKIPPED_DIRS or _is_virtualenv(path):
                    continue
                stack.append((path, ignores))
            elif entry.is_file():
                yield path


def _ignored(path: Path, is_dir: bool, ignores: Sequence[tuple[Path, pathspec.GitIgnoreSpec]]) -> bool:
    for base, spec in ignores:
        relative = path.relative_to(base).as_posix() + ("/" if is_dir else "")
        if spec.match_file(relative):
            return True
    return False


def discover(paths: Sequence[Path], excluded: Excluded | None = None) -> list[Discovered]:
    """The dependency files under ``paths``; files named directly are always included."""
    found: list[Discovered] = []
    seen: set[Path] = set()
    for given in paths:
        if not given.exists():
            raise DiscoveryError(f"{given}: no such file or directory")
        folder = given.is_dir()  # asked once per given path, not once per file found under it
        if folder:
            candidates: Iterable[tuple[Path, Source | None]] = (
                (path, claimant(path)) for path in sorted(_walk(given, excluded))
            )
        else:
            candidates = [(given, source_for_explicit(given))]
        for path, source in candidates:
            if source is None:
                continue
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            found.append(Discovered(path=path, source=source, explicit=not folder))
    return found
