"""Dockerfiles read the way BuildKit reads them, every reference located to the byte.

The numbered cases are the Dockerfile evaluation set of the peers survey (Renovate and Dependabot
fixtures, shared/reference/peers-renovate-dependabot.md section 3); where Docker itself builds a
file differently from how a peer reads it, the test follows Docker and says so.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from pathlib import Path, PurePath

import pytest

from depcheck.model import Dependency, Ecosystem, ParseResult, Role, SpanRole
from depcheck.sources.dockerfile import DockerfileSource
from depcheck.sources.document import Document
from depcheck.sources.interface import LocalFileReader, MemoryFileReader, ParseContext

DIGEST = "sha256:eb85fc5b1198f5e1ec025ea07586bdbbf397e7d82df66c90d7511f533517e063"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def parse(
    text: str | bytes,
    *,
    build_args: Mapping[str, str] | None = None,
    files: Mapping[str, bytes] | None = None,
) -> tuple[Document, ParseResult]:
    raw = text if isinstance(text, bytes) else text.encode()
    document = Document.from_bytes("Dockerfile", raw)
    context = ParseContext(reader=MemoryFileReader(files or {}), build_args=build_args or {})
    return document, DockerfileSource().parse(document, PurePath("Dockerfile"), context)


def images(result: ParseResult) -> list[tuple[str, str | None, str | None]]:
    return [
        (dependency.name, dependency.tag, dependency.digest)
        for dependency in result.dependencies
        if dependency.ecosystem is Ecosystem.DOCKER
    ]


def only(result: ParseResult) -> Dependency:
    assert len(result.dependencies) == 1, result.dependencies
    return result.dependencies[0]


def span_of(document: Document, dependency: Dependency) -> bytes | None:
    span = dependency.location.span
    return None if span is None else document.raw[span.start : span.end]


def messages(result: ParseResult) -> list[tuple[str, int, str]]:
    return [(finding.rule, finding.location.line, finding.message) for finding in result.findings]


# --- the peers' evaluation set ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        pytest.param("FROM node", [("node", None, None)], id="1-untagged"),
        pytest.param("From node:8.9.0-alpine", [("node", "8.9.0-alpine", None)], id="2-mixed-case-keyword"),
        pytest.param("fRom  ubuntu:17.04", [("ubuntu", "17.04", None)], id="2-odd-case-two-spaces"),
        pytest.param(f"FROM node@{DIGEST}", [("node", None, DIGEST)], id="3-digest"),
        pytest.param(f"FROM node:8.9.0@{DIGEST}", [("node", "8.9.0", DIGEST)], id="4-tag-and-digest"),
        pytest.param("FROM node:8.9.0-alpine as base", [("node", "8.9.0-alpine", None)], id="5-stage"),
        pytest.param("FROM node:6.12.3 as frontend\nFROM frontend", [("node", "6.12.3", None)], id="6-alias"),
        pytest.param("FROM scratch", [], id="7-scratch"),
        pytest.param('ARG img="scratch"\nFROM $img as base', [], id="7-scratch-through-arg"),
        pytest.param(
            "FROM registry2.something.info:5005/node:8",
            [("registry2.something.info:5005/node", "8", None)],
            id="8-registry-port",
        ),
        pytest.param(
            "FROM registry2.something.info:5005/node",
            [("registry2.something.info:5005/node", None, None)],
            id="9-registry-port-untagged",
        ),
        pytest.param("FROM quay.io:1234/node", [("quay.io:1234/node", None, None)], id="10"),
        pytest.param("FROM amd64/ubuntu:18.04", [("amd64/ubuntu", "18.04", None)], id="11"),
        pytest.param("FROM docker.io/library/debian:10", [("docker.io/library/debian", "10", None)], id="12"),
        pytest.param(
            "FROM docker.io/myreg/ubuntu:17.04", [("docker.io/myreg/ubuntu", "17.04", None)], id="13"
        ),
        pytest.param(
            "FROM registry-host.io:5000/myreg/ubuntu:someRepo_19700101.4",
            [("registry-host.io:5000/myreg/ubuntu", "someRepo_19700101.4", None)],
            id="14",
        ),
        pytest.param("FROM localhost:5000/myimage:1.0", [("localhost:5000/myimage", "1.0", None)], id="15"),
        pytest.param(
            "FROM --platform=$BUILDPLATFORM node:10-alpine AS BUILD", [("node", "10-alpine", None)], id="16"
        ),
        pytest.param(
            'ARG patch1=""\nARG patch2=\nFROM nginx:1.20${patch1}$patch2', [("nginx", "1.20", None)], id="18"
        ),
        pytest.param(
            "ARG DOCKER_HUB_MIRROR=''\nARG NODE_VERSION=21\nFROM ${DOCKER_HUB_MIRROR}node:${NODE_VERSION}-alpine",
            [("node", "21-alpine", None)],
            id="19",
        ),
        pytest.param(
            'ARG\tVARIANT="1.60.0-bullseye" \nFROM\trust:${VARIANT}',
            [("rust", "1.60.0-bullseye", None)],
            id="20",
        ),
        pytest.param(
            "ARG IMAGE_VERSION=${IMAGE_VERSION:-ubuntu:xenial}\nfrom ${IMAGE_VERSION} as base",
            [("ubuntu", "xenial", None)],
            id="21",
        ),
        pytest.param(
            "ARG sha_digest=sha256:ab37242e81cbc031b2600eef4440fe87055a05c14b40686df85078cc5086c98f\n"
            "      FROM gcr.io/distroless/java17@$sha_digest",
            [
                (
                    "gcr.io/distroless/java17",
                    None,
                    "sha256:ab37242e81cbc031b2600eef4440fe87055a05c14b40686df85078cc5086c98f",
                )
            ],
            id="22",
        ),
        pytest.param(
            f'ARG REF_NAME=${{REF_NAME:-"gcr.io/distroless/static-debian11:nonroot@{DIGEST}"}}\nfrom ${{REF_NAME}}',
            [("gcr.io/distroless/static-debian11", "nonroot", DIGEST)],
            id="25-full-digest",
        ),
        pytest.param(
            f"FROM ${{REDIS_IMAGE:-redis:5.0.0@{DIGEST}}}", [("redis", "5.0.0", DIGEST)], id="27-full-digest"
        ),
        pytest.param("FROM \\ \nnginx:1.20", [("nginx", "1.20", None)], id="29-continuation"),
        pytest.param(
            "# syntax=docker/dockerfile:1.1.7\nFROM alpine:3.13.5",
            [("docker/dockerfile", "1.1.7", None), ("alpine", "3.13.5", None)],
            id="30-syntax",
        ),
        pytest.param(
            "FROM scratch\nCOPY --from=gcr.io/k8s-skaffold/skaffold:v0.11.0 /usr/bin/skaffold /usr/bin/skaffold",
            [("gcr.io/k8s-skaffold/skaffold", "v0.11.0", None)],
            id="31-copy-from",
        ),
        pytest.param("FROM alpine:latest", [("alpine", "latest", None)], id="33-latest"),
        pytest.param(
            "FROM golang:alpine@sha256:f85330846cde1e57ca9ec309382da3b8e6ae3ab943d2739500e08c86393a21b1 as builder",
            [("golang", "alpine", "sha256:f85330846cde1e57ca9ec309382da3b8e6ae3ab943d2739500e08c86393a21b1")],
            id="34",
        ),
        pytest.param(
            "FROM python:3.10.5-slim@sha256:bdf0079de4094afdb26b94d9f89b716499436282c972461d945a87899c015c23"
            " AS production",
            [
                (
                    "python",
                    "3.10.5-slim",
                    "sha256:bdf0079de4094afdb26b94d9f89b716499436282c972461d945a87899c015c23",
                )
            ],
            id="35",
        ),
        pytest.param(
            "  FROM python:3.12.4-slim-bookworm", [("python", "3.12.4-slim-bookworm", None)], id="36"
        ),
    ],
)
def test_peer_cases(dockerfile: str, expected: list[tuple[str, str | None, str | None]]) -> None:
    _, result = parse(dockerfile)
    assert images(result) == expected
    assert result.findings == ()


@pytest.mark.parametrize(
    ("dockerfile", "registry", "repository"),
    [
        ("FROM node", None, "library/node"),
        ("FROM docker.io/library/debian:10", None, "library/debian"),
        ("FROM docker.io/myreg/ubuntu:17.04", None, "myreg/ubuntu"),
        ("FROM registry-host.io:5000/myreg/ubuntu:x1", "registry-host.io:5000", "myreg/ubuntu"),
        ("FROM localhost:5000/myimage:1.0", "localhost:5000", "myimage"),
        ("FROM quay.io:1234/node", "quay.io:1234", "node"),
    ],
)
def test_registry_and_repository(dockerfile: str, registry: str | None, repository: str) -> None:
    dependency = only(parse(dockerfile)[1])
    assert (dependency.registry, dependency.repository) == (registry, repository)


def test_case_1_literal_reference_span_and_location() -> None:
    document, result = parse("FROM node\n")
    dependency = only(result)
    assert dependency.role is Role.IMAGE
    assert dependency.text == "node"
    assert (dependency.location.line, dependency.location.column) == (1, 6)
    assert dependency.location.section == "stage 0"
    assert span_of(document, dependency) == b"node"
    assert dependency.location.span_role is SpanRole.REFERENCE


def test_case_5_stage_name_is_the_section() -> None:
    dependency = only(parse("FROM node:8.9.0-alpine as base")[1])
    assert dependency.location.section == "stage base"


def test_case_16_platform_is_kept_as_written() -> None:
    document, result = parse("FROM --platform=$BUILDPLATFORM node:10-alpine AS BUILD")
    dependency = only(result)
    assert dependency.platform == "$BUILDPLATFORM"
    assert dependency.location.section == "stage build"
    assert (dependency.location.line, dependency.location.column) == (1, 32)
    assert span_of(document, dependency) == b"node:10-alpine"


def test_case_17_arg_without_value_is_unresolved() -> None:
    _, result = parse("ARG img_base\nFROM $img_base")
    dependency = only(result)
    assert dependency.name == "$img_base"
    assert dependency.unresolved == "ARG img_base has no value (pass --build-arg img_base=...)"
    assert (dependency.location.line, dependency.location.column) == (2, 6)
    assert dependency.location.span is None


def test_case_17_build_arg_gives_the_value() -> None:
    _, result = parse("ARG img_base\nFROM $img_base", build_args={"img_base": "python:3.12.4"})
    dependency = only(result)
    assert (dependency.name, dependency.tag, dependency.unresolved) == ("python", "3.12.4", None)
    assert dependency.location.span is None  # the text used is not in the file


def test_case_18_empty_args_leave_the_literal_as_the_span() -> None:
    document, result = parse('ARG patch1=""\nARG patch2=\nFROM nginx:1.20${patch1}$patch2')
    dependency = only(result)
    assert span_of(document, dependency) == b"nginx:1.20"
    assert dependency.location.span_role is SpanRole.REFERENCE


def test_case_19_tag_fed_in_part_by_an_arg_is_a_tag_span_with_affixes() -> None:
    document, result = parse(
        "ARG DOCKER_HUB_MIRROR=''\nARG NODE_VERSION=21\nFROM ${DOCKER_HUB_MIRROR}node:${NODE_VERSION}-alpine"
    )
    dependency = only(result)
    assert dependency.text == "node:21-alpine"
    assert span_of(document, dependency) == b"21"
    assert dependency.location.span_role is SpanRole.TAG
    assert dependency.location.span_affixes == ("", "-alpine")
    assert dependency.location.span_source == "ARG NODE_VERSION"
    assert (dependency.location.line, dependency.location.column) == (3, 6)


def test_case_20_whole_tag_from_one_arg_default_is_a_tag_span() -> None:
    document, result = parse('ARG\tVARIANT="1.60.0-bullseye" \nFROM\trust:${VARIANT}')
    dependency = only(result)
    assert span_of(document, dependency) == b"1.60.0-bullseye"
    assert dependency.location.span_role is SpanRole.TAG
    assert (dependency.location.line, dependency.location.column) == (2, 6)


def test_case_21_reference_from_a_default_inside_an_arg_default() -> None:
    document, result = parse(
        "ARG IMAGE_VERSION=${IMAGE_VERSION:-ubuntu:xenial}\nfrom ${IMAGE_VERSION} as base"
    )
    dependency = only(result)
    assert span_of(document, dependency) == b"ubuntu:xenial"
    assert dependency.location.span_role is SpanRole.REFERENCE
    assert dependency.location.line == 2


def test_case_22_digest_from_an_arg_has_no_span() -> None:
    _, result = parse(
        "ARG sha_digest=sha256:ab37242e81cbc031b2600eef4440fe87055a05c14b40686df85078cc5086c98f\n"
        "      FROM gcr.io/distroless/java17@$sha_digest"
    )
    dependency = only(result)
    assert dependency.location.span is None
    assert (dependency.location.line, dependency.location.column) == (2, 12)


def test_case_23_a_stage_arg_does_not_change_the_next_from() -> None:
    """Renovate reads nginx:1.20 for stage2; Docker does not.

    ``ARG base=nginx:1.20`` follows a FROM, so it belongs to stage1 and no FROM sees it: BuildKit
    expands FROM lines with the global ARGs only, and builds stage2 from nginx:1.19.
    """
    document, result = parse(
        "ARG base=nginx:1.19\nFROM $base as stage1\nARG base=nginx:1.20\nFROM --platform=amd64 $base as stage2"
    )
    assert images(result) == [("nginx", "1.19", None), ("nginx", "1.19", None)]
    first, second = result.dependencies
    assert (first.location.line, second.location.line) == (2, 4)
    assert second.platform == "amd64"
    assert span_of(document, first) == span_of(document, second) == b"nginx:1.19"


def test_global_arg_redefinition_later_wins() -> None:
    document, result = parse("ARG base=nginx:1.19\nARG base=nginx:1.20\nFROM $base")
    dependency = only(result)
    assert dependency.tag == "1.20"
    assert span_of(document, dependency) == b"nginx:1.20"
    assert dependency.location.span is not None
    assert document.line_of(document.text.index("nginx:1.20")) == 2


def test_case_24_space_form_arg_declares_two_args() -> None:
    """BuildKit reads ``ARG LINUX_VERSION ubuntu16.04`` as two ARGs without defaults (not a default)."""
    _, result = parse(
        "ARG CUDA=9.2\nARG LINUX_VERSION ubuntu16.04\nFROM nvidia/cuda:${CUDA}-devel-${LINUX_VERSION}"
    )
    dependency = only(result)
    assert dependency.name == "nvidia/cuda:${CUDA}-devel-${LINUX_VERSION}"
    assert dependency.unresolved == (
        "ARG LINUX_VERSION has no value: `ARG LINUX_VERSION ubuntu16.04` declares two build arguments "
        "rather than a default; write ARG LINUX_VERSION=ubuntu16.04 (or pass --build-arg LINUX_VERSION=...)"
    )


def test_case_24_with_build_arg_resolves() -> None:
    _, result = parse(
        "ARG CUDA=9.2\nARG LINUX_VERSION ubuntu16.04\nFROM nvidia/cuda:${CUDA}-devel-${LINUX_VERSION}",
        build_args={"LINUX_VERSION": "ubuntu16.04"},
    )
    assert images(result) == [("nvidia/cuda", "9.2-devel-ubuntu16.04", None)]


def test_case_25_quoted_default_inside_arg_default_is_the_span() -> None:
    document, result = parse(
        f'ARG REF_NAME=${{REF_NAME:-"gcr.io/distroless/static-debian11:nonroot@{DIGEST}"}}\nfrom ${{REF_NAME}}'
    )
    dependency = only(result)
    assert span_of(document, dependency) == f"gcr.io/distroless/static-debian11:nonroot@{DIGEST}".encode()
    assert dependency.location.span_role is SpanRole.REFERENCE


@pytest.mark.parametrize(
    "dockerfile",
    [
        'ARG REF_NAME=${REF_NAME:-"gcr.io/distroless/static-debian11:nonroot@sha256:abc"}\nfrom ${REF_NAME}',
        "FROM ${REDIS_IMAGE:-redis:5.0.0@sha256:abcd}",
    ],
)
def test_cases_25_27_abbreviated_digests_are_invalid(dockerfile: str) -> None:
    """The peers' fixtures shorten digests; Docker refuses ``sha256:abc`` (a sha256 digest has 64 hex digits)."""
    _, result = parse(dockerfile)
    assert result.dependencies == ()
    [(rule, line, message)] = messages(result)
    assert (rule, line) == ("invalid", 2 if dockerfile.startswith("ARG") else 1)
    assert "invalid digest" in message


