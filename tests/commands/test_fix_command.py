"""``depcheck fix`` as a user runs it: the real CLI in a subprocess against the fake registry.

The project has one file of each kind: a requirements file with a hashed requirement and a VCS
requirement without a ref, a Poetry pyproject, a Dockerfile whose first image comes from an
``ARG`` and a compose file with a ``${VAR:-default}`` tag. The expected diffs are written out;
the versions, tags, hashes and digests come from the cassettes.
"""

# The expected diffs hold context lines for empty lines: a single space, which W293 would strip.
# ruff: noqa: W293

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from depcheck.testing.fake_registry import FakeRegistry

REQUIREMENTS = """\
# runtime requirements
requests>=2.31  # HTTP client
idna>=3.6 \\
    --hash=sha256:1111111111111111111111111111111111111111111111111111111111111111 \\
    --hash=sha256:2222222222222222222222222222222222222222222222222222222222222222
click[extra]  ; python_version >= "3.9"
certifi==2026.7.22
tool @ git+https://git.example/team/tool.git
"""

PYPROJECT = """\
[tool.poetry]
name = "sample"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.10"
attrs = "^25.1"  # keep on 25
packaging = { version = "~26.1", optional = true }

[tool.poetry.group.dev.dependencies]
pytest = "*"
"""

DOCKERFILE = """\
ARG NODE_VERSION=20
FROM node:${NODE_VERSION} AS web
FROM python:3.12-slim
COPY --from=web /app /app
"""

COMPOSE = """\
services:
  cache:
    image: redis:7
  db:
    image: "postgres:${PG_TAG:-17}"
"""

EXPECTED_DIFF = """\
--- a/Dockerfile
+++ b/Dockerfile
@@ -1,4 +1,4 @@
-ARG NODE_VERSION=20
+ARG NODE_VERSION=20.18.1
 FROM node:${NODE_VERSION} AS web
-FROM python:3.12-slim
+FROM python:3.12.7-slim
 COPY --from=web /app /app
--- a/docker-compose.yml
+++ b/docker-compose.yml
@@ -1,5 +1,5 @@
 services:
   cache:
-    image: redis:7
+    image: redis:7.4.2
   db:
-    image: "postgres:${PG_TAG:-17}"
+    image: "postgres:${PG_TAG:-17.7}"
--- a/pyproject.toml
+++ b/pyproject.toml
@@ -4,8 +4,8 @@
 
 [tool.poetry.dependencies]
 python = "^3.10"
-attrs = "^25.1"  # keep on 25
-packaging = { version = "~26.1", optional = true }
+attrs = "25.4.0"  # keep on 25
+packaging = { version = "26.1", optional = true }
 
 [tool.poetry.group.dev.dependencies]
-pytest = "*"
+pytest = "9.2.0"
--- a/requirements.txt
+++ b/requirements.txt
@@ -1,8 +1,8 @@
 # runtime requirements
-requests>=2.31  # HTTP client
-idna>=3.6 \\
-    --hash=sha256:1111111111111111111111111111111111111111111111111111111111111111 \\
-    --hash=sha256:2222222222222222222222222222222222222222222222222222222222222222
-click[extra]  ; python_version >= "3.9"
+requests==2.34.2  # HTTP client
+idna==3.20 \\
+    --hash=sha256:a7db850025b95ded1eae8a46181a1a6c56c92c96f0e2b005d9ff8dc0210cab44 \\
+    --hash=sha256:ab7ae7122974553370f0bdb919e1a960b2cd1bc1ef0276416d896db81c14582c
+click[extra]==8.5.1  ; python_version >= "3.9"
 certifi==2026.7.22
 tool @ git+https://git.example/team/tool.git
"""

FILES = {
    "requirements.txt": REQUIREMENTS,
    "pyproject.toml": PYPROJECT,
    "Dockerfile": DOCKERFILE,
    "docker-compose.yml": COMPOSE,
}


