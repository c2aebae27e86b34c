"""Which index is asked when nobody named one: pip's environment, pip's files, pip's default."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from depcheck.registries.config import (
    IndexConfigError,
    default_index_url,
    pip_builtin_index_url,
    pip_config_files,
    pip_extra_index_urls,
    pip_find_links,
    pip_index_url,
)


@pytest.fixture(autouse=True)
def no_system_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine's /etc files must not leak into the tests."""
    monkeypatch.setattr(
        "depcheck.registries.config.SYSTEM_PIP_FILES",
        (tmp_path / "etc/xdg/pip/pip.conf", tmp_path / "etc/pip.conf"),
    )


def isolated_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment whose home, XDG dirs and virtualenv are all under ``tmp_path``."""
    env = {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_DIRS": str(tmp_path / "etc-xdg"),
        "VIRTUAL_ENV": str(tmp_path / "venv"),
    }
    env.update(extra)
    return env


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_pip_index_url_in_the_environment_wins(tmp_path: Path) -> None:
    write(tmp_path / "home/.config/pip/pip.conf", "[global]\nindex-url = https://files.example/simple\n")
    env = isolated_env(tmp_path, PIP_INDEX_URL="https://env.example/simple")
    assert pip_index_url(env) == "https://env.example/simple"


def test_install_section_overrides_global(tmp_path: Path) -> None:
    write(
        tmp_path / "home/.config/pip/pip.conf",
        "[global]\nindex-url = https://global.example/simple\n[install]\nindex-url = https://install.example/simple\n",
    )
    assert pip_index_url(isolated_env(tmp_path)) == "https://install.example/simple"


def test_later_files_override_earlier_ones(tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    write(tmp_path / "etc-xdg/pip/pip.conf", "[global]\nindex-url = https://xdg.example/simple\n")
    assert pip_index_url(env) == "https://xdg.example/simple"
    write(tmp_path / "etc/pip.conf", "[global]\nindex-url = https://site-wide.example/simple\n")
    assert pip_index_url(env) == "https://site-wide.example/simple"
    write(tmp_path / "home/.pip/pip.conf", "[global]\nindex-url = https://legacy-user.example/simple\n")
    assert pip_index_url(env) == "https://legacy-user.example/simple"
    write(tmp_path / "home/.config/pip/pip.conf", "[global]\nindex_url = https://user.example/simple\n")
    assert pip_index_url(env) == "https://user.example/simple"
    write(tmp_path / "venv/pip.conf", "[global]\nindex-url = https://venv.example/simple\n")
    assert pip_index_url(env) == "https://venv.example/simple"


def test_pip_config_file_is_read_last_and_hides_the_user_files(tmp_path: Path) -> None:
    write(tmp_path / "home/.config/pip/pip.conf", "[global]\nindex-url = https://user.example/simple\n")
    explicit = write(tmp_path / "ci/pip.conf", "[install]\nindex-url = https://ci.example/simple\n")
    env = isolated_env(tmp_path, PIP_CONFIG_FILE=str(explicit))
    assert pip_index_url(env) == "https://ci.example/simple"
    assert tmp_path / "home/.config/pip/pip.conf" not in pip_config_files(env)


def test_pip_config_file_devnull_disables_every_file(tmp_path: Path) -> None:
    write(tmp_path / "home/.config/pip/pip.conf", "[global]\nindex-url = https://user.example/simple\n")
    env = isolated_env(tmp_path, PIP_CONFIG_FILE=os.devnull)
    assert pip_config_files(env) == []
    assert pip_index_url(env) is None


def test_the_file_order_is_pips(tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    assert pip_config_files(env) == [
        tmp_path / "etc-xdg/pip/pip.conf",
        tmp_path / "etc/xdg/pip/pip.conf",
        tmp_path / "etc/pip.conf",
        tmp_path / "home/.pip/pip.conf",
        tmp_path / "home/.config/pip/pip.conf",
        tmp_path / "venv/pip.conf",
    ]


def test_a_broken_file_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path / "home/.pip/pip.conf", "[global]\nindex-url = https://good.example/simple\n")
    write(tmp_path / "home/.config/pip/pip.conf", "index-url without a section\n")
    assert pip_index_url(isolated_env(tmp_path)) == "https://good.example/simple"
    assert "cannot read pip configuration" in caplog.text


def test_without_configuration_pips_own_default_is_used(tmp_path: Path) -> None:
    from pip._internal.models.index import PyPI

    env = {**isolated_env(tmp_path), "PIP_CONFIG_FILE": os.devnull}
    assert default_index_url(env) == PyPI.simple_url


def test_without_pip_and_configuration_the_error_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pip._internal.models.index", None)
    with pytest.raises(IndexConfigError, match="pass --index-url, set PIP_INDEX_URL or install pip"):
        pip_builtin_index_url()


# --- extra indexes: read the same way ------------------------------------------------------------


def test_pip_extra_index_url_in_the_environment_is_split_on_whitespace(tmp_path: Path) -> None:
    write(
        tmp_path / "home/.config/pip/pip.conf", "[global]\nextra-index-url = https://files.example/simple\n"
    )
    env = isolated_env(
        tmp_path, PIP_EXTRA_INDEX_URL=" https://one.example/simple\thttps://two.example/simple  "
    )
    assert pip_extra_index_urls(env) == ("https://one.example/simple", "https://two.example/simple")


def test_extra_index_urls_in_a_file_may_span_continuation_lines(tmp_path: Path) -> None:
    write(
        tmp_path / "home/.config/pip/pip.conf",
        "[global]\nextra-index-url =\n    https://one.example/simple\n    https://two.example/simple\n",
    )
    assert pip_extra_index_urls(isolated_env(tmp_path)) == (
        "https://one.example/simple",
        "https://two.example/simple",
    )


def test_the_highest_precedence_extra_index_url_replaces_the_others(tmp_path: Path) -> None:
    # pip keeps one value per setting: [install] over [global], a later file over an earlier one.
    write(tmp_path / "etc/pip.conf", "[global]\nextra-index-url = https://site-wide.example/simple\n")
    write(
        tmp_path / "home/.config/pip/pip.conf",
        "[global]\nextra_index_url = https://global.example/simple\n"
        "[install]\nextra-index-url = https://install.example/simple\n",
    )
    assert pip_extra_index_urls(isolated_env(tmp_path)) == ("https://install.example/simple",)


def test_an_empty_pip_extra_index_url_is_ignored_as_pip_ignores_it(tmp_path: Path) -> None:
    write(tmp_path / "venv/pip.conf", "[global]\nextra-index-url = https://venv.example/simple\n")
    env = isolated_env(tmp_path, PIP_EXTRA_INDEX_URL="  ")
    assert pip_extra_index_urls(env) == ("https://venv.example/simple",)


def test_no_extra_index_configured(tmp_path: Path) -> None:
    write(tmp_path / "home/.config/pip/pip.conf", "[global]\nindex-url = https://user.example/simple\n")
    assert pip_extra_index_urls(isolated_env(tmp_path)) == ()
    assert pip_extra_index_urls(isolated_env(tmp_path, PIP_CONFIG_FILE=os.devnull)) == ()


def test_pip_find_links_from_the_environment_else_the_config_files(tmp_path: Path) -> None:
    write(tmp_path / "home/.config/pip/pip.conf", "[global]\nfind-links =\n    /opt/wheels\n    /srv/more\n")
    assert pip_find_links(isolated_env(tmp_path)) == ("/opt/wheels", "/srv/more")
    assert pip_find_links(isolated_env(tmp_path, PIP_FIND_LINKS="https://w.example/ /opt/wheels")) == (
        "https://w.example/",
        "/opt/wheels",
    )
