"""Compose files: the image each service pulls, with compose interpolation and YAML anchors."""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from pathlib import Path, PurePath

import pytest

from depcheck.model import Dependency, Ecosystem, ParseResult, Role, SpanRole
from depcheck.sources.compose import ComposeSource
from depcheck.sources.document import Document
from depcheck.sources.interface import LocalFileReader, MemoryFileReader, ParseContext

DIGEST = "sha256:eb85fc5b1198f5e1ec025ea07586bdbbf397e7d82df66c90d7511f533517e063"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def parse(text: str | bytes, environ: Mapping[str, str] | None = None) -> tuple[Document, ParseResult]:
    raw = text if isinstance(text, bytes) else text.encode()
    document = Document.from_bytes("compose.yml", raw)
    context = ParseContext(reader=MemoryFileReader({}), environ=environ or {})
    return document, ComposeSource().parse(document, PurePath("compose.yml"), context)


def images(result: ParseResult) -> list[tuple[str, str | None, str | None]]:
    return [(dependency.name, dependency.tag, dependency.digest) for dependency in result.dependencies]


def only(result: ParseResult) -> Dependency:
    assert len(result.dependencies) == 1, result.dependencies
    return result.dependencies[0]


def span_of(document: Document, dependency: Dependency) -> bytes | None:
    span = dependency.location.span
    return None if span is None else document.raw[span.start : span.end]


def messages(result: ParseResult) -> list[tuple[str, int, str]]:
    return [(finding.rule, finding.location.line, finding.message) for finding in result.findings]


def test_case_37_default_holding_the_whole_reference_is_the_span() -> None:
    document, result = parse(f"services:\n  redis:\n    image: ${{REDIS_IMAGE:-redis:5.0.0@{DIGEST}}}\n")
    dependency = only(result)
    assert (dependency.name, dependency.tag, dependency.digest) == ("redis", "5.0.0", DIGEST)
    assert (dependency.ecosystem, dependency.role) == (Ecosystem.DOCKER, Role.IMAGE)
    assert (dependency.registry, dependency.repository) == (None, "library/redis")
    assert span_of(document, dependency) == f"redis:5.0.0@{DIGEST}".encode()
    assert dependency.location.span_role is SpanRole.REFERENCE
    assert (dependency.location.line, dependency.location.column) == (3, 12)
    assert dependency.location.section == "services.redis"


def test_case_38_defaults_resolve_and_the_tag_default_is_the_span() -> None:
    document, result = parse(
        "services:\n  app:\n    image: ${IMAGE:-synkodevelopers/edplugins}:${TAG:-latest}\n"
    )
    dependency = only(result)
    assert (dependency.name, dependency.tag) == ("synkodevelopers/edplugins", "latest")
    assert dependency.text == "synkodevelopers/edplugins:latest"
    assert span_of(document, dependency) == b"latest"
    assert dependency.location.span_role is SpanRole.TAG


def test_case_38_environment_overrides_defaults_and_removes_the_span() -> None:
    _, result = parse(
        "services:\n  app:\n    image: ${IMAGE:-synkodevelopers/edplugins}:${TAG:-latest}\n",
        environ={"TAG": "1.4.2"},
    )
    dependency = only(result)
    assert (dependency.name, dependency.tag) == ("synkodevelopers/edplugins", "1.4.2")
    assert dependency.location.span is None


def test_a_default_feeding_part_of_the_tag_is_the_span_with_the_literal_text_as_affixes() -> None:
    document, result = parse(
        "services:\n"
        '  api:\n    image: "python:${PY:-3.12}-slim"\n'
        "  web:\n    image: node:v${NODE-22}-alpine3.20\n"
        "  db:\n    image: ${DB:-postgres:16}-alpine\n"
        "  tag:\n    image: app:${TAG:-1.4}\n"
    )
    api, web, db, tag = result.dependencies
    assert [(d.name, d.tag) for d in result.dependencies] == [
        ("python", "3.12-slim"),
        ("node", "v22-alpine3.20"),
        ("postgres", "16-alpine"),
        ("app", "1.4"),
    ]
    assert [span_of(document, d) for d in result.dependencies] == [b"3.12", b"22", b"16", b"1.4"]
    assert {d.location.span_role for d in result.dependencies} == {SpanRole.TAG}
    assert [d.location.span_affixes for d in result.dependencies] == [
        ("", "-slim"),
        ("v", "-alpine3.20"),
        ("", "-alpine"),
        ("", ""),
    ]
    assert [d.location.span_source for d in result.dependencies] == [
        "${PY:-3.12}",
        "${NODE-22}",
        "${DB:-postgres:16}",
        "${TAG:-1.4}",
    ]
    assert (api.location.line, api.location.column) == (3, 13)
    assert (
        web.location.span_shared_with == db.location.span_shared_with == tag.location.span_shared_with == ()
    )


