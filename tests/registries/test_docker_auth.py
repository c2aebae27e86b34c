"""Registry credentials read from a Docker config file and credential helpers (never logged)."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
from pathlib import Path

import pytest

from depcheck.registries.docker_auth import (
    HUB_SERVER_URL,
    Credentials,
    DockerCredentials,
    default_config_path,
    normalise_host,
)


def write_config(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def encoded(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def install_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, script: str) -> Path:
    """A ``docker-credential-<name>`` shell script on PATH; it records the server URL it was asked for."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    program = folder / f"docker-credential-{name}"
    program.write_text(
        f"#!/bin/sh\nread server\nprintf '%s' \"$server\" > '{tmp_path}/asked-{name}'\n{script}\n"
    )
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / f"asked-{name}"


def test_an_auths_entry_with_base64_auth(tmp_path: Path) -> None:
    config = write_config(
        tmp_path, {"auths": {"ghcr.io": {"auth": encoded("octocat", "ghp_token:with:colons")}}}
    )
    assert DockerCredentials(config).lookup("ghcr.io") == Credentials("octocat", "ghp_token:with:colons")


def test_auths_keys_may_be_full_urls(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        {
            "auths": {
                "https://registry.example.com:5000/v2/": {"username": "deploy", "password": "pw"},
                HUB_SERVER_URL: {"auth": encoded("hubuser", "hubpat")},
            }
        },
    )
    credentials = DockerCredentials(config)
    assert credentials.lookup("registry.example.com:5000") == Credentials("deploy", "pw")
    assert credentials.lookup(None) == Credentials("hubuser", "hubpat")
    assert credentials.lookup("docker.io") == Credentials("hubuser", "hubpat")
    assert credentials.lookup("quay.io") is None


def test_a_credential_helper_on_path_is_asked_with_the_server_url_on_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = install_helper(
        tmp_path,
        monkeypatch,
        "fake",
        """printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}' "$server\"""",
    )
    config = write_config(
        tmp_path, {"credHelpers": {"ghcr.io": "fake"}, "auths": {"ghcr.io": {"auth": encoded("file", "x")}}}
    )
    assert DockerCredentials(config).lookup("ghcr.io") == Credentials("helper-user", "helper-secret")
    assert asked.read_text() == "ghcr.io"


def test_the_hub_is_asked_of_a_helper_under_its_v1_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = install_helper(tmp_path, monkeypatch, "store", """echo '{"Username":"hub","Secret":"pat"}'""")
    config = write_config(tmp_path, {"credsStore": "store"})
    assert DockerCredentials(config).lookup(None) == Credentials("hub", "pat")
    assert asked.read_text() == HUB_SERVER_URL


def test_a_helper_that_fails_falls_back_to_auths_then_anonymous(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    install_helper(
        tmp_path, monkeypatch, "broken", "echo 'credentials not found in native keychain' >&2; exit 1"
    )
    config = write_config(
        tmp_path, {"credsStore": "broken", "auths": {"quay.io": {"auth": encoded("robot", "quay-secret")}}}
    )
    credentials = DockerCredentials(config)
    with caplog.at_level(logging.DEBUG, logger="depcheck.registries.docker_auth"):
        assert credentials.lookup("quay.io") == Credentials("robot", "quay-secret")
        assert credentials.lookup("ghcr.io") is None
    assert "docker-credential-broken has no credentials for ghcr.io (exit 1)" in caplog.text


def test_a_missing_helper_means_anonymous(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = write_config(tmp_path, {"credHelpers": {"gcr.io": "not-installed-anywhere"}})
    with caplog.at_level(logging.DEBUG, logger="depcheck.registries.docker_auth"):
        assert DockerCredentials(config).lookup("gcr.io") is None
    assert "docker-credential-not-installed-anywhere is not installed" in caplog.text


def test_secrets_are_never_logged_nor_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    install_helper(
        tmp_path, monkeypatch, "fake", """echo '{"Username":"u","Secret":"helper-secret-value"}'"""
    )
    config = write_config(
        tmp_path,
        {
            "credHelpers": {"ghcr.io": "fake"},
            "auths": {"quay.io": {"auth": encoded("robot", "file-secret-value")}},
        },
    )
    credentials = DockerCredentials(config)
    with caplog.at_level(logging.DEBUG):
        found = [credentials.lookup("ghcr.io"), credentials.lookup("quay.io")]
    assert "secret-value" not in caplog.text
    assert "secret-value" not in repr(found)
    assert repr(found[0]) == "Credentials(username='u')"


def test_an_identity_token_alone_means_anonymous(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"auths": {"myreg.azurecr.io": {"identitytoken": "eyJ..."}}})
    assert DockerCredentials(config).lookup("myreg.azurecr.io") is None


def test_an_unreadable_config_is_reported_and_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = tmp_path / "config.json"
    config.write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert DockerCredentials(config).lookup("ghcr.io") is None
    assert f"cannot read Docker config {config}" in caplog.text


def test_a_bad_auth_value_is_reported_and_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = write_config(tmp_path, {"auths": {"ghcr.io": {"auth": "%%%not-base64"}}})
    with caplog.at_level(logging.WARNING):
        assert DockerCredentials(config).lookup("ghcr.io") is None
    assert "the Docker config auth entry for ghcr.io is not base64 of user:password; ignored" in caplog.text


def test_no_config_file_means_anonymous(tmp_path: Path) -> None:
    assert DockerCredentials(tmp_path / "missing.json").lookup("ghcr.io") is None


def test_the_config_path_follows_docker_config(tmp_path: Path) -> None:
    assert default_config_path({"DOCKER_CONFIG": str(tmp_path)}) == tmp_path / "config.json"
    assert default_config_path({}) == Path.home() / ".docker" / "config.json"


@pytest.mark.parametrize(
    ("key", "host"),
    [
        ("https://index.docker.io/v1/", "docker.io"),
        ("index.docker.io", "docker.io"),
        ("registry-1.docker.io", "docker.io"),
        ("https://GHCR.io", "ghcr.io"),
        ("http://localhost:5000/v2/", "localhost:5000"),
        ("registry.example.com:5000", "registry.example.com:5000"),
    ],
)
def test_keys_are_compared_by_host(key: str, host: str) -> None:
    assert normalise_host(key) == host
