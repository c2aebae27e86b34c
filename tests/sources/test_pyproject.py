"""pyproject.toml: every table that names dependencies, with exact lines, columns and fix spans."""

from __future__ import annotations

from pathlib import Path, PurePath

import pytest

from depcheck.model import Dependency, Ecosystem, FileKind, Finding, ParseResult, Role, SpanRole
from depcheck.sources.document import Document
from depcheck.sources.interface import MemoryFileReader, ParseContext
from depcheck.sources.pyproject import PyprojectSource

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def parse(raw: bytes | str) -> tuple[Document, ParseResult]:
    data = raw.encode() if isinstance(raw, str) else raw
    document = Document.from_bytes("pyproject.toml", data)
    context = ParseContext(reader=MemoryFileReader({}))
    return document, PyprojectSource().parse(document, PurePath("pyproject.toml"), context)


def spanned(document: Document, dependency: Dependency) -> bytes | None:
    span = dependency.location.span
    return None if span is None else document.raw[span.start : span.end]


def only(result: ParseResult, name: str, section: str | None = None) -> Dependency:
    found = [
        dependency
        for dependency in result.dependencies
        if dependency.name == name and (section is None or dependency.location.section == section)
    ]
    assert len(found) == 1, found
    return found[0]


def invalid_lines(result: ParseResult) -> list[tuple[int, str]]:
    return [
        (finding.location.line, finding.message) for finding in result.findings if finding.rule == "invalid"
    ]


def where(dependency: Dependency) -> tuple[int, int, str | None]:
    return dependency.location.line, dependency.location.column, dependency.location.section


# --- discovery ----------------------------------------------------------------------------------


def test_claims_only_files_named_pyproject_toml() -> None:
    source = PyprojectSource()
    assert source.kind is FileKind.PYPROJECT
    assert source.claims(PurePath("pyproject.toml"))
    assert source.claims(PurePath("services/api/pyproject.toml"))
    assert not source.claims(PurePath("pyproject.toml.orig"))
    assert not source.claims(PurePath("poetry.lock"))
    assert not source.claims(PurePath("depcheck.toml"))


# --- PEP 621 and PEP 517 ------------------------------------------------------------------------

PROJECT = """\
[build-system]
requires = ["setuptools>=61", 'wheel==0.42.0']

[project]
name = "demo"
requires-python = ">= 3.9"
dependencies = [
    # a comment with "quotes", [brackets] and a comma,
    "requests[socks] >= 2.31, <3 ; python_version >= '3.8'",
    'httpx==0.27.0',  # trailing comment
    "attrs",
    "pkg @ https://files.example/pkg-1.0.tar.gz#sha256=abc",
]

[project.optional-dependencies]
test = ["pytest==8.0.0", "pytest-cov>=4",]
docs = [
    "sphinx~=7.2"
]
"""


def test_project_dependencies_with_markers_comments_and_literal_strings() -> None:
    document, result = parse(PROJECT)
    assert result.files == ("pyproject.toml",)
    assert result.findings == ()

    requests = only(result, "requests")
    assert requests.ecosystem is Ecosystem.PYPI
    assert requests.text == "requests[socks] >= 2.31, <3"
    assert requests.specifier == "<3,>=2.31"
    assert requests.extras == ("socks",)
    assert requests.marker == 'python_version >= "3.8"'
    assert requests.role is Role.REQUIREMENT
    assert where(requests) == (9, 6, "project.dependencies")
    assert requests.location.span_role is SpanRole.REQUIREMENT
    assert spanned(document, requests) == b"requests[socks] >= 2.31, <3"

    httpx = only(result, "httpx")
    assert (httpx.specifier, httpx.text) == ("==0.27.0", "httpx==0.27.0")
    assert where(httpx) == (10, 6, "project.dependencies")
    assert spanned(document, httpx) == b"httpx==0.27.0"

    attrs = only(result, "attrs")
    assert attrs.specifier == ""
    assert where(attrs) == (11, 6, "project.dependencies")
    assert spanned(document, attrs) == b"attrs"

    pkg = only(result, "pkg")
    assert pkg.url == "https://files.example/pkg-1.0.tar.gz#sha256=abc"
    assert spanned(document, pkg) == b"pkg @ https://files.example/pkg-1.0.tar.gz#sha256=abc"


