"""A spliced TOML or YAML file must still load, with only the intended values changed."""

from __future__ import annotations

import re

import pytest

from depcheck.fix.edits import apply_edits, plan_edits
from depcheck.fix.errors import ReadbackError
from depcheck.fix.readback import check_readback
from depcheck.model import SpanRole
from tests.fix.findings import finding_at

PYPROJECT = b"""\xef\xbb\xbf[project]
name = "demo"
dependencies = [
    "httpx[http2]>=0.27; python_version > '3.8'",  # http client
    'rich',
]

[tool.poetry.dependencies]
requests = {version = "^2.31", extras = ["socks"]}
"""


def spliced(path: str, raw: bytes, *findings):
    plan = plan_edits(findings, read=lambda shown: raw)
    edits = plan.edits[path]
    return apply_edits(raw, edits), edits


def test_pyproject_edits_that_change_only_the_values_pass():
    new, edits = spliced(
        "pyproject.toml",
        PYPROJECT,
        finding_at("pyproject.toml", PYPROJECT, "httpx[http2]>=0.27", "httpx[http2]==0.28.1"),
        finding_at("pyproject.toml", PYPROJECT, "rich", "rich==13.9.4", rule="unpinned"),
        finding_at("pyproject.toml", PYPROJECT, "^2.31", "2.32.3", role=SpanRole.VERSION),
    )

    check_readback("pyproject.toml", PYPROJECT, new, edits)

    assert new == PYPROJECT.replace(b"httpx[http2]>=0.27", b"httpx[http2]==0.28.1").replace(
        b"'rich'", b"'rich==13.9.4'"
    ).replace(b'"^2.31"', b'"2.32.3"')


def test_a_replacement_that_breaks_the_quoting_is_caught():
    new, edits = spliced(
        "pyproject.toml",
        PYPROJECT,
        finding_at("pyproject.toml", PYPROJECT, "^2.31", '2.32.3", x = "1', role=SpanRole.VERSION),
    )

    with pytest.raises(ReadbackError, match="the fix would change the document's keys"):
        check_readback("pyproject.toml", PYPROJECT, new, edits)


def test_a_splice_that_breaks_the_syntax_is_caught():
    new, edits = spliced(
        "pyproject.toml",
        PYPROJECT,
        finding_at("pyproject.toml", PYPROJECT, "^2.31", '2.32.3"', role=SpanRole.VERSION),
    )

    with pytest.raises(ReadbackError, match=r"^pyproject.toml: would not be valid TOML after the fix"):
        check_readback("pyproject.toml", PYPROJECT, new, edits)


def test_a_span_on_a_comment_changes_no_value_and_is_caught():
    new, edits = spliced(
        "pyproject.toml",
        PYPROJECT,
        finding_at("pyproject.toml", PYPROJECT, "http client", "http client 2"),
    )

    with pytest.raises(ReadbackError) as caught:
        check_readback("pyproject.toml", PYPROJECT, new, edits)
    assert str(caught.value) == (
        "pyproject.toml:4: the edit 'http client' -> 'http client 2' changes no value; nothing was written"
    )


def test_a_span_on_a_key_is_caught():
    new, edits = spliced(
        "pyproject.toml",
        PYPROJECT,
        finding_at("pyproject.toml", PYPROJECT, "requests", "requests2", role=SpanRole.VERSION),
    )

    with pytest.raises(ReadbackError, match=r"keys \(tool.poetry.dependencies.requests"):
        check_readback("pyproject.toml", PYPROJECT, new, edits)


def test_a_value_that_reads_back_differently_is_caught():
    # A basic string with an escape: the raw text under the span is not what tomllib reads.
    raw = b'[project]\ndependencies = ["pkg\\u003e=1"]\n'
    new, edits = spliced("pyproject.toml", raw, finding_at("pyproject.toml", raw, "pkg\\u003e=1", "pkg==1.2"))

    with pytest.raises(
        ReadbackError,
        match=re.escape("project.dependencies.0 would read back as 'pkg==1.2' instead of 'pkg>=1'"),
    ):
        check_readback("pyproject.toml", raw, new, edits)


COMPOSE = b"""x-base: &base
  image: "python:${PY_TAG:-3.12}-slim"
services:
  api:
    <<: *base
  worker:
    image: redis:latest
    ports: !reset []
"""


def test_compose_default_and_anchor_read_back():
    new, edits = spliced(
        "compose.yaml",
        COMPOSE,
        finding_at("compose.yaml", COMPOSE, "3.12", "3.12.7", rule="floating-tag", role=SpanRole.TAG),
        finding_at(
            "compose.yaml", COMPOSE, "redis:latest", "redis:7.4.1", rule="latest-tag", role=SpanRole.REFERENCE
        ),
    )

    check_readback("compose.yaml", COMPOSE, new, edits)

    assert new == COMPOSE.replace(b"-3.12}", b"-3.12.7}").replace(b"redis:latest", b"redis:7.4.1")


def test_broken_yaml_is_caught():
    new, edits = spliced(
        "docker-compose.yml",
        COMPOSE,
        finding_at(
            "docker-compose.yml",
            COMPOSE,
            "redis:latest",
            "redis: [7",
            rule="latest-tag",
            role=SpanRole.REFERENCE,
        ),
    )

    with pytest.raises(ReadbackError, match="would not be valid YAML after the fix"):
        check_readback("docker-compose.yml", COMPOSE, new, edits)


def test_requirements_and_dockerfiles_are_not_loaded_here():
    check_readback("requirements.txt", b"a>=1\n", b"a==1.2\n", [])
    check_readback("Dockerfile", b"FROM x\n", b"FROM x:1\n", [])
