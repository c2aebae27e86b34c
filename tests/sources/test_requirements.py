"""pip requirements files and ``pip install`` arguments: what is read, and the exact bytes a fix replaces."""

from __future__ import annotations

import re
import time
from pathlib import Path, PurePath, PurePosixPath

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement

from depcheck.model import Dependency, FileKind, Finding, ParseResult, Role, SpanRole
from depcheck.sources.document import Document
from depcheck.sources.interface import LocalFileReader, MemoryFileReader, ParseContext
from depcheck.sources.pep508 import requirement_dependency
from depcheck.sources.requirements import RequirementsSource, parse_pip_arguments

SOURCE = RequirementsSource()
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"

HASH_A = "sha256:9f7ca04c6dbcf08b794f2ea5283c60156a37ebf2b8316d1027f594f34ff61101"
HASH_B = "sha256:a29aac46a686cade6da87ce7e7287d5d53cddabc41d777c6230a583c36244a18"


def parse(
    content: str | bytes,
    *,
    name: str = "requirements.txt",
    files: dict[str, str | bytes] | None = None,
    environ: dict[str, str] | None = None,
) -> tuple[Document, ParseResult]:
    """Parse ``content`` as ``name`` with ``files`` beside it, all in memory."""
    raw = content.encode() if isinstance(content, str) else content
    sent = {key: value.encode() if isinstance(value, str) else value for key, value in (files or {}).items()}
    sent[name] = raw
    reader = MemoryFileReader(sent)
    document = reader.read(PurePosixPath(name))
    context = ParseContext(reader=reader, environ=environ or {})
    return document, SOURCE.parse(document, PurePosixPath(name), context)


def only(result: ParseResult) -> Dependency:
    assert result.findings == ()
    assert len(result.dependencies) == 1
    return result.dependencies[0]


def only_dependency(result: ParseResult) -> Dependency:
    assert len(result.dependencies) == 1
    return result.dependencies[0]


def spanned(document: Document, dependency: Dependency) -> bytes:
    span = dependency.location.span
    assert span is not None
    assert dependency.location.span_role is SpanRole.REQUIREMENT
    return document.raw[span.start : span.end]


def brief(finding: Finding) -> tuple[str, str, int]:
    return (finding.rule, finding.location.file, finding.location.line)


# --- which files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "requirements.txt",
        "requirements-dev.txt",
        "requirements_test.txt",
        "Requirements.txt",
        "dev-requirements.txt",
        "constraints.txt",
        "constraints-3.12.txt",
        "requirements/base.txt",
        "requirements/prod.txt",
        "requirements.in",
        "requirements/dev.in",
        "test.in",
    ],
)
def test_claims_requirements_files(path: str) -> None:
    assert SOURCE.kind is FileKind.REQUIREMENTS
    assert SOURCE.claims(PurePosixPath(path)) is True


@pytest.mark.parametrize(
    "path",
    [
        "README.txt",
        "docs/notes.txt",
        "requirements/sub/notes.txt",
        "MANIFEST.in",
        "Makefile.in",
        "setup.cfg.in",
        "config.h.in",
        "pyproject.toml",
        "requirements.txt.bak",
    ],
)
def test_leaves_other_files_alone(path: str) -> None:
    assert SOURCE.claims(PurePosixPath(path)) is False


# --- one requirement per line ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name", "specifier", "extras", "text"),
    [
        ("not_semver==1.9", "not-semver", "==1.9", (), "not_semver==1.9"),
        ("Django==1", "django", "==1", (), "Django==1"),
        ("Django[argon2]==2.0.12", "django", "==2.0.12", ("argon2",), "Django[argon2]==2.0.12"),
        ("celery [redis]==4.1.1", "celery", "==4.1.1", ("redis",), "celery [redis]==4.1.1"),
        ("psycopg2[foo, bar]==2.6.1", "psycopg2", "==2.6.1", ("bar", "foo"), "psycopg2[foo, bar]==2.6.1"),
        ("foo [bar] == 3.2.1 # handles extra white space", "foo", "==3.2.1", ("bar",), "foo [bar] == 3.2.1"),
        ("sphinx", "sphinx", "", (), "sphinx"),
        ("requests===2.31.0", "requests", "===2.31.0", (), "requests===2.31.0"),
        ("requests~=2.31", "requests", "~=2.31", (), "requests~=2.31"),
        ("requests>=2.0,<3", "requests", "<3,>=2.0", (), "requests>=2.0,<3"),
        ("requests!=2.30.0", "requests", "!=2.30.0", (), "requests!=2.30.0"),
        ("requests>2", "requests", ">2", (), "requests>2"),
        ("requests<=2", "requests", "<=2", (), "requests<=2"),
        ("requests<2", "requests", "<2", (), "requests<2"),
        ("psycopg2==2.6.*", "psycopg2", "==2.6.*", (), "psycopg2==2.6.*"),
        ("psycopg2!=2.6.*", "psycopg2", "!=2.6.*", (), "psycopg2!=2.6.*"),
        ("psycopg2==2.6.1, <=3.0.0", "psycopg2", "<=3.0.0,==2.6.1", (), "psycopg2==2.6.1, <=3.0.0"),
        ("psycopg2==2.6.1+gc.1", "psycopg2", "==2.6.1+gc.1", (), "psycopg2==2.6.1+gc.1"),
        ("mypy_extensions==0.2.0", "mypy-extensions", "==0.2.0", (), "mypy_extensions==0.2.0"),
        ("Foo.Bar (>=1.0)", "foo-bar", ">=1.0", (), "Foo.Bar (>=1.0)"),
        ("  indented==1.0", "indented", "==1.0", (), "indented==1.0"),
    ],
)
def test_requirement_lines(line: str, name: str, specifier: str, extras: tuple[str, ...], text: str) -> None:
    document, result = parse(f"# first line\n{line}\n")
    dependency = only(result)
    assert (dependency.name, dependency.specifier, dependency.extras) == (name, specifier, extras)
    assert dependency.text == text
    assert spanned(document, dependency) == text.encode()
    assert dependency.location.file == "requirements.txt"
    assert dependency.location.line == 2
    assert dependency.location.column == line.index(text[0]) + 1
    assert dependency.location.section is None
    assert dependency.role is Role.REQUIREMENT
    assert (dependency.url, dependency.editable, dependency.hashes, dependency.unresolved) == (
        None,
        False,
        (),
        None,
    )