def test_build_system_requires_and_optional_dependencies() -> None:
    document, result = parse(PROJECT)
    setuptools = only(result, "setuptools")
    assert setuptools.role is Role.BUILD_REQUIREMENT
    assert setuptools.specifier == ">=61"
    assert where(setuptools) == (2, 14, "build-system.requires")
    assert spanned(document, setuptools) == b"setuptools>=61"
    wheel = only(result, "wheel")
    assert wheel.role is Role.BUILD_REQUIREMENT
    assert where(wheel) == (2, 32, "build-system.requires")
    assert spanned(document, wheel) == b"wheel==0.42.0"

    pytest_ = only(result, "pytest")
    assert where(pytest_) == (16, 10, "project.optional-dependencies.test")
    assert spanned(document, pytest_) == b"pytest==8.0.0"
    cov = only(result, "pytest-cov")
    assert (cov.specifier, where(cov)) == (">=4", (16, 27, "project.optional-dependencies.test"))
    sphinx = only(result, "sphinx")
    assert (sphinx.specifier, where(sphinx)) == ("~=7.2", (18, 6, "project.optional-dependencies.docs"))
    assert spanned(document, sphinx) == b"sphinx~=7.2"


def test_requires_python_is_an_interpreter_constraint() -> None:
    document, result = parse(PROJECT)
    python = only(result, "python")
    assert python.role is Role.INTERPRETER
    assert python.text == ">= 3.9"
    assert python.specifier == ">=3.9"
    assert where(python) == (6, 20, "project.requires-python")
    assert spanned(document, python) == b">= 3.9"
    assert python.location.span_role is SpanRole.VERSION


def test_every_reference_is_reported_in_file_order() -> None:
    _document, result = parse(PROJECT)
    assert [dependency.name for dependency in result.dependencies] == [
        "setuptools",
        "wheel",
        "python",
        "requests",
        "httpx",
        "attrs",
        "pkg",
        "pytest",
        "pytest-cov",
        "sphinx",
    ]


def test_dotted_keys_inside_the_project_table() -> None:
    document, result = parse(
        '[project]\nname = "x"\noptional-dependencies.dev = ["ruff==0.5.0"]\n'
        '[tool]\npoetry.dependencies.flask = "^3.0"\n'
    )
    ruff = only(result, "ruff")
    assert where(ruff) == (3, 31, "project.optional-dependencies.dev")
    assert spanned(document, ruff) == b"ruff==0.5.0"
    flask = only(result, "flask")
    assert (flask.specifier, where(flask)) == (">=3.0,<4.0", (5, 30, "tool.poetry.dependencies"))
    assert spanned(document, flask) == b"^3.0"


def test_multiline_strings_and_array_of_tables_before_the_dependencies() -> None:
    document, result = parse(
        "[[tool.mypy.overrides]]\nmodule = ['a.*']\n[[tool.mypy.overrides]]\nmodule = ['b.*']\n"
        '[project]\ndependencies = [\n    """\nflask==3.0.0""",\n'
        "    '''django==5.0.1''',\n]\n"
    )
    assert result.findings == ()
    flask = only(result, "flask")
    assert where(flask) == (8, 1, "project.dependencies")
    assert spanned(document, flask) == b"flask==3.0.0"
    django = only(result, "django")
    assert where(django) == (9, 8, "project.dependencies")
    assert spanned(document, django) == b"django==5.0.1"


# --- file encodings and escapes -----------------------------------------------------------------


def test_crlf_file_keeps_exact_spans() -> None:
    raw = (
        b'[project]\r\ndependencies = [\r\n    "flask==3.0.0",  # web\r\n    "httpx>=0.27",\r\n]\r\n'
        b'\r\n[tool.poetry.dependencies]\r\nrich = "^13.7"\r\n'
    )
    document, result = parse(raw)
    assert result.findings == ()
    flask = only(result, "flask")
    assert where(flask) == (3, 6, "project.dependencies")
    assert flask.location.span is not None
    assert flask.location.span.start == 34
    assert spanned(document, flask) == b"flask==3.0.0"
    httpx = only(result, "httpx")
    assert where(httpx) == (4, 6, "project.dependencies")
    assert spanned(document, httpx) == b"httpx>=0.27"
    rich = only(result, "rich")
    assert where(rich) == (8, 9, "tool.poetry.dependencies")
    assert spanned(document, rich) == b"^13.7"