def test_case_26_crlf_tag_from_arg_with_digest() -> None:
    document, result = parse(
        f"ARG IMAGE_TAG=14.04\r\n#something unrelated\r\nFROM ubuntu:$IMAGE_TAG@{DIGEST}\r\n"
    )
    dependency = only(result)
    assert (dependency.name, dependency.tag, dependency.digest) == ("ubuntu", "14.04", DIGEST)
    assert span_of(document, dependency) == b"14.04"
    assert dependency.location.span_role is SpanRole.TAG
    assert (dependency.location.line, dependency.location.column) == (3, 6)


def test_case_27_default_in_from_is_the_span() -> None:
    document, result = parse(f"FROM ${{REDIS_IMAGE:-redis:5.0.0@{DIGEST}}}")
    dependency = only(result)
    assert span_of(document, dependency) == f"redis:5.0.0@{DIGEST}".encode()
    assert dependency.location.span_role is SpanRole.REFERENCE


def test_case_27_alternative_value_is_unresolved() -> None:
    written = "${REF_NAME:+-gcr.io/distroless/static-debian11:nonroot@sha256:abc}"
    dependency = only(parse(f"FROM {written}")[1])
    assert dependency.name == written
    assert dependency.unresolved == (
        f"{written} depends on whether REF_NAME is set; depcheck does not resolve ${{...:+...}}"
    )


