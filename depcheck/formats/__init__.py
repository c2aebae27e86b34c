"""Output formats: one module per ``--format`` value behind the :class:`Formatter` seam.

Adding a format is one new module, named as the format, and one line in :data:`_CLASSES`. The CLI
asks :func:`formatter` for an instance by name and writes what its ``render`` returns. Only the
asked-for format's module is imported: a run writes one format, and the others pull in libraries
of their own (``uuid`` for GitLab's report, rich for the terminal).
"""

from __future__ import annotations

import importlib
from typing import Any

from depcheck.formats.interface import Formatter

_CLASSES = {
    "text": "TextFormatter",
    "json": "JsonFormatter",
    "sarif": "SarifFormatter",
    "github": "GithubFormatter",
    "markdown": "MarkdownFormatter",
    "gitlab": "GitlabFormatter",
}
"""Each ``--format`` value and the name of its formatter class, in the module of the same name."""

FORMATS: tuple[str, ...] = tuple(_CLASSES)
"""Every ``--format`` value, in the order help texts list them."""


class UnknownFormatError(ValueError):
    """No output format has this name (the CLI reports it as a usage error, exit code 2)."""


def formatter_class(name: str) -> type[Formatter]:
    """The formatter class for ``--format name``, its module imported on first use."""
    try:
        class_name = _CLASSES[name]
    except KeyError:
        raise UnknownFormatError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}") from None
    cls: type[Formatter] = getattr(importlib.import_module(f"depcheck.formats.{name}"), class_name)
    return cls


def formatter(name: str, **options: Any) -> Formatter:
    """A formatter for ``--format name``; ``options`` go to its constructor (``color=True``)."""
    return formatter_class(name)(**options)


__all__ = ["FORMATS", "Formatter", "UnknownFormatError", "formatter", "formatter_class"]
