"""Project configuration: where it is found, what it accepts, and the messages for what it refuses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from packaging.version import Version

from depcheck.config import (
    Config,
    ConfigError,
    Credentials,
    PyprojectDependencies,
    RegistrySettings,
    find_config,
    load_config,
    parse_duration,
)
from depcheck.model import Severity
from depcheck.policy import Strategy


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder that is the top of a repository, and the current directory."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


# --- discovery -----------------------------------------------------------------------------------


def test_no_file_gives_defaults(repo: Path) -> None:
    config = load_config(repo, None)

    assert config == Config()
    assert config.fail_on is Severity.ERROR
    assert config.strategy is Strategy.RANGE
    assert config.pyproject_dependencies is PyprojectDependencies.EXACT
    assert config.format == "text"
    assert config.path is None


def test_pyproject_tool_table_is_read(repo: Path) -> None:
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool.depcheck]\nfail-on = "warning"\n')

    config = load_config(repo, None)

    assert config.fail_on is Severity.WARNING
    assert config.path == repo / "pyproject.toml"


def test_depcheck_toml_beats_pyproject_in_the_same_folder(repo: Path) -> None:
    write(repo / "pyproject.toml", '[tool.depcheck]\nfail-on = "warning"\n')
    write(repo / "depcheck.toml", 'fail-on = "info"\n')

    assert load_config(repo, None).fail_on is Severity.INFO


def test_pyproject_without_a_depcheck_table_is_passed_over(repo: Path) -> None:
    write(repo / "depcheck.toml", 'strategy = "latest"\n')
    write(repo / "services" / "api" / "pyproject.toml", '[project]\nname = "api"\n')

    config = load_config(repo / "services" / "api", None)

    assert config.strategy is Strategy.LATEST
    assert config.path == repo / "depcheck.toml"


def test_nearest_file_wins(repo: Path) -> None:
    write(repo / "depcheck.toml", 'strategy = "latest"\n')
    write(repo / "services" / "api" / "pyproject.toml", '[tool.depcheck]\nfail-on = "never"\n')

    config = load_config(repo / "services" / "api" / "requirements.txt", None)

    # The nearer file is used alone; settings are not merged across folders.
    assert config.fail_on is None
    assert config.strategy is Strategy.RANGE


def test_walk_stops_at_the_repository_top(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "depcheck.toml", 'fail-on = "never"\n')
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "src").mkdir()
    monkeypatch.chdir(tmp_path / "repo")

    assert find_config(tmp_path / "repo" / "src") is None
    assert load_config(tmp_path / "repo" / "src", None).fail_on is Severity.ERROR


def test_a_git_file_marks_the_top_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Worktrees and submodules have a `.git` file, not a folder.
    write(tmp_path / "depcheck.toml", 'fail-on = "never"\n')
    write(tmp_path / "sub" / ".git", "gitdir: ../.git/modules/sub\n")
    monkeypatch.chdir(tmp_path)

    assert find_config(tmp_path / "sub") is None


def test_config_in_the_repository_top_folder_is_found(repo: Path) -> None:
    write(repo / "depcheck.toml", 'fail-on = "info"\n')
    (repo / "deep" / "er").mkdir(parents=True)

    assert load_config(repo / "deep" / "er", None).fail_on is Severity.INFO


def test_explicit_file_uses_top_level_keys(repo: Path, tmp_path: Path) -> None:
    write(repo / "depcheck.toml", 'fail-on = "info"\n')
    explicit = write(tmp_path / "ci" / "strict.toml", 'fail-on = "warning"\n')

    config = load_config(repo, explicit)

    assert config.fail_on is Severity.WARNING
    assert config.path == explicit


def test_explicit_pyproject_uses_its_tool_table(repo: Path) -> None:
    write(repo / "other" / "pyproject.toml", '[tool.depcheck]\nformat = "json"\n')

    assert load_config(repo, Path("other/pyproject.toml")).format == "json"


def test_explicit_pyproject_without_the_table_is_an_error(repo: Path) -> None:
    write(repo / "pyproject.toml", '[project]\nname = "x"\n')

    with pytest.raises(ConfigError) as caught:
        load_config(repo, Path("pyproject.toml"))

    assert str(caught.value) == "pyproject.toml: has no [tool.depcheck] table"


def test_explicit_missing_file_is_an_error(repo: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(repo, Path("nope.toml"))

    assert str(caught.value) == "nope.toml: no such file"


def test_invalid_toml_names_the_file(repo: Path) -> None:
    write(repo / "depcheck.toml", "fail-on = \n")

    with pytest.raises(ConfigError) as caught:
        load_config(repo, None)

    assert str(caught.value).startswith("depcheck.toml: is not valid TOML: ")
    assert "line 1" in str(caught.value)


# --- every key -----------------------------------------------------------------------------------

FULL = """
severity = { outdated = "warning", prerelease = "error" }
disable = ["unresolved"]
ignore-packages = ["Internal_*", "acme.tools"]
ignore-images = ["ghcr.io/acme/*"]
exclude = ["tests/fixtures/", "*.in"]
min-age = "7d"
python = "3.11"
index-url = "https://index.example/simple/"
docker-hub-url = "http://127.0.0.1:5000"
pyproject-dependencies = "bounded"
fail-on = "warning"
strategy = "latest"
format = "sarif"