def test_case_28_undeclared_variables_are_unresolved() -> None:
    _, result = parse(
        "FROM mcr.microsoft.com/dotnet/sdk:5.0${IMAGESUFFIX}\nFROM $CI_REGISTRY/alpine:3.15\n"
        "FROM docker.io/${PREFIX}/alpine:3.15"
    )
    assert [(d.name, d.unresolved) for d in result.dependencies] == [
        (
            "mcr.microsoft.com/dotnet/sdk:5.0${IMAGESUFFIX}",
            "$IMAGESUFFIX is not declared by an ARG before the first FROM, so Docker expands it to an "
            "empty string (declare ARG IMAGESUFFIX=... at the top)",
        ),
        (
            "$CI_REGISTRY/alpine:3.15",
            "$CI_REGISTRY is not declared by an ARG before the first FROM, so Docker expands it to an "
            "empty string (declare ARG CI_REGISTRY=... at the top)",
        ),
        (
            "docker.io/${PREFIX}/alpine:3.15",
            "$PREFIX is not declared by an ARG before the first FROM, so Docker expands it to an "
            "empty string (declare ARG PREFIX=... at the top)",
        ),
    ]


def test_case_29_reference_on_the_continued_line() -> None:
    document, result = parse("FROM \\ \nnginx:1.20")
    dependency = only(result)
    assert (dependency.location.line, dependency.location.column) == (2, 1)
    assert span_of(document, dependency) == b"nginx:1.20"


