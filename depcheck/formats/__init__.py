"""Output formats: one module per ``--format`` value behind the :class:`Formatter` seam.

Adding a format is one new module and one line in :data:`FORMATS`. The CLI asks
:func:`formatter` for an instance by name and writes what its ``render`` returns.
"""

from __future__ import annotations

from typing import Any

from depcheck.formats.github import GithubFormatter
from depcheck.formats.gitlab import GitlabFormatter
from depcheck.formats.interface import Formatter
from depcheck.formats.json import JsonFormatter
from depcheck.formats.markdown import MarkdownFormatter
from depcheck.formats.sarif import SarifFormatter
from depcheck.formats.text import TextFormatter

FORMATS: dict[str, type[Formatter]] = {
    cls.name: cls
    for cls in (
        TextFormatter,
        JsonFormatter,
        SarifFormatter,
        GithubFormatter,
        MarkdownFormatter,
        GitlabFormatter,
    )
}


class UnknownFormatError(ValueError):
    """No output format has this name (the CLI reports it as a usage error, exit code 2)."""


def formatter(name: str, **options: Any) -> Formatter:
    """A formatter for ``--format name``; ``options`` go to its constructor (``color=True``)."""
    try:
        cls = FORMATS[name]
    except KeyError:
        raise UnknownFormatError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}") from None
    return cls(**options)


__all__ = ["FORMATS", "Formatter", "UnknownFormatError", "formatter"]
