"""``depcheck audit`` loads only what the run in hand needs.

Start-up is most of a warm-cache audit, so the libraries that only some runs need are imported
when they are needed: PyYAML for a compose file, pathspec for a ``.gitignore`` or exclusion
globs, rich for a terminal, tomllib for a configuration or ``pyproject.toml``, and never the
fix, pull-request or service code. Each check runs in a fresh interpreter, since the test process
itself has imported everything long ago.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

WATCHED = (
    "aiohttp",
    "depcheck.baseline",
    "depcheck.changes",
    "depcheck.fix",
    "depcheck.pr",
    "depcheck.server",
    "depcheck.sources.compose",
    "depcheck.sources.pyproject",
    "pathspec",
    "rich",
    "tomllib",
    "yaml",
)


def project(tmp_path: Path) -> Path:
    """An empty project; its ``.git`` stops the configuration search from reaching files above it."""
    (tmp_path / ".git").mkdir()
    return tmp_path


def loaded_after(code: str, cwd: Path | None = None) -> list[str]:
    """Which of :data:`WATCHED` a fresh interpreter has loaded after running ``code``."""
    report = f"import json, sys\nprint(json.dumps([m for m in {list(WATCHED)!r} if m in sys.modules]))\n"
    script = f"{code}\n{report}"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.splitlines()[-1])
    return loaded


def test_importing_the_command_loads_no_optional_library() -> None:
    assert loaded_after("import depcheck.commands.audit") == []


def test_a_requirements_only_audit_loads_no_optional_library(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "requirements.txt").write_text("httpx==0.28.1\nflask>=3.0\n")
    code = (
        "from depcheck.cli import main\n"
        "code = main(['audit', '--static', '--format', 'json', '-o', 'report.json', '.'])\n"
        "assert code == 1, code\n"
    )
    assert loaded_after(code, cwd=root) == []
    findings = json.loads((root / "report.json").read_text())["findings"]
    assert [(finding["line"], finding["rule"]) for finding in findings] == [(2, "ranged")]


def test_a_compose_file_and_a_gitignore_load_their_readers(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / ".gitignore").write_text("vendor/\n")
    (root / "vendor").mkdir()
    (root / "vendor" / "requirements.txt").write_text("flask\n")
    (root / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16.4\n")
    code = (
        "from depcheck.cli import main\n"
        "code = main(['audit', '--static', '--format', 'json', '-o', 'report.json', '.'])\n"
        "assert code == 0, code\n"
    )
    assert loaded_after(code, cwd=root) == ["depcheck.sources.compose", "pathspec", "yaml"]
    report = json.loads((root / "report.json").read_text())
    assert report["summary"]["files"] == 1
    assert [dependency["current"] for dependency in report["dependencies"]] == ["postgres:16.4"]