def test_bom_shifts_byte_offsets_but_not_columns() -> None:
    raw = b'\xef\xbb\xbf[project]\ndependencies = ["flask==3.0.0"]\n'
    document, result = parse(raw)
    flask = only(result, "flask")
    assert where(flask) == (2, 18, "project.dependencies")
    assert flask.location.span is not None
    assert flask.location.span.start == 3 + len(b'[project]\ndependencies = ["')
    assert spanned(document, flask) == b"flask==3.0.0"


def test_multibyte_text_before_an_entry() -> None:
    raw = '[project]\n# café ☕\ndependencies = ["naïve-pkg", "flask==3.0.0"]  # ünï\n'.encode()
    document, result = parse(raw)
    assert [finding.message for finding in result.findings] == [
        "project.dependencies[0]: 'naïve-pkg' is not a PEP 508 requirement: "
        "Expected package name at the start of dependency specifier"
    ]
    flask = only(result, "flask")
    assert where(flask) == (3, 31, "project.dependencies")
    assert spanned(document, flask) == b"flask==3.0.0"


def test_escape_inside_the_marker_keeps_the_span() -> None:
    document, result = parse('[project]\ndependencies = ["tomli>=1.1.0; python_version < \\"3.11\\""]\n')
    tomli = only(result, "tomli")
    assert tomli.marker == 'python_version < "3.11"'
    assert where(tomli) == (2, 18, "project.dependencies")
    assert spanned(document, tomli) == b"tomli>=1.1.0"


def test_escape_inside_the_requirement_drops_the_span() -> None:
    # "\u0061" is "a": the value reads "attrs==23.1.0" but the file holds more characters, so no
    # span would replace exactly the requirement.
    document, result = parse('[project]\ndependencies = ["\\u0061ttrs==23.1.0", "six==1.16.0"]\n')
    attrs = only(result, "attrs")
    assert attrs.text == "attrs==23.1.0"
    assert attrs.specifier == "==23.1.0"
    assert where(attrs) == (2, 18, "project.dependencies")
    assert attrs.location.span is None
    six = only(result, "six")
    assert where(six) == (2, 40, "project.dependencies")
    assert spanned(document, six) == b"six==1.16.0"


def test_escaped_poetry_version_has_no_span() -> None:
    document, result = parse('[tool.poetry.dependencies]\nflask = "\\u005e3.0"\nrich = "13.7.1"\n')
    flask = only(result, "flask")
    assert (flask.text, flask.specifier) == ("^3.0", ">=3.0,<4.0")
    assert where(flask) == (2, 10, "tool.poetry.dependencies")
    assert flask.location.span is None
    rich = only(result, "rich")
    assert spanned(document, rich) == b"13.7.1"


# --- PEP 735 dependency groups ------------------------------------------------------------------

GROUPS = """\
[dependency-groups]
typing = ["mypy==1.13.0", "types-requests"]
all = [{include-group = "typing"}, "click==8.1.7"]
broken = [{include-group = "nope"}, "six==1.16.0"]
a = [{include-group = "B"}]
b = ["attrs==23.1.0", {include-group = "a"}]
self = [{include-group = "self"}]
odd = [{include = "typing"}]
"""


def test_dependency_groups_report_each_entry_once_where_it_is_written() -> None:
    document, result = parse(GROUPS)
    assert [(dependency.name, dependency.location.section) for dependency in result.dependencies] == [
        ("mypy", "dependency-groups.typing"),
        ("types-requests", "dependency-groups.typing"),
        ("click", "dependency-groups.all"),
        ("six", "dependency-groups.broken"),
        ("attrs", "dependency-groups.b"),
    ]
    click = only(result, "click")
    assert where(click) == (3, 37, "dependency-groups.all")
    assert spanned(document, click) == b"click==8.1.7"


