"""``depcheck serve`` settings: flags over environment variables over defaults, bad values refused."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from depcheck.errors import UsageError
from depcheck.server.config import ServerConfig, server_config
from depcheck.server.security import DEFAULT_IMAGE_REGISTRIES


def args(**values: object) -> argparse.Namespace:
    defaults: dict[str, object] = {
        "host": None,
        "port": None,
        "config": None,
        "cache": None,
        "json_logs": False,
        "index_url": None,
        "docker_hub_url": None,
        "offline": False,
        "cache_dir": None,
        "no_cache": False,
        "python": None,
        "min_age": None,
        "strategy": None,
    }
    defaults.update(values)
    return argparse.Namespace(**defaults)


def test_defaults() -> None:
    config = server_config(args(), {})
    assert config == ServerConfig()
    assert (config.host, config.port, config.max_body, config.tokens) == ("127.0.0.1", 8080, 1048576, ())
    assert config.allowed_registries == DEFAULT_IMAGE_REGISTRIES


def test_environment_variables(tmp_path: Path) -> None:
    tokens_file = tmp_path / "tokens"
    tokens_file.write_text("from-file-0123456789\n", encoding="utf-8")
    environ = {
        "DEPCHECK_HOST": "0.0.0.0",
        "DEPCHECK_PORT": "9000",
        "DEPCHECK_TOKENS": "a-0123456789abcdef, b-0123456789abcdef",
        "DEPCHECK_TOKENS_FILE": str(tokens_file),
        "DEPCHECK_MAX_BODY": "64k",
        "DEPCHECK_MAX_FILES": "5",
        "DEPCHECK_MAX_LINES": "500",
        "DEPCHECK_RATE_LIMIT": "0",
        "DEPCHECK_RATE_BURST": "3",
        "DEPCHECK_REQUEST_TIMEOUT": "2.5",
        "DEPCHECK_SHUTDOWN_TIMEOUT": "4",
        "DEPCHECK_ALLOWED_REGISTRIES": "https://index.example/simple, ghcr.io",
        "DEPCHECK_ALLOW_PRIVATE_REGISTRIES": "yes",
        "DEPCHECK_TRUST_FORWARDED": "1",
        "DEPCHECK_CACHE": "redis://cache.internal:6379/2",
        "DEPCHECK_CACHE_TTL": "60",
        "DEPCHECK_INDEX_URL": "https://index.example/simple",
        "DEPCHECK_JSON_LOGS": "true",
    }
    config = server_config(args(), environ)
    assert (config.host, config.port) == ("0.0.0.0", 9000)
    assert config.tokens == ("a-0123456789abcdef", "b-0123456789abcdef", "from-file-0123456789")
    assert (config.max_body, config.max_files, config.max_lines) == (65536, 5, 500)
    assert (config.rate_limit, config.rate_burst) == (0.0, 3)
    assert (config.request_timeout, config.shutdown_timeout) == (2.5, 4.0)
    assert config.allowed_registries == ("https://index.example/simple", "ghcr.io")
    assert (config.allow_private_registries, config.trust_forwarded, config.json_logs) == (True, True, True)
    assert (config.cache, config.cache_ttl) == ("redis://cache.internal:6379/2", 60.0)
    assert config.index_url == "https://index.example/simple"


def test_extra_indexes_from_the_configuration_the_environment_and_flags(tmp_path: Path) -> None:
    config_file = tmp_path / "depcheck.toml"
    config_file.write_text('extra-index-urls = ["https://file.example/simple"]\n', encoding="utf-8")
    environ = {"DEPCHECK_EXTRA_INDEX_URLS": "https://env-a.example/simple  https://env-b.example/simple"}
    config = server_config(
        args(config=str(config_file), extra_index_url=["https://flag.example/simple"]), environ
    )
    assert config.project.extra_index_urls == (
        "https://file.example/simple",
        "https://flag.example/simple",
        "https://env-a.example/simple",
        "https://env-b.example/simple",
    )
    assert server_config(args(), {}).project.extra_index_urls == ()


def test_a_bad_extra_index_is_a_usage_error_naming_the_option() -> None:
    with pytest.raises(
        UsageError, match=r'^DEPCHECK_EXTRA_INDEX_URLS: expected an http, https or file URL, got "not-a-url"$'
    ):
        server_config(args(), {"DEPCHECK_EXTRA_INDEX_URLS": "https://ok.example/simple not-a-url"})
    with pytest.raises(
        UsageError, match=r"^command line: --extra-index-url: expected an http, https or file URL"
    ):
        server_config(args(extra_index_url=["ftp://x"]), {})


def test_flags_win_over_the_environment() -> None:
    environ = {"DEPCHECK_PORT": "9000", "DEPCHECK_HOST": "0.0.0.0", "DEPCHECK_CACHE": "/var/cache/a"}
    config = server_config(args(port=7000, host="::1", cache="/tmp/b"), environ)
    assert (config.host, config.port, config.cache) == ("::1", 7000, "/tmp/b")


def test_policy_defaults_from_flags() -> None:
    config = server_config(args(python="3.11", min_age="7d", strategy="latest"), {})
    policy = config.project.policy()
    assert (str(policy.python), str(policy.min_age), policy.strategy.value) == (
        "3.11",
        "7 days, 0:00:00",
        "latest",
    )


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DEPCHECK_PORT": "eighty"}, "--port/DEPCHECK_PORT: expected a number, got 'eighty'"),
        ({"DEPCHECK_PORT": "70000"}, "--port/DEPCHECK_PORT: 70000 is not a TCP port"),
        ({"DEPCHECK_MAX_FILES": "0"}, "DEPCHECK_MAX_FILES: '0' is out of range"),
        ({"DEPCHECK_RATE_LIMIT": "-1"}, "DEPCHECK_RATE_LIMIT: '-1' is out of range"),
        ({"DEPCHECK_REQUEST_TIMEOUT": "nan"}, "DEPCHECK_REQUEST_TIMEOUT: 'nan' is out of range"),
        (
            {"DEPCHECK_JSON_LOGS": "maybe"},
            "DEPCHECK_JSON_LOGS: expected 1/0, true/false, yes/no or on/off, got 'maybe'",
        ),
        (
            {"DEPCHECK_ALLOWED_REGISTRIES": "ftp://x"},
            "DEPCHECK_ALLOWED_REGISTRIES: 'ftp://x': an allowed registry URL must be http(s)://host[/path]",
        ),
        (
            {"DEPCHECK_TOKENS_FILE": "/nonexistent/tokens"},
            "DEPCHECK_TOKENS_FILE: /nonexistent/tokens: cannot read",
        ),
    ],
)
def test_bad_values_are_usage_errors(environ: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        server_config(args(), environ)
    assert str(raised.value).startswith(message)