def test_a_tag_split_across_two_defaults_or_set_by_the_environment_has_no_span() -> None:
    _, result = parse(
        "services:\n"
        "  a:\n    image: python:${MAJOR:-3}.${MINOR:-12}-slim\n"
        "  b:\n    image: python:${PY:-3.11}-slim\n",
        environ={"PY": "3.12"},
    )
    assert [(d.tag, d.location.span, d.location.span_affixes) for d in result.dependencies] == [
        ("3.12-slim", None, ("", "")),
        ("3.12-slim", None, ("", "")),
    ]


def test_case_39_locally_built_images_are_skipped() -> None:
    _, result = parse(
        "services:\n"
        "  app:\n"
        "    build: .\n"
        "    image: app-local-debug\n"
        "  worker:\n"
        "    image: app-local-debug\n"
        "  db:\n"
        "    image: postgres:16.4\n"
    )
    assert images(result) == [("postgres", "16.4", None)]


def test_literal_and_quoted_images_span_their_content() -> None:
    document, result = parse(
        "services:\n"
        "  a:\n"
        "    image: python:3.12.4\n"
        "  b:\n"
        "    image: 'docker.io/library/redis:7.4.1'\n"
        '  c:\n    image: "ghcr.io/astral-sh/uv:0.9.26"   # pinned\n'
    )
    assert [span_of(document, d) for d in result.dependencies] == [
        b"python:3.12.4",
        b"docker.io/library/redis:7.4.1",
        b"ghcr.io/astral-sh/uv:0.9.26",
    ]
    assert [(d.location.line, d.location.column) for d in result.dependencies] == [(3, 12), (5, 13), (7, 13)]
    assert [d.registry for d in result.dependencies] == [None, None, "ghcr.io"]


def test_escaped_quoted_scalar_has_no_span() -> None:
    _, result = parse('services:\n  a:\n    image: "python:3.12\\u002E4"\n')
    dependency = only(result)
    assert dependency.tag == "3.12.4"
    assert dependency.location.span is None


def test_variable_forms() -> None:
    document, result = parse(
        "services:\n"
        "  a:\n    image: app:${T-1.2.3}\n"
        "  b:\n    image: app:${EMPTY:-2.0.0}\n"
        "  c:\n    image: app:${EMPTY-3.0.0}x\n"
        "  d:\n    image: $REGISTRY/app:4.0.0\n",
        environ={"EMPTY": "", "REGISTRY": "registry.example:5000"},
    )
    assert images(result) == [
        ("app", "1.2.3", None),
        ("app", "2.0.0", None),
        ("app", "x", None),
        ("registry.example:5000/app", "4.0.0", None),
    ]
    a, b, _, d = result.dependencies
    assert span_of(document, a) == b"1.2.3"
    assert span_of(document, b) == b"2.0.0"
    assert span_of(document, d) == b"4.0.0"
    assert d.location.span_role is SpanRole.TAG


def test_unset_variables_are_unresolved() -> None:
    _, result = parse(
        "services:\n"
        "  a:\n    image: $SNUBA_IMAGE\n"
        "  b:\n    image: app:${TAG:?set TAG to the release}\n"
        "  c:\n    image: app:${TAG:+custom}\n"
    )
    assert [(d.name, d.unresolved, d.location.span) for d in result.dependencies] == [
        ("$SNUBA_IMAGE", "$SNUBA_IMAGE has no value and no default", None),
        (
            "app:${TAG:?set TAG to the release}",
            "$TAG has no value and no default: set TAG to the release",
            None,
        ),
        (
            "app:${TAG:+custom}",
            "${TAG:+custom} depends on whether TAG is set; depcheck does not resolve ${...:+...}",
            None,
        ),
    ]


def test_double_dollar_is_a_literal_dollar() -> None:
    _, result = parse("services:\n  a:\n    image: app$$x:1.0\n")
    assert result.dependencies == ()
    [(rule, line, message)] = messages(result)
    assert (rule, line) == ("invalid", 3)
    assert "invalid image reference 'app$x:1.0'" in message