def test_case_30_syntax_directive_is_a_syntax_dependency() -> None:
    document, result = parse("# syntax=docker/dockerfile:1.1.7\nFROM alpine:3.13.5")
    syntax, alpine = result.dependencies
    assert syntax.role is Role.SYNTAX
    assert (syntax.name, syntax.tag, syntax.repository) == ("docker/dockerfile", "1.1.7", "docker/dockerfile")
    assert (syntax.location.line, syntax.location.column) == (1, 10)
    assert span_of(document, syntax) == b"docker/dockerfile:1.1.7"
    assert alpine.role is Role.IMAGE


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM alpine:3.13.5\n# syntax=docker/dockerfile:1.1.7",
        "# a comment first\n# syntax=docker/dockerfile:1.1.7\nFROM alpine:3.13.5",
        "\n# syntax=docker/dockerfile:1.1.7\nFROM alpine:3.13.5",
    ],
)
def test_case_30_syntax_after_the_directive_block_is_a_comment(dockerfile: str) -> None:
    assert images(parse(dockerfile)[1]) == [("alpine", "3.13.5", None)]


def test_directives_may_take_several_lines() -> None:
    _, result = parse("# escape=`\n#  SYNTAX = docker/dockerfile:1.7 \nFROM alpine:3.20.3")
    assert images(result) == [("docker/dockerfile", "1.7", None), ("alpine", "3.20.3", None)]


def test_case_31_copy_from_stage_index_and_names_are_skipped() -> None:
    document, result = parse(
        "FROM python:3.12.4 AS Builder\n"
        "FROM scratch\n"
        "COPY --from=gcr.io/k8s-skaffold/skaffold:v0.11.0 /usr/bin/skaffold /usr/bin/skaffold\n"
        "COPY --from=0 /a /b\n"
        "COPY --from=builder /a /b\n"
        "COPY --from=BUILDER /a /b\n"
        "COPY --chown=1000 --from=later /a /b\n"
        "FROM alpine:3.20.3 AS later\n"
    )
    assert images(result) == [
        ("python", "3.12.4", None),
        ("gcr.io/k8s-skaffold/skaffold", "v0.11.0", None),
        ("alpine", "3.20.3", None),
    ]
    copied = result.dependencies[1]
    assert copied.role is Role.COPY_FROM
    assert copied.location.section == "stage 1"
    assert (copied.location.line, copied.location.column) == (3, 13)
    assert span_of(document, copied) == b"gcr.io/k8s-skaffold/skaffold:v0.11.0"


def test_copy_from_with_a_variable_is_unresolved() -> None:
    """BuildKit does not expand variables in --from (moby/buildkit#2412)."""
    dependency = only(parse("ARG SRC=alpine:3.20.3\nFROM scratch\nCOPY --from=$SRC /a /b")[1])
    assert dependency.role is Role.COPY_FROM
    assert dependency.name == "$SRC"
    assert dependency.unresolved == (
        "$SRC: BuildKit does not expand variables in --from; name the image in a stage "
        "(FROM $SRC AS name) and copy from that stage"
    )


def test_case_32_run_mount_from_and_uv_pip_install() -> None:
    document, result = parse(
        "FROM python:3.12.4\n"
        "RUN --mount=from=ghcr.io/astral-sh/uv,source=/uv,target=/bin/uv uv pip install numpy\n"
    )
    _, uv, numpy = result.dependencies
    assert (uv.role, uv.name, uv.tag, uv.registry, uv.repository) == (
        Role.MOUNT_FROM,
        "ghcr.io/astral-sh/uv",
        None,
        "ghcr.io",
        "astral-sh/uv",
    )
    assert span_of(document, uv) == b"ghcr.io/astral-sh/uv"
    assert (uv.location.line, uv.location.column) == (2, 18)
    assert (numpy.ecosystem, numpy.name, numpy.specifier) == (Ecosystem.PYPI, "numpy", "")
    assert span_of(document, numpy) == b"numpy"
    assert numpy.location.section == "stage 0"


def test_mount_from_stage_is_skipped_and_quoted_field_is_read() -> None:
    _, result = parse(
        "FROM python:3.12.4 AS deps\n"
        "FROM python:3.12.4\n"
        "RUN --mount=type=cache,target=/root/.cache --mount=type=bind,from=deps,target=/d \\\n"
        '    --mount=type=bind,"from=ghcr.io/astral-sh/uv:0.9.26",target=/u true\n'
    )
    assert images(result) == [
        ("python", "3.12.4", None),
        ("python", "3.12.4", None),
        ("ghcr.io/astral-sh/uv", "0.9.26", None),
    ]


# --- instructions, lines and directives ---------------------------------------------------------


def test_lowercase_keywords() -> None:
    _, result = parse(
        "arg V=3.12.4\nfrom python:${V} as base\ncopy --from=ghcr.io/astral-sh/uv:0.9.26 /uv /bin/"
    )
    assert images(result) == [("python", "3.12.4", None), ("ghcr.io/astral-sh/uv", "0.9.26", None)]


