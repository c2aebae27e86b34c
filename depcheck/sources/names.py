"""Which file names each kind of dependency file claims, decided without importing its parser.

Discovery asks these for every file it walks past; each :class:`~depcheck.sources.interface.Source`
answers ``claims`` with the same function. They live apart from the parsers so that finding the
files costs nothing more than string tests, and a parser (with PyYAML, tomllib or packaging's
marker grammar behind it) is imported only when a file of its kind is found.
"""

from __future__ import annotations

from pathlib import PurePath

PYPROJECT_NAME = "pyproject.toml"

# Build templates that end in .in without being pip-tools inputs.
_NOT_PIP_INPUTS = frozenset({"manifest.in", "makefile.in", "gnumakefile.in", "configure.in", "doxyfile.in"})


def is_pyproject(path: PurePath) -> bool:
    """``pyproject.toml``."""
    return path.name == PYPROJECT_NAME


def is_dockerfile(path: PurePath) -> bool:
    """``Dockerfile``, ``Dockerfile.*``, ``*.Dockerfile``, ``*.dockerfile``, ``Containerfile``, ``Containerfile.*``."""
    name = path.name
    if name.endswith(".dockerignore"):  # Dockerfile.dockerignore is BuildKit's per-file ignore list
        return False
    return (
        name in ("Dockerfile", "Containerfile")
        or name.startswith(("Dockerfile.", "Containerfile."))
        or name.endswith((".Dockerfile", ".dockerfile"))
    )


def is_compose(path: PurePath) -> bool:
    """``docker-compose*.yml``, ``docker-compose*.yaml``, ``compose*.yml`` and ``compose*.yaml``."""
    # The four globs as prefix and suffix tests (case-sensitive, as fnmatchcase would be).
    name = path.name
    return name.startswith(("docker-compose", "compose")) and name.endswith((".yml", ".yaml"))


def is_requirements(path: PurePath) -> bool:
    """``*requirements*.txt``, ``*constraints*.txt``, any ``requirements/*.txt``, and ``*.in``.

    ``*.in`` excludes build templates (``MANIFEST.in``, ``Makefile.in``, ``setup.cfg.in``: a
    name with another suffix before ``.in``).
    """
    name = path.name.lower()
    if name.endswith(".txt"):
        return "requirements" in name or "constraints" in name or path.parent.name.lower() == "requirements"
    if name.endswith(".in"):
        stem = name[: -len(".in")]
        return bool(stem) and "." not in stem and name not in _NOT_PIP_INPUTS
    return False