def test_anchor_image_is_reported_once_at_the_anchor() -> None:
    document, result = parse(
        "x-base: &base\n"
        "  image: python:3.12.4\n"
        "  restart: always\n"
        "x-other: &other\n"
        "  image: alpine:3.20.3\n"
        "services:\n"
        "  web:\n"
        "    <<: *base\n"
        "  worker:\n"
        "    <<: [*base, *other]\n"
        "  cron:\n"
        "    <<: [*other, *base]\n"
        "  beat:\n"
        "    <<: *base\n"
        "    image: python:3.11.10\n"
        "  same: *base\n"
    )
    assert [(d.name, d.tag, d.location.line, d.location.section) for d in result.dependencies] == [
        ("python", "3.12.4", 2, "services.web"),
        ("alpine", "3.20.3", 5, "services.cron"),
        ("python", "3.11.10", 15, "services.beat"),
    ]
    assert span_of(document, result.dependencies[0]) == b"python:3.12.4"


def test_merges_of_merges_and_self_merges_are_read_once() -> None:
    """Anchors merging anchors twice over would double the work at each level if resolved naively."""
    layers = "".join(f"x{level}: &x{level}\n  <<: [*x{level - 1}, *x{level - 1}]\n" for level in range(1, 41))
    _, result = parse(
        "x0: &x0\n  image: python:3.12.4\n"
        + layers
        + "services:\n  web:\n    <<: *x40\n  self: &self\n    <<: [*self, *self]\n    image: nginx:1.27.2\n"
    )
    assert [(d.name, d.location.section) for d in result.dependencies] == [
        ("python", "services.web"),
        ("nginx", "services.self"),
    ]


def test_build_inherited_through_a_merge_skips_the_image() -> None:
    _, result = parse(
        "x-sentry: &sentry\n"
        "  image: sentry-self-hosted-local\n"
        "  build:\n"
        "    context: ./sentry\n"
        "services:\n"
        "  web:\n"
        "    <<: *sentry\n"
        "  worker:\n"
        "    <<: *sentry\n"
    )
    assert result.dependencies == ()
    assert result.findings == ()


def test_ignore_comments_at_the_line_end_and_above() -> None:
    _, result = parse(
        "services:\n"
        "  a:\n"
        "    image: python:3.12  # depcheck: ignore[floating-tag]\n"
        "  b:\n"
        "    # depcheck: ignore\n"
        "    image: redis\n"
        "  c:\n"
        "    image: nginx  # not an ignore\n"
    )
    assert [(d.name, d.ignored_rules) for d in result.dependencies] == [
        ("python", frozenset({"floating-tag"})),
        ("redis", frozenset()),
        ("nginx", None),
    ]


def test_crlf_and_bom_keep_exact_spans() -> None:
    raw = codecs.BOM_UTF8 + b'services:\r\n  a:\r\n    image: "nginx:1.27.2"\r\n'
    document, result = parse(raw)
    dependency = only(result)
    assert span_of(document, dependency) == b"nginx:1.27.2"
    assert (dependency.location.line, dependency.location.column) == (3, 13)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "services:\n  a: {image: x\n",
            [
                (
                    "invalid",
                    3,
                    "invalid YAML: while parsing a flow mapping; expected ',' or '}', but got '<stream end>'",
                )
            ],
        ),
        (
            "services:\n  a:\n    image: [x\n  b: 1\n",
            [
                (
                    "invalid",
                    4,
                    "invalid YAML: while parsing a flow sequence; expected ',' or ']', but got ':'",
                )
            ],
        ),
        ("services: [web]\n", [("invalid", 1, "services must be a mapping of service names to services")]),
        ("- services\n", [("invalid", 1, "a compose file must be a mapping (services: ...)")]),
        ("services:\n  web: nginx\n", [("invalid", 2, "services.web must be a mapping")]),
        ("services:\n  web:\n    image: 5\n", [("invalid", 3, "services.web.image must be a string")]),
        ("services:\n  web:\n    image: [nginx]\n", [("invalid", 3, "services.web.image must be a string")]),
        (
            "services:\n  web:\n    image: ${X:-}\n",
            [("invalid", 3, "services.web.image '${X:-}' is an empty image name")],
        ),
        (
            "services:\n  web:\n    image: nginx:${T\n",
            [("invalid", 3, "services.web.image: bad substitution in 'nginx:${T': missing '}' after ${T")],
        ),
        (
            "services:\n  web:\n    image: a$\n",
            [("invalid", 3, "services.web.image: invalid interpolation in 'a$': write $$ for a literal $")],
        ),
        (
            "a: 1\n---\nb: 2\n",
            [
                (
                    "invalid",
                    2,
                    "invalid YAML: expected a single document in the stream; but found another document",
                )
            ],
        ),
    ],
)
def test_bad_files_are_invalid_with_a_line(text: str, expected: list[tuple[str, int, str]]) -> None:
    _, result = parse(text)
    assert messages(result) == expected