def test_stage_names_are_matched_case_insensitively() -> None:
    _, result = parse("FROM python:3.12.4 AS Build\nFROM BUILD AS test\nFROM build\nFROM test")
    assert images(result) == [("python", "3.12.4", None)]


def test_a_from_naming_a_later_stage_is_an_image() -> None:
    _, result = parse("FROM later\nFROM python:3.12.4 AS later")
    assert images(result) == [("later", None, None), ("python", "3.12.4", None)]


def test_crlf_line_endings_keep_exact_spans() -> None:
    document, result = parse(b"FROM python:3.12.4-slim AS base\r\nRUN pip install \\\r\n    flask==3.0.3\r\n")
    image, flask = result.dependencies
    assert span_of(document, image) == b"python:3.12.4-slim"
    assert span_of(document, flask) == b"flask==3.0.3"
    assert (flask.location.line, flask.location.column) == (3, 5)


def test_bom_is_counted_in_spans() -> None:
    raw = codecs.BOM_UTF8 + b"# syntax=docker/dockerfile:1.7\nFROM python:3.12.4\n"
    document, result = parse(raw)
    syntax, image = result.dependencies
    assert syntax.location.span is not None
    assert syntax.location.span.start == 3 + len("# syntax=")
    assert span_of(document, syntax) == b"docker/dockerfile:1.7"
    assert span_of(document, image) == b"python:3.12.4"
    assert (image.location.line, image.location.column) == (2, 6)


def test_multibyte_text_before_a_reference_shifts_bytes_not_columns() -> None:
    document, result = parse('# café ☕\nLABEL x="ü"\nFROM python:3.12.4\n')
    image = only(result)
    assert (image.location.line, image.location.column) == (3, 6)
    assert span_of(document, image) == b"python:3.12.4"


def test_escape_directive_switches_continuations_to_backtick() -> None:
    document, result = parse(
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022 `\n"
        "  AS base\n"
        "RUN pip install `\n"
        "  requests==2.32.3\n"
    )
    image, requests = result.dependencies
    assert (image.name, image.tag, image.location.section) == (
        "mcr.microsoft.com/windows/servercore",
        "ltsc2022",
        "stage base",
    )
    assert span_of(document, requests) == b"requests==2.32.3"
    assert requests.location.line == 5


def test_with_backtick_escape_a_backslash_does_not_continue() -> None:
    _, result = parse("# escape=`\nFROM python:3.12.4\nRUN dir C:\\\nFROM alpine:3.20.3\n")
    assert images(result) == [("python", "3.12.4", None), ("alpine", "3.20.3", None)]


def test_comment_and_blank_lines_inside_a_continuation_are_skipped() -> None:
    document, result = parse(
        "FROM python:3.12.4\n"
        "RUN pip install \\\n"
        "    # the web framework\n"
        "\n"
        "    flask==3.0.3 \\\n"
        "  # and a client\n"
        "    httpx==0.28.1\n"
        "FROM alpine:3.20.3\n"
    )
    assert [(d.name, d.location.line) for d in result.dependencies] == [
        ("python", 1),
        ("flask", 5),
        ("httpx", 7),
        ("alpine", 8),
    ]
    assert span_of(document, result.dependencies[2]) == b"httpx==0.28.1"


def test_file_ending_inside_a_continuation_is_invalid_but_read() -> None:
    _, result = parse("FROM python:3.12.4\nRUN pip install flask==3.0.3 \\\n")
    assert [(d.name, d.specifier) for d in result.dependencies] == [("python", ""), ("flask", "==3.0.3")]
    assert messages(result) == [("invalid", 2, "file ends inside a line continuation")]


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        ("FROM\n", [("invalid", 1, "FROM needs an image")]),
        ("FROM --platform=linux/amd64\n", [("invalid", 1, "FROM needs an image")]),
        (
            "FROM Python:3\n",
            [
                (
                    "invalid",
                    1,
                    "invalid image reference 'Python:3': repository name 'Python' must be lowercase",
                )
            ],
        ),
        (
            "ARG V=\nFROM $V\n",
            [("invalid", 2, "FROM $V expands to an empty image name")],
        ),
        (
            "FROM python:3.12.4 AS 1st\n",
            [("invalid", 1, "invalid stage name '1st': a letter, then letters, digits, '-', '_' or '.'")],
        ),
        (
            "FROM python:3.12.4 base\n",
            [
                (
                    "invalid",
                    1,
                    "FROM takes one image, optionally followed by AS <stage name>: 'python:3.12.4 base'",
                )
            ],
        ),
        (
            "FROM python:${V\n",
            [("invalid", 1, "FROM python:${V: bad substitution in 'python:${V': missing '}' after ${V")],
        ),
        (
            "# escape=x\nFROM python:3.12.4\n",
            [("invalid", 1, "invalid escape directive 'x': use \\ or `")],
        ),
    ],
)
def test_unparsable_from_lines_are_invalid(dockerfile: str, expected: list[tuple[str, int, str]]) -> None:
    _, result = parse(dockerfile)
    assert messages(result) == expected


def test_an_invalid_line_does_not_stop_the_rest() -> None:
    _, result = parse("FROM UPPER:1\nFROM python:3.12.4\n")
    assert images(result) == [("python", "3.12.4", None)]
    assert [finding.location.line for finding in result.findings] == [1]


# --- ARG ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arg", "tag"),
    [
        ("ARG V=3.12.4", "3.12.4"),
        ('ARG V="3.12.4"', "3.12.4"),
        ("ARG V='3.12.4'", "3.12.4"),
        ("ARG A=1 V=3.12.4 B=2", "3.12.4"),
        ("ARG V=3.12.4 \\\n    W=9", "3.12.4"),
    ],
)
def test_arg_forms(arg: str, tag: str) -> None:
    document, result = parse(f"{arg}\nFROM python:$V")
    dependency = only(result)
    assert dependency.tag == tag
    assert span_of(document, dependency) == b"3.12.4"
    assert dependency.location.span_role is SpanRole.TAG


def test_arg_with_empty_default_has_a_value() -> None:
    _, result = parse("ARG SUFFIX=\nFROM python:3.12.4${SUFFIX}")
    assert images(result) == [("python", "3.12.4", None)]


