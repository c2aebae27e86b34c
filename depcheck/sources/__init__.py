"""Where dependency references come from: one :class:`Source` per kind of file.

Discovery asks each source in :data:`SOURCES` whether it claims a file by name; a file named on the
command line that no source claims is read by the source its name suggests most
(:func:`source_for_explicit`), so ``depcheck audit deps/prod.lock`` still reads it.
"""

from __future__ import annotations

from pathlib import PurePath

from depcheck.sources.compose import ComposeSource
from depcheck.sources.dockerfile import DockerfileSource
from depcheck.sources.interface import Source
from depcheck.sources.pyproject import PyprojectSource
from depcheck.sources.requirements import RequirementsSource

SOURCES: tuple[Source, ...] = (
    PyprojectSource(),
    DockerfileSource(),
    ComposeSource(),
    RequirementsSource(),
)


def source_for_explicit(path: PurePath) -> Source:
    """The source for a file named on the command line, claimed or not."""
    for source in SOURCES:
        if source.claims(path):
            return source
    name = path.name.lower()
    if name.endswith(".toml"):
        return SOURCES[0]
    if "dockerfile" in name or "containerfile" in name:
        return SOURCES[1]
    if name.endswith((".yml", ".yaml")):
        return SOURCES[2]
    return SOURCES[3]
