"""Which source reads a file, and that finding one kind of file imports no other kind's parser."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import PurePosixPath

import pytest

from depcheck.model import FileKind
from depcheck.sources import all_sources, claimant, source_for_explicit


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("pyproject.toml", FileKind.PYPROJECT),
        ("deploy/Dockerfile", FileKind.DOCKERFILE),
        ("compose.yaml", FileKind.COMPOSE),
        ("requirements/dev.txt", FileKind.REQUIREMENTS),
    ],
)
def test_each_kind_claims_its_files(path: str, kind: FileKind) -> None:
    source = claimant(PurePosixPath(path))
    assert source is not None
    assert source.kind is kind


def test_unclaimed_files() -> None:
    assert claimant(PurePosixPath("README.md")) is None
    assert claimant(PurePosixPath("setup.py")) is None


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("deps/tools.toml", FileKind.PYPROJECT),
        ("deploy/prod.containerfile", FileKind.DOCKERFILE),
        ("stack.yml", FileKind.COMPOSE),
        ("deps/prod.lock", FileKind.REQUIREMENTS),
    ],
)
def test_an_explicit_file_goes_to_the_source_its_name_suggests(path: str, kind: FileKind) -> None:
    assert source_for_explicit(PurePosixPath(path)).kind is kind


def test_one_instance_per_kind_in_discovery_order() -> None:
    sources = all_sources()
    assert [source.kind for source in sources] == [
        FileKind.PYPROJECT,
        FileKind.DOCKERFILE,
        FileKind.COMPOSE,
        FileKind.REQUIREMENTS,
    ]
    assert claimant(PurePosixPath("compose.yml")) is sources[2]


def test_claiming_a_requirements_file_imports_no_other_parser() -> None:
    # A fresh interpreter: this test process has long imported every parser.
    script = (
        "import json, sys\n"
        "from pathlib import PurePosixPath\n"
        "from depcheck.sources import claimant\n"
        "for name in ('README.md', 'requirements.txt', 'setup.py'):\n"
        "    claimant(PurePosixPath(name))\n"
        "watched = ['yaml', 'tomllib', 'depcheck.sources.compose', 'depcheck.sources.dockerfile',\n"
        "           'depcheck.sources.pyproject', 'depcheck.sources.requirements']\n"
        "print(json.dumps([name for name in watched if name in sys.modules]))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == ["depcheck.sources.requirements"]