def test_arg_default_dash_and_colon_dash() -> None:
    _, result = parse("ARG E=\nFROM python:${E:-3.12.4}\nFROM python:${E-3.11.9}x")
    assert images(result) == [("python", "3.12.4", None), ("python", "x", None)]


def test_whole_reference_from_one_arg_default_is_a_reference_span() -> None:
    document, result = parse("ARG BASE=python:3.12\nFROM $BASE")
    dependency = only(result)
    assert span_of(document, dependency) == b"python:3.12"
    assert dependency.location.span_role is SpanRole.REFERENCE
    assert (dependency.location.line, dependency.location.column) == (2, 6)


@pytest.mark.parametrize(
    ("dockerfile", "tag", "affixes", "source"),
    [
        ("ARG PY=3.12\nFROM python:${PY}-slim", "3.12-slim", ("", "-slim"), "ARG PY"),
        (
            "ARG PYTHON_VERSION=3.12\nFROM python:${PYTHON_VERSION}-slim-bookworm",
            "3.12-slim-bookworm",
            ("", "-slim-bookworm"),
            "ARG PYTHON_VERSION",
        ),
        (
            "ARG NODE=3.12\nFROM node:${NODE}-alpine3.20 AS assets",
            "3.12-alpine3.20",
            ("", "-alpine3.20"),
            "ARG NODE",
        ),
        ("ARG V=3.12\nFROM python:v${V}", "v3.12", ("v", ""), "ARG V"),
        ("ARG V=3.12\nFROM python:v${V}-rc", "v3.12-rc", ("v", "-rc"), "ARG V"),
        ('ARG PY="3.12"\nFROM "python:${PY}-slim"', "3.12-slim", ("", "-slim"), "ARG PY"),
        ("ARG PY=3.12\nFROM python:$PY-slim", "3.12-slim", ("", "-slim"), "ARG PY"),
        ("ARG PY=3.12\nFROM python:${PY}\\-slim", "3.12-slim", ("", "-slim"), "ARG PY"),
        ("ARG TAG=3.12\nFROM python:${TAG}", "3.12", ("", ""), "ARG TAG"),
    ],
)
def test_an_arg_default_feeding_part_of_a_tag_is_the_span_with_the_literal_text_as_affixes(
    dockerfile: str, tag: str, affixes: tuple[str, str], source: str
) -> None:
    document, result = parse(dockerfile)
    dependency = only(result)
    assert dependency.tag == tag
    assert span_of(document, dependency) == b"3.12"
    assert dependency.location.span_role is SpanRole.TAG
    assert dependency.location.span_affixes == affixes
    assert dependency.location.span_source == source
    assert dependency.location.line == 2


def test_a_default_in_the_from_line_feeding_part_of_a_tag_is_the_span() -> None:
    document, result = parse("ARG PY\nFROM python:${PY:-3.12}-slim")
    dependency = only(result)
    assert span_of(document, dependency) == b"3.12"
    assert dependency.location.span_affixes == ("", "-slim")
    assert dependency.location.span_source == "${PY:-3.12}"
    assert dependency.location.span_shared_with == ()


def test_the_span_names_the_arg_whose_default_holds_the_text() -> None:
    document, result = parse(
        "ARG PY=3.12\nARG IMAGE=python:${PY}\nFROM ${IMAGE}-slim\nFROM python:${UNSET:-${PY}}-alpine\n"
    )
    slim, alpine = result.dependencies
    assert span_of(document, slim) == span_of(document, alpine) == b"3.12"
    assert slim.location.line == 3
    assert (slim.location.span_affixes, alpine.location.span_affixes) == (("", "-slim"), ("", "-alpine"))
    assert slim.location.span_source == alpine.location.span_source == "ARG PY"
    assert (slim.location.span_shared_with, alpine.location.span_shared_with) == ((4,), (3,))


@pytest.mark.parametrize(
    "dockerfile",
    [
        "ARG MAJOR=3\nARG MINOR=12\nFROM python:${MAJOR}.${MINOR}-slim",
        "ARG PY=3.12\nARG VARIANT=slim\nFROM python:${PY}-${VARIANT}",
        "ARG PY=3.12\nARG SUFFIX=-slim\nFROM python:${PY}${SUFFIX}",
    ],
)
def test_a_tag_split_across_two_args_has_no_span(dockerfile: str) -> None:
    _, result = parse(dockerfile)
    dependency = only(result)
    assert dependency.tag == "3.12-slim"
    assert dependency.location.span is None
    assert dependency.location.span_affixes == ("", "")


def test_from_lines_sharing_an_arg_get_the_same_span_and_name_each_other() -> None:
    document, result = parse(
        "ARG PY=3.12\n"
        "FROM python:${PY} AS build\n"
        "FROM python:${PY}-slim AS runtime\n"
        "FROM ${REGISTRY}/python:${PY}-alpine\n"
        "FROM python:3.11-slim AS other\n"
    )
    build, runtime, unresolved, other = result.dependencies
    assert span_of(document, build) == span_of(document, runtime) == b"3.12"
    assert build.location.span == runtime.location.span
    assert (build.location.span_affixes, runtime.location.span_affixes) == (("", ""), ("", "-slim"))
    # Line 4 cannot be checked ($REGISTRY has no value), but rewriting ARG PY changes it too.
    assert unresolved.unresolved is not None
    assert build.location.span_shared_with == (3, 4)
    assert runtime.location.span_shared_with == (2, 4)
    assert other.location.span_shared_with == ()


def test_a_stage_importing_the_global_arg_is_a_line_the_default_feeds() -> None:
    _, result = parse(
        "ARG PYTHON_VERSION=3.12\n"
        "FROM python:${PYTHON_VERSION}-slim\n"
        "ARG PYTHON_VERSION\n"
        "COPY --from=build /usr/local/lib/python${PYTHON_VERSION} /usr/local/lib/python${PYTHON_VERSION}\n"
        "FROM python:3.12.7-slim\n"
        "ARG PYTHON_VERSION=3.11\n"
    )
    image = result.dependencies[0]
    assert image.location.span_source == "ARG PYTHON_VERSION"
    # Line 6 declares a default of its own: it does not use the global one.
    assert image.location.span_shared_with == (3,)