def test_dependency_group_includes_that_are_missing_or_cyclic_are_invalid() -> None:
    _document, result = parse(GROUPS)
    assert [(finding.location.line, finding.location.column) for finding in result.findings] == [
        (4, 11),
        (5, 6),
        (6, 23),
        (7, 9),
        (8, 8),
    ]
    assert invalid_lines(result) == [
        (
            4,
            "dependency-groups.broken[0] includes the group 'nope', which [dependency-groups] does not define",
        ),
        (5, "dependency-groups.a[0] makes an include-group cycle: a -> b -> a"),
        (6, "dependency-groups.b[1] makes an include-group cycle: b -> a -> b"),
        (7, "dependency-groups.self[0] makes an include-group cycle: self -> self"),
        (8, 'dependency-groups.odd[0] must be a PEP 508 string or {include-group = "<group>"}'),
    ]
    assert {finding.location.section for finding in result.findings} == {
        "dependency-groups.broken",
        "dependency-groups.a",
        "dependency-groups.b",
        "dependency-groups.self",
        "dependency-groups.odd",
    }


# --- Poetry -------------------------------------------------------------------------------------

POETRY = """\
[tool.poetry.dependencies]
python = "^3.9"
caret = "^1.2.3"
zero = "^0.2.3"
tilde = "~1.2"
anything = "*"
empty = ""
exact = "1.2.3"
wild = "1.2.*"
ranged = ">=1,<2"
either = "^1.2 || ^2.0"
table = { version = "^2.1", extras = ["socks", "http2"], optional = true, python = ">=3.10" }
fromgit = { git = "https://github.example/org/fromgit.git", rev = "0123456789abcdef0123456789abcdef01234567" }
tagged = { git = "https://github.example/org/tagged.git", tag = "v1.0" }
branch = { git = "https://github.example/org/branch.git", branch = "main" }
local = { path = "../local", develop = true }
archive = { url = "https://files.example/archive-1.0.tar.gz" }
multi = [
    { version = "<2", python = "<3.8" },
    { version = ">=2", python = ">=3.8" },
]
"zope.interface" = "^6.0"

[tool.poetry.dev-dependencies]
black = "^22.6"

[tool.poetry.group.lint.dependencies]
ruff = "0.5.0"
"""


def poetry_dependency(name: str) -> tuple[Document, Dependency]:
    document, result = parse(POETRY)
    assert result.findings == ()
    return document, only(result, name)


@pytest.mark.parametrize(
    ("name", "specifier", "text", "line", "column"),
    [
        ("caret", ">=1.2.3,<2.0.0", "^1.2.3", 3, 10),
        ("zero", ">=0.2.3,<0.3.0", "^0.2.3", 4, 9),
        ("tilde", ">=1.2,<1.3", "~1.2", 5, 10),
        ("anything", "", "*", 6, 13),
        ("empty", "", "", 7, 10),
        ("exact", "==1.2.3", "1.2.3", 8, 10),
        ("wild", "==1.2.*", "1.2.*", 9, 9),
        ("ranged", ">=1,<2", ">=1,<2", 10, 11),
        ("either", ">=1.2,<3.0", "^1.2 || ^2.0", 11, 11),
        ("zope-interface", ">=6.0,<7.0", "^6.0", 22, 21),
    ],
)
def test_poetry_version_strings(name: str, specifier: str, text: str, line: int, column: int) -> None:
    document, dependency = poetry_dependency(name)
    assert dependency.specifier == specifier
    assert dependency.text == text
    assert dependency.role is Role.REQUIREMENT
    assert where(dependency) == (line, column, "tool.poetry.dependencies")
    assert dependency.location.span_role is SpanRole.VERSION
    assert spanned(document, dependency) == text.encode()


def test_poetry_python_key_is_the_interpreter() -> None:
    document, python = poetry_dependency("python")
    assert python.role is Role.INTERPRETER
    assert (python.text, python.specifier) == ("^3.9", ">=3.9,<4.0")
    assert where(python) == (2, 11, "tool.poetry.dependencies")
    assert spanned(document, python) == b"^3.9"


def test_poetry_version_table_spans_the_version_string() -> None:
    document, table = poetry_dependency("table")
    assert (table.text, table.specifier) == ("^2.1", ">=2.1,<3.0")
    assert table.extras == ("http2", "socks")
    assert table.marker == 'python_version >= "3.10"'
    assert where(table) == (12, 22, "tool.poetry.dependencies")
    assert spanned(document, table) == b"^2.1"