def test_a_bad_service_does_not_stop_the_others() -> None:
    _, result = parse("services:\n  a:\n    image: 5\n  b:\n    image: nginx:1.27.2\n")
    assert images(result) == [("nginx", "1.27.2", None)]
    assert [finding.location.line for finding in result.findings] == [3]


@pytest.mark.parametrize(
    "text", ["", "# only a comment\n", "version: '3'\n", "services:\n", "services:\n  web:\n"]
)
def test_files_without_images(text: str) -> None:
    _, result = parse(text)
    assert result == ParseResult()


@pytest.mark.parametrize(
    ("name", "claimed"),
    [
        ("docker-compose.yml", True),
        ("docker-compose.yaml", True),
        ("docker-compose.test.yml", True),
        ("docker-compose.devcontainer.sqlite-tika.yml", True),
        ("compose.yml", True),
        ("compose.override.yaml", True),
        ("compose.json", False),
        ("Docker-Compose.yml", False),
        ("my-compose.yml", False),
    ],
)
def test_claims(name: str, claimed: bool) -> None:
    assert ComposeSource().claims(PurePath("deploy") / name) is claimed


def corpus_compose_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    source = ComposeSource()
    return sorted(path for path in CORPUS.rglob("*") if path.is_file() and source.claims(PurePath(path.name)))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not checked out")
@pytest.mark.parametrize("path", corpus_compose_files(), ids=lambda path: str(path.relative_to(CORPUS)))
def test_corpus_compose_files_parse(path: Path) -> None:
    document = Document.from_bytes(str(path.relative_to(CORPUS)), path.read_bytes())
    result = ComposeSource().parse(document, path, ParseContext(reader=MemoryFileReader({})))
    assert result.findings == ()
    for dependency in result.dependencies:
        span = dependency.location.span
        if span is not None:
            assert document.raw[span.start : span.end].decode() in document.text


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not checked out")
def test_corpus_netbox_docker_compose_read_by_hand() -> None:
    path = CORPUS / "netbox-community__netbox-docker" / "docker-compose.yml"
    document = Document.from_bytes("docker-compose.yml", path.read_bytes())
    result = ComposeSource().parse(document, path, ParseContext(reader=MemoryFileReader({})))
    # netbox-worker and netbox-housekeeping merge the netbox service (<<: *netbox): one image text.
    assert [(d.name, d.tag) for d in result.dependencies] == [
        ("docker.io/netboxcommunity/netbox", "v4.1-3.0.2"),
        ("docker.io/postgres", "16-alpine"),
        ("docker.io/valkey/valkey", "8.0-alpine"),
        ("docker.io/valkey/valkey", "8.0-alpine"),
    ]
    assert [d.location.line for d in result.dependencies] == [3, 49, 62, 77]
    netbox = result.dependencies[0]
    assert span_of(document, netbox) == b"v4.1-3.0.2"
    assert netbox.location.span_role is SpanRole.TAG
    assert netbox.repository == "netboxcommunity/netbox"


# --- variables from .env ---------------------------------------------------------------------------


def parse_with_env(
    compose: str | bytes,
    env: str | bytes,
    environ: Mapping[str, str] | None = None,
    folder: str = "",
) -> tuple[Document, ParseResult]:
    """Parse ``compose`` (at ``folder/compose.yml``) with ``env`` as the ``.env`` beside it."""
    compose_raw = compose if isinstance(compose, bytes) else compose.encode()
    env_raw = env if isinstance(env, bytes) else env.encode()
    path = f"{folder}/compose.yml" if folder else "compose.yml"
    env_path = f"{folder}/.env" if folder else ".env"
    reader = MemoryFileReader({path: compose_raw, env_path: env_raw})
    document = Document.from_bytes(path, compose_raw)
    context = ParseContext(reader=reader, environ=environ or {})
    return document, ComposeSource().parse(document, PurePath(path), context)


def dotenv_span(env: str | bytes, dependency: Dependency) -> tuple[str, bytes] | None:
    elsewhere = dependency.location.span_elsewhere
    if elsewhere is None:
        return None
    raw = env if isinstance(env, bytes) else env.encode()
    return elsewhere.file, raw[elsewhere.span.start : elsewhere.span.end]


