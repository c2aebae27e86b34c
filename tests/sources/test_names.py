"""Which file names each kind of dependency file claims, decided from the name alone."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from depcheck.sources.names import is_compose, is_dockerfile, is_pyproject, is_requirements


@pytest.mark.parametrize(
    ("name", "claimed"),
    [
        ("compose.yaml", True),
        ("compose.yml", True),
        ("compose.prod.yaml", True),
        ("compose-dev.yml", True),
        ("docker-compose.yml", True),
        ("docker-compose.override.yaml", True),
        ("docker-compose-ci.yml", True),
        ("Compose.yml", False),
        ("docker-compose.YML", False),
        ("mycompose.yml", False),
        ("compose.json", False),
        ("compose.yaml.bak", False),
        ("compose", False),
    ],
)
def test_compose_names(name: str, claimed: bool) -> None:
    assert is_compose(PurePosixPath("deploy") / name) is claimed


@pytest.mark.parametrize(
    ("name", "claimed"),
    [
        ("Dockerfile", True),
        ("Containerfile", True),
        ("Dockerfile.prod", True),
        ("api.Dockerfile", True),
        ("api.dockerfile", True),
        ("Dockerfile.dockerignore", False),
        ("dockerfile", False),
        ("Dockerfiles", False),
    ],
)
def test_dockerfile_names(name: str, claimed: bool) -> None:
    assert is_dockerfile(PurePosixPath("deploy") / name) is claimed


@pytest.mark.parametrize(
    ("path", "claimed"),
    [
        ("requirements.txt", True),
        ("dev-requirements.txt", True),
        ("constraints.txt", True),
        ("requirements/base.txt", True),
        ("requirements.in", True),
        ("README.txt", False),
        ("MANIFEST.in", False),
        ("setup.cfg.in", False),
        (".in", False),
    ],
)
def test_requirements_names(path: str, claimed: bool) -> None:
    assert is_requirements(PurePosixPath(path)) is claimed


def test_pyproject_name() -> None:
    assert is_pyproject(PurePosixPath("services/api/pyproject.toml")) is True
    assert is_pyproject(PurePosixPath("pyproject.toml.orig")) is False
