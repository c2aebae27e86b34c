"""The settings every command shares: which extra indexes and find-links locations a run asks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from depcheck.cli import build_parser
from depcheck.commands.common import Settings, load_settings


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder as the working directory, with no pip configuration of this machine in sight."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    (tmp_path / ".git").mkdir()
    return tmp_path


def settings(*argv: str) -> Settings:
    return load_settings(build_parser().parse_args(["audit", *argv]))


def test_the_option_is_repeatable_and_adds_to_the_configuration(project: Path) -> None:
    (project / "depcheck.toml").write_text('extra-index-urls = ["https://private.example/simple"]\n')

    chosen = settings(
        "--extra-index-url",
        "https://team.example/simple",
        "--extra-index-url",
        "https://private.example/simple",
    )

    assert chosen.extra_index_urls == ("https://private.example/simple", "https://team.example/simple")


def test_pips_extra_indexes_come_with_pips_index(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "PIP_EXTRA_INDEX_URL", "https://pip-extra.example/simple https://pip-more.example/simple"
    )

    chosen = settings("--extra-index-url", "https://team.example/simple")

    assert chosen.extra_index_urls == (
        "https://team.example/simple",
        "https://pip-extra.example/simple",
        "https://pip-more.example/simple",
    )


def test_a_run_told_the_index_sets_pips_extra_indexes_aside(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "https://pip-extra.example/simple")

    assert settings("--index-url", "https://mirror.example/simple").extra_index_urls == ()
    (project / "depcheck.toml").write_text('index-url = "https://mirror.example/simple"\n')
    assert settings().extra_index_urls == ()


def test_find_links_from_the_option_then_pips_when_no_index_is_told(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_FIND_LINKS", "/opt/wheels https://wheels.example/links.html")

    assert settings("--find-links", "./wheels", "--find-links", "/opt/wheels").find_links == (
        "./wheels",
        "/opt/wheels",
        "https://wheels.example/links.html",
    )
    # Told the index, a run is told the whole list: pip's own find-links are set aside too.
    assert settings("--index-url", "https://mirror.example/simple").find_links == ()
    assert settings("--index-url", "https://mirror.example/simple", "--find-links", "w").find_links == ("w",)


def test_find_links_from_the_configuration_follow_the_options_and_stay_when_the_index_is_told(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_FIND_LINKS", "/opt/wheels")
    (project / "depcheck.toml").write_text('find-links = ["wheels", "https://wheels.example/links.html"]\n')

    assert settings("--find-links", "./mine").find_links == (
        "./mine",
        str(project.absolute() / "wheels"),
        "https://wheels.example/links.html",
        "/opt/wheels",
    )
    # The configuration is depcheck's own word, like --find-links: a told index keeps it.
    assert settings("--index-url", "https://mirror.example/simple").find_links == (
        str(project.absolute() / "wheels"),
        "https://wheels.example/links.html",
    )