def test_poetry_git_path_and_url_dependencies() -> None:
    _document, fromgit = poetry_dependency("fromgit")
    assert (
        fromgit.url == "git+https://github.example/org/fromgit.git@0123456789abcdef0123456789abcdef01234567"
    )
    assert fromgit.text == "https://github.example/org/fromgit.git"
    assert where(fromgit) == (13, 1, "tool.poetry.dependencies")
    assert fromgit.location.span is None
    _document, tagged = poetry_dependency("tagged")
    assert tagged.url == "git+https://github.example/org/tagged.git@v1.0"
    _document, branch = poetry_dependency("branch")
    assert branch.url == "git+https://github.example/org/branch.git@main"
    _document, local = poetry_dependency("local")
    assert local.url is None
    assert (
        local.unresolved
        == "local comes from a local path (../local); it cannot be checked against a registry"
    )
    assert where(local) == (16, 1, "tool.poetry.dependencies")
    _document, archive = poetry_dependency("archive")
    assert archive.url == "https://files.example/archive-1.0.tar.gz"
    assert archive.unresolved is None


def test_poetry_multiple_constraints_give_one_dependency_per_element() -> None:
    document, result = parse(POETRY)
    multi = [dependency for dependency in result.dependencies if dependency.name == "multi"]
    assert [(dependency.specifier, dependency.text, dependency.marker) for dependency in multi] == [
        ("<2", "<2", 'python_version < "3.8"'),
        (">=2", ">=2", 'python_version >= "3.8"'),
    ]
    assert [where(dependency) for dependency in multi] == [
        (19, 18, "tool.poetry.dependencies"),
        (20, 18, "tool.poetry.dependencies"),
    ]
    assert [spanned(document, dependency) for dependency in multi] == [b"<2", b">=2"]


def test_poetry_dev_dependencies_and_groups() -> None:
    document, result = parse(POETRY)
    black = only(result, "black")
    assert (black.specifier, where(black)) == (">=22.6,<23.0", (25, 10, "tool.poetry.dev-dependencies"))
    ruff = only(result, "ruff")
    assert (ruff.specifier, where(ruff)) == ("==0.5.0", (28, 9, "tool.poetry.group.lint.dependencies"))
    assert spanned(document, ruff) == b"0.5.0"


def test_poetry_dependency_written_as_a_sub_table() -> None:
    document, result = parse(
        "[tool.poetry.dependencies.foo]  # depcheck: ignore[ranged]\n"
        'version = "^1.0"\n'
        'extras = ["x"]\n'
        "\n"
        "[tool.poetry.dependencies.bar]\n"
        'git = "git@github.example:org/bar.git"\n'
    )
    assert result.findings == ()
    foo = only(result, "foo")
    assert (foo.text, foo.specifier, foo.extras) == ("^1.0", ">=1.0,<2.0", ("x",))
    assert where(foo) == (2, 12, "tool.poetry.dependencies")
    assert spanned(document, foo) == b"^1.0"
    assert foo.ignored_rules == frozenset({"ranged"})
    bar = only(result, "bar")
    assert bar.url == "git+git@github.example:org/bar.git"
    assert where(bar) == (5, 1, "tool.poetry.dependencies")


def test_poetry_named_source_sets_the_index() -> None:
    _document, result = parse(
        '[[tool.poetry.source]]\nname = "corp"\nurl = "https://index.example/simple"\n'
        "[tool.poetry.dependencies]\n"
        'internal = { version = "1.0.0", source = "corp" }\n'
        'other = { version = "1.0.0", source = "elsewhere" }\n'
    )
    assert only(result, "internal").index_url == "https://index.example/simple"
    other = only(result, "other")
    assert other.unresolved == (
        "other comes from the source 'elsewhere', which [[tool.poetry.source]] does not define"
    )


def test_poetry_bad_values_are_invalid_and_the_rest_is_read() -> None:
    _document, result = parse(
        "[tool.poetry.dependencies]\n"
        "count = 3\n"
        'nonsense = "Invalid version."\n'
        "flags = { version = 2 }\n"
        'listed = ["1.0"]\n'
        'fine = "^1.0"\n'
    )
    assert invalid_lines(result) == [
        (
            2,
            "tool.poetry.dependencies.count must be a version string, a table or an array of tables, not an integer",
        ),
        (
            3,
            "tool.poetry.dependencies.nonsense: 'Invalid version.' is not a Poetry version constraint: "
            "'Invalid' is not a version",
        ),
        (4, "tool.poetry.dependencies.flags.version must be a string, not an integer"),
        (5, 'tool.poetry.dependencies.listed[0] must be a table such as {version = "..."}, not a string'),
    ]
    assert [dependency.name for dependency in result.dependencies] == ["fine"]


