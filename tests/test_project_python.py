"""The project's declared Python: which pyproject.toml is the project's, what it declares, and the
messages for a declaration that cannot be read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from packaging.version import Version

from depcheck.errors import UsageError
from depcheck.project_python import (
    ProjectPython,
    find_pyproject,
    project_python,
    read_project_python,
    shown_path,
)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The top of a repository (it holds ``.git``)."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


# --- which file -----------------------------------------------------------------------------------


def test_the_nearest_pyproject_upward_is_the_project(repo: Path) -> None:
    write(repo / "pyproject.toml", '[project]\nrequires-python = ">=3.9"\n')
    nested = write(repo / "libs" / "core" / "pyproject.toml", '[project]\nrequires-python = ">=3.11"\n')
    deep = repo / "libs" / "core" / "src" / "core"
    deep.mkdir(parents=True)

    assert find_pyproject(deep) == nested
    assert find_pyproject(repo / "libs") == repo / "pyproject.toml"


def test_the_search_stops_at_the_repository_top(tmp_path: Path, repo: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nrequires-python = ">=3.9"\n')  # another project
    (repo / "src").mkdir()

    assert find_pyproject(repo / "src") is None
    assert project_python(repo / "src") is None


def test_a_worktree_git_file_also_marks_the_top(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nrequires-python = ">=3.9"\n')
    worktree = tmp_path / "worktree"
    write(worktree / ".git", "gitdir: ../.git/worktrees/worktree\n")

    assert find_pyproject(worktree) is None


def test_the_nearest_pyproject_counts_even_when_it_declares_no_python(repo: Path) -> None:
    write(repo / "pyproject.toml", '[project]\nrequires-python = ">=3.9"\n')
    write(repo / "tools" / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")

    assert project_python(repo / "tools") is None


def test_paths_are_shown_from_the_current_directory(repo: Path) -> None:
    (repo / "src" / "pkg").mkdir(parents=True)

    assert shown_path(repo / "pyproject.toml", repo) == "pyproject.toml"
    assert shown_path(repo / "pyproject.toml", repo / "src" / "pkg") == "../../pyproject.toml"
    assert shown_path(repo / "sub" / "pyproject.toml", repo) == "sub/pyproject.toml"
    elsewhere = repo.parent / "other" / "pyproject.toml"
    assert shown_path(elsewhere, repo / "src") == Path(os.path.abspath(elsewhere)).as_posix()


# --- what it declares ----------------------------------------------------------------------------


def test_requires_python_gives_its_lowest_python(repo: Path) -> None:
    write(repo / "pyproject.toml", '[project]\nname = "app"\nrequires-python = ">=3.10"\n')
    (repo / "src").mkdir()

    assert project_python(repo / "src") == ProjectPython(
        file="../pyproject.toml",
        line=3,
        key="requires-python",
        written=">=3.10",
        specifier=">=3.10",
        lowest=Version("3.10.0"),
    )


def test_the_lowest_python_skips_excluded_patch_releases(repo: Path) -> None:
    write(repo / "pyproject.toml", '[project]\nrequires-python = ">=3.9, !=3.9.0"\n')

    found = project_python(repo)

    assert found is not None
    assert found.lowest == Version("3.9.1")


def test_poetry_python_is_translated_as_the_audit_does(repo: Path) -> None:
    write(
        repo / "pyproject.toml",
        '[tool.poetry]\nname = "app"\n\n[tool.poetry.dependencies]\npython = "^3.9"\n',
    )

    assert project_python(repo) == ProjectPython(
        file="pyproject.toml",
        line=5,
        key="tool.poetry.dependencies.python",
        written="^3.9",
        specifier=">=3.9,<4.0",
        lowest=Version("3.9.0"),
    )


def test_with_both_the_first_written_wins_as_in_the_audit(repo: Path) -> None:
    write(
        repo / "pyproject.toml",
        '[project]\nrequires-python = ">=3.11"\n\n[tool.poetry.dependencies]\npython = "^3.9"\n',
    )

    found = project_python(repo)

    assert found is not None
    assert (found.key, found.lowest) == ("requires-python", Version("3.11.0"))


def test_a_poetry_star_declares_nothing(repo: Path) -> None:
    write(repo / "pyproject.toml", '[tool.poetry.dependencies]\npython = "*"\n')

    assert project_python(repo) is None


def test_other_broken_entries_do_not_stop_the_lookup(repo: Path) -> None:
    # A bad dependency string is the audit's business; the declared Python is still readable.
    write(
        repo / "pyproject.toml",
        '[project]\nrequires-python = ">=3.10"\ndependencies = ["not a requirement!"]\n',
    )

    found = project_python(repo)

    assert found is not None
    assert found.lowest == Version("3.10.0")


# --- --project -----------------------------------------------------------------------------------


def test_explicit_project_may_be_the_file_or_its_folder(repo: Path) -> None:
    write(repo / "services" / "api" / "pyproject.toml", '[project]\nrequires-python = ">=3.12"\n')

    by_folder = project_python(repo, Path("services/api"))
    by_file = project_python(repo, Path("services/api/pyproject.toml"))

    assert by_folder == by_file
    assert by_folder is not None
    assert (by_folder.file, by_folder.lowest) == ("services/api/pyproject.toml", Version("3.12.0"))


def test_explicit_project_that_does_not_exist_is_a_usage_error(repo: Path) -> None:
    (repo / "empty").mkdir()

    with pytest.raises(UsageError) as missing:
        project_python(repo, Path("nowhere"))
    with pytest.raises(UsageError) as empty:
        project_python(repo, Path("empty"))

    assert str(missing.value) == "--project: nowhere: no such file or directory"
    assert str(empty.value) == "--project: empty holds no pyproject.toml"


# --- what cannot be read --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[project]\nname = "app"\nrequires-python = ">=3.1O"\n',
            "pyproject.toml:3: project.requires-python: '>=3.1O' is not a version specifier: "
            "Invalid specifier: '>=3.1O'",
        ),
        (
            "[project]\nrequires-python = 3.10\n",
            "pyproject.toml:2: project.requires-python must be a version specifier string, not a float",
        ),
        (
            '[project\nrequires-python = ">=3.10"\n',
            "pyproject.toml:1: not valid TOML: Expected ']' at the end of a table declaration "
            "(at line 1, column 9)",
        ),
        (
            'project = "app"\n',
            "pyproject.toml:1: project must be a table, not a string",
        ),
        (
            '[tool.poetry.dependencies]\npython = "^^3.9"\n',
            "pyproject.toml:2: tool.poetry.dependencies.python: '^^3.9' is not a Poetry version "
            "constraint: '^3.9' is not a version",
        ),
        (
            '[project]\nrequires-python = ">=4"\n',
            "pyproject.toml:2: requires-python '>=4' admits no Python release (CPython 2.7 or 3.x)",
        ),
    ],
)
def test_a_declared_python_that_cannot_be_read_names_file_and_line(
    repo: Path, text: str, message: str
) -> None:
    write(repo / "pyproject.toml", text)

    with pytest.raises(UsageError) as caught:
        project_python(repo)

    assert str(caught.value) == message


def test_a_file_that_is_not_utf8_names_its_line(repo: Path) -> None:
    write(repo / "pyproject.toml", b'[project]\nname = "caf\xe9"\n')

    with pytest.raises(UsageError) as caught:
        read_project_python(repo / "pyproject.toml", cwd=repo)

    assert str(caught.value) == "pyproject.toml:2: invalid UTF-8 at byte 21: invalid continuation byte"


def test_a_folder_named_pyproject_cannot_be_read(repo: Path) -> None:
    (repo / "pyproject.toml").mkdir()

    with pytest.raises(UsageError) as caught:
        read_project_python(repo / "pyproject.toml", cwd=repo)

    assert str(caught.value) == "pyproject.toml: cannot be read: Is a directory"