SENTRY_STYLE = (
    "x-snuba-defaults: &snuba_defaults\n"
    '  image: "$SNUBA_IMAGE"\n'
    "services:\n"
    "  snuba-api:\n"
    "    <<: *snuba_defaults\n"
    "  web:\n"
    "    image: python:${PY}-slim\n"
    "  db:\n"
    "    image: postgres:${PG_TAG:-16}\n"
)


def test_variables_from_the_env_file_resolve_images_that_were_unresolved() -> None:
    env = "# self-hosted images\nSNUBA_IMAGE=ghcr.io/getsentry/snuba:nightly\nexport PY='3.12'\nPG_TAG=17.7\n"

    _, without = parse(SENTRY_STYLE)
    _, result = parse_with_env(SENTRY_STYLE, env)

    assert [(d.text, d.unresolved) for d in without.dependencies] == [
        ("$SNUBA_IMAGE", "$SNUBA_IMAGE has no value and no default"),
        ("python:${PY}-slim", "$PY has no value and no default"),
        ("postgres:16", None),
    ]
    assert [(d.text, d.unresolved, d.location.file, d.location.line) for d in result.dependencies] == [
        ("ghcr.io/getsentry/snuba:nightly", None, "compose.yml", 2),
        ("python:3.12-slim", None, "compose.yml", 7),
        ("postgres:17.7", None, "compose.yml", 9),
    ]
    assert result.findings == ()
    assert result.files == (".env",)


def test_a_tag_set_in_the_env_file_is_fixed_there_not_in_the_compose_file() -> None:
    env = "SNUBA_IMAGE=ghcr.io/getsentry/snuba:nightly\nexport PY='3.12'\nPG_TAG=17.7  # keep on 17\n"

    _, result = parse_with_env(SENTRY_STYLE, env)

    snuba, web, db = result.dependencies
    assert [d.location.span for d in result.dependencies] == [None, None, None]
    assert [dotenv_span(env, d) for d in result.dependencies] == [
        (".env", b"ghcr.io/getsentry/snuba:nightly"),
        (".env", b"3.12"),
        (".env", b"17.7"),
    ]
    assert [d.location.span_role for d in result.dependencies] == [
        SpanRole.REFERENCE,
        SpanRole.TAG,
        SpanRole.TAG,
    ]
    assert [d.location.span_affixes for d in result.dependencies] == [("", ""), ("", "-slim"), ("", "")]
    assert [d.location.span_source for d in result.dependencies] == [
        "SNUBA_IMAGE in .env",
        "PY in .env",
        "PG_TAG in .env",
    ]
    assert (
        snuba.location.span_shared_with == web.location.span_shared_with == db.location.span_shared_with == ()
    )


def test_other_uses_of_the_variable_in_the_compose_file_share_its_value() -> None:
    compose = (
        "services:\n"
        "  api:\n"
        "    image: myorg/api:${TAG}\n"
        "  worker:\n"
        "    image: myorg/worker:${TAG}\n"
        "    environment:\n"
        "      - RELEASE=$${TAG} ${TAG}\n"
        "    labels:\n"
        "      note: $$TAG is not a use\n"
    )

    _, result = parse_with_env(compose, "TAG=1.4\n")

    api, worker = result.dependencies
    assert api.location.span_shared_with == (5, 7)
    assert worker.location.span_shared_with == (3, 7)
    assert dotenv_span("TAG=1.4\n", api) == dotenv_span("TAG=1.4\n", worker) == (".env", b"1.4")


def test_a_value_other_env_values_use_or_not_written_as_it_reads_gets_no_span() -> None:
    env = 'PY=3.12\nIMAGE=python:${PY}\nESCAPED="3.1\\0062"\nMADE=${PY}.7\n'
    compose = (
        "services:\n"
        "  a:\n    image: python:${PY}-slim\n"
        "  b:\n    image: ${IMAGE}\n"
        "  c:\n    image: node:${MADE}\n"
        "  d:\n    image: python:${ESCAPED}\n"
    )

    _, result = parse_with_env(compose, env)

    assert [(d.text, d.location.span, d.location.span_elsewhere) for d in result.dependencies] == [
        ("python:3.12-slim", None, None),  # IMAGE's value uses PY too
        ("python:3.12", None, None),  # python:${PY}: 3.12 is PY's text, used by more than IMAGE
        ("node:3.12.7", None, None),
        ("python:3.12", None, None),  # the 2 is written as the escape \0062
    ]


