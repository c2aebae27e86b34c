"""Where dependency references come from: one :class:`Source` per kind of file.

Discovery asks each source in :func:`all_sources` whether it claims a file by name; a file named
on the command line that no source claims is read by the source its name suggests most
(:func:`source_for_explicit`), so ``depcheck audit deps/prod.lock`` still reads it. The parser
modules are imported on first use, so importing one parser does not import the others.
"""

from __future__ import annotations

import functools
from pathlib import PurePath

from depcheck.sources.interface import Source


@functools.cache
def all_sources() -> tuple[Source, ...]:
    """One instance of each source, in the order discovery asks them."""
    from depcheck.sources.compose import ComposeSource
    from depcheck.sources.dockerfile import DockerfileSource
    from depcheck.sources.pyproject import PyprojectSource
    from depcheck.sources.requirements import RequirementsSource

    return (PyprojectSource(), DockerfileSource(), ComposeSource(), RequirementsSource())


def claimant(path: PurePath) -> Source | None:
    """The source that claims ``path`` by its name, if any."""
    for source in all_sources():
        if source.claims(path):
            return source
    return None


def source_for_explicit(path: PurePath) -> Source:
    """The source for a file named on the command line, claimed or not."""
    claimed = claimant(path)
    if claimed is not None:
        return claimed
    pyproject, dockerfile, compose, requirements = all_sources()
    name = path.name.lower()
    if name.endswith(".toml"):
        return pyproject
    if "dockerfile" in name or "containerfile" in name:
        return dockerfile
    if name.endswith((".yml", ".yaml")):
        return compose
    return requirements