@pytest.mark.parametrize(
    ("line", "text", "marker"),
    [
        (
            'attrs==20.3.0; python_version >= "2.7" and python_full_version < "3.0.0" or python_full_version >= "3.5.0"',
            "attrs==20.3.0",
            'python_version >= "2.7" and python_full_version < "3.0.0" or python_full_version >= "3.5.0"',
        ),
        ('distro==1.0.4;python_version<="2.6"', "distro==1.0.4", 'python_version <= "2.6"'),
        (
            'cryptography<2.7; platform_machine != "x86_64"',
            "cryptography<2.7",
            'platform_machine != "x86_64"',
        ),
        (
            "async-timeout >= 4.0, < 6.0 ; python_version < '3.11'",
            "async-timeout >= 4.0, < 6.0",
            'python_version < "3.11"',
        ),
        (
            'uvloop; platform_system != "Windows"  # MagicStack/uvloop#14',
            "uvloop",
            'platform_system != "Windows"',
        ),
        ("tomli>=1.1 ; (python_version < '3.11')", "tomli>=1.1", 'python_version < "3.11"'),
    ],
)
def test_the_marker_is_kept_but_not_in_the_span(line: str, text: str, marker: str) -> None:
    document, result = parse(line + "\n")
    dependency = only(result)
    assert dependency.marker == marker
    assert dependency.text == text
    assert spanned(document, dependency) == text.encode()


def test_inline_hashes() -> None:
    line = f"pytest==3.2.3 --hash={HASH_A}  --hash {HASH_B}  # tests\n"
    document, result = parse("--require-hashes\n" + line)
    dependency = only(result)
    assert (dependency.name, dependency.specifier) == ("pytest", "==3.2.3")
    assert dependency.hashes == (HASH_A, HASH_B)
    assert spanned(document, dependency) == b"pytest==3.2.3"
    assert (dependency.location.line, dependency.location.column) == (2, 1)


PIP_COMPILE = f"""\
#
# This file is autogenerated by pip-compile with Python 3.12
#
certifi==2024.2.2 \\
    --hash={HASH_A} \\
    --hash={HASH_B}
    # via requests
idna==3.6 ; python_version >= "3.8" \\
    --hash={HASH_B}
    # via
    #   -r requirements.in
    #   requests
"""


def test_multi_line_hashed_requirements_from_pip_compile() -> None:
    document, result = parse(PIP_COMPILE)
    assert result.findings == ()
    certifi, idna = result.dependencies
    assert (certifi.name, certifi.specifier, certifi.hashes) == ("certifi", "==2024.2.2", (HASH_A, HASH_B))
    assert (certifi.location.line, certifi.location.column) == (4, 1)
    assert spanned(document, certifi) == b"certifi==2024.2.2"
    assert (idna.name, idna.specifier, idna.hashes) == ("idna", "==3.6", (HASH_B,))
    assert idna.marker == 'python_version >= "3.8"'
    assert idna.location.line == 8
    assert spanned(document, idna) == b"idna==3.6"


def test_crlf_and_bom_spans_are_exact() -> None:
    raw = (
        b"\xef\xbb\xbf# Application requirements\r\n"
        b'httpx[http2]>=0.27 ; python_version >= "3.9"  # HTTP client\r\n'
        b"certifi==2024.2.2 \\\r\n"
        b"    --hash=" + HASH_A.encode() + b"\r\n"
        b"requests~=2.31"
    )
    document, result = parse(raw)
    assert result.findings == ()
    httpx, certifi, requests = result.dependencies
    assert spanned(document, httpx) == b"httpx[http2]>=0.27"
    assert httpx.location.span is not None
    assert httpx.location.span.start == 31  # 3 BOM bytes + 26 + CRLF
    assert (httpx.location.line, httpx.location.column) == (2, 1)
    assert httpx.marker == 'python_version >= "3.9"'
    assert spanned(document, certifi) == b"certifi==2024.2.2"
    assert certifi.hashes == (HASH_A,)
    assert spanned(document, requests) == b"requests~=2.31"
    assert requests.location.line == 5


def test_a_bom_before_the_first_requirement() -> None:
    document, result = parse(b"\xef\xbb\xbfrequests==2.31.0\n")
    dependency = only(result)
    assert (dependency.location.line, dependency.location.column) == (1, 1)
    assert dependency.location.span is not None
    assert dependency.location.span.start == 3
    assert spanned(document, dependency) == b"requests==2.31.0"


def test_multibyte_text_before_a_requirement_shifts_its_bytes() -> None:
    document, result = parse("# café ☕\nnumpy==2.1.0 # ünïcode\n")
    dependency = only(result)
    assert dependency.location.span is not None
    assert dependency.location.span.start == len("# café ☕\n".encode())
    assert spanned(document, dependency) == b"numpy==2.1.0"


# --- continuations and comments ----------------------------------------------------------------


def test_a_requirement_split_over_a_continuation_spans_both_lines() -> None:
    # The span covers the backslash and newline; the text is pip's joined line.
    document, result = parse("Django \\\r\n    >=4.2,<5\r\nrich\r\n")
    django, rich = result.dependencies
    assert (django.name, django.specifier) == ("django", "<5,>=4.2")
    assert django.text == "Django     >=4.2,<5"
    assert spanned(document, django) == b"Django \\\r\n    >=4.2,<5"
    assert (django.location.line, rich.location.line) == (1, 3)


def test_a_marker_on_the_continued_line() -> None:
    document, result = parse(f"pytest==3.2.3 \\\n    ; python_version=='2.7' \\\n    --hash={HASH_A}\n")
    dependency = only(result)
    assert dependency.marker == 'python_version == "2.7"'
    assert dependency.hashes == (HASH_A,)
    assert spanned(document, dependency) == b"pytest==3.2.3"


def test_a_comment_line_ends_a_continuation() -> None:
    document, result = parse("foo==1.0 \\\n# a comment \\\nbar==2.0\n")
    foo, bar = result.dependencies
    assert result.findings == ()
    assert (foo.name, foo.location.line, bar.name, bar.location.line) == ("foo", 1, "bar", 3)
    assert spanned(document, bar) == b"bar==2.0"


def test_an_inline_comment_needs_whitespace_before_the_hash() -> None:
    document, result = parse("https://host.example/pkgs/pkg-1.0.tar.gz#sha256=abcd # archive\n")
    dependency = only(result)
    assert dependency.name == "pkg"
    assert dependency.url == "https://host.example/pkgs/pkg-1.0.tar.gz#sha256=abcd"
    assert spanned(document, dependency) == b"https://host.example/pkgs/pkg-1.0.tar.gz#sha256=abcd"


