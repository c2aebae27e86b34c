"""How fast depcheck reads a large tree without a registry: ``depcheck audit --static``.

Builds a tree of 10,000 requirement lines (in 100 files, some hashed and continued), 200
Dockerfiles and 50 pyproject files in a temporary folder, then times discovery + parsing + the
registry-free rules in-process, on one core (the target is under 1 second). Run:

    .venv/bin/python benchmarks/bench_parse.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from depcheck.audit import AuditOptions, run_audit

PACKAGES = [
    "requests", "httpx", "flask", "django", "numpy", "pandas", "attrs", "click", "rich", "pydantic",
    "sqlalchemy", "celery", "redis", "boto3", "pytest", "black", "urllib3", "certifi", "idna", "jinja2",
]  # fmt: skip


def build_tree(root: Path) -> None:
    for index in range(100):
        lines = ["# generated requirements", f"-c constraints-{index}.txt" if index % 10 == 0 else ""]
        for line in range(100):
            name = PACKAGES[(index + line) % len(PACKAGES)]
            kind = line % 5
            if kind == 0:
                lines.append(f"{name}=={line % 9}.{index % 7}.{line % 3}")
            elif kind == 1:
                lines.append(f"{name}[extra] >= {line % 9}.0 ; python_version >= '3.9'  # why")
            elif kind == 2:
                lines.append(
                    f"{name}=={line}.0 \\\n    --hash=sha256:{'a' * 64} \\\n    --hash=sha256:{'b' * 64}"
                )
            elif kind == 3:
                lines.append(name)
            else:
                lines.append(f"{name}~={line % 5}.1")
        folder = root / f"svc{index}"
        folder.mkdir()
        (folder / "requirements.txt").write_text("\n".join(lines) + "\n")
        if index % 10 == 0:
            (folder / f"constraints-{index}.txt").write_text("urllib3==2.2.3\n")
    for index in range(200):
        folder = root / f"img{index}"
        folder.mkdir()
        (folder / "Dockerfile").write_text(
            "# syntax=docker/dockerfile:1.7\n"
            "ARG PY=3.12\n"
            f"FROM --platform=$BUILDPLATFORM python:${{PY}}-slim AS build{index}\n"
            "RUN pip install --no-cache-dir requests==2.32.3 flask \\\n    httpx>=0.27\n"
            "COPY --from=ghcr.io/astral-sh/uv:0.4.0 /uv /bin/uv\n"
            f"FROM build{index}\n"
            "FROM node:20-alpine\n"
        )
    for index in range(50):
        folder = root / f"lib{index}"
        folder.mkdir()
        (folder / "pyproject.toml").write_text(
            '[build-system]\nrequires = ["setuptools==75.1.0"]\n\n'
            '[project]\nname = "x"\nrequires-python = ">=3.11"\n'
            'dependencies = [\n  "httpx==0.28.1",\n  "rich>=13",  # comment\n  "attrs",\n]\n\n'
            '[project.optional-dependencies]\ntest = ["pytest==8.3.3", "hypothesis"]\n\n'
            '[dependency-groups]\ndev = ["ruff==0.7.0", {include-group = "lint"}]\nlint = ["mypy==1.13.0"]\n'
        )


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        build_tree(root)
        options = AuditOptions(paths=(root,), static=True)
        times = []
        report = None
        for _ in range(5):
            start = time.perf_counter()
            report = asyncio.run(run_audit(options))
            times.append(time.perf_counter() - start)
        assert report is not None
        print(f"files read:        {len(report.files)}")
        print(f"dependencies:      {len(report.dependencies)}")
        print(f"findings:          {len(report.findings)}")
        print(f"best of 5:         {min(times):.3f} s")
        print(f"median of 5:       {statistics.median(times):.3f} s")
        print(f"target:            < 1.000 s -> {'met' if min(times) < 1.0 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