@pytest.mark.parametrize(
    "dockerfile",
    [
        "ARG PY=3.12\nFROM python:${PY}",
        "ARG BASE=python:3.11\nFROM $BASE",
        "ARG PY\nFROM python:${PY:-3.12}",
        "ARG PY=3.12\nFROM python:${PY}-slim",
        "ARG PY\nFROM python:${PY:-3.12}-slim",
    ],
)
def test_build_arg_override_means_no_span(dockerfile: str) -> None:
    _, result = parse(dockerfile, build_args={"PY": "3.13.1", "BASE": "python:3.13.1"})
    dependency = only(result)
    assert dependency.tag in ("3.13.1", "3.13.1-slim")
    assert dependency.location.span is None


def test_build_arg_does_not_reach_an_undeclared_variable() -> None:
    """Docker only hands --build-arg values to declared ARGs."""
    dependency = only(parse("FROM python:$PY", build_args={"PY": "3.13.1"})[1])
    assert dependency.unresolved is not None
    assert dependency.unresolved.startswith("$PY is not declared by an ARG before the first FROM")


def test_stage_arg_is_not_visible_to_from() -> None:
    _, result = parse("FROM python:3.12.4\nARG IMG=alpine:3.20.3\nFROM $IMG")
    _, dependency = result.dependencies
    assert dependency.unresolved == (
        "ARG IMG is declared inside a build stage, which a FROM cannot see; declare it before the first FROM"
    )


def test_platform_args_need_a_build_arg() -> None:
    dependency = only(parse("FROM ghcr.io/acme/base-$TARGETARCH:1.0.0")[1])
    assert dependency.unresolved == (
        "TARGETARCH is set by BuildKit from the platform being built (pass --build-arg TARGETARCH=...)"
    )
    declared = only(parse("ARG TARGETARCH\nFROM ghcr.io/acme/base-$TARGETARCH:1.0.0")[1])
    assert declared.unresolved == dependency.unresolved
    resolved = only(parse("FROM ghcr.io/acme/base-$TARGETARCH:1.0.0", build_args={"TARGETARCH": "arm64"})[1])
    assert (resolved.name, resolved.tag) == ("ghcr.io/acme/base-arm64", "1.0.0")


def test_arg_default_using_an_unset_arg_is_unresolved() -> None:
    dependency = only(parse("ARG REG\nARG IMG=$REG/app:1.0.0\nFROM $IMG")[1])
    assert dependency.unresolved == (
        "the default of ARG IMG cannot be resolved: ARG REG has no value (pass --build-arg REG=...)"
    )


# --- pip install in RUN ---------------------------------------------------------------------------


def test_requirements_inside_run_with_exact_spans() -> None:
    document, result = parse('FROM python:3.12.4\nRUN pip install --no-cache-dir "requests==2.31.0" flask\n')
    _, requests, flask = result.dependencies
    assert (requests.ecosystem, requests.name, requests.specifier) == (Ecosystem.PYPI, "requests", "==2.31.0")
    assert span_of(document, requests) == b"requests==2.31.0"
    assert requests.location.span_role is SpanRole.REQUIREMENT
    assert (requests.location.line, requests.location.column) == (2, 33)
    assert requests.location.section == "stage 0"
    assert (flask.name, flask.specifier) == ("flask", "")
    assert span_of(document, flask) == b"flask"


@pytest.mark.parametrize(
    "run",
    [
        "pip install httpx==0.28.1",
        "pip3 install httpx==0.28.1",
        "pip3.12 install httpx==0.28.1",
        "python -m pip install httpx==0.28.1",
        "python3 -m pip install httpx==0.28.1",
        "python3.12 -W ignore -m pip install httpx==0.28.1",
        "/opt/venv/bin/python3 -m pip install --upgrade httpx==0.28.1",
        "/opt/venv/bin/pip install httpx==0.28.1",
        "uv pip install --system httpx==0.28.1",
        "pip --no-cache-dir install httpx==0.28.1",
        "PIP_NO_CACHE_DIR=1 sudo -H pip install httpx==0.28.1",
        "apt-get update && pip install httpx==0.28.1 && rm -rf /var/lib/apt/lists/*",
        "set -eux; pip install httpx==0.28.1 | tee /log",
        "true || pip install httpx==0.28.1 2>&1 > /dev/null",
        "(cd /src && pip install httpx==0.28.1)",
        'pip install "httpx==0.28.1"',
        "pip install 'httpx==0.28.1'",
        '["pip", "install", "httpx==0.28.1"]',
        '[ "python3", "-m", "pip", "install", "httpx==0.28.1" ]',
    ],
)
def test_pip_commands_are_found(run: str) -> None:
    document, result = parse(f"FROM python:3.12.4\nRUN {run}\n")
    httpx = result.dependencies[-1]
    assert (httpx.name, httpx.specifier) == ("httpx", "==0.28.1")
    assert span_of(document, httpx) == b"httpx==0.28.1"


@pytest.mark.parametrize(
    "run",
    [
        "pip freeze > requirements.txt",
        "pip-install flask",
        "uv pip sync requirements.txt",
        "echo pip install flask",
        "python3 -c 'import flask'",
        "npm install flask",
    ],
)
def test_other_commands_are_not_pip_install(run: str) -> None:
    _, result = parse(f"FROM python:3.12.4\nRUN {run}\n")
    assert images(result) == [("python", "3.12.4", None)]
    assert len(result.dependencies) == 1


def test_unquoted_comparison_is_a_shell_redirection() -> None:
    """``pip install flask>=3`` installs unpinned flask and writes pip's output to a file named =3."""
    _, result = parse("FROM python:3.12.4\nRUN pip install flask>=3\n")
    flask = result.dependencies[1]
    assert (flask.name, flask.specifier) == ("flask", "")


def test_pip_arguments_expand_stage_args() -> None:
    _, result = parse(
        "ARG FLASK=3.0.3\nFROM python:3.12.4\nARG FLASK\nARG HTTPX=0.28.1\nENV REQ=requests==2.32.3\n"
        'RUN pip install flask==$FLASK "httpx==${HTTPX}" $REQ\n'
    )
    _, flask, httpx, requests = result.dependencies
    assert [(d.name, d.specifier) for d in (flask, httpx, requests)] == [
        ("flask", "==3.0.3"),
        ("httpx", "==0.28.1"),
        ("requests", "==2.32.3"),
    ]
    # The version is not written in the RUN line, so there is nothing there to rewrite.
    assert flask.location.span is None
    assert httpx.location.span is None
    assert (flask.location.line, flask.location.column) == (6, 17)