@pytest.fixture(scope="module")
def registry() -> Iterator[FakeRegistry]:
    fake = FakeRegistry()
    _url, stop = fake.run_in_thread()
    yield fake
    stop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).write_bytes(text.encode("utf-8"))
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def fix(registry: FakeRegistry, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1"}
    environment.pop("DEPCHECK_DOCKER_HUB_URL", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "depcheck",
            "fix",
            "--no-cache",
            "--python",
            "3.12",
            "--index-url",
            registry.index_url,
            "--docker-hub-url",
            registry.url,
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=180,
        check=False,
    )


def test_dry_run_prints_the_diff_exits_1_and_writes_nothing(registry: FakeRegistry, project: Path) -> None:
    before = snapshot(project)
    result = fix(registry, project, "--dry-run")
    assert result.returncode == 1, result.stderr
    assert result.stdout == EXPECTED_DIFF
    assert snapshot(project) == before
    assert "depcheck: would pin 10 references in 4 files\n" in result.stderr
    assert "  requirements.txt:3: idna: >=3.6 -> 3.20 (ranged)\n" in result.stderr
    assert "  Dockerfile:3: python: 3.12-slim -> 3.12.7-slim (floating-tag)\n" in result.stderr
    assert (
        "  requirements.txt:8: tool: left alone: VCS requirement without a ref; "
        "pin it to a full commit hash by hand\n"
    ) in result.stderr
    assert "depcheck: 1 outdated pin left as written (pass --upgrade to move them)\n" in result.stderr


def test_a_real_run_writes_the_files_and_a_second_run_changes_nothing(
    registry: FakeRegistry, project: Path
) -> None:
    (project / "Dockerfile").chmod(0o750)
    first = fix(registry, project)
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""
    assert "depcheck: pinned 10 references in 4 files\n" in first.stderr
    assert (project / "requirements.txt").read_text() == (
        "# runtime requirements\n"
        "requests==2.34.2  # HTTP client\n"
        "idna==3.20 \\\n"
        "    --hash=sha256:a7db850025b95ded1eae8a46181a1a6c56c92c96f0e2b005d9ff8dc0210cab44 \\\n"
        "    --hash=sha256:ab7ae7122974553370f0bdb919e1a960b2cd1bc1ef0276416d896db81c14582c\n"
        'click[extra]==8.5.1  ; python_version >= "3.9"\n'
        "certifi==2026.7.22\n"
        "tool @ git+https://git.example/team/tool.git\n"
    )
    assert (project / "Dockerfile").read_text() == (
        "ARG NODE_VERSION=20.18.1\nFROM node:${NODE_VERSION} AS web\nFROM python:3.12.7-slim\nCOPY --from=web /app /app\n"
    )
    assert (project / "docker-compose.yml").read_text() == (
        'services:\n  cache:\n    image: redis:7.4.2\n  db:\n    image: "postgres:${PG_TAG:-17.7}"\n'
    )
    assert 'attrs = "25.4.0"  # keep on 25\n' in (project / "pyproject.toml").read_text()
    assert (project / "Dockerfile").stat().st_mode & 0o777 == 0o750
    after = snapshot(project)

    second = fix(registry, project)
    assert second.returncode == 0, second.stderr
    assert "depcheck: nothing to fix\n" in second.stderr
    assert snapshot(project) == after

    check = fix(registry, project, "--dry-run")
    assert (check.returncode, check.stdout) == (0, "")


def test_a_registry_500_exits_3_and_changes_nothing(registry: FakeRegistry, project: Path) -> None:
    before = snapshot(project)
    registry.fail("/simple/*", 500, times=None)
    try:
        result = fix(registry, project)
    finally:
        registry.clear_faults()
    assert result.returncode == 3, result.stderr
    assert "depcheck: error: nothing was fixed, because a registry could not answer:\n" in result.stderr
    assert "requirements.txt:2: requests was not verified" in result.stderr
    assert snapshot(project) == before


def test_pin_digest_adds_the_tag_digest_to_whole_references_and_notes_the_others(
    registry: FakeRegistry, project: Path
) -> None:
    (project / "Dockerfile").write_text(DOCKERFILE + "FROM redis:7.4.2 AS cache\n")
    result = fix(registry, project, "--pin-digest", "Dockerfile", "docker-compose.yml")
    assert result.returncode == 0, result.stderr
    assert (project / "Dockerfile").read_text() == (
        "ARG NODE_VERSION=20.18.1\n"
        "FROM node:${NODE_VERSION} AS web\n"
        "FROM python:3.12.7-slim@sha256:7510cacf25b36d2e05c73a1c39e83b1cf22885051dea4267ad58925962a8aaff\n"
        "COPY --from=web /app /app\n"
        "FROM redis:7.4.2@sha256:35ca92ffd522be32b2abf20d5d62465d6f1566465766d7b462c95382672710b8 AS cache\n"
    )
    assert (project / "docker-compose.yml").read_text() == (
        "services:\n"
        "  cache:\n"
        "    image: redis:7.4.2@sha256:35ca92ffd522be32b2abf20d5d62465d6f1566465766d7b462c95382672710b8\n"
        "  db:\n"
        '    image: "postgres:${PG_TAG:-17.7}"\n'
    )
    assert "  Dockerfile:5: redis: 7.4.2 -> 7.4.2@sha256:35ca92ffd522 (pin-digest)\n" in result.stderr
    assert (
        "depcheck: note: docker-compose.yml:5: postgres: --pin-digest left it without a digest: "
        "its tag is set in a variable"
    ) in result.stderr
    again = fix(registry, project, "--pin-digest", "--dry-run", "Dockerfile", "docker-compose.yml")
    assert (again.returncode, again.stdout) == (0, "")


def test_rules_outdated_moves_only_the_outdated_pins(registry: FakeRegistry, project: Path) -> None:
    result = fix(registry, project, "--dry-run", "--rules", "outdated", "requirements.txt")
    assert result.returncode == 1, result.stderr
    assert result.stdout == (
        "--- a/requirements.txt\n"
        "+++ b/requirements.txt\n"
        "@@ -4,5 +4,5 @@\n"
        "     --hash=sha256:1111111111111111111111111111111111111111111111111111111111111111 \\\n"
        "     --hash=sha256:2222222222222222222222222222222222222222222222222222222222222222\n"
        ' click[extra]  ; python_version >= "3.9"\n'
        "-certifi==2026.7.22\n"
        "+certifi==2026.10.19.post1\n"
        " tool @ git+https://git.example/team/tool.git\n"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--rules", "nope"), "--rules: no such rule nope"),
        (("--rules", "unknown-package"), "--rules: unknown-package findings have no replacement to apply"),
        (("--static",), "--static: a fix needs the registries' suggestions"),
        (("missing.txt",), "missing.txt: no such file or directory"),
    ],
)
def test_usage_errors_exit_2(
    registry: FakeRegistry, project: Path, options: tuple[str, ...], message: str
) -> None:
    before = snapshot(project)
    result = fix(registry, project, *options)
    assert result.returncode == 2
    assert message in result.stderr
    assert snapshot(project) == before


