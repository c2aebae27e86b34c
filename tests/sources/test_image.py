"""Image references split the way Docker splits them (distribution/reference normalisation)."""

from __future__ import annotations

import pytest

from depcheck.model import Ecosystem, Role, Span, SpanRole
from depcheck.sources.document import Document
from depcheck.sources.expansion import DOCKERFILE, Sourced, expand_traced
from depcheck.sources.image import (
    FixSpan,
    ImageRef,
    InvalidImageReference,
    fix_span,
    image_dependency,
    parse_image_ref,
)

DIGEST = "sha256:eb85fc5b1198f5e1ec025ea07586bdbbf397e7d82df66c90d7511f533517e063"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("node", ImageRef("node", None, "library/node")),
        ("python:3.12-slim", ImageRef("python", None, "library/python", "3.12-slim")),
        (f"node@{DIGEST}", ImageRef("node", None, "library/node", None, DIGEST)),
        (f"node:8.9.0@{DIGEST}", ImageRef("node", None, "library/node", "8.9.0", DIGEST)),
        ("amd64/ubuntu:18.04", ImageRef("amd64/ubuntu", None, "amd64/ubuntu", "18.04")),
        # docker.io and index.docker.io are Docker Hub; the name keeps what was written.
        (
            "docker.io/library/debian:10",
            ImageRef("docker.io/library/debian", None, "library/debian", "10"),
        ),
        ("docker.io/python", ImageRef("docker.io/python", None, "library/python")),
        ("docker.io/myreg/ubuntu:17.04", ImageRef("docker.io/myreg/ubuntu", None, "myreg/ubuntu", "17.04")),
        (
            "index.docker.io/library/redis:7",
            ImageRef("index.docker.io/library/redis", None, "library/redis", "7"),
        ),
        # A first component with '.' or ':' or named localhost is a registry host; ports are kept.
        ("localhost:5000/app:1.0", ImageRef("localhost:5000/app", "localhost:5000", "app", "1.0")),
        (
            "localhost/quay-local:latest",
            ImageRef("localhost/quay-local", "localhost", "quay-local", "latest"),
        ),
        (
            "registry2.something.info:5005/node:8",
            ImageRef("registry2.something.info:5005/node", "registry2.something.info:5005", "node", "8"),
        ),
        ("quay.io:1234/node", ImageRef("quay.io:1234/node", "quay.io:1234", "node")),
        (
            "registry-host.io:5000/myreg/ubuntu:someRepo_19700101.4",
            ImageRef(
                "registry-host.io:5000/myreg/ubuntu",
                "registry-host.io:5000",
                "myreg/ubuntu",
                "someRepo_19700101.4",
            ),
        ),
        (
            "ghcr.io/astral-sh/uv:0.9.26",
            ImageRef("ghcr.io/astral-sh/uv", "ghcr.io", "astral-sh/uv", "0.9.26"),
        ),
        (
            "gcr.io/distroless/static-debian11:nonroot@" + DIGEST,
            ImageRef(
                "gcr.io/distroless/static-debian11", "gcr.io", "distroless/static-debian11", "nonroot", DIGEST
            ),
        ),
        (
            "hub.docker.io/debian:latest",
            ImageRef("hub.docker.io/debian", "hub.docker.io", "debian", "latest"),
        ),
        ("[::1]:5000/app:2", ImageRef("[::1]:5000/app", "[::1]:5000", "app", "2")),
        # Docker Hub namespaces are lowercase, so an uppercase first component is a host.
        ("Registry/app:1", ImageRef("Registry/app", "Registry", "app", "1")),
        ("a__b/c-d--e.f:1.0", ImageRef("a__b/c-d--e.f", None, "a__b/c-d--e.f", "1.0")),
    ],
)
def test_references_split_like_docker(text: str, expected: ImageRef) -> None:
    image = parse_image_ref(text)
    assert image == expected
    assert image.reference == text
    assert str(image) == text


def test_docker_hub_flag() -> None:
    assert parse_image_ref("python").on_docker_hub is True
    assert parse_image_ref("ghcr.io/astral-sh/uv").on_docker_hub is False


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the image reference is empty"),
        ("python 3", "an image reference cannot contain whitespace"),
        ("Python:3", "repository name 'Python' must be lowercase"),
        ("python:", "invalid tag ''"),
        ("python:-slim", "invalid tag '-slim'"),
        ("python:" + "1" * 129, "invalid tag"),
        ("python@sha256:abc", "invalid digest 'sha256:abc'"),
        ("python@sha256:" + "a" * 40, "a sha256 digest has 64 hex digits"),
        ("python@md5", "invalid digest 'md5'"),
        (":3.12", "the image name is empty"),
        ("x:y:z", "invalid repository path component 'x:y'"),
        ("ubuntu/", "invalid repository path component ''"),
        ("a//b", "invalid repository path component ''"),
        ("-bad", "invalid repository path component '-bad'"),
        ("a" * 64, "a 64-character hexadecimal string is an image id"),
        ("bad_host.io_/app", "invalid registry host 'bad_host.io_'"),
        ("a/" + "b" * 260, "longer than 255 characters"),
    ],
)
def test_invalid_references_say_why(text: str, reason: str) -> None:
    with pytest.raises(InvalidImageReference) as caught:
        parse_image_ref(text)
    assert reason in caught.value.reason
    assert caught.value.reference == text
    assert isinstance(caught.value, ValueError)