def test_pip_argument_with_an_unknown_variable_is_unresolved() -> None:
    _, result = parse("FROM python:3.12.4\nRUN pip install flask==$FLASK_VERSION $(cat extra.txt)\n")
    _, flask, extra = result.dependencies
    assert flask.unresolved == (
        "flask==$FLASK_VERSION cannot be checked: $FLASK_VERSION is not set by an ARG or ENV in stage 0"
    )
    assert extra.unresolved == "$(cat extra.txt) is computed by a command when the image is built"


def test_pip_install_in_a_heredoc_script() -> None:
    document, result = parse(
        "FROM python:3.12.4\n"
        "RUN <<EOF\n"
        "set -e\n"
        "pip install \\\n"
        "  flask==3.0.3\n"
        "EOF\n"
        "RUN python3 <<'EOT'\n"
        "import subprocess  # pip install not-a-command==1\n"
        "EOT\n"
        "FROM alpine:3.20.3\n"
    )
    assert [(d.name, d.location.line) for d in result.dependencies] == [
        ("python", 1),
        ("flask", 5),
        ("alpine", 10),
    ]
    assert span_of(document, result.dependencies[1]) == b"flask==3.0.3"


def test_heredoc_lines_are_not_instructions() -> None:
    _, result = parse("FROM python:3.12.4\nCOPY <<EOF /etc/motd\nFROM nginx\nEOF\n")
    assert images(result) == [("python", "3.12.4", None)]


def test_requirement_files_named_in_run_are_followed() -> None:
    _, result = parse(
        "FROM python:3.12.4\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
        files={"requirements.txt": b"flask==3.0.3\n"},
    )
    _, flask = result.dependencies
    assert (flask.name, flask.location.file, flask.location.line) == ("flask", "requirements.txt", 1)
    assert result.files == ("requirements.txt",)


# --- inline ignores -------------------------------------------------------------------------------


def test_ignore_comment_applies_to_the_next_instruction_only() -> None:
    _, result = parse(
        "# depcheck: ignore[latest-tag]\n"
        "FROM python:latest\n"
        "# depcheck: ignore\n"
        "RUN pip install flask\n"
        "# depcheck: ignore\n"
        "\n"
        "FROM alpine:latest\n"
        "# depcheck: ignore[untagged-image, unpinned]\n"
        "COPY --from=ghcr.io/astral-sh/uv /uv /bin/\n"
    )
    assert [(d.name, d.ignored_rules) for d in result.dependencies] == [
        ("python", frozenset({"latest-tag"})),
        ("flask", frozenset()),
        ("alpine", None),
        ("ghcr.io/astral-sh/uv", frozenset({"untagged-image", "unpinned"})),
    ]


def test_ordinary_comment_is_not_an_ignore() -> None:
    dependency = only(parse("# depcheck is great\nFROM python:3.12.4\n")[1])
    assert dependency.ignored_rules is None


# --- discovery ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "claimed"),
    [
        ("Dockerfile", True),
        ("Dockerfile.dev", True),
        ("Dockerfile.docs.selfhost", True),
        ("api.Dockerfile", True),
        ("api.dockerfile", True),
        ("Containerfile", True),
        ("Containerfile.build", True),
        ("Dockerfile.dockerignore", False),
        ("dockerfile", False),
        ("Dockerfiles", False),
        ("compose.yml", False),
    ],
)
def test_claims(name: str, claimed: bool) -> None:
    assert DockerfileSource().claims(PurePath("deploy") / name) is claimed


# --- the corpus -----------------------------------------------------------------------------------


def corpus_dockerfiles() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    source = DockerfileSource()
    return sorted(path for path in CORPUS.rglob("*") if path.is_file() and source.claims(PurePath(path.name)))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not checked out")
@pytest.mark.parametrize("path", corpus_dockerfiles(), ids=lambda path: str(path.relative_to(CORPUS)))
def test_corpus_dockerfiles_parse(path: Path) -> None:
    document = Document.from_bytes(str(path.relative_to(CORPUS)), path.read_bytes())
    context = ParseContext(reader=LocalFileReader(CORPUS, cwd=CORPUS))
    result = DockerfileSource().parse(document, path, context)
    for dependency in result.dependencies:
        span = dependency.location.span
        if span is not None and dependency.location.file == document.path:
            assert document.raw[span.start : span.end].decode() in document.text
    assert not [finding for finding in result.findings if finding.rule == "invalid"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not checked out")
def test_corpus_warehouse_dockerfile_read_by_hand() -> None:
    path = CORPUS / "pypi__warehouse" / "Dockerfile"
    document = Document.from_bytes("Dockerfile", path.read_bytes())
    result = DockerfileSource().parse(
        document, path, ParseContext(reader=LocalFileReader(CORPUS, cwd=CORPUS))
    )
    # Stages static-deps and base are built upon, not pulled; pip-install is a helper script, not pip.
    assert [(d.name, d.tag) for d in result.dependencies] == [
        ("docker/dockerfile", "1"),
        ("node", "26.7.0-trixie"),
        ("python", "3.14.7-slim-trixie"),
    ]
    assert [d.location.section for d in result.dependencies] == [None, "stage static-deps", "stage base"]
    assert [d.location.line for d in result.dependencies] == [1, 5, 45]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not checked out")
def test_corpus_paperless_uv_option_values_are_not_requirements() -> None:
    path = CORPUS / "paperless-ngx__paperless-ngx" / "Dockerfile"
    document = Document.from_bytes("Dockerfile", path.read_bytes())
    result = DockerfileSource().parse(
        document, path, ParseContext(reader=LocalFileReader(CORPUS, cwd=CORPUS))
    )
    # `uv pip install ... --python-preference system ... --requirements requirements.txt`: the
    # requirements file is generated in the image, and `system` is an option value.
    assert [d.name for d in result.dependencies] == [
        "docker/dockerfile",
        "docker.io/node",
        "ghcr.io/astral-sh/uv",
    ]