# --- PDM and uv ---------------------------------------------------------------------------------


def test_pdm_dev_dependency_groups_with_editables() -> None:
    document, result = parse(
        "[tool.pdm.dev-dependencies]\n"
        'lint = ["flake8>=6"]\n'
        'test = [\n    "pytest==8.0.0",\n    "-e file:///${PROJECT_ROOT}/libs/core#egg=core",\n'
        '    "-e git+https://git.example/tool.git@v1#egg=tool",\n]\n'
    )
    flake8 = only(result, "flake8")
    assert where(flake8) == (2, 10, "tool.pdm.dev-dependencies.lint")
    assert spanned(document, flake8) == b"flake8>=6"
    assert where(only(result, "pytest")) == (4, 6, "tool.pdm.dev-dependencies.test")
    core = only(result, "core")
    assert core.editable is True
    assert core.url == "file:///${PROJECT_ROOT}/libs/core#egg=core"
    assert where(core) == (5, 9, "tool.pdm.dev-dependencies.test")
    tool = only(result, "tool")
    assert (tool.editable, tool.url) == (True, "git+https://git.example/tool.git@v1#egg=tool")


def test_uv_dependency_tables_and_their_roles() -> None:
    document, result = parse(
        "[tool.uv]\n"
        'dev-dependencies = ["ruff==0.5.0"]\n'
        'constraint-dependencies = ["urllib3<2"]\n'
        'override-dependencies = ["idna==3.7"]\n'
    )
    ruff = only(result, "ruff")
    assert (ruff.role, where(ruff)) == (Role.REQUIREMENT, (2, 22, "tool.uv.dev-dependencies"))
    urllib3 = only(result, "urllib3")
    assert (urllib3.role, where(urllib3)) == (Role.CONSTRAINT, (3, 29, "tool.uv.constraint-dependencies"))
    assert spanned(document, urllib3) == b"urllib3<2"
    idna = only(result, "idna")
    assert (idna.role, where(idna)) == (Role.CONSTRAINT, (4, 27, "tool.uv.override-dependencies"))


UV_SOURCES = """\
[project]
dependencies = [
    "local-lib",
    "member==1.0.0",
    "forked",
    "pinned-fork",
    "archive",
    "private==2.0.0",
    "lost",
    "split",
    "requests==2.32.3",
]

[dependency-groups]
dev = ["Local_Lib"]

[tool.uv.sources]
local-lib = { path = "../local-lib", editable = true }
member = { workspace = true }
forked = { git = "https://git.example/forked", branch = "main" }
pinned-fork = { git = "https://git.example/pinned", rev = "0123456789abcdef0123456789abcdef01234567" }
archive = { url = "https://files.example/archive-1.0.tar.gz" }
private = { index = "corp" }
lost = { index = "nowhere" }
split = [
    { index = "corp", marker = "sys_platform == 'linux'" },
    { path = "../split", marker = "sys_platform != 'linux'" },
]

[[tool.uv.index]]
name = "corp"
url = "https://index.example/simple"
"""


def test_uv_sources_take_dependencies_off_the_index() -> None:
    document, result = parse(UV_SOURCES)
    assert result.findings == ()
    local = [dependency for dependency in result.dependencies if dependency.name == "local-lib"]
    assert [dependency.unresolved for dependency in local] == [
        "local-lib comes from a local path via tool.uv.sources (../local-lib); "
        "it cannot be checked against a registry"
    ] * 2
    assert [dependency.location.section for dependency in local] == [
        "project.dependencies",
        "dependency-groups.dev",
    ]
    member = only(result, "member")
    assert member.unresolved == (
        "member is a workspace member (tool.uv.sources); it is built from this repository, "
        "not taken from an index"
    )
    assert member.specifier == "==1.0.0"
    assert spanned(document, member) == b"member==1.0.0"
    assert only(result, "forked").url == "git+https://git.example/forked@main"
    assert only(result, "pinned-fork").url == (
        "git+https://git.example/pinned@0123456789abcdef0123456789abcdef01234567"
    )
    assert only(result, "archive").url == "https://files.example/archive-1.0.tar.gz"
    private = only(result, "private")
    assert (private.index_url, private.unresolved) == ("https://index.example/simple", None)
    assert only(result, "lost").unresolved == (
        "lost comes from the index 'nowhere', which [[tool.uv.index]] does not define"
    )
    assert only(result, "split").unresolved == (
        "split has several sources in tool.uv.sources, chosen by marker; it is not checked"
    )
    requests = only(result, "requests")
    assert (requests.url, requests.unresolved, requests.index_url) == (None, None, None)