def test_a_comment_after_a_backslash_swallows_the_next_line_as_pip_does() -> None:
    _, result = parse("foo==1.0 # note \\\nbar==2.0\nbaz==3.0\n")
    assert [dependency.name for dependency in result.dependencies] == ["foo", "baz"]


def test_a_backslash_on_the_last_line_of_the_file() -> None:
    document, result = parse("requests==2.32.3\nflask==3.0.0 \\")
    assert [dependency.name for dependency in result.dependencies] == ["requests", "flask"]
    assert spanned(document, result.dependencies[1]) == b"flask==3.0.0"


def test_empty_and_comment_only_files() -> None:
    for content in ("", "\n\n", "# only a comment\n   \n\t# another\n", "\\\n"):
        _, result = parse(content)
        assert (result.dependencies, result.findings) == ((), ())
        assert result.files == ("requirements.txt",)


# --- inline ignores ----------------------------------------------------------------------------


def test_inline_ignore_comments() -> None:
    _, result = parse(
        "requests  # depcheck: ignore\n"
        "flask>=3  # depcheck: ignore[unpinned,ranged]\n"
        "# depcheck: ignore\n"
        "httpx\n"
        f"certifi==2024.2.2 \\\n    --hash={HASH_A}  # depcheck: ignore[outdated]\n"
    )
    ignored = [dependency.ignored_rules for dependency in result.dependencies]
    assert ignored == [frozenset(), frozenset({"unpinned", "ranged"}), None, frozenset({"outdated"})]


# --- options -----------------------------------------------------------------------------------


def test_options_pip_accepts_are_ignored() -> None:
    _, result = parse(
        "--no-binary :all:\n"
        "--only-binary=numpy\n"
        "--pre\n"
        "--prefer-binary\n"
        "--trusted-host index.example\n"
        "-f https://wheels.example/links\n"
        "--find-links=./wheels\n"
        "--no-index\n"
        "--require-hashes\n"
        "--use-feature=truststore\n"
        "requests==2.32.3 --config-settings=key=value --global-option=--quiet\n"
        "-C key=value\n"
    )
    assert result.findings == ()
    assert [dependency.name for dependency in result.dependencies] == ["requests"]


def test_an_unknown_option_is_invalid_and_the_rest_still_parses() -> None:
    _, result = parse("requests==2.32.3\n--frobnicate\nflask==3.0.0 --frobnicate=1\n-x\n--pre=yes\n")
    assert [dependency.name for dependency in result.dependencies] == ["requests", "flask"]
    assert [
        (finding.rule, finding.location.line, finding.location.column, finding.message)
        for finding in result.findings
    ] == [
        ("invalid", 2, 1, "no such option: --frobnicate"),
        ("invalid", 3, 14, "no such option: --frobnicate"),
        ("invalid", 4, 1, "no such option: -x"),
        ("invalid", 5, 1, "--pre option does not take a value"),
    ]


def test_long_options_may_be_abbreviated_as_in_optparse() -> None:
    _, result = parse("--extra-index https://extra.example/simple\n--req base.txt\nrequests\n")
    dependency = only_dependency(result)
    assert dependency.extra_index_urls == ("https://extra.example/simple",)
    assert [finding.message for finding in result.findings] == [
        "ambiguous option: --req (--require-hashes, --requirement?)"
    ]


def test_option_errors_pip_would_stop_at() -> None:
    _, result = parse(
        "--index-url\n"
        "flask==3.0.0 --hash=md5:0123\n"
        "attrs==23.1.0 --hash=0123\n"
        '--extra-index-url "https://index.example/simple\n'
        "-r base.txt extra.txt\n"
        f"--hash={HASH_A}\n",
        files={"base.txt": ""},
    )
    assert [dependency.name for dependency in result.dependencies] == ["flask", "attrs"]
    assert [(finding.location.line, finding.message) for finding in result.findings] == [
        (1, "--index-url option requires 1 argument"),
        (2, "Allowed hash algorithms for --hash are sha256, sha384, sha512."),
        (3, "Arguments to --hash must be a hash name followed by a value, like --hash=sha256:abcde..."),
        (4, "could not split options: No closing quotation"),
        (5, "pip ignores 'extra.txt' here: it follows an option on the same line"),
        (
            6,
            "--hash with no requirement on its line is ignored by pip (is a backslash missing on the line before?)",
        ),
    ]
    assert all(finding.rule == "invalid" for finding in result.findings)


def test_index_options_apply_to_the_whole_file() -> None:
    _, result = parse(
        "requests==2.32.3\n"
        "--index-url 'https://old.example/simple'\n"
        'flask==3.0.0\n--index-url   "https://index.example/simple"\n'
        "--extra-index-url https://extra.example/simple\n"
        "httpx==0.28.1\n"
    )
    assert result.findings == ()
    assert {dependency.index_url for dependency in result.dependencies} == {"https://index.example/simple"}
    assert {dependency.extra_index_urls for dependency in result.dependencies} == {
        ("https://extra.example/simple",)
    }


def test_a_later_index_url_drops_earlier_extra_indexes_as_in_pip() -> None:
    _, result = parse("--extra-index-url https://a.example/simple\n-ihttps://b.example/simple\nrequests\n")
    dependency = only(result)
    assert (dependency.index_url, dependency.extra_index_urls) == ("https://b.example/simple", ())


def test_without_index_options_the_default_index_is_used() -> None:
    _, result = parse("--extra-index-url=https://extra.example/simple\nrequests\n")
    dependency = only(result)
    assert (dependency.index_url, dependency.extra_index_urls) == (None, ("https://extra.example/simple",))


# --- editables, URLs and paths -----------------------------------------------------------------


def test_editable_local_paths() -> None:
    _, result = parse("-e .\n--editable ./pkg[test,dev]\n-e file:.#egg=bowtie-json-schema\n")
    assert result.findings == ()
    here, package, egg = result.dependencies
    assert (here.name, here.editable, here.url, here.unresolved) == (".", True, None, "editable local path .")
    assert (here.location.line, here.location.column, here.location.span) == (1, 4, None)
    assert (package.name, package.extras, package.unresolved) == (
        "./pkg",
        ("dev", "test"),
        "editable local path ./pkg",
    )
    assert (package.location.line, package.location.column) == (2, 12)
    assert (egg.name, egg.unresolved) == (
        "bowtie-json-schema",
        "editable local path file:.#egg=bowtie-json-schema",
    )