def test_non_sha256_digest_of_at_least_32_hex_digits_is_accepted() -> None:
    image = parse_image_ref("app@custom:" + "0" * 32)
    assert image.digest == "custom:" + "0" * 32


def test_image_dependency_carries_parts_location_and_span() -> None:
    text = "FROM --platform=linux/amd64 ghcr.io/astral-sh/uv:0.9.26 AS uv\n"
    document = Document.from_text("Dockerfile", text)
    start = text.index("ghcr.io")
    end = start + len("ghcr.io/astral-sh/uv:0.9.26")
    dependency = image_dependency(
        document,
        start,
        end,
        "ghcr.io/astral-sh/uv:0.9.26",
        role=Role.IMAGE,
        section="stage uv",
        span_role=SpanRole.REFERENCE,
        platform="linux/amd64",
    )
    assert dependency.ecosystem is Ecosystem.DOCKER
    assert (dependency.name, dependency.registry, dependency.repository) == (
        "ghcr.io/astral-sh/uv",
        "ghcr.io",
        "astral-sh/uv",
    )
    assert (dependency.tag, dependency.digest, dependency.platform) == ("0.9.26", None, "linux/amd64")
    assert dependency.text == "ghcr.io/astral-sh/uv:0.9.26"
    assert (dependency.location.line, dependency.location.column) == (1, 29)
    assert dependency.location.section == "stage uv"
    assert dependency.location.span == Span(28, 55)
    assert document.raw[28:55] == b"ghcr.io/astral-sh/uv:0.9.26"


def test_image_dependency_span_may_lie_elsewhere_than_the_location() -> None:
    text = "ARG PY=3.12\nFROM python:${PY}\n"
    document = Document.from_text("Dockerfile", text)
    start = text.index("python")
    tag = text.index("3.12")
    dependency = image_dependency(
        document,
        start,
        start + len("python:${PY}"),
        "python:3.12",
        role=Role.IMAGE,
        section="stage 0",
        span_role=SpanRole.TAG,
        span=(tag, tag + 4),
    )
    assert (dependency.location.line, dependency.location.column) == (2, 6)
    span = dependency.location.span
    assert span is not None
    assert document.raw[span.start : span.end] == b"3.12"
    assert dependency.location.span_role is SpanRole.TAG


def test_unresolved_image_dependency_is_not_parsed() -> None:
    document = Document.from_text("Dockerfile", "FROM $BASE\n")
    dependency = image_dependency(
        document,
        5,
        10,
        "$BASE",
        role=Role.IMAGE,
        section="stage 0",
        span_role=SpanRole.REFERENCE,
        unresolved="ARG BASE has no value",
    )
    assert dependency.name == "$BASE"
    assert dependency.unresolved == "ARG BASE has no value"
    assert dependency.location.span is None
    assert dependency.repository is None


def test_image_dependency_raises_for_an_invalid_reference() -> None:
    document = Document.from_text("Dockerfile", "FROM UPPER\n")
    with pytest.raises(InvalidImageReference):
        image_dependency(
            document, 5, 10, "UPPER", role=Role.IMAGE, section=None, span_role=SpanRole.REFERENCE
        )


def test_image_dependency_carries_the_span_affixes_and_source() -> None:
    text = "ARG PY=3.12\nFROM python:${PY}-slim\n"
    document = Document.from_text("Dockerfile", text)
    start = text.index("python")
    dependency = image_dependency(
        document,
        start,
        start + len("python:${PY}-slim"),
        "python:3.12-slim",
        role=Role.IMAGE,
        section="stage 0",
        span_role=SpanRole.TAG,
        span=(7, 11),
        span_affixes=("", "-slim"),
        span_source="ARG PY",
    )
    assert dependency.location.span == Span(7, 11)
    assert (dependency.location.span_affixes, dependency.location.span_source) == (("", "-slim"), "ARG PY")


def spans(text: str, word: str, values: dict[str, Sourced]) -> FixSpan | None:
    document = Document.from_text("Dockerfile", text)
    start = text.index(word)
    resolved, substitutions = expand_traced(
        Sourced.at(word, start), values.get, DOCKERFILE, lambda name: f"{name} has no value"
    )
    return fix_span(document, resolved, parse_image_ref(resolved.text), substitutions)


def test_fix_span_over_the_one_variable_that_feeds_part_of_the_tag() -> None:
    text = "ARG PY=3.12\nFROM python:v${PY}-slim@" + "sha256:" + "a" * 64 + "\n"
    word = "python:v${PY}-slim@sha256:" + "a" * 64
    fix = spans(text, word, {"PY": Sourced.at("3.12", 7)})
    assert fix is not None
    assert (fix.start, fix.end, fix.role, fix.affixes) == (7, 11, SpanRole.TAG, ("v", "-slim"))
    assert fix.variable is not None
    assert fix.variable.name == "PY"


def test_fix_span_refuses_a_tag_from_two_variables_or_from_outside_the_file() -> None:
    text = "ARG A=3\nARG B=12\nFROM python:${A}.${B}\n"
    assert spans(text, "python:${A}.${B}", {"A": Sourced.at("3", 6), "B": Sourced.at("12", 14)}) is None
    text = "FROM python:${PY}-slim\n"
    assert spans(text, "python:${PY}-slim", {"PY": Sourced.detached("3.12")}) is None
