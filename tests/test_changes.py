"""``--changed-since``: changed lines from real git repositories, and which findings they touch."""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePath

import pytest

from depcheck.changes import ChangesError, changed_lines, filter_changed, parse_unified_diff, touches
from depcheck.model import Dependency, Ecosystem, Finding, Location, Role, Severity, Span, SpanRole
from depcheck.rules import check_static
from depcheck.sources.dockerfile import DockerfileSource
from depcheck.sources.document import Document
from depcheck.sources.interface import LocalFileReader, ParseContext
from depcheck.sources.pyproject import PyprojectSource


def git(repo: Path, *arguments: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repo), *arguments], capture_output=True, text=True, check=True
    )
    return completed.stdout


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with one commit, as the current directory; user settings kept out."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Depcheck Tests")
    git(root, "config", "user.email", "tests@depcheck.example")
    write(root / "requirements.txt", "httpx==0.28.1\nrich>=13\nidna==3.10\n")
    write(root / "Dockerfile", "ARG PY=3.12-slim\nFROM python:${PY}\nFROM node:20.11.1 AS web\nRUN true\n")
    write(
        root / "pyproject.toml",
        '[project]\nname = "app"\nversion = "1.0"\ndependencies = [\n    "httpx==0.28.1",\n    "rich==13.9.4",\n]\n',
    )
    write(root / ".gitignore", "*.log\n")
    commit(root, "initial")
    monkeypatch.chdir(root)
    return root


def requirement(text: str, name: str, line: int, *, file: str = "requirements.txt") -> Dependency:
    return Dependency(ecosystem=Ecosystem.PYPI, name=name, text=text, location=Location(file, line, 1))


def pyproject_dependencies(path: Path) -> dict[str, Dependency]:
    document = Document.from_bytes("pyproject.toml", path.read_bytes())
    result = PyprojectSource().parse(
        document, PurePath(path), ParseContext(reader=LocalFileReader(path.parent))
    )
    return {
        dependency.name: dependency
        for dependency in result.dependencies
        if dependency.role is Role.REQUIREMENT
    }


# --- changed_lines -------------------------------------------------------------------------------


def test_clean_tree_has_no_changes(repo: Path) -> None:
    assert changed_lines(repo, "HEAD") == {}


def test_changed_requirement_line(repo: Path) -> None:
    write(repo / "requirements.txt", "httpx==0.28.1\nrich>=14\nidna==3.10\n")

    changed = changed_lines(repo, "HEAD")

    assert changed == {"requirements.txt": {2}}
    assert touches(requirement("rich>=14", "rich", 2), changed)
    assert not touches(requirement("httpx==0.28.1", "httpx", 1), changed)
    assert not touches(requirement("idna==3.10", "idna", 3), changed)


def test_staged_and_committed_changes_since_an_older_ref(repo: Path) -> None:
    write(repo / "requirements.txt", "httpx==0.28.1\nrich>=13\nidna==3.10\ncertifi\n")
    commit(repo, "add certifi")
    write(repo / "requirements.txt", "httpx\nrich>=13\nidna==3.10\ncertifi\n")
    git(repo, "add", "requirements.txt")

    assert changed_lines(repo, "HEAD~1") == {"requirements.txt": {1, 4}}
    assert changed_lines(repo, "HEAD") == {"requirements.txt": {1}}


def test_arg_that_feeds_a_from_counts_as_touching_it(repo: Path) -> None:
    # The Dockerfile parser puts the FROM's fix span on the ARG default it came from.
    write(repo / "Dockerfile", "ARG PY=3.13-slim\nFROM python:${PY}\nFROM node:20.11.1 AS web\nRUN true\n")
    raw = (repo / "Dockerfile").read_bytes()
    start = raw.index(b"3.13-slim")
    python = Dependency(
        ecosystem=Ecosystem.DOCKER,
        name="python",
        text="python:3.13-slim",
        location=Location(
            "Dockerfile", 2, 6, span=Span(start, start + len("3.13-slim")), span_role=SpanRole.TAG
        ),
        role=Role.IMAGE,
        tag="3.13-slim",
    )
    node_start = raw.index(b"node:20.11.1")
    node = Dependency(
        ecosystem=Ecosystem.DOCKER,
        name="node",
        text="node:20.11.1",
        location=Location(
            "Dockerfile",
            3,
            6,
            span=Span(node_start, node_start + len("node:20.11.1")),
            span_role=SpanRole.REFERENCE,
        ),
        role=Role.IMAGE,
        tag="20.11.1",
    )

    changed = changed_lines(repo, "HEAD")

    assert changed == {"Dockerfile": {1}}
    assert touches(python, changed)
    assert not touches(node, changed)
    # Without a span there is nothing to follow back to the ARG.
    assert not touches(
        Dependency(
            ecosystem=Ecosystem.DOCKER,
            name="python",
            text="python:${PY}",
            location=Location("Dockerfile", 2, 6),
        ),
        changed,
    )