def test_editable_vcs_checkouts() -> None:
    _, result = parse(
        "-e git+https://github.com/org/tool.git@v1.0#egg=Tool_Name\n"
        "--editable=git+ssh://git@gitlab.example/org/other-thing.git@main\n"
    )
    assert result.findings == ()
    tool, other = result.dependencies
    assert (tool.name, tool.url, tool.editable, tool.unresolved) == (
        "tool-name",
        "git+https://github.com/org/tool.git@v1.0#egg=Tool_Name",
        True,
        None,
    )
    assert (other.name, other.url) == ("other-thing", "git+ssh://git@gitlab.example/org/other-thing.git@main")
    assert (other.location.line, other.location.column) == (2, 12)


def test_hashes_on_an_editable_line_are_ignored_quietly_as_in_pip() -> None:
    _, result = parse(f"-e ./pkg --hash={HASH_A}\n")
    dependency = only(result)
    assert (dependency.name, dependency.hashes) == ("./pkg", ())


def test_an_editable_constraint_is_invalid() -> None:
    _, result = parse("-c constraints.txt\n", files={"constraints.txt": "-e ./pkg\n"})
    assert [(dependency.name, dependency.role) for dependency in result.dependencies] == [
        ("./pkg", Role.CONSTRAINT)
    ]
    assert [(brief(finding), finding.message) for finding in result.findings] == [
        (
            ("invalid", "constraints.txt", 1),
            "-e ./pkg: pip does not allow editable requirements as constraints",
        )
    ]


def test_an_editable_archive_url_is_invalid() -> None:
    _, result = parse("-e https://host.example/pkg-1.0.tar.gz\n")
    assert result.dependencies == ()
    assert [brief(finding) for finding in result.findings] == [("invalid", "requirements.txt", 1)]
    assert "is not a valid editable requirement" in result.findings[0].message


@pytest.mark.parametrize(
    ("line", "name", "url", "extras"),
    [
        (
            "git+https://github.com/ansible/system-certifi.git@devel#egg=certifi",
            "certifi",
            "git+https://github.com/ansible/system-certifi.git@devel#egg=certifi",
            (),
        ),
        (
            "git+https://github.com/rwxd/python-pip-setup-test.git@v0.9.0",
            "python-pip-setup-test",
            "git+https://github.com/rwxd/python-pip-setup-test.git@v0.9.0",
            (),
        ),
        (
            "git+https://github.com/requests/requests#egg=requests",
            "requests",
            "git+https://github.com/requests/requests#egg=requests",
            (),
        ),
        (
            "git+ssh://git@gitlab.example/rwxd/Python_Package.git@abcde",
            "python-package",
            "git+ssh://git@gitlab.example/rwxd/Python_Package.git@abcde",
            (),
        ),
        (
            "git+https://github.com/org/repo.git@feature/branch",
            "repo",
            "git+https://github.com/org/repo.git@feature/branch",
            (),
        ),
        (
            "git+https://github.com/org/mono.git@v2#subdirectory=libs/inner_lib",
            "inner-lib",
            "git+https://github.com/org/mono.git@v2#subdirectory=libs/inner_lib",
            (),
        ),
        (
            "git+https://github.com/org/repo.git#egg=pkg[extra1,extra2]",
            "pkg",
            "git+https://github.com/org/repo.git#egg=pkg[extra1,extra2]",
            ("extra1", "extra2"),
        ),
        (
            "hg+https://hg.example/repo@tip#egg=HgThing",
            "hgthing",
            "hg+https://hg.example/repo@tip#egg=HgThing",
            (),
        ),
    ],
)
def test_bare_vcs_urls(line: str, name: str, url: str, extras: tuple[str, ...]) -> None:
    document, result = parse(line + "\n")
    dependency = only(result)
    assert (dependency.name, dependency.url, dependency.extras) == (name, url, extras)
    assert (dependency.specifier, dependency.editable, dependency.unresolved) == ("", False, None)
    assert spanned(document, dependency) == url.encode()


def test_a_vcs_url_with_a_marker() -> None:
    document, result = parse('git+https://github.com/org/repo.git@v1 ; python_version < "3.12"\n')
    dependency = only(result)
    assert (dependency.name, dependency.marker) == ("repo", 'python_version < "3.12"')
    assert spanned(document, dependency) == b"git+https://github.com/org/repo.git@v1"


def test_named_url_requirements() -> None:
    document, result = parse(
        "requests @ https://files.example/requests-2.31.0-py3-none-any.whl\n"
        "django-ansible-base @ git+https://github.com/ansible/django-ansible-base@devel#egg=django-ansible-base[rest_filters,jwt_consumer]\n"
        'mylib @ file:///opt/wheels/mylib-1.0-py3-none-any.whl ; sys_platform == "linux"\n'
    )
    assert result.findings == ()
    requests, base, mylib = result.dependencies
    assert (requests.name, requests.url, requests.unresolved) == (
        "requests",
        "https://files.example/requests-2.31.0-py3-none-any.whl",
        None,
    )
    assert spanned(document, requests) == b"requests @ https://files.example/requests-2.31.0-py3-none-any.whl"
    assert base.name == "django-ansible-base"
    assert (
        base.url
        == "git+https://github.com/ansible/django-ansible-base@devel#egg=django-ansible-base[rest_filters,jwt_consumer]"
    )
    assert mylib.unresolved == "local path file:///opt/wheels/mylib-1.0-py3-none-any.whl"
    assert mylib.marker == 'sys_platform == "linux"'
    assert spanned(document, mylib) == b"mylib @ file:///opt/wheels/mylib-1.0-py3-none-any.whl"


def test_bare_archive_urls() -> None:
    _, result = parse(
        "https://files.example/pkgs/Some_Lib-2.0-py3-none-any.whl\n"
        "https://files.example/pkgs/other-1.2.tar.gz#sha256=0123abcd\n"
        "https://files.example/download?id=7#egg=named\n"
    )
    assert result.findings == ()
    assert [
        (dependency.name, dependency.url, dependency.unresolved) for dependency in result.dependencies
    ] == [
        ("some-lib", "https://files.example/pkgs/Some_Lib-2.0-py3-none-any.whl", None),
        ("other", "https://files.example/pkgs/other-1.2.tar.gz#sha256=0123abcd", None),
        ("named", "https://files.example/download?id=7#egg=named", None),
    ]


