"""The real ``depcheck audit --static`` command on small projects: exit codes and JSON reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def depcheck(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "depcheck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def report(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.stderr == "" or "Traceback" not in result.stderr, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def rules_by_line(data: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(f["file"], f["line"], f["rule"]) for f in data["findings"]]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "requirements.txt").write_text(
        "# app\nhttpx[http2]\nrequests==2.32.3\nflask>=3.0  # web\n-r requirements/dev.txt\n"
    )
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "dev.txt").write_text("pytest==8.3.3\nruff~=0.7\n")
    (tmp_path / "Dockerfile").write_text(
        "ARG PY=3.12.7\nFROM python:${PY}-slim AS base\nFROM base\nFROM node\nFROM redis:latest\nFROM nginx:stable\n"
    )
    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16.4\n  app:\n    build: .\n    image: app-local\n"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.11"\n'
        'dependencies = ["rich==13.9.4", "attrs"]\n'
    )
    return tmp_path


def test_static_audit_reports_every_registry_free_problem(project: Path) -> None:
    result = depcheck("audit", "--static", "--format", "json", ".", cwd=project)
    assert result.returncode == 1, result.stderr
    data = report(result)
    assert data["schema_version"] == 1
    assert rules_by_line(data) == [
        ("Dockerfile", 4, "untagged-image"),
        ("Dockerfile", 5, "latest-tag"),
        ("Dockerfile", 6, "floating-tag"),
        ("pyproject.toml", 5, "unpinned"),
        ("requirements.txt", 2, "unpinned"),
        ("requirements.txt", 4, "ranged"),
        ("requirements/dev.txt", 2, "ranged"),
    ]
    assert data["summary"] == {"files": 5, "dependencies": 12, "error": 7, "warning": 0, "info": 0}
    unpinned = data["findings"][4]
    assert unpinned["name"] == "httpx"
    assert unpinned["current"] == "httpx[http2]"
    assert unpinned["column"] == 1
    names = sorted((d["ecosystem"], d["name"], d["current"]) for d in data["dependencies"])
    assert ("docker", "python", "python:3.12.7-slim") in names
    assert ("docker", "postgres", "postgres:16.4") in names
    assert not any(name == "app-local" for _, name, _ in names)


def test_clean_project_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests==2.32.3\n")
    result = depcheck("audit", "--static", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found in 1 file (1 dependency)." in result.stdout


def test_fail_on_never_exits_zero_with_findings(project: Path) -> None:
    result = depcheck("audit", "--static", "--fail-on", "never", ".", cwd=project)
    assert result.returncode == 0


def test_build_arg_overrides_arg_default(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("ARG TAG=3.12.7\nFROM python:$TAG\n")
    result = depcheck("audit", "--static", "--format", "json", "--build-arg", "TAG=latest", ".", cwd=tmp_path)
    data = report(result)
    assert rules_by_line(data) == [("Dockerfile", 2, "latest-tag")]
    assert result.returncode == 1


def test_exclude_skips_matching_files(project: Path) -> None:
    result = depcheck(
        "audit", "--static", "--format", "json", "--exclude", "Dockerfile", "--exclude", "requirements*", ".",
        cwd=project,
    )  # fmt: skip
    assert rules_by_line(report(result)) == [("pyproject.toml", 5, "unpinned")]


def test_gitignored_and_virtualenv_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "requirements.txt").write_text("flask\n")
    venv = tmp_path / "env"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("home = /usr\n")
    (venv / "requirements.txt").write_text("flask\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "requirements.txt").write_text("flask\n")
    (tmp_path / "requirements.txt").write_text("flask==3.0.3\n")
    result = depcheck("audit", "--static", "--format", "json", ".", cwd=tmp_path)
    data = report(result)
    assert data["summary"]["files"] == 1
    assert result.returncode == 0


def test_a_named_file_is_read_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "deps.lock").write_text("flask\n")
    result = depcheck("audit", "--static", "--format", "json", "deps.lock", cwd=tmp_path)
    assert rules_by_line(report(result)) == [("deps.lock", 1, "unpinned")]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = depcheck("audit", "--static", "nope", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "depcheck: error: nope: no such file or directory"


def test_bad_option_is_a_usage_error(tmp_path: Path) -> None:
    result = depcheck("audit", "--frobnicate", cwd=tmp_path)
    assert result.returncode == 2
    assert "unrecognized arguments: --frobnicate" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_files_are_invalid_findings_and_the_audit_goes_on(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_bytes(b"flask==3.0.3\nbad\xff==1\n")
    (tmp_path / "requirements-bin.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "requirements-empty.txt").write_bytes(b"")
    (tmp_path / "pyproject.toml").write_text("[project\nname = 1\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12.7 \\\n")
    (tmp_path / "compose.yml").write_text("services: [\n")
    (tmp_path / "requirements-ok.txt").write_text("flask\n")
    result = depcheck("audit", "--static", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    data = report(result)
    found = {(f["file"], f["rule"]) for f in data["findings"]}
    assert ("requirements.txt", "invalid") in found
    assert ("requirements-bin.txt", "invalid") in found
    assert ("pyproject.toml", "invalid") in found
    assert ("Dockerfile", "invalid") in found
    assert ("compose.yml", "invalid") in found
    assert ("requirements-ok.txt", "unpinned") in found
    assert not any(f["file"] == "requirements-empty.txt" for f in data["findings"])
    lines = {f["file"]: f["line"] for f in data["findings"] if f["rule"] == "invalid"}
    assert lines["requirements.txt"] == 2
    assert lines["pyproject.toml"] == 1


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside this checkout")
def test_the_whole_corpus_is_read_without_a_crash() -> None:
    result = depcheck("audit", "--static", "--format", "json", str(CORPUS), cwd=CORPUS.parent)
    assert result.returncode == 1
    data = report(result)
    assert "Traceback" not in result.stderr
    assert "could not parse this file" not in result.stdout
    assert data["summary"]["files"] >= 79


def test_an_include_elsewhere_in_the_audited_tree_does_not_escape(tmp_path: Path) -> None:
    # No git here: the audited folder is the tree, so requirements/dev.txt may include ../base.txt.
    (tmp_path / "base.txt").write_text("flask==3.0.3\n")
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "dev.txt").write_text("-r ../base.txt\npytest==8.3.3\n")
    result = depcheck("audit", "--static", "--format", "json", ".", cwd=tmp_path)
    data = report(result)
    assert data["findings"] == []
    assert sorted(d["name"] for d in data["dependencies"]) == ["flask", "pytest"]
    assert result.returncode == 0