[registries."registry.local:5000"]
url = "http://registry.local:5000"
credentials = "env:LOCAL_REGISTRY_TOKEN"
insecure = true

[registries."ghcr.io"]
credentials = "none"

[allow-tags]
node = ["lts", "lts-*"]
"ghcr.io/acme/base" = ["stable"]

[[overrides]]
paths = ["docker/**"]
severity = { floating-tag = "warning" }
disable = ["outdated"]
ignore-packages = ["legacy"]
ignore-images = ["busybox"]
"""


def test_every_key_is_read_into_its_typed_field(repo: Path) -> None:
    write(repo / "depcheck.toml", FULL)

    config = load_config(repo, None)

    assert dict(config.severity) == {"outdated": Severity.WARNING, "prerelease": Severity.ERROR}
    assert config.disable == frozenset({"unresolved"})
    assert config.ignore_packages == ("internal-*", "acme-tools")
    assert config.ignore_images == ("ghcr.io/acme/*",)
    assert config.exclude[0].base == repo
    assert config.exclude[0].patterns == ("tests/fixtures/", "*.in")
    assert config.min_age == dt.timedelta(days=7)
    assert config.python == Version("3.11")
    assert config.index_url == "https://index.example/simple/"
    assert config.docker_hub_url == "http://127.0.0.1:5000"
    assert config.pyproject_dependencies is PyprojectDependencies.BOUNDED
    assert config.fail_on is Severity.WARNING
    assert config.strategy is Strategy.LATEST
    assert config.format == "sarif"
    assert dict(config.registries) == {
        "registry.local:5000": RegistrySettings(
            url="http://registry.local:5000",
            credentials=Credentials.ENV,
            env="LOCAL_REGISTRY_TOKEN",
            insecure=True,
        ),
        "ghcr.io": RegistrySettings(credentials=Credentials.NONE),
    }
    assert dict(config.allow_tags) == {"node": ("lts", "lts-*"), "ghcr.io/acme/base": ("stable",)}
    (override,) = config.overrides
    assert override.paths.patterns == ("docker/**",)
    assert dict(override.severity) == {"floating-tag": Severity.WARNING}
    assert override.disable == frozenset({"outdated"})
    assert override.ignore_packages == ("legacy",)
    assert override.ignore_images == ("busybox",)


def test_mappings_cannot_be_changed_behind_the_config(repo: Path) -> None:
    write(repo / "depcheck.toml", 'severity = { outdated = "warning" }\n')

    config = load_config(repo, None)

    with pytest.raises(TypeError):
        config.severity["outdated"] = Severity.ERROR  # type: ignore[index]


def test_fail_on_never_is_none(repo: Path) -> None:
    write(repo / "depcheck.toml", 'fail-on = "never"\n')

    assert load_config(repo, None).fail_on is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"7d"', dt.timedelta(days=7)),
        ('"12h"', dt.timedelta(hours=12)),
        ('"2w"', dt.timedelta(weeks=2)),
        ('"0"', dt.timedelta(0)),
        ('"1w 2d"', dt.timedelta(days=9)),
        ('"90m"', dt.timedelta(minutes=90)),
        ("3", dt.timedelta(days=3)),
        ("0", dt.timedelta(0)),
    ],
)
def test_min_age_forms(repo: Path, value: str, expected: dt.timedelta) -> None:
    write(repo / "depcheck.toml", f"min-age = {value}\n")

    assert load_config(repo, None).min_age == expected


def test_parse_duration_refuses_nonsense() -> None:
    with pytest.raises(
        ValueError, match='expected a duration such as "7d", "12h", "2w" or "0", got "7 days"'
    ):
        parse_duration("7 days")


def test_config_policy_carries_python_min_age_and_strategy(repo: Path) -> None:
    write(repo / "depcheck.toml", 'python = "3.12"\nmin-age = "2d"\nstrategy = "latest"\n')
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    policy = load_config(repo, None).policy(now=now)

    assert policy.python == Version("3.12")
    assert policy.min_age == dt.timedelta(days=2)
    assert policy.strategy is Strategy.LATEST
    assert policy.now == now


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'severity = { unpined = "error" }\n',
            'depcheck.toml: severity.unpined: unknown rule "unpined" (did you mean "unpinned"?)',
        ),
        (
            'severity = { unpinned = "fatal" }\n',
            'depcheck.toml: severity.unpinned: expected one of "error", "warning", "info", got "fatal"',
        ),
        ('severity = "error"\n', "depcheck.toml: severity: expected a table, got a string"),
        ('disable = "outdated"\n', "depcheck.toml: disable: expected an array, got a string"),
        (
            'disable = ["outdated", "ranged ", 3]\n',
            'depcheck.toml: disable[1]: unknown rule "ranged " (did you mean "ranged"?)',
        ),
        ("disable = [3]\n", "depcheck.toml: disable[0]: expected a string, got an integer"),
        ('fail_on = "error"\n', 'depcheck.toml: fail_on: unknown key "fail_on" (did you mean "fail-on"?)'),
        ('colour = "red"\n', 'depcheck.toml: colour: unknown key "colour"'),
        (
            'fail-on = "critical"\n',
            'depcheck.toml: fail-on: expected one of "error", "warning", "info", "never", got "critical"',
        ),
        (
            "python = 3.10\n",
            'depcheck.toml: python: expected a string such as "3.11", got the number 3.1; quote it',
        ),
        (
            'python = "three"\n',
            'depcheck.toml: python: expected a Python version such as "3.11" or "3.12.4", got "three"',
        ),
        (
            'min-age = "a week"\n',
            'depcheck.toml: min-age: expected a duration such as "7d", "12h", "2w" or "0", got "a week"',
        ),
        ("min-age = -1\n", "depcheck.toml: min-age: must not be negative"),
        (
            "min-age = true\n",
            "depcheck.toml: min-age: expected a duration string or a number of days, got a boolean",
        ),
        (
            'index-url = "index.example/simple"\n',
            'depcheck.toml: index-url: expected an http, https or file URL, got "index.example/simple"',
        ),
        (
            'pyproject-dependencies = "loose"\n',
            'depcheck.toml: pyproject-dependencies: expected one of "exact", "bounded", got "loose"',
        ),
        ('strategy = "newest"\n', 'depcheck.toml: strategy: expected one of "range", "latest", got "newest"'),
        (
            'format = "xml"\n',
            'depcheck.toml: format: expected one of "text", "json", "sarif", "github", "markdown", "gitlab", got "xml"',
        ),
        ('exclude = "tests"\n', "depcheck.toml: exclude: expected an array of strings, got a string"),
        ('ignore-images = [["x"]]\n', "depcheck.toml: ignore-images[0]: expected a string, got an array"),
        (
            '[allow-tags]\nnode = "lts"\n',
            "depcheck.toml: allow-tags.node: expected an array of strings, got a string",
        ),
        (
            '[registries."ghcr.io"]\ncredentials = "keychain"\n',
            'depcheck.toml: registries."ghcr.io".credentials: expected "docker-config", "env:VARNAME" or "none", got "keychain"',
        ),
        (
            '[registries."ghcr.io"]\ncredentials = "env:1BAD"\n',
            'depcheck.toml: registries."ghcr.io".credentials: "1BAD" is not an environment variable name',
        ),
        (
            '[registries."ghcr.io"]\ninsecure = "yes"\n',
            'depcheck.toml: registries."ghcr.io".insecure: expected a boolean, got a string',
        ),
        (
            '[registries."ghcr.io"]\ntoken = "x"\n',
            'depcheck.toml: registries."ghcr.io".token: unknown key "token"',
        ),
        (
            '[[overrides]]\ndisable = ["outdated"]\n',
            'depcheck.toml: overrides[0]: missing "paths", the globs of the files this override applies to',
        ),
        (
            "[[overrides]]\npaths = []\n",
            "depcheck.toml: overrides[0].paths: must name at least one path glob",
        ),
        (
            '[[overrides]]\npaths = ["a"]\n[[overrides]]\npaths = ["b"]\nseverity = { latest = "info" }\n',
            'depcheck.toml: overrides[1].severity.latest: unknown rule "latest" (did you mean "latest-tag"?)',
        ),
        (
            '[[overrides]]\npaths = ["a"]\nexclude = ["b"]\n',
            'depcheck.toml: overrides[0].exclude: unknown key "exclude"',
        ),
        ("overrides = { paths = [] }\n", "depcheck.toml: overrides: expected an array, got a table"),
    ],
)
def test_bad_values_name_the_file_and_key(repo: Path, text: str, message: str) -> None:
    write(repo / "depcheck.toml", text)

    with pytest.raises(ConfigError) as caught:
        load_config(repo, None)

    assert str(caught.value) == message


def test_pyproject_errors_carry_the_tool_prefix(repo: Path) -> None:
    write(repo / "pyproject.toml", '[tool.depcheck.severity]\nunpined = "error"\n')

    with pytest.raises(ConfigError) as caught:
        load_config(repo, None)

    assert str(caught.value) == (
        'pyproject.toml: tool.depcheck.severity.unpined: unknown rule "unpined" (did you mean "unpinned"?)'
    )
    assert caught.value.file == "pyproject.toml"
    assert caught.value.key == "tool.depcheck.severity.unpined"


def test_tool_depcheck_that_is_not_a_table(repo: Path) -> None:
    write(repo / "pyproject.toml", '[tool]\ndepcheck = "on"\n')

    with pytest.raises(ConfigError) as caught:
        load_config(repo, None)

    assert str(caught.value) == "pyproject.toml: tool.depcheck: expected a table, got a string"


def test_file_outside_cwd_is_shown_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    write(project / "depcheck.toml", "disable = 1\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    with pytest.raises(ConfigError) as caught:
        load_config(project, None)

    assert (
        str(caught.value)
        == f"{(project / 'depcheck.toml').as_posix()}: disable: expected an array, got an integer"
    )


def test_unused_ignore_is_a_known_rule(repo: Path) -> None:
    write(repo / "depcheck.toml", 'disable = ["unused-ignore"]\n')

    assert load_config(repo, None).disable == frozenset({"unused-ignore"})


# --- command-line values over file values --------------------------------------------------------


def test_command_line_scalars_replace_file_values(repo: Path) -> None:
    write(repo / "depcheck.toml", 'fail-on = "warning"\nmin-age = "7d"\nformat = "json"\npython = "3.11"\n')
    config = load_config(repo, None)

    merged = config.with_overrides(fail_on="never", min_age="12h", format=None, python="3.13", index_url=None)

    assert merged.fail_on is None
    assert merged.min_age == dt.timedelta(hours=12)
    assert merged.format == "json"  # None: not given on the command line
    assert merged.python == Version("3.13")
    assert config.fail_on is Severity.WARNING  # the original is untouched


def test_command_line_accepts_typed_values() -> None:
    merged = Config().with_overrides(
        fail_on=Severity.INFO, min_age=dt.timedelta(days=1), strategy=Strategy.LATEST, python=Version("3.12")
    )

    assert merged.fail_on is Severity.INFO
    assert merged.min_age == dt.timedelta(days=1)
    assert merged.strategy is Strategy.LATEST
    assert merged.python == Version("3.12")


def test_command_line_lists_add_to_file_lists(repo: Path, tmp_path: Path) -> None:
    write(repo / "depcheck.toml", 'exclude = ["vendor/"]\ndisable = ["outdated"]\nignore-packages = ["a"]\n')
    config = load_config(repo, None)

    merged = config.with_overrides(
        exclude=["build/"], disable=["prerelease"], ignore_packages=["B_c"], cwd=repo / "sub"
    )

    assert [(patterns.base, patterns.patterns) for patterns in merged.exclude] == [
        (repo, ("vendor/",)),
        (repo / "sub", ("build/",)),
    ]
    assert merged.disable == frozenset({"outdated", "prerelease"})
    assert merged.ignore_packages == ("a", "b-c")


def test_bad_command_line_value_names_the_option() -> None:
    with pytest.raises(ConfigError) as caught:
        Config().with_overrides(min_age="soon")

    assert (
        str(caught.value)
        == 'command line: --min-age: expected a duration such as "7d", "12h", "2w" or "0", got "soon"'
    )


def test_unknown_command_line_option_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="unknown option 'colour'"):
        Config().with_overrides(colour="red")


# --- paths ---------------------------------------------------------------------------------------


def test_exclude_is_relative_to_the_config_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo / "depcheck.toml", 'exclude = ["tests/fixtures/", "/build", "*.in"]\n')
    (repo / "services").mkdir()
    monkeypatch.chdir(repo / "services")  # reports show paths relative to here

    config = load_config(Path("."), None)

    assert config.is_excluded("../tests/fixtures/requirements.txt")
    assert config.is_excluded("../tests/fixtures", is_dir=True)
    assert not config.is_excluded("../tests/fixtures", is_dir=False)
    assert config.is_excluded("../build/requirements.txt")
    assert not config.is_excluded("build/requirements.txt")  # /build is anchored at the config folder
    assert config.is_excluded("api/requirements.in")
    assert not config.is_excluded("api/requirements.txt")
    assert not config.is_excluded(tmp_path / "outside" / "x.in")  # outside the config folder


def test_cli_exclude_is_relative_to_cwd(tmp_path: Path) -> None:
    config = Config().with_overrides(exclude=["/docs"], cwd=tmp_path)

    assert config.is_excluded("docs/requirements.txt", cwd=tmp_path)
    assert not config.is_excluded("src/docs/requirements.txt", cwd=tmp_path)


def test_scoped_settings_apply_matching_overrides_in_order(repo: Path) -> None:
    write(
        repo / "depcheck.toml",
        """
