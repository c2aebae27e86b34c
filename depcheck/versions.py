"""PEP 440 versions parsed once per process, whoever asks.

A cold audit reads tens of thousands of version strings: the PyPI reader parses them to group
and order a project's releases, and the rules parse the same strings again to judge pins and
ranges. Parsing one takes microseconds, which adds up to a tenth of a second; this cache makes
the second reading a dictionary hit. It is bounded, so that a long-running service reading new
projects all day does not grow without limit.
"""

from __future__ import annotations

import functools

from packaging.version import InvalidVersion, Version

CACHED_VERSIONS = 1 << 17
"""How many version strings are remembered (131,072: every release of several hundred large projects)."""


@functools.lru_cache(maxsize=CACHED_VERSIONS)
def parse_version(text: str) -> Version | None:
    """``text`` as a PEP 440 :class:`~packaging.version.Version`, or ``None`` when it is not one."""
    try:
        return Version(text)
    except InvalidVersion:
        return None