def test_arg_that_feeds_a_from_with_the_real_dockerfile_parser(repo: Path) -> None:
    write(repo / "Dockerfile", "ARG PY=3.13-slim\nFROM python:${PY}\nFROM node:20.11.1 AS web\nRUN true\n")
    document = Document.from_bytes("Dockerfile", (repo / "Dockerfile").read_bytes())
    parsed = DockerfileSource().parse(
        document, PurePath(repo / "Dockerfile"), ParseContext(reader=LocalFileReader(repo))
    )
    images = {dependency.name: dependency for dependency in parsed.dependencies}

    changed = changed_lines(repo, "HEAD")

    assert images["python"].location.line == 2
    assert touches(images["python"], changed)
    assert not touches(images["node"], changed)


def test_finding_follows_its_dependency_span(repo: Path) -> None:
    write(repo / "Dockerfile", "ARG PY=latest\nFROM python:${PY}\nFROM node:20.11.1 AS web\nRUN true\n")
    start = (repo / "Dockerfile").read_bytes().index(b"latest")
    python = Dependency(
        ecosystem=Ecosystem.DOCKER,
        name="python",
        text="python:latest",
        location=Location("Dockerfile", 2, 6, span=Span(start, start + 6), span_role=SpanRole.TAG),
        tag="latest",
    )
    (finding,) = check_static(python)

    assert finding.rule == "latest-tag"
    assert filter_changed([finding], changed_lines(repo, "HEAD")) == [finding]


def test_pyproject_entry_counts_on_its_own_line(repo: Path) -> None:
    write(
        repo / "pyproject.toml",
        '[project]\nname = "app"\nversion = "1.0"\ndependencies = [\n    "httpx==0.28.1",\n    "idna",\n    "rich==13.9.4",\n]\n',
    )
    dependencies = pyproject_dependencies(repo / "pyproject.toml")

    changed = changed_lines(repo, "HEAD")

    assert changed == {"pyproject.toml": {6}}
    assert dependencies["idna"].location.line == 6
    assert touches(dependencies["idna"], changed)
    # The array changed, but these entries' own lines did not.
    assert not touches(dependencies["httpx"], changed)
    assert not touches(dependencies["rich"], changed)


def test_edited_pyproject_entry(repo: Path) -> None:
    write(
        repo / "pyproject.toml",
        '[project]\nname = "app"\nversion = "1.0"\ndependencies = [\n    "httpx>=0.27",\n    "rich==13.9.4",\n]\n',
    )
    dependencies = pyproject_dependencies(repo / "pyproject.toml")
    changed = changed_lines(repo, "HEAD")

    assert [name for name, dependency in dependencies.items() if touches(dependency, changed)] == ["httpx"]


def test_untracked_files_count_whole_and_ignored_ones_not_at_all(repo: Path) -> None:
    write(repo / "requirements-dev.txt", "pytest\nruff==0.17.6\nmypy")  # no newline at the end
    write(repo / "docker" / "compose.yml", "services:\n  db:\n    image: postgres\n")
    write(repo / "debug.log", "noise\n")

    assert changed_lines(repo, "HEAD") == {
        "requirements-dev.txt": {1, 2, 3},
        "docker/compose.yml": {1, 2, 3},
    }


def test_deleted_lines_mark_the_file_but_no_line(repo: Path) -> None:
    write(repo / "requirements.txt", "httpx==0.28.1\nidna==3.10\n")
    (repo / "Dockerfile").unlink()

    changed = changed_lines(repo, "HEAD")

    assert changed == {"requirements.txt": set()}
    assert not touches(requirement("idna==3.10", "idna", 2), changed)
    broken = Finding(
        rule="invalid", severity=Severity.ERROR, location=Location("requirements.txt", 7), message="bad"
    )
    assert touches(broken, changed)
    elsewhere = Finding(
        rule="invalid", severity=Severity.ERROR, location=Location("Dockerfile", 1), message="bad"
    )
    assert not touches(elsewhere, changed)