def test_set_but_empty_values_follow_the_two_default_forms() -> None:
    compose = (
        "services:\n"
        "  colon:\n    image: redis:${EMPTY:-7.2}\n"
        "  dash:\n    image: redis:7${EMPTY-.2}\n"
        "  unset:\n    image: redis:7${UNSET-.4}\n"
        "  bare:\n    image: redis:${EMPTY}\n"
    )

    document, result = parse_with_env(compose, "EMPTY=\n")

    colon, dash, unset = result.dependencies
    assert [(d.name, d.tag) for d in result.dependencies] == [
        ("redis", "7.2"),
        ("redis", "7"),
        ("redis", "7.4"),
    ]
    assert span_of(document, colon) == b"7.2"  # the default, in the compose file
    assert colon.location.span_source == "${EMPTY:-7.2}"
    assert span_of(document, dash) == b"redis:7"
    assert (span_of(document, unset), unset.location.span_affixes) == (b".4", ("7", ""))
    assert messages(result) == [
        (
            "invalid",
            9,
            "services.bare.image: invalid image reference 'redis:': invalid tag '': a tag is 1 to 128 "
            "letters, digits, '_', '.' and '-', and cannot start with '.' or '-'",
        ),
    ]


def test_the_callers_environment_wins_over_the_env_file() -> None:
    _, result = parse_with_env(
        "services:\n  a:\n    image: app:${TAG}\n", "TAG=1.0\n", environ={"TAG": "2.0"}
    )

    dependency = only(result)
    assert (dependency.tag, dependency.location.span, dependency.location.span_elsewhere) == (
        "2.0",
        None,
        None,
    )


def test_a_variable_neither_file_sets_says_the_env_file_was_read() -> None:
    _, result = parse_with_env(
        "services:\n  a:\n    image: app:${TAG}\n  b:\n    image: app:${BASED}\n",
        "OTHER=1\nBASED=${MISSING}-1\n",
    )

    assert [(d.text, d.unresolved) for d in result.dependencies] == [
        ("app:${TAG}", "$TAG has no value and no default (.env does not set it)"),
        ("app:${BASED}", "BASED in .env (line 2) uses $MISSING, which .env does not set above it"),
    ]


def test_a_malformed_env_line_is_invalid_at_its_line_and_the_rest_is_read() -> None:
    env = 'PY=3.12\nnot a variable\nTAG="1.4\nPG_TAG=17.7\n'
    compose = "services:\n  a:\n    image: python:${PY}\n  b:\n    image: postgres:${PG_TAG}\n"

    _, result = parse_with_env(compose, env)

    assert [
        (finding.rule, finding.location.file, finding.location.line, finding.message)
        for finding in result.findings
    ] == [
        ("invalid", ".env", 2, "invalid .env line: a variable name cannot contain a space: 'not a variable'"),
        ("invalid", ".env", 3, 'invalid .env line: unterminated quoted value "1.4'),
    ]
    assert [d.text for d in result.dependencies] == ["python:3.12", "postgres:17.7"]


def test_each_compose_file_reads_the_env_file_of_its_own_folder() -> None:
    _, result = parse_with_env("services:\n  a:\n    image: app:${TAG}\n", "TAG=3.0\n", folder="deploy/prod")

    dependency = only(result)
    assert dependency.tag == "3.0"
    assert dotenv_span("TAG=3.0\n", dependency) == ("deploy/prod/.env", b"3.0")
    assert result.files == ("deploy/prod/.env",)


def test_a_folder_named_env_is_not_an_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env" / "bin").mkdir(parents=True)  # a Python virtual environment
    compose = tmp_path / "compose.yml"
    compose.write_bytes(b"services:\n  a:\n    image: app:${TAG}\n")
    reader = LocalFileReader(root=tmp_path, cwd=tmp_path)

    result = ComposeSource().parse(reader.read(compose), compose, ParseContext(reader=reader))

    assert [(d.text, d.unresolved) for d in result.dependencies] == [
        ("app:${TAG}", "$TAG has no value and no default")
    ]
    assert result.findings == ()


def test_an_env_file_that_is_not_text_is_invalid() -> None:
    _, result = parse_with_env("services:\n  a:\n    image: app:${TAG}\n", b"TAG=1.0\nKEY=\xff\n")

    assert messages(result) == [
        ("invalid", 2, "cannot read .env: invalid UTF-8 at byte 12: invalid start byte"),
    ]
    assert result.findings[0].location.file == ".env"
    assert only(result).unresolved == "$TAG has no value and no default"