# --- inline ignores -----------------------------------------------------------------------------


def test_inline_ignore_comments_apply_to_the_entry_on_their_line() -> None:
    _document, result = parse(
        "[project]\n"
        "dependencies = [\n"
        '    "flask>=3",  # depcheck: ignore\n'
        '    "httpx>=0.27",  # pinned by the platform team  # depcheck: ignore[ranged, outdated]\n'
        '    "rich>=13",\n'
        "]\n"
        "[tool.poetry.dependencies]\n"
        'click = "^8.1"  # depcheck: ignore[ranged]\n'
        'typer = "^0.12"  # an ordinary comment\n'
    )
    assert only(result, "flask").ignored_rules == frozenset()
    assert only(result, "httpx").ignored_rules == frozenset({"ranged", "outdated"})
    assert only(result, "rich").ignored_rules is None
    assert only(result, "click").ignored_rules == frozenset({"ranged"})
    assert only(result, "typer").ignored_rules is None


def test_ignore_on_a_single_line_array_covers_each_entry() -> None:
    _document, result = parse('[project]\ndependencies = ["a>=1", "b>=2"]  # depcheck: ignore[ranged]\n')
    assert [dependency.ignored_rules for dependency in result.dependencies] == [frozenset({"ranged"})] * 2


# --- bad input ----------------------------------------------------------------------------------


def test_invalid_toml_is_one_finding_at_tomllibs_line() -> None:
    _document, result = parse('[project]\nname = "x"\ndependencies = ["flask==3.0.0",\n  oops\n]\n')
    assert result.dependencies == ()
    assert result.files == ("pyproject.toml",)
    [finding] = result.findings
    assert finding.rule == "invalid"
    assert (finding.location.line, finding.location.column) == (4, 3)
    assert finding.message == "not valid TOML: Invalid value (at line 4, column 3)"


def test_invalid_toml_at_the_end_of_the_document_points_at_its_last_line() -> None:
    _document, result = parse('[project]\ndependencies = [\n  "flask==3.0.0",\n\n')
    [finding] = result.findings
    assert finding.location.line == 3
    assert finding.message == "not valid TOML: Invalid value (at end of document)"


def test_wrong_types_are_invalid_and_the_rest_of_the_file_is_read() -> None:
    _document, result = parse(
        "[build-system]\n"
        'requires = ["hatchling==1.25.0", 7, true]\n'
        "[project]\n"
        'dependencies = "requests"\n'
        'optional-dependencies = ["pytest"]\n'
        "[dependency-groups]\n"
        'dev = "ruff"\n'
        'test = ["pytest==8.0.0"]\n'
        "[tool.poetry]\n"
        'dependencies = ["flask"]\n'
        "[tool.uv]\n"
        "dev-dependencies = { ruff = 1 }\n"
    )
    assert invalid_lines(result) == [
        (2, "build-system.requires[1] must be a PEP 508 requirement string, not an integer"),
        (2, "build-system.requires[2] must be a PEP 508 requirement string, not a boolean"),
        (4, "project.dependencies must be an array of PEP 508 requirement strings, not a string"),
        (5, "project.optional-dependencies must be a table of arrays, not an array"),
        (7, "dependency-groups.dev must be an array, not a string"),
        (10, "tool.poetry.dependencies must be a table of dependencies, not an array"),
        (12, "tool.uv.dev-dependencies must be an array of PEP 508 requirement strings, not a table"),
    ]
    assert [(finding.location.line, finding.location.column) for finding in result.findings][:3] == [
        (2, 34),
        (2, 37),
        (4, 1),
    ]
    assert [dependency.name for dependency in result.dependencies] == ["hatchling", "pytest"]