def test_paths_are_relative_to_cwd(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo / "services" / "api" / "requirements.txt", "httpx==0.28.1\n")
    commit(repo, "api")
    write(repo / "services" / "api" / "requirements.txt", "httpx\n")
    write(repo / "requirements.txt", "httpx\nrich>=13\nidna==3.10\n")
    monkeypatch.chdir(repo / "services")

    changed = changed_lines(repo / "services" / "api", "HEAD")

    # Reports show files outside the working directory with absolute paths; so do these keys.
    assert changed == {"api/requirements.txt": {1}, (repo / "requirements.txt").resolve().as_posix(): {1}}


def test_unusual_file_names(repo: Path) -> None:
    write(repo / "with space.txt", "a\n")
    write(repo / 'quote"d.txt', "a\n")
    write(repo / "ünïcode.txt", "a\n")
    commit(repo, "odd names")
    write(repo / "with space.txt", "b\n")
    write(repo / 'quote"d.txt', "b\n")
    write(repo / "ünïcode.txt", "b\n")

    assert changed_lines(repo, "HEAD") == {"with space.txt": {1}, 'quote"d.txt': {1}, "ünïcode.txt": {1}}


def test_added_line_that_looks_like_a_header(repo: Path) -> None:
    write(repo / "notes.txt", "one\n")
    commit(repo, "notes")
    write(repo / "notes.txt", "one\n++ b/requirements.txt\n@@ -1 +1 @@\n")

    assert changed_lines(repo, "HEAD") == {"notes.txt": {2, 3}}


def test_user_diff_settings_do_not_change_the_answer(repo: Path) -> None:
    git(repo, "config", "diff.noprefix", "true")
    git(repo, "config", "diff.mnemonicPrefix", "true")
    git(repo, "config", "color.diff", "always")
    write(repo / "requirements.txt", "httpx==0.28.1\nrich>=14\nidna==3.10\n")

    assert changed_lines(repo, "HEAD") == {"requirements.txt": {2}}


def test_parse_unified_diff_counts_hunks() -> None:
    output = (
        b"diff --git a/r.txt b/r.txt\n"
        b"--- a/r.txt\n"
        b"+++ b/r.txt\n"
        b"@@ -2 +2 @@\n"
        b"-old\n"
        b"+new\n"
        b"@@ -5,0 +6,2 @@\n"
        b"+a\n"
        b"+b\n"
        b"@@ -9,2 +10,0 @@\n"
        b"-x\n"
        b"-y\n"
        b"diff --git a/gone.txt b/gone.txt\n"
        b"--- a/gone.txt\n"
        b"+++ /dev/null\n"
        b"@@ -1 +0,0 @@\n"
        b"-z\n"
    )

    assert parse_unified_diff(output) == {"r.txt": {2, 6, 7}}


# --- errors --------------------------------------------------------------------------------------


def test_unknown_ref(repo: Path) -> None:
    with pytest.raises(ChangesError) as caught:
        changed_lines(repo, "origin/nope")

    assert str(caught.value) == (
        f"--changed-since: 'origin/nope' is not a commit in {repo.resolve()} (in a shallow CI checkout, fetch it first)"
    )


def test_ref_that_looks_like_an_option(repo: Path) -> None:
    with pytest.raises(ChangesError, match="'--output=/tmp/x' is not a commit"):
        changed_lines(repo, "--output=/tmp/x")


def test_not_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    plain = tmp_path / "plain"
    plain.mkdir()

    with pytest.raises(ChangesError) as caught:
        changed_lines(plain, "HEAD")

    assert str(caught.value) == f"{plain} is not inside a git repository"


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ChangesError) as caught:
        changed_lines(tmp_path / "missing", "HEAD")

    assert str(caught.value) == f"{tmp_path / 'missing'} is not a directory, so it cannot be a git repository"


def test_span_in_a_file_that_vanished_counts_as_touched(repo: Path) -> None:
    dependency = Dependency(
        ecosystem=Ecosystem.DOCKER,
        name="python",
        text="python:3.12-slim",
        location=Location("Dockerfile", 2, 6, span=Span(7, 16), span_role=SpanRole.TAG),
    )

    def unreadable(file: str) -> bytes:
        raise FileNotFoundError(file)

    assert touches(dependency, {"Dockerfile": {1}}, read=unreadable)