severity = { outdated = "warning", floating-tag = "error" }
disable = ["prerelease"]
ignore-packages = ["a"]

[[overrides]]
paths = ["docker/"]
severity = { floating-tag = "warning" }
ignore-images = ["busybox"]

[[overrides]]
paths = ["docker/dev.Dockerfile"]
severity = { floating-tag = "info" }
disable = ["outdated"]
""",
    )
    config = load_config(repo, None)

    prod = config.scoped("docker/Dockerfile")
    dev = config.scoped("docker/dev.Dockerfile")
    other = config.scoped("requirements.txt")

    assert dict(prod.severity) == {"outdated": Severity.WARNING, "floating-tag": Severity.WARNING}
    assert prod.ignore_images == ("busybox",)
    assert dict(dev.severity) == {"outdated": Severity.WARNING, "floating-tag": Severity.INFO}
    assert dev.disable == frozenset({"prerelease", "outdated"})
    assert dict(other.severity) == {"outdated": Severity.WARNING, "floating-tag": Severity.ERROR}
    assert other.disable == frozenset({"prerelease"})
    assert other.ignore_packages == ("a",)
    assert other.ignore_images == ()


def test_a_min_age_beyond_any_history_is_refused_not_a_crash() -> None:
    with pytest.raises(ConfigError) as caught:
        Config().with_overrides(min_age="99999999999999999999d")
    assert str(caught.value) == (
        'command line: --min-age: "99999999999999999999d" is longer than a duration can be (999999999 days at most)'
    )


# --- extra indexes -------------------------------------------------------------------------------


def test_extra_index_urls_are_read_in_order(repo: Path) -> None:
    write(
        repo / "depcheck.toml",
        'extra-index-urls = ["https://private.example/simple", "http://127.0.0.1:8080/simple"]\n',
    )

    assert load_config(repo, None).extra_index_urls == (
        "https://private.example/simple",
        "http://127.0.0.1:8080/simple",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'extra-index-urls = "https://private.example/simple"\n',
            "depcheck.toml: extra-index-urls: expected an array of URLs, got a string",
        ),
        (
            'extra-index-urls = ["https://private.example/simple", 8080]\n',
            "depcheck.toml: extra-index-urls[1]: expected a string, got an integer",
        ),
        (
            'extra-index-urls = ["private.example/simple"]\n',
            'depcheck.toml: extra-index-urls[0]: expected an http, https or file URL, got "private.example/simple"',
        ),
        (
            'extra-index-url = ["https://private.example/simple"]\n',
            'depcheck.toml: extra-index-url: unknown key "extra-index-url" (did you mean "extra-index-urls"?)',
        ),
    ],
)
def test_a_wrong_extra_index_urls_names_the_key_and_the_file(repo: Path, text: str, message: str) -> None:
    write(repo / "depcheck.toml", text)

    with pytest.raises(ConfigError) as caught:
        load_config(repo, None)

    assert str(caught.value) == message


# --- find-links ----------------------------------------------------------------------------------


def test_find_links_paths_are_taken_against_the_files_folder_and_urls_kept(repo: Path) -> None:
    (repo / "sub").mkdir()
    write(
        repo / "depcheck.toml",
        'find-links = ["wheels", "../shared/wheels", "/opt/wheels", "https://wheels.example/links.html",'
        ' "file:///srv/wheels"]\n',
    )

    # Loaded from a subfolder: the relative paths still mean the file's own folder.
    assert load_config(repo / "sub", None).find_links == (
        str(repo / "wheels"),
        str(repo / ".." / "shared" / "wheels"),
        "/opt/wheels",
        "https://wheels.example/links.html",
        "file:///srv/wheels",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'find-links = "wheels"\n',
            "depcheck.toml: find-links: expected an array of folders, files or URLs, got a string",
        ),
        ('find-links = ["wheels", 1]\n', "depcheck.toml: find-links[1]: expected a string, got an integer"),
        (
            'find-links = [" "]\n',
            "depcheck.toml: find-links[0]: expected a folder, a file or a URL, got an empty string",
        ),
        (
            'find-links = ["ftp://wheels.example/"]\n',
            'depcheck.toml: find-links[0]: expected a folder, a file or an http, https or file URL, got "ftp://wheels.example/"',
        ),
        (
            'find-link = ["wheels"]\n',
            'depcheck.toml: find-link: unknown key "find-link" (did you mean "find-links"?)',
        ),
    ],
)
def test_a_wrong_find_links_names_the_key_and_the_file(repo: Path, text: str, message: str) -> None:
    write(repo / "depcheck.toml", text)

    with pytest.raises(ConfigError) as caught:
        load_config(repo, None)

    assert str(caught.value) == message


def test_a_wrong_extra_index_urls_in_pyproject_names_the_table(repo: Path) -> None:
    write(repo / "pyproject.toml", "[tool.depcheck]\nextra-index-urls = [true]\n")

    with pytest.raises(ConfigError) as caught:
        load_config(repo, None)

    assert (
        str(caught.value)
        == "pyproject.toml: tool.depcheck.extra-index-urls[0]: expected a string, got a boolean"
    )


def test_command_line_extra_index_urls_add_to_the_files(repo: Path) -> None:
    write(repo / "depcheck.toml", 'extra-index-urls = ["https://private.example/simple"]\n')
    config = load_config(repo, None)

    merged = config.with_overrides(extra_index_urls=["https://more.example/simple"])

    assert merged.extra_index_urls == ("https://private.example/simple", "https://more.example/simple")


def test_a_bad_command_line_extra_index_url_names_the_option() -> None:
    with pytest.raises(ConfigError) as caught:
        Config().with_overrides(extra_index_urls=["https://ok.example/simple", "ftp://old.example/simple"])

    assert str(caught.value) == (
        'command line: --extra-index-url: expected an http, https or file URL, got "ftp://old.example/simple"'
    )