def test_a_read_only_file_is_left_unchanged_the_others_are_fixed_and_the_exit_code_is_1(
    registry: FakeRegistry, project: Path
) -> None:
    (project / "Dockerfile").chmod(0o444)
    result = fix(registry, project)
    assert result.returncode == 1, result.stderr
    assert "Dockerfile: read-only file: no write permission, so it was left unchanged\n" in result.stderr
    assert "depcheck: 1 file left unchanged because of the errors above\n" in result.stderr
    assert "depcheck: pinned 8 references in 3 files\n" in result.stderr
    assert (project / "Dockerfile").read_text() == DOCKERFILE
    assert (project / "docker-compose.yml").read_text() != COMPOSE


def test_a_tag_set_in_the_env_file_is_pinned_there(registry: FakeRegistry, tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b'# image tags\nPY=3.12   # python line\nPG_TAG="17"\nbroken line\n')
    compose = (
        b"services:\n"
        b"  api:\n    image: python:${PY}-slim\n"
        b"  worker:\n    image: python:${PY:-3.11}-slim\n"
        b"  db:\n    image: postgres:${PG_TAG}\n"
    )
    (tmp_path / "docker-compose.yml").write_bytes(compose)

    result = fix(registry, tmp_path)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".env").read_bytes() == (
        b'# image tags\nPY=3.12.7   # python line\nPG_TAG="17.7"\nbroken line\n'
    )
    assert (tmp_path / "docker-compose.yml").read_bytes() == compose
    assert "depcheck: pinned 3 references in 1 file\n" in result.stderr
    assert "  docker-compose.yml:3: python: 3.12-slim -> 3.12.7-slim (floating-tag)\n" in result.stderr
    assert "  docker-compose.yml:7: postgres: 17 -> 17.7 (floating-tag)\n" in result.stderr