def test_local_paths_are_unresolved() -> None:
    document, result = parse(
        "./pkg\n../wheels/tool-1.0-py3-none-any.whl\nvendor/thing[extra]\ndist.whl\nfile:../pkg#egg=bowtie\n"
    )
    assert result.findings == ()
    assert [
        (dependency.name, dependency.extras, dependency.unresolved) for dependency in result.dependencies
    ] == [
        ("./pkg", (), "local path ./pkg"),
        ("tool", (), "local path ../wheels/tool-1.0-py3-none-any.whl"),
        ("vendor/thing", ("extra",), "local path vendor/thing"),
        ("dist.whl", (), "local path dist.whl"),
        ("bowtie", (), "local path file:../pkg#egg=bowtie"),
    ]
    assert spanned(document, result.dependencies[2]) == b"vendor/thing[extra]"


# --- environment variables ---------------------------------------------------------------------


def test_environment_variables_that_are_set() -> None:
    document, result = parse(
        "requests==${REQUESTS_VERSION}\n--index-url https://${INDEX_HOST}/simple\n",
        environ={"REQUESTS_VERSION": "2.32.3", "INDEX_HOST": "index.example"},
    )
    dependency = only(result)
    assert (dependency.name, dependency.specifier, dependency.unresolved) == ("requests", "==2.32.3", None)
    assert dependency.text == "requests==${REQUESTS_VERSION}"
    assert spanned(document, dependency) == b"requests==${REQUESTS_VERSION}"
    assert dependency.index_url == "https://index.example/simple"


def test_environment_variables_that_are_not_set() -> None:
    document, result = parse(
        "requests==${REQUESTS_VERSION}\n"
        "${PACKAGE}==1.0\n"
        "private @ git+https://${TOKEN}@git.example/org/private.git@v1\n"
        "flask==${EMPTY}\n"
        "-r ${REQS_DIR}/base.txt\n",
        environ={"EMPTY": ""},
    )
    requests, package, private, flask = result.dependencies
    assert (requests.name, requests.specifier) == ("requests", "")
    assert requests.unresolved == "environment variable ${REQUESTS_VERSION} is not set"
    assert spanned(document, requests) == b"requests==${REQUESTS_VERSION}"
    assert (package.name, package.unresolved) == (
        "${PACKAGE}==1.0",
        "environment variable ${PACKAGE} is not set",
    )
    assert (private.name, private.url) == ("private", "git+https://${TOKEN}@git.example/org/private.git@v1")
    assert private.unresolved == "environment variable ${TOKEN} is not set"
    assert (flask.name, flask.unresolved) == ("flask", "environment variable ${EMPTY} is empty")
    assert [(finding.rule, finding.location.line, finding.message) for finding in result.findings] == [
        ("unresolved", 5, "-r ${REQS_DIR}/base.txt: environment variable ${REQS_DIR} is not set"),
    ]


def test_only_upper_case_braced_variables_are_pip_variables() -> None:
    _, result = parse("requests==${version}\nflask==$VERSION\n", environ={"version": "1", "VERSION": "2"})
    assert result.dependencies == ()
    assert [(finding.rule, finding.location.line) for finding in result.findings] == [
        ("invalid", 1),
        ("invalid", 2),
    ]


# --- lines that are not requirements -----------------------------------------------------------


def test_garbage_lines_are_invalid_and_the_rest_still_parses() -> None:
    _, result = parse(
        "requests==2.32.3\n"
        "4 + 4 = 2 # I'm not a requirement.\n"
        "flask==3.0.0\n"
        '{%- if cookiecutter.foo == "y" %}\n'
        "httpx==0.28.1\n"
        "attrs==23.1.0; python_version >>> '3'\n"
    )
    assert [dependency.name for dependency in result.dependencies] == ["requests", "flask", "httpx"]
    assert [
        (finding.rule, finding.location.line, finding.location.column) for finding in result.findings
    ] == [
        ("invalid", 2, 1),
        ("invalid", 4, 1),
        ("invalid", 6, 1),
    ]
    first, second, third = (finding.message for finding in result.findings)
    assert (
        first
        == "'4 + 4 = 2' is not a valid requirement: Expected semicolon (after name with no version specifier) or end"
    )
    assert second.startswith(
        "'{%- if cookiecutter.foo == \"y\" %}' is not a valid requirement: Expected package name"
    )
    assert third.startswith("\"attrs==23.1.0; python_version >>> '3'\" is not a valid requirement: ")


# --- includes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "-r base.txt",
        "-rbase.txt",
        "--requirement=base.txt",
        "--requirement base.txt",
        "--requirem base.txt",
        "-r 'base.txt'",
    ],
)
def test_requirement_includes(line: str) -> None:
    _, result = parse(f"{line}\nflask==3.0.0\n", files={"base.txt": "# base\nrequests==2.32.3\n"})
    assert result.findings == ()
    requests, flask = result.dependencies
    assert (requests.name, requests.role, requests.location.file, requests.location.line) == (
        "requests",
        Role.REQUIREMENT,
        "base.txt",
        2,
    )
    assert (flask.location.file, flask.location.line) == ("requirements.txt", 2)
    assert result.files == ("requirements.txt", "base.txt")


def test_constraint_includes_give_constraints() -> None:
    _, result = parse(
        "-c constraints.txt\n--constraint=more.txt\nrequests\n",
        files={
            "constraints.txt": "urllib3==2.2.3\n-r nested.txt\n",
            "nested.txt": "idna==3.10\n",
            "more.txt": "certifi==2024.8.30\n",
        },
    )
    assert result.findings == ()
    assert [
        (dependency.name, dependency.role, dependency.location.file) for dependency in result.dependencies
    ] == [
        ("urllib3", Role.CONSTRAINT, "constraints.txt"),
        # pip reads a -r inside a constraints file as requirements.
        ("idna", Role.REQUIREMENT, "nested.txt"),
        ("certifi", Role.CONSTRAINT, "more.txt"),
        ("requests", Role.REQUIREMENT, "requirements.txt"),
    ]
    assert result.files == ("requirements.txt", "constraints.txt", "nested.txt", "more.txt")


def test_includes_are_relative_to_the_including_file() -> None:
    _, result = parse(
        "-r requirements/dev.txt\n",
        files={
            "requirements/dev.txt": "-r base.txt\n-r ../tools/lint.txt\npytest==8.3.3\n",
            "requirements/base.txt": "requests==2.32.3\n",
            "tools/lint.txt": "ruff==0.7.0\n",
        },
    )
    assert result.findings == ()
    assert [(dependency.name, dependency.location.file) for dependency in result.dependencies] == [
        ("requests", "requirements/base.txt"),
        ("ruff", "tools/lint.txt"),
        ("pytest", "requirements/dev.txt"),
    ]


