"""Where dependency references come from: one :class:`Source` per kind of file.

Discovery asks which kind of file claims a path by its name alone (:mod:`depcheck.sources.names`);
a file named on the command line that no kind claims is read by the source its name suggests most
(:func:`source_for_explicit`), so ``depcheck audit deps/prod.lock`` still reads it. A parser module
is imported only when a file of its kind is claimed: a tree without a compose file never imports
PyYAML, one without a ``pyproject.toml`` never imports the TOML readers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import PurePath

from depcheck.model import FileKind
from depcheck.sources.interface import Source
from depcheck.sources.names import is_compose, is_dockerfile, is_pyproject, is_requirements

_CLAIMS: tuple[tuple[FileKind, Callable[[PurePath], bool]], ...] = (
    (FileKind.PYPROJECT, is_pyproject),
    (FileKind.DOCKERFILE, is_dockerfile),
    (FileKind.COMPOSE, is_compose),
    (FileKind.REQUIREMENTS, is_requirements),
)
"""Each kind and the names it claims, in the order discovery asks them."""


@functools.cache
def source(kind: FileKind) -> Source:
    """The one instance of the source for ``kind``; its parser module is imported on first use."""
    if kind is FileKind.PYPROJECT:
        from depcheck.sources.pyproject import PyprojectSource

        return PyprojectSource()
    if kind is FileKind.DOCKERFILE:
        from depcheck.sources.dockerfile import DockerfileSource

        return DockerfileSource()
    if kind is FileKind.COMPOSE:
        from depcheck.sources.compose import ComposeSource

        return ComposeSource()
    from depcheck.sources.requirements import RequirementsSource

    return RequirementsSource()


def all_sources() -> tuple[Source, ...]:
    """One instance of each source, in the order discovery asks them (every parser imported)."""
    return tuple(source(kind) for kind, _ in _CLAIMS)


def claimant(path: PurePath) -> Source | None:
    """The source that claims ``path`` by its name, if any."""
    for kind, claims in _CLAIMS:
        if claims(path):
            return source(kind)
    return None


def source_for_explicit(path: PurePath) -> Source:
    """The source for a file named on the command line, claimed or not."""
    claimed = claimant(path)
    if claimed is not None:
        return claimed
    name = path.name.lower()
    if name.endswith(".toml"):
        return source(FileKind.PYPROJECT)
    if "dockerfile" in name or "containerfile" in name:
        return source(FileKind.DOCKERFILE)
    if name.endswith((".yml", ".yaml")):
        return source(FileKind.COMPOSE)
    return source(FileKind.REQUIREMENTS)