def test_a_table_that_is_not_a_table_is_reported_once() -> None:
    _document, result = parse('project = "demo"\n[tool.poetry.dependencies]\nrich = "13.7.1"\n')
    assert invalid_lines(result) == [(1, "project must be a table, not a string")]
    assert [dependency.name for dependency in result.dependencies] == ["rich"]


def test_entry_that_is_not_pep508_is_invalid_with_packagings_reason() -> None:
    _document, result = parse('[project]\ndependencies = [\n    "flask==3.0.0",\n    "flask = 3",\n]\n')
    [finding] = result.findings
    assert isinstance(finding, Finding)
    assert (finding.rule, finding.location.line, finding.location.column) == ("invalid", 4, 6)
    assert finding.location.section == "project.dependencies"
    assert finding.message == (
        "project.dependencies[1]: 'flask = 3' is not a PEP 508 requirement: "
        "Expected semicolon (after name with no version specifier) or end"
    )
    assert [dependency.name for dependency in result.dependencies] == ["flask"]


def test_invalid_requires_python_is_reported() -> None:
    _document, result = parse('[project]\nrequires-python = "3.9+"\n')
    assert result.dependencies == ()
    [finding] = result.findings
    assert finding.location.line == 2
    assert finding.message.startswith("project.requires-python: '3.9+' is not a version specifier")


# --- real files ---------------------------------------------------------------------------------


def corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("pyproject.toml")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_every_corpus_pyproject_parses_with_exact_spans() -> None:
    files = corpus_files()
    assert len(files) >= 2
    for path in files:
        document, result = parse(path.read_bytes())
        assert [finding.message for finding in result.findings] == [], path
        for dependency in result.dependencies:
            assert dependency.location.span is not None, (path, dependency)
            text = spanned(document, dependency)
            assert text is not None
            if dependency.location.span_role is SpanRole.REQUIREMENT:
                assert text.decode() == dependency.text, (path, dependency)


@pytest.mark.skipif(not (CORPUS / "Textualize__rich").is_dir(), reason="shared corpus not present")
def test_corpus_rich_poetry_file() -> None:
    # Counted by hand: python + 3 in tool.poetry.dependencies, 7 dev-dependencies, 1 build requirement.
    document, result = parse((CORPUS / "Textualize__rich" / "pyproject.toml").read_bytes())
    assert len(result.dependencies) == 12
    assert len([d for d in result.dependencies if d.role is Role.INTERPRETER]) == 1
    pygments = only(result, "pygments")
    assert (pygments.text, pygments.specifier) == ("^2.13.0", ">=2.13.0,<3.0.0")
    assert where(pygments) == (32, 13, "tool.poetry.dependencies")
    assert spanned(document, pygments) == b"^2.13.0"
    typing_extensions = only(result, "typing-extensions")
    assert typing_extensions.specifier == ">=4.0.0,<5.0"
    assert spanned(document, typing_extensions) == b">=4.0.0, <5.0"


@pytest.mark.skipif(not (CORPUS / "jazzband__pip-tools").is_dir(), reason="shared corpus not present")
def test_corpus_pip_tools_file() -> None:
    # Counted by hand: 2 build requirements, requires-python, 8 dependencies (between comments),
    # 7 in the testing extra and 2 in the coverage extra.
    document, result = parse((CORPUS / "jazzband__pip-tools" / "pyproject.toml").read_bytes())
    assert len(result.dependencies) == 20
    sections = [dependency.location.section for dependency in result.dependencies]
    assert sections.count("project.dependencies") == 8
    assert sections.count("project.optional-dependencies.testing") == 7
    assert sections.count("project.optional-dependencies.coverage") == 2
    setuptools = only(result, "setuptools", "project.dependencies")
    assert where(setuptools) == (48, 4, "project.dependencies")
    assert spanned(document, setuptools) == b"setuptools"
    typing_extensions = only(result, "typing-extensions")
    assert typing_extensions.marker == 'python_version < "3.11"'
    assert spanned(document, typing_extensions) == b"typing_extensions >= 4.6.0"