def test_index_options_in_an_include_apply_to_everything_read() -> None:
    _, result = parse(
        "-r base.txt\nflask\n", files={"base.txt": "-i https://index.example/simple\nrequests\n"}
    )
    assert [dependency.index_url for dependency in result.dependencies] == [
        "https://index.example/simple"
    ] * 2


def test_a_file_included_twice_is_read_once() -> None:
    _, result = parse(
        "-r a.txt\n-r b.txt\n",
        files={"a.txt": "-r common.txt\n", "b.txt": "-r common.txt\n", "common.txt": "six==1.16.0\n"},
    )
    assert result.findings == ()
    assert [dependency.name for dependency in result.dependencies] == ["six"]


def test_an_include_cycle_is_invalid_at_the_including_line() -> None:
    _, result = parse(
        "-r a.txt\nroot==1.0\n",
        files={"a.txt": "a==1.0\n-r b.txt\n", "b.txt": "b==1.0\n\n-r a.txt\n-r requirements.txt\n"},
    )
    assert [dependency.name for dependency in result.dependencies] == ["a", "b", "root"]
    assert [(brief(finding), finding.message) for finding in result.findings] == [
        (
            ("invalid", "b.txt", 3),
            "-r a.txt is an include cycle: requirements.txt -> a.txt -> b.txt -> a.txt",
        ),
        (
            ("invalid", "b.txt", 4),
            "-r requirements.txt is an include cycle: requirements.txt -> a.txt -> b.txt -> requirements.txt",
        ),
    ]


def test_a_missing_include_is_invalid_at_the_including_line() -> None:
    _, result = parse("requests\n-r missing.txt\n-c gone.txt\n")
    assert [dependency.name for dependency in result.dependencies] == ["requests"]
    assert [(brief(finding), finding.message) for finding in result.findings] == [
        (
            ("invalid", "requirements.txt", 2),
            "-r missing.txt: cannot read missing.txt: no such file among those sent",
        ),
        (
            ("invalid", "requirements.txt", 3),
            "-c gone.txt: cannot read gone.txt: no such file among those sent",
        ),
    ]


def test_remote_includes_are_unresolved() -> None:
    _, result = parse(
        '-r https://host.example/requirements.txt\n-c "https://host.example/constraints-3.11.txt"\nrequests\n'
    )
    assert [dependency.name for dependency in result.dependencies] == ["requests"]
    assert [(brief(finding), finding.message) for finding in result.findings] == [
        (
            ("unresolved", "requirements.txt", 1),
            "-r https://host.example/requirements.txt: a remote requirements file is not fetched, so it is not checked",
        ),
        (
            ("unresolved", "requirements.txt", 2),
            "-c https://host.example/constraints-3.11.txt: a remote constraints file is not fetched, so it is not checked",
        ),
    ]


def local_parse(tmp_path: Path, files: dict[str, str]) -> ParseResult:
    """Write ``files`` under ``tmp_path`` and parse ``repo/requirements.txt`` from the disk."""
    for name, content in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    reader = LocalFileReader(root=tmp_path / "repo", cwd=tmp_path / "repo")
    path = tmp_path / "repo" / "requirements.txt"
    return SOURCE.parse(reader.read(path), path, ParseContext(reader=reader))


def test_an_include_escaping_through_dotdot_is_unresolved_and_read(tmp_path: Path) -> None:
    result = local_parse(
        tmp_path,
        {"repo/requirements.txt": "flask==3.0.0\n-r ../outside.txt\n", "outside.txt": "requests==2.32.3\n"},
    )
    outside = (tmp_path / "outside.txt").as_posix()
    assert [(dependency.name, dependency.location.file) for dependency in result.dependencies] == [
        ("flask", "requirements.txt"),
        ("requests", outside),
    ]
    assert [(brief(finding), finding.message) for finding in result.findings] == [
        (
            ("unresolved", "requirements.txt", 2),
            f"-r ../outside.txt points outside the repository ({outside}); it was read, but is not part of the audited tree",
        )
    ]
    assert result.files == ("requirements.txt", outside)


def test_a_missing_include_escaping_the_repository_is_only_unresolved(tmp_path: Path) -> None:
    result = local_parse(tmp_path, {"repo/requirements.txt": "-r ../../nowhere.txt\n"})
    assert result.dependencies == ()
    assert [finding.rule for finding in result.findings] == ["unresolved"]
    assert result.findings[0].message.endswith("and cannot be read: no such file")


def test_an_include_escaping_through_a_symlink_is_unresolved_and_read(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "secret.txt").write_text("leaked==1.0\n")
    (tmp_path / "repo" / "link.txt").symlink_to(tmp_path / "secret.txt")
    result = local_parse(tmp_path, {"repo/requirements.txt": "-r link.txt\n"})
    assert [(dependency.name, dependency.location.file) for dependency in result.dependencies] == [
        ("leaked", "link.txt")
    ]
    assert [(brief(finding), finding.message) for finding in result.findings] == [
        (
            ("unresolved", "requirements.txt", 1),
            "-r link.txt points outside the repository (link.txt); it was read, but is not part of the audited tree",
        )
    ]


# --- fast path against packaging ---------------------------------------------------------------


def same_as_packaging(line: str) -> None:
    """Parsing ``line`` gives exactly the record the shared PEP 508 helper builds, or ``invalid`` when it refuses."""
    document, result = parse(line + "\n")
    try:
        expected = requirement_dependency(document, 0, line)
    except InvalidRequirement:
        assert result.dependencies == ()
        assert [finding.rule for finding in result.findings] == ["invalid"]
        return
    assert result.findings == ()
    assert result.dependencies == (expected,)


@pytest.mark.parametrize(
    "line",
    [
        "a",
        "A_B.c-D==1.0",
        "a==1.0,",
        "a[]",
        "a[ x , y ]>=1",
        "a[x,]",
        "a[x y]",
        "a==1.0 ; ",
        "a== 1.0",
        "a==\t1.0",
        "a ==1.0 , <2 ;python_version>'3'",
        "a>=1.0.*",
        "a~=1",
        "a==1.0.post1.dev2",
        "a===anything-goes",
        "a-",
        "a.",
        "a[x]==1 ; extra == 'X_Y'",
        "a<1>2",
        "a==1.0;os_name=='nt' or (python_version<'3' and sys_platform=='win32')",
        "a (==1.0) ; python_version > '3'",
        "a==1.0 ; python_version > 3",
    ],
)
def test_the_fast_path_agrees_with_packaging(line: str) -> None:
    same_as_packaging(line)


