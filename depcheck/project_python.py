"""The Python a project declares: ``requires-python`` (or Poetry's ``python``) of its ``pyproject.toml``.

``depcheck audit`` picks suggestions for the lowest Python a file's own ``requires-python``
allows (:func:`depcheck.suggest.pypi.target_python`); ``depcheck latest`` run inside a project
must answer the same way, so :func:`project_python` finds the project's ``pyproject.toml`` and
reads its declared Python with the very parser the audit uses
(:class:`~depcheck.sources.pyproject.PyprojectSource`), Poetry's constraints translated to PEP 440
the same way. When a file declares both ``[project].requires-python`` and a Poetry ``python``,
the first written wins, as in the audit (:func:`depcheck.verify.requires_python_by_file`).

Finding the file: :func:`find_pyproject` walks up from the current directory to the nearest
folder holding a ``pyproject.toml``, and stops at the top of the repository (a folder holding
``.git``) or of the filesystem, as the configuration search does (:func:`depcheck.config.find_config`,
which looks for settings rather than for the project, so it is not reused as is). The nearest
``pyproject.toml`` is the project even when it declares no Python: a folder's own project is not
described by the one above it.

A file that cannot be read, is not TOML, or declares a Python that cannot be read (a
``requires-python`` that is not a specifier, a Poetry constraint that is not one) raises
:class:`~depcheck.errors.UsageError` naming the file and line: answering for the running
interpreter instead would be a silent guess about the one thing the user's project said.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path, PurePath

from packaging.version import Version

from depcheck.errors import UsageError
from depcheck.model import Finding, Role
from depcheck.sources.document import DecodeError, Document
from depcheck.sources.interface import LocalFileReader, ParseContext
from depcheck.suggest.pypi import lowest_python

logger = logging.getLogger(__name__)

PYPROJECT_FILE = "pyproject.toml"

# The findings of the pyproject parser that mean the declared Python cannot be read: the whole
# file (not TOML), a table on the way to it that is not a table, or the value itself. Messages
# begin with the dotted key they are about (``tool.poetry.dependencies.python: ...``).
_ABOUT_PYTHON = (
    "not valid TOML",
    "project must be",
    "tool must be",
    "tool.poetry must be",
    "tool.poetry.dependencies must be",
    "tool.poetry.dependencies.python:",
    "tool.poetry.dependencies.python ",
    "tool.poetry.dependencies.python[",
)


@dataclass(frozen=True)
class ProjectPython:
    """A project's declared Python and where it is written.

    ``file`` is the ``pyproject.toml`` as shown to the user, ``line`` the line of the value,
    ``key`` the key that holds it (``requires-python`` or ``tool.poetry.dependencies.python``),
    ``written`` the constraint as written (``>=3.10``, ``^3.10``) and ``specifier`` its PEP 440
    form (``>=3.10,<4.0`` for ``^3.10``). ``lowest`` is the Python suggestions are made for.
    """

    file: str
    line: int
    key: str
    written: str
    specifier: str
    lowest: Version


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` in ``start`` or a folder above it, within its repository."""
    folder = start.absolute()
    while True:
        candidate = folder / PYPROJECT_FILE
        if candidate.is_file():
            return candidate
        # A `.git` folder (or the `.git` file of a worktree) marks the repository's top: a
        # pyproject.toml above it belongs to some other project.
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


def shown_path(path: Path, cwd: Path) -> str:
    """``path`` as messages show it: relative to ``cwd`` when it is there or above, else absolute."""
    absolute = Path(os.path.abspath(path))
    here = Path(os.path.abspath(cwd))
    if absolute.is_relative_to(here) or here.is_relative_to(absolute.parent):
        return Path(os.path.relpath(absolute, here)).as_posix()
    return absolute.as_posix()


def read_project_python(path: Path, *, cwd: Path) -> ProjectPython | None:
    """The Python ``path`` (a ``pyproject.toml``) declares, or ``None`` when it declares none.

    Raises :class:`~depcheck.errors.UsageError` naming the file (and line) when the file cannot
    be read or its declared Python cannot be understood.
    """
    shown = shown_path(path, cwd)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{shown}: no such file") from None
    except OSError as exc:  # permission denied, a directory, an I/O error
        raise UsageError(f"{shown}: cannot be read: {exc.strerror or exc}") from None
    try:
        document = Document.from_bytes(shown, raw)
    except DecodeError as exc:
        raise UsageError(f"{shown}:{exc.line}: {exc}") from None
    # The pyproject reader (with tomllib) is loaded only when there is a file to read: an audit
    # asks this module for every requirements file, most often to find no project at all.
    from depcheck.sources.pyproject import PyprojectSource

    context = ParseContext(reader=LocalFileReader(root=path.absolute().parent, cwd=cwd))
    result = PyprojectSource().parse(document, PurePath(path), context)
    for finding in result.findings:
        if _about_python(finding):
            raise UsageError(f"{shown}:{finding.location.line}: {finding.message}")
    declared = next(
        (d for d in result.dependencies if d.role is Role.INTERPRETER and d.specifier),
        None,
    )
    if declared is None:
        logger.debug("%s declares no Python", shown)
        return None
    section = declared.location.section or ""
    key = "requires-python" if section == "project.requires-python" else f"{section}.python"
    lowest = lowest_python(declared.specifier)
    if lowest is None:
        raise UsageError(
            f"{shown}:{declared.location.line}: {key} {declared.text!r} admits no Python release "
            "(CPython 2.7 or 3.x)"
        )
    return ProjectPython(
        file=shown,
        line=declared.location.line,
        key=key,
        written=declared.text,
        specifier=declared.specifier,
        lowest=lowest,
    )


def project_python(cwd: Path, explicit: Path | None = None) -> ProjectPython | None:
    """The Python of the project ``explicit`` names (a ``pyproject.toml`` or its folder), else of
    the project found upward from ``cwd``; ``None`` when there is no such file or it declares none.

    An ``explicit`` path that does not exist, or a folder without a ``pyproject.toml``, is a
    usage error.
    """
    if explicit is not None:
        path = explicit if explicit.is_absolute() else cwd / explicit
        if path.is_dir():
            path = path / PYPROJECT_FILE
            if not path.is_file():
                raise UsageError(f"--project: {shown_path(path.parent, cwd)} holds no {PYPROJECT_FILE}")
        elif not path.exists():
            raise UsageError(f"--project: {shown_path(path, cwd)}: no such file or directory")
        return read_project_python(path, cwd=cwd)
    found = find_pyproject(cwd)
    if found is None:
        logger.debug("no %s found above %s", PYPROJECT_FILE, cwd)
        return None
    return read_project_python(found, cwd=cwd)


def _about_python(finding: Finding) -> bool:
    """Whether ``finding`` (from the pyproject parser) means the declared Python cannot be read."""
    if finding.location.section == "project.requires-python":
        return True
    return finding.message.startswith(_ABOUT_PYTHON)


__all__ = ["PYPROJECT_FILE", "ProjectPython", "find_pyproject", "project_python", "read_project_python"]