NAMES = st.text(alphabet="abAB019._-", min_size=1, max_size=6)
CLAUSES = st.builds(
    "{}{}{}".format,
    st.sampled_from(["==", "===", "~=", ">=", "<=", "!=", "<", ">", "=", ""]),
    st.sampled_from(["", " ", "\t"]),
    st.sampled_from(["1", "1.0", "1.0.*", "2.0b1", "1.0+local", "1.*", "v1", "1..0", "x"]),
)
MARKERS = st.sampled_from(
    ["", ";", "; python_version < '3.9'", ";os_name=='nt'", "; extra == 'Dev'", "; python_version", "; and"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=NAMES,
    extras=st.one_of(st.none(), st.lists(NAMES, max_size=3)),
    clauses=st.lists(CLAUSES, max_size=3),
    separator=st.sampled_from([",", " , ", ",,", " "]),
    marker=MARKERS,
    space=st.sampled_from(["", " ", "\t"]),
)
def test_the_fast_path_agrees_with_packaging_on_generated_lines(
    name: str, extras: list[str] | None, clauses: list[str], separator: str, marker: str, space: str
) -> None:
    extras_text = "" if extras is None else "[" + ", ".join(extras) + "]"
    line = f"{name}{space}{extras_text}{space}{separator.join(clauses)}{space}{marker}".strip()
    assume(line and " -" not in line and not line.startswith(("-", ".")))
    assume(not re.search(r"(?i)\.(whl|zip|tar|tgz|tbz|txz|tlz)$", line))
    same_as_packaging(line)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab01._-[], <>=!~;'()\t*+", min_size=1, max_size=30))
def test_the_fast_path_agrees_with_packaging_on_noise(line: str) -> None:
    line = line.strip()
    assume(line and " -" not in line and not line.startswith("-") and not line.startswith("."))
    same_as_packaging(line)


# --- size --------------------------------------------------------------------------------------


def test_ten_thousand_generated_lines_parse_completely() -> None:
    # Speed is measured in benchmarks/bench_parse.py, not asserted here: a timed test fails on a
    # busy machine without telling anything about depcheck.
    # Blocks of ten lines as generated files hold them: a comment, two hashed requirements over
    # three lines each, a pin, a range with extras and a marker, and a bare name.
    lines = []
    for block in range(1_000):
        lines.append(f"# block {block}")
        for entry in range(2):
            lines += [
                f"hashed-{block}-{entry}=={block}.{entry} \\",
                f"    --hash={HASH_A} \\",
                f"    --hash={HASH_B}",
            ]
        lines.append(f"pinned-{block}=={block % 9}.{block % 7}.{block % 3}")
        lines.append(f"Ranged_{block}[extra] >= {block % 9}.0 ; python_version >= '3.{block % 13}'  # why")
        lines.append(f"bare-{block}")
    document = Document.from_text("requirements.txt", "\n".join(lines) + "\n")
    assert document.line_count == 10_001  # the empty line after the last newline
    context = ParseContext(reader=MemoryFileReader({}))
    result = SOURCE.parse(document, PurePosixPath("requirements.txt"), context)
    assert len(result.dependencies) == 5_000
    assert result.findings == ()
    assert result.dependencies[-1].name == "bare-999"
    assert result.dependencies[-1].location.line == 10_000


@pytest.mark.parametrize(
    "content",
    [
        "a" + "#a" * 200_000,
        " " * 500_000 + "x",
        "requests==1.0 " + "--hash " * 100_000,
        "requests==1.0 --hash=" + '"' * 100_001,
        "x" * 500_000 + "==1.0",
        "-r" + " " * 500_000,
        "\\\n" * 200_000 + "requests",
        "a" + "[" * 200_000,
        "a==1.0 ; " + "(" * 5_000,
    ],
)
def test_pathological_lines_stay_linear(content: str) -> None:
    document = Document.from_text("requirements.txt", content + "\n")
    context = ParseContext(reader=MemoryFileReader({}))
    started = time.process_time()
    SOURCE.parse(document, PurePosixPath("requirements.txt"), context)
    assert time.process_time() - started < 2.0


# --- real files --------------------------------------------------------------------------------


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(path for path in CORPUS.rglob("*") if path.is_file() and SOURCE.claims(path))


def corpus_parse(relative: str) -> ParseResult:
    path = CORPUS / relative
    reader = LocalFileReader(root=path.parent, cwd=CORPUS)
    return SOURCE.parse(reader.read(path), path, ParseContext(reader=reader))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not checked out beside the project")
def test_every_corpus_requirements_file_parses() -> None:
    files = corpus_files()
    assert len(files) >= 25
    for path in files:
        reader = LocalFileReader(root=CORPUS, cwd=CORPUS)
        result = SOURCE.parse(reader.read(path), path, ParseContext(reader=reader))
        # The only findings in these real files are includes of files the corpus does not carry.
        assert {finding.rule for finding in result.findings} <= {"invalid"}, path
        assert all("cannot read" in finding.message for finding in result.findings), path
        assert all(
            dependency.location.span is not None or dependency.editable for dependency in result.dependencies
        )


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not checked out beside the project")
def test_corpus_counts_checked_by_hand() -> None:
    # grep -c '^[A-Za-z0-9]' main.txt -> 184 requirements; grep -c -- '--hash=' main.txt -> 2089 hashes.
    warehouse = corpus_parse("pypi__warehouse/requirements/main.txt")
    assert warehouse.findings == ()
    assert len(warehouse.dependencies) == 184
    assert sum(len(dependency.hashes) for dependency in warehouse.dependencies) == 2089
    first = warehouse.dependencies[0]
    assert (first.name, first.specifier, first.location.line, len(first.hashes)) == (
        "alembic",
        "==1.18.5",
        7,
        2,
    )

    # requirements-dev.txt: `-r requirements.txt` (175 lines starting with a letter) plus 60 of its own.
    quay = corpus_parse("quay__quay/requirements-dev.txt")
    assert quay.findings == ()
    assert len(quay.dependencies) == 235
    assert quay.files == ("quay__quay/requirements-dev.txt", "quay__quay/requirements.txt")
    mockldap = next(dependency for dependency in quay.dependencies if dependency.name == "mockldap")
    assert (
        mockldap.url
        == "git+https://github.com/quay/mockldap.git@136253ca136fc7898944a4b37893a99440f7335e#egg=mockldap"
    )

    awx = corpus_parse("ansible__awx/requirements/requirements_git.txt")
    assert awx.findings == ()
    assert [(dependency.name, dependency.location.line) for dependency in awx.dependencies] == [
        ("certifi", 1),
        ("ansible-runner", 3),
        ("django-ansible-base", 4),
        ("awx-plugins-core", 5),
        ("awx-plugins-interfaces", 6),
    ]
    assert all(
        dependency.url is not None and dependency.url.startswith("git+https://")
        for dependency in awx.dependencies
    )


# --- pip install arguments ---------------------------------------------------------------------


def words_after_install(document: Document) -> list[tuple[str, int]]:
    """Whitespace-separated words after ``install``, double quotes removed, offsets of the unquoted text."""
    start = document.text.index("install") + len("install")
    words = []
    for match in re.finditer(r'"([^"]*)"|([^\s"\\]+)', document.text[start:]):
        group = 1 if match.group(1) is not None else 2
        words.append((match.group(group), start + match.start(group)))
    return words


def pip(
    command: str, files: dict[str, str] | None = None, section: str | None = "stage build"
) -> tuple[Document, ParseResult]:
    raw = command.encode()
    sent = {name: content.encode() for name, content in (files or {}).items()}
    sent["app/Dockerfile"] = raw
    reader = MemoryFileReader(sent)
    document = reader.read(PurePosixPath("app/Dockerfile"))
    context = ParseContext(reader=reader)
    return document, parse_pip_arguments(
        document, words_after_install(document), PurePath("app/Dockerfile"), context, section
    )


def test_pip_install_requirement_words() -> None:
    document, result = pip(
        'FROM python:3.12\nRUN pip install --no-cache-dir -U requests==2.32.3 "httpx[http2]>=0.27" \\\n    flask --target /opt/libs --progress-bar off --quiet\n'
    )
    assert result.findings == ()
    requests, httpx, flask = result.dependencies
    assert (requests.name, requests.specifier, requests.location.line, requests.location.section) == (
        "requests",
        "==2.32.3",
        2,
        "stage build",
    )
    assert spanned(document, requests) == b"requests==2.32.3"
    assert (httpx.name, httpx.extras, httpx.specifier) == ("httpx", ("http2",), ">=0.27")
    assert spanned(document, httpx) == b"httpx[http2]>=0.27"
    assert (flask.name, flask.specifier, flask.location.line, flask.location.column) == ("flask", "", 3, 5)
    assert result.files == ()


def test_uv_pip_install_option_values_are_not_requirements() -> None:
    # paperless-ngx's Dockerfile: `system` is the value of --python-preference, not a project.
    _, result = pip(
        "RUN uv pip install --no-cache --system --no-python-downloads --python-preference system \\\n"
        "      --index https://index.example/simple --index-strategy unsafe-best-match \\\n"
        "      --resolution lowest-direct --prerelease allow --keyring-provider subprocess \\\n"
        "      --link-mode copy --compile-bytecode --python-platform linux --config-file uv.toml \\\n"
        "      --fork-strategy fewest --exclude-newer-package tzdata=2025-01-01 -p 3.12 --python /usr/bin/python3 \\\n"
        "      --upgrade-group dev --no-sources-package pkg --resume-retries 3 \\\n"
        "      requests==2.32.3\n"
    )
    assert result.findings == ()
    assert [(dependency.name, dependency.specifier) for dependency in result.dependencies] == [
        ("requests", "==2.32.3")
    ]


def test_pip_install_follows_requirement_files_beside_the_dockerfile() -> None:
    _, result = pip(
        "RUN pip install -Ur requirements.txt -c constraints.txt --index-url=https://index.example/simple "
        "--extra-index-url https://extra.example/simple -r /tmp/other.txt -r missing.txt\n",
        files={"app/requirements.txt": "requests==2.32.3\n", "app/constraints.txt": "urllib3==2.2.3\n"},
    )
    assert [
        (dependency.name, dependency.role, dependency.location.file) for dependency in result.dependencies
    ] == [
        ("requests", Role.REQUIREMENT, "app/requirements.txt"),
        ("urllib3", Role.CONSTRAINT, "app/constraints.txt"),
    ]
    assert {(dependency.index_url, dependency.extra_index_urls) for dependency in result.dependencies} == {
        ("https://index.example/simple", ("https://extra.example/simple",))
    }
    assert [(finding.rule, finding.message) for finding in result.findings] == [
        ("unresolved", "-r /tmp/other.txt: the file is read inside the image, not from the repository"),
        (
            "unresolved",
            "-r missing.txt: not found next to the Dockerfile (no such file among those sent); pip reads it inside the image",
        ),
    ]
    assert result.files == ("app/requirements.txt", "app/constraints.txt")


def test_pip_install_local_projects_variables_and_vcs() -> None:
    document, result = pip(
        "RUN pip install . ./libs/inner .[dev] -e . /src/pkg dist/tool-1.0-py3-none-any.whl $EXTRA foo==${FOO_VERSION} "
        "-e git+https://github.com/org/tool.git@v1#egg=tool --root /target\n"
    )
    assert result.findings == ()
    wheel, extra, foo, tool = result.dependencies
    assert (wheel.name, wheel.unresolved) == ("tool", "local path dist/tool-1.0-py3-none-any.whl")
    assert (extra.name, extra.unresolved) == (
        "$EXTRA",
        "shell variable $EXTRA is only known when the image is built",
    )
    assert (foo.name, foo.unresolved) == (
        "foo",
        "shell variable ${FOO_VERSION} is only known when the image is built",
    )
    assert spanned(document, foo) == b"foo==${FOO_VERSION}"
    assert (tool.name, tool.url, tool.editable) == (
        "tool",
        "git+https://github.com/org/tool.git@v1#egg=tool",
        True,
    )


def test_pip_install_word_that_is_not_verbatim_has_no_span() -> None:
    document = Document.from_text("Dockerfile", "RUN pip install req'uests==2.0'\n")
    offset = document.text.index("req")
    context = ParseContext(reader=MemoryFileReader({}))
    result = parse_pip_arguments(document, [("requests==2.0", offset)], PurePath("Dockerfile"), context, None)
    dependency = only(result)
    assert (dependency.name, dependency.location.column, dependency.location.span) == ("requests", 17, None)


def test_pip_install_invalid_word() -> None:
    _, result = pip("RUN pip install foo @ https://host.example/foo-1.0-py3-none-any.whl\n")
    assert [dependency.name for dependency in result.dependencies] == ["foo", "foo"]
    assert [(finding.rule, finding.location.column) for finding in result.findings] == [("invalid", 21)]
